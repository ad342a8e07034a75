"""Pure rules: the state machine, numbering and masking."""

from datetime import UTC, date, datetime

import pytest

from certificate.certificates.rules import (
    ROUND_STATES,
    STATES,
    TRANSITIONS,
    Action,
    RoundAction,
    RoundState,
    Status,
    format_number,
    mask_name,
    number_prefix,
    org_code,
    refusal,
)
from skillcert.clock import china_today


class TestTransitions:
    def test_head_then_organisation_issues(self):
        status = STATES.next(Status.PENDING_HEAD_SIGNATURE, Action.HEAD_SIGN)
        assert status is Status.PENDING_ORG_SIGNATURE
        assert STATES.next(status, Action.ORG_SIGN) is Status.ISSUED

    def test_the_organisation_first_then_the_head_issues(self):
        status = STATES.next(Status.PENDING_HEAD_SIGNATURE, Action.ORG_SIGN)
        assert status is Status.ORG_SIGNED
        assert STATES.next(status, Action.HEAD_SIGN) is Status.ISSUED

    def test_nothing_leaves_issued_but_revocation_and_nothing_leaves_revoked(self):
        assert [a for (s, a) in TRANSITIONS if s is Status.ISSUED] == [Action.REVOKE]
        assert [a for (s, a) in TRANSITIONS if s is Status.REVOKED] == []

    def test_a_refusal_leaves_only_by_reopening_to_a_fresh_round(self):
        assert [(a, t) for (s, a), t in TRANSITIONS.items() if s is Status.REJECTED] == [
            (Action.REOPEN, Status.PENDING_HEAD_SIGNATURE)
        ]

    def test_who_signed_cannot_refuse(self):
        assert STATES.next(Status.PENDING_ORG_SIGNATURE, Action.HEAD_REJECT) is None
        assert STATES.next(Status.ORG_SIGNED, Action.ORG_REJECT) is None

    def test_rounds_end_by_completion_or_refusal_and_a_refusal_by_its_resolution(self):
        assert ROUND_STATES.next(RoundState.OPEN, RoundAction.COMPLETE) is RoundState.COMPLETED
        assert ROUND_STATES.next(RoundState.OPEN, RoundAction.REFUSE) is RoundState.REFUSED
        assert ROUND_STATES.next(RoundState.REFUSED, RoundAction.RESOLVE) is RoundState.RESOLVED
        for final in (RoundState.COMPLETED, RoundState.RESOLVED):
            assert all(ROUND_STATES.next(final, a) is None for a in RoundAction)

    @pytest.mark.parametrize(
        ("status", "action", "phrase"),
        [
            (Status.PENDING_ORG_SIGNATURE, Action.HEAD_SIGN, "不可撤回"),
            (Status.ORG_SIGNED, Action.ORG_SIGN, "不可撤回"),
            (Status.REJECTED, Action.HEAD_SIGN, "重新发起签发"),
            (Status.PENDING_HEAD_SIGNATURE, Action.REOPEN, "被拒绝签发"),
            (Status.ISSUED, Action.ORG_SIGN, "已签发"),
            (Status.REVOKED, Action.REVOKE, "已撤销"),
        ],
    )
    def test_refusals_say_why(self, status: Status, action: Action, phrase: str):
        assert STATES.next(status, action) is None
        assert phrase in refusal(status, action)


class TestNumbering:
    def test_scheme_is_year_org_level_and_eight_digit_sequence(self):
        prefix = number_prefix(date(2026, 7, 1), "ORG-DEMO", 3)
        assert format_number(prefix, 42) == "2026ORGDEMO300000042"

    def test_org_code_keeps_letters_and_digits_only(self):
        assert org_code("org-demo_2") == "ORGDEMO2"
        assert org_code("示例") == "ORG"

    def test_the_year_is_the_beijing_year(self):
        assert china_today(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)) == date(2026, 1, 1)


class TestMaskName:
    @pytest.mark.parametrize(
        ("name", "masked"), [("张三丰", "张**"), ("李四", "李*"), ("王", "王*"), ("", "")]
    )
    def test_keeps_the_first_character(self, name: str, masked: str):
        assert mask_name(name) == masked
