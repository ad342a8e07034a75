"""The review deadline in Chinese working days."""

from datetime import UTC, datetime

from review.cases.calendar import due_at
from skillcert.clock import CHINA


def beijing(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA).astimezone(UTC)


class TestDueAt:
    def test_two_working_days_on_an_ordinary_week(self):
        # Tuesday 10:00 Beijing -> Thursday 10:00 Beijing.
        assert due_at(beijing(2026, 9, 15), 2) == beijing(2026, 9, 17)

    def test_skips_the_weekend(self):
        # Friday 2026-09-11 -> Monday 14th, Tuesday 15th.
        assert due_at(beijing(2026, 9, 11), 2) == beijing(2026, 9, 15)

    def test_counts_the_make_up_sunday_before_the_holidays(self):
        # Friday 2026-09-18: Sunday 20th is a 调休 working day -> Sun 20th, Mon 21st.
        assert due_at(beijing(2026, 9, 18), 2) == beijing(2026, 9, 21)

    def test_skips_mid_autumn_and_the_weekend(self):
        # Thursday 24th: Fri 25th is Mid-Autumn, then the weekend -> Mon 28th, Tue 29th.
        assert due_at(beijing(2026, 9, 24), 2) == beijing(2026, 9, 29)

    def test_skips_national_day_golden_week(self):
        # Wednesday 2026-09-30: 1–7 October are holidays -> Thu 8th, Fri 9th.
        assert due_at(beijing(2026, 9, 30), 2) == beijing(2026, 10, 9)

    def test_counts_the_make_up_saturday(self):
        # Saturday 2026-10-10 is a 调休 working day: Fri 9th -> Sat 10th, Mon 12th.
        assert due_at(beijing(2026, 10, 9), 2) == beijing(2026, 10, 12)

    def test_uses_the_beijing_date_not_the_utc_date(self):
        # 2026-09-29 17:00 UTC is already Wednesday 30th 01:00 in Beijing.
        submitted = datetime(2026, 9, 29, 17, 0, tzinfo=UTC)
        assert due_at(submitted, 2) == datetime(2026, 10, 8, 17, 0, tzinfo=UTC)

    def test_years_without_holiday_data_count_monday_to_friday(self):
        # Friday 2038-01-01 -> Mon 4th, Tue 5th.
        assert due_at(beijing(2038, 1, 1), 2) == beijing(2038, 1, 5)
