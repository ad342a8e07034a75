"""The state machine and the field rules, without I/O."""

from datetime import date

import pytest

from registration.applications.rules import (
    EDITABLE,
    TRANSITIONS,
    Action,
    ApplicationStatus,
    EventFit,
    IdType,
    fit_of,
    id_number_problem,
    identity_conflicts,
    next_status,
)
from registration.documents.rules import inspect
from tests.conftest import jpeg_between, png_between, resident_id

S = ApplicationStatus


class TestTransitions:
    def test_the_journey_reaches_certified(self):
        status = S.DRAFT
        for action in (
            Action.SUBMIT,
            Action.REJECT,
            Action.SUBMIT,
            Action.SUBMIT,
            Action.APPROVE,
            Action.PAY,
            Action.SCHEDULE,
            Action.PASS,
            Action.CERTIFY,
        ):
            status = next_status(status, action)
        assert status is S.CERTIFIED

    @pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.REJECTED, S.APPROVED])
    def test_withdrawable_until_paid(self, status: ApplicationStatus):
        assert next_status(status, Action.WITHDRAW) is S.WITHDRAWN

    @pytest.mark.parametrize("status", [S.PAID, S.SCHEDULED, S.CERTIFIED, S.WITHDRAWN])
    def test_no_withdrawal_after_payment(self, status: ApplicationStatus):
        with pytest.raises(ValueError):
            next_status(status, Action.WITHDRAW)

    def test_a_failed_result_is_never_certified(self):
        assert (S.RESULT_FAIL, Action.CERTIFY) not in TRANSITIONS

    def test_editable_only_before_approval(self):
        assert {S.DRAFT, S.SUBMITTED, S.REJECTED} == EDITABLE


class TestEventFit:
    def test_payment_before_approval_is_too_early(self):
        assert fit_of(S.SUBMITTED, Action.PAY) is EventFit.TOO_EARLY

    def test_payment_after_scheduling_is_stale(self):
        assert fit_of(S.SCHEDULED, Action.PAY) is EventFit.STALE

    def test_anything_after_withdrawal_is_stale(self):
        assert fit_of(S.WITHDRAWN, Action.SCHEDULE) is EventFit.STALE


class TestIdNumber:
    def test_valid_resident_id(self):
        assert id_number_problem(IdType.RESIDENT_ID, resident_id()) is None

    def test_wrong_check_digit(self):
        number = resident_id()
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        assert "校验位" in (id_number_problem(IdType.RESIDENT_ID, wrong) or "")

    def test_wrong_length(self):
        assert "18位" in (id_number_problem(IdType.RESIDENT_ID, "1101011990") or "")

    def test_passport_format(self):
        assert id_number_problem(IdType.PASSPORT, "E12345678") is None
        assert id_number_problem(IdType.PASSPORT, "E1-2") is not None

    def test_birth_date_and_gender_must_agree(self):
        errors = identity_conflicts(
            "resident_id", resident_id(male=False), date(1991, 1, 1), "male", blame="id_number"
        )
        assert [(e.field, e.code) for e in errors] == [
            ("id_number", "birth_date_mismatch"),
            ("id_number", "gender_mismatch"),
        ]

    def test_conflicts_blame_the_basic_info_when_it_changed(self):
        errors = identity_conflicts(
            "resident_id", resident_id(), date(1991, 1, 1), "male", blame="basic_info"
        )
        assert [e.field for e in errors] == ["birth_date"]


class TestInspectPhoto:
    def test_real_jpeg_in_range_is_accepted(self):
        assert inspect("photo", jpeg_between(45, 75)).ok

    def test_png_renamed_is_refused(self):
        verdict = inspect("photo", png_between(45, 75))
        assert verdict.problem == "照片须为JPG格式"

    def test_truncated_jpeg_is_refused(self):
        data = jpeg_between(45, 75)
        garbage = data[:3] + bytes(50 * 1024)
        assert not inspect("photo", garbage).ok

    def test_other_kinds_by_magic_bytes(self):
        assert inspect("application_form", b"%PDF-1.7\n" + bytes(100)).content_type == (
            "application/pdf"
        )
        assert not inspect("application_form", b"GIF89a" + bytes(100)).ok
