"""The arrangement views (考点编排, 考场编排, 排考明细) of an institution's sites and of an
organisation's plans, with counts and an Excel export."""
