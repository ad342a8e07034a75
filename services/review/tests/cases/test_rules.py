"""The case state machine and revisions."""

import pytest

from review.cases.rules import STATES, CaseAction, CaseStatus, is_stale


class TestTransitions:
    @pytest.mark.parametrize(
        ("status", "action", "expected"),
        [
            (CaseStatus.PENDING, CaseAction.APPROVE, CaseStatus.APPROVED),
            (CaseStatus.PENDING, CaseAction.REJECT, CaseStatus.REJECTED),
            (CaseStatus.PENDING, CaseAction.WITHDRAW, CaseStatus.WITHDRAWN),
            (CaseStatus.REJECTED, CaseAction.RESUBMIT, CaseStatus.PENDING),
            (CaseStatus.APPROVED, CaseAction.RESUBMIT, CaseStatus.PENDING),
            (CaseStatus.PENDING, CaseAction.FORFEIT, CaseStatus.FORFEITED),
            (CaseStatus.APPROVED, CaseAction.FORFEIT, CaseStatus.FORFEITED),
            (CaseStatus.PENDING, CaseAction.CANCEL, CaseStatus.CANCELLED),
            (CaseStatus.APPROVED, CaseAction.CANCEL, CaseStatus.CANCELLED),
        ],
    )
    def test_allowed(self, status, action, expected):
        assert STATES.next(status, action) is expected

    @pytest.mark.parametrize(
        ("status", "action"),
        [
            (CaseStatus.APPROVED, CaseAction.APPROVE),
            (CaseStatus.APPROVED, CaseAction.REJECT),
            (CaseStatus.REJECTED, CaseAction.APPROVE),
            (CaseStatus.WITHDRAWN, CaseAction.RESUBMIT),
            (CaseStatus.WITHDRAWN, CaseAction.WITHDRAW),
            (CaseStatus.REJECTED, CaseAction.FORFEIT),
            (CaseStatus.WITHDRAWN, CaseAction.FORFEIT),
            (CaseStatus.FORFEITED, CaseAction.FORFEIT),
            (CaseStatus.FORFEITED, CaseAction.RESUBMIT),
            (CaseStatus.FORFEITED, CaseAction.WITHDRAW),
            (CaseStatus.FORFEITED, CaseAction.APPROVE),
            (CaseStatus.REJECTED, CaseAction.CANCEL),
            (CaseStatus.WITHDRAWN, CaseAction.CANCEL),
            (CaseStatus.FORFEITED, CaseAction.CANCEL),
            (CaseStatus.CANCELLED, CaseAction.CANCEL),
            (CaseStatus.CANCELLED, CaseAction.RESUBMIT),
            (CaseStatus.CANCELLED, CaseAction.WITHDRAW),
            (CaseStatus.CANCELLED, CaseAction.FORFEIT),
            (CaseStatus.CANCELLED, CaseAction.APPROVE),
        ],
    )
    def test_forbidden(self, status, action):
        assert STATES.next(status, action) is None

    def test_cancellation_closes_only_what_awaits_the_exam(self):
        assert STATES.sources(CaseAction.CANCEL) == {
            CaseStatus.PENDING,
            CaseStatus.APPROVED,
        }

    def test_a_revision_not_newer_than_the_seen_one_is_stale(self):
        assert is_stale(1, 2) and is_stale(2, 2) and not is_stale(3, 2)
