"""The state machine and the field rules, without I/O."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from registration.applications.rules import (
    CANCELLABLE,
    EDITABLE,
    NOTE_MAX,
    STATES,
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    ApplicationStatus,
    EventFit,
    IdType,
    Period,
    clip_note,
    fit_of,
    id_number_problem,
    identity_conflicts,
    months_worked,
    overlapping,
    period_problems,
    prior_level_problem,
    too_young,
    withdrawal_problem,
    yuan,
)
from registration.documents.rules import background_of, inspect
from skillcert.errors import Conflict
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
            status = STATES.transition(status, action)
        assert status is S.CERTIFIED

    @pytest.mark.parametrize(
        "status", [S.DRAFT, S.SUBMITTED, S.REJECTED, S.APPROVED, S.PAID, S.SCHEDULED]
    )
    def test_withdrawable_until_the_exam(self, status: ApplicationStatus):
        assert STATES.transition(status, Action.WITHDRAW) is S.WITHDRAWN

    @pytest.mark.parametrize(
        "status",
        [S.RESULT_PASS, S.RESULT_FAIL, S.CERTIFIED, S.WITHDRAWN, S.FORFEITED, S.REFUNDED],
    )
    def test_no_withdrawal_after_the_exam_or_the_end(self, status: ApplicationStatus):
        with pytest.raises(Conflict):
            STATES.transition(status, Action.WITHDRAW)

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


def m(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


TODAY = date(2026, 11, 23)


class TestWorkHistory:
    def test_months_are_counted_inclusively_and_a_hand_over_month_once(self):
        periods = [Period(m("2010-01"), m("2015-06")), Period(m("2015-06"), m("2020-01"))]
        assert months_worked(periods, TODAY) == 66 + 55

    def test_still_there_counts_up_to_this_month(self):
        assert months_worked([Period(m("2026-01"), None)], TODAY) == 11

    def test_overlapping_months_are_counted_once(self):
        periods = [Period(m("2020-01"), m("2020-12")), Period(m("2020-06"), m("2021-03"))]
        assert months_worked(periods, TODAY) == 15

    def test_a_hand_over_month_is_no_overlap(self):
        periods = [Period(m("2010-01"), m("2015-06")), Period(m("2015-06"), None)]
        assert overlapping(periods, TODAY) == []

    def test_two_jobs_at_once_overlap_whatever_their_order(self):
        periods = [
            Period(m("2018-01"), None),
            Period(m("2010-01"), m("2015-06")),
            Period(m("2015-01"), m("2016-01")),
        ]
        assert overlapping(periods, TODAY) == [(1, 2)]

    def test_a_month_inside_another_period_is_an_overlap(self):
        periods = [Period(m("2010-01"), m("2015-06")), Period(m("2012-03"), m("2012-03"))]
        assert overlapping(periods, TODAY) == [(0, 1)]

    def test_future_and_reversed_months(self):
        assert period_problems(Period(m("2027-01"), None), TODAY) == {
            "from_month": "起始年月不能晚于当前月份"
        }
        assert "to_month" in period_problems(Period(m("2020-01"), m("2019-12")), TODAY)
        assert "to_month" in period_problems(Period(m("2020-01"), m("2026-12")), TODAY)
        assert period_problems(Period(m("2020-01"), m("2026-11")), TODAY) == {}

    def test_no_work_before_sixteen(self):
        assert too_young(m("2006-02"), date(1990, 3, 7))
        assert not too_young(m("2006-03"), date(1990, 3, 7))
        # 29 February + 16 years is a leap day again: the month of it counts
        assert too_young(m("2008-01"), date(1992, 2, 29))
        assert not too_young(m("2008-02"), date(1992, 2, 29))
        assert not too_young(m("2000-01"), None)


class TestPriorCertificate:
    def test_the_level_named_or_higher(self):
        assert prior_level_problem(2, 2) is None
        assert prior_level_problem(1, 2) is None
        assert prior_level_problem(3, 2) == "原证书等级须为2级及以上"


class TestForfeit:
    def test_approved_and_paid_forfeit_others_not(self):
        assert STATES.transition(S.APPROVED, Action.FORFEIT) is S.FORFEITED
        assert STATES.transition(S.PAID, Action.FORFEIT) is S.FORFEITED
        for status in (S.SUBMITTED, S.SCHEDULED, S.WITHDRAWN):
            with pytest.raises(Conflict):
                STATES.transition(status, Action.FORFEIT)

    def test_events_after_forfeiting_are_stale(self):
        assert fit_of(S.FORFEITED, Action.PAY) is EventFit.STALE
        assert fit_of(S.FORFEITED, Action.SCHEDULE) is EventFit.STALE


class TestPlanCancelled:
    def test_every_unfinished_status_is_cancelled_and_none_other(self):
        assert {S.DRAFT, S.SUBMITTED, S.REJECTED, S.APPROVED, S.PAID, S.SCHEDULED} == CANCELLABLE
        for status in CANCELLABLE:
            assert STATES.transition(status, Action.CANCEL) is S.CANCELLED
        for status in set(S) - CANCELLABLE:
            with pytest.raises(Conflict):
                STATES.transition(status, Action.CANCEL)

    def test_a_cancelled_application_cannot_be_edited_submitted_or_withdrawn(self):
        assert S.CANCELLED not in EDITABLE
        for action in (Action.SUBMIT, Action.WITHDRAW):
            with pytest.raises(Conflict):
                STATES.transition(S.CANCELLED, action)

    @pytest.mark.parametrize(
        "action", [Action.APPROVE, Action.PAY, Action.SCHEDULE, Action.PASS, Action.CERTIFY]
    )
    def test_late_events_for_a_cancelled_application_are_dropped_not_retried(self, action: Action):
        assert fit_of(S.CANCELLED, action) is EventFit.STALE


class TestRefund:
    def test_paid_and_scheduled_become_refunded(self):
        assert STATES.transition(S.PAID, Action.REFUND) is S.REFUNDED
        assert STATES.transition(S.SCHEDULED, Action.REFUND) is S.REFUNDED

    def test_withdrawn_cancelled_forfeited_and_sat_keep_their_status(self):
        for status in (
            S.WITHDRAWN,
            S.CANCELLED,
            S.FORFEITED,
            S.RESULT_PASS,
            S.RESULT_FAIL,
            S.CERTIFIED,
            S.REFUNDED,
        ):
            assert fit_of(status, Action.REFUND) is EventFit.STALE

    def test_a_refund_before_the_payment_is_too_early(self):
        assert fit_of(S.APPROVED, Action.REFUND) is EventFit.TOO_EARLY

    def test_scheduling_after_a_refund_is_dropped(self):
        assert fit_of(S.REFUNDED, Action.SCHEDULE) is EventFit.STALE

    def test_amounts_read_in_yuan(self):
        assert (yuan(38000), yuan(5), yuan(0)) == ("380.00", "0.05", "0.00")


class TestWithdrawalDeadline:
    DEADLINE = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)

    @pytest.mark.parametrize("status", [S.PAID, S.SCHEDULED])
    def test_a_paid_withdrawal_closes_at_the_deadline_named_in_china_time(
        self, status: ApplicationStatus
    ):
        before = self.DEADLINE - timedelta(seconds=1)
        assert withdrawal_problem(status, self.DEADLINE, before) is None
        assert withdrawal_problem(status, self.DEADLINE, self.DEADLINE) == (
            "已过退考截止时间（2026-03-31 18:00），缴费后不能再撤回报名"
        )

    @pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.REJECTED, S.APPROVED])
    def test_before_payment_there_is_no_deadline(self, status: ApplicationStatus):
        after = self.DEADLINE + timedelta(days=30)
        assert withdrawal_problem(status, self.DEADLINE, after) is None


class TestCertificateRevoked:
    def test_only_a_certified_application_is_revoked(self):
        assert STATES.transition(S.CERTIFIED, Action.REVOKE_CERTIFICATE) is S.CERTIFICATE_REVOKED
        assert fit_of(S.RESULT_PASS, Action.REVOKE_CERTIFICATE) is EventFit.TOO_EARLY
        assert fit_of(S.CERTIFICATE_REVOKED, Action.REVOKE_CERTIFICATE) is EventFit.STALE
        assert fit_of(S.CERTIFICATE_REVOKED, Action.CERTIFY) is EventFit.STALE


class TestEveryStatus:
    @pytest.mark.parametrize("status", list(S))
    def test_has_a_label_and_a_fit_for_every_action(self, status: ApplicationStatus):
        assert STATUS_LABELS[status]
        for action in Action:
            assert isinstance(fit_of(status, action), EventFit)

    def test_labels_of_the_new_statuses(self):
        assert STATUS_LABELS[S.CANCELLED] == "考试计划已取消"
        assert STATUS_LABELS[S.CERTIFICATE_REVOKED] == "证书已撤销"

    def test_long_notes_are_clipped_to_the_column(self):
        assert clip_note("短") == "短"
        clipped = clip_note("长" * 600)
        assert len(clipped) == NOTE_MAX and clipped.endswith("…")


class TestInspectIdPhoto:
    def test_a_blue_background_is_refused(self):
        verdict = inspect("photo", jpeg_between(45, 75, background=(120, 180, 235)))
        assert (verdict.code, verdict.problem) == (
            "background",
            "照片须为白色背景的证件照，请更换白底照片后重新上传",
        )

    def test_a_light_grey_background_is_refused(self):
        assert inspect("photo", jpeg_between(45, 75, background=(200, 200, 200))).code == (
            "background"
        )

    def test_a_square_or_landscape_photo_is_refused(self):
        verdict = inspect("photo", jpeg_between(45, 75, size=(400, 400)))
        assert verdict.code == "dimensions" and "宽高比" in (verdict.problem or "")

    def test_a_thumbnail_is_refused(self):
        verdict = inspect("photo", jpeg_between(40, 80, size=(200, 270)))
        assert verdict.code == "dimensions" and "宽度" in (verdict.problem or "")

    def test_a_sideways_phone_photo_is_judged_as_shown(self):
        # Stored landscape with EXIF orientation 6 (rotate 90°): shown as a portrait.
        sideways = Image.open(io.BytesIO(jpeg_between(45, 75))).rotate(90, expand=True)
        assert sideways.width > sideways.height
        exif = Image.Exif()
        exif[0x0112] = 6
        for quality in (95, 90, 85, 80, 75, 70, 60, 50):
            buffer = io.BytesIO()
            sideways.save(buffer, "JPEG", quality=quality, exif=exif)
            if 40 * 1024 <= len(buffer.getvalue()) <= 80 * 1024:
                break
        assert inspect("photo", buffer.getvalue()).ok
        assert background_of(sideways.rotate(-90, expand=True))[0] > 240
