"""Pure review rules: state machine, ID checksum, due date in working days, pre-checks."""

from datetime import UTC, date, datetime

import pytest

from review.cases.rules import (
    CHINA_TZ,
    CaseAction,
    CaseStatus,
    CheckCode,
    CheckOutcome,
    Submission,
    due_at,
    is_stale,
    is_valid_resident_id,
    next_status,
    run_prechecks,
)
from skillcert.events import PlanCondition, SubmittedDocument

from ..factories import BAD_ID, LEVEL1_MATERIALS, VALID_ID, documents

TODAY = date(2026, 9, 30)
CONDITION = PlanCondition(
    code="L2_PLUS_4Y",
    title="二级后满4年",
    prior_level=2,
    min_years_after_prior=4,
    required_materials=LEVEL1_MATERIALS,
)


def submission(**overrides) -> Submission:
    values = {
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "birth_date": date(1990, 3, 7),
        "condition_code": "L2_PLUS_4Y",
        "years_worked": 5,
        "documents": documents(),
    }
    values.update(overrides)
    return Submission(**values)


def by_code(findings) -> dict[CheckCode, CheckOutcome]:
    return {f.code: f.outcome for f in findings}


class TestTransitions:
    @pytest.mark.parametrize(
        ("status", "action", "expected"),
        [
            (CaseStatus.PENDING, CaseAction.APPROVE, CaseStatus.APPROVED),
            (CaseStatus.PENDING, CaseAction.REJECT, CaseStatus.REJECTED),
            (CaseStatus.PENDING, CaseAction.WITHDRAW, CaseStatus.WITHDRAWN),
            (CaseStatus.REJECTED, CaseAction.RESUBMIT, CaseStatus.PENDING),
            (CaseStatus.APPROVED, CaseAction.RESUBMIT, CaseStatus.PENDING),
        ],
    )
    def test_allowed(self, status, action, expected):
        assert next_status(status, action) is expected

    @pytest.mark.parametrize(
        ("status", "action"),
        [
            (CaseStatus.APPROVED, CaseAction.APPROVE),
            (CaseStatus.APPROVED, CaseAction.REJECT),
            (CaseStatus.REJECTED, CaseAction.APPROVE),
            (CaseStatus.WITHDRAWN, CaseAction.RESUBMIT),
            (CaseStatus.WITHDRAWN, CaseAction.WITHDRAW),
        ],
    )
    def test_forbidden(self, status, action):
        assert next_status(status, action) is None

    def test_a_revision_not_newer_than_the_seen_one_is_stale(self):
        assert is_stale(1, 2) and is_stale(2, 2) and not is_stale(3, 2)


class TestResidentIdChecksum:
    @pytest.mark.parametrize("number", [VALID_ID, "11010519491231002X", "11010519491231002x"])
    def test_valid(self, number):
        assert is_valid_resident_id(number, TODAY)

    @pytest.mark.parametrize(
        "number",
        [
            BAD_ID,  # wrong check digit
            "11010119900307451",  # 17 characters
            "110101199002304512",  # 30 February
            "11010119900307451Y",
            "110101203001014517",  # born in the future
        ],
    )
    def test_invalid(self, number):
        assert not is_valid_resident_id(number, TODAY)


def beijing(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ).astimezone(UTC)


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


class TestPrechecks:
    def test_complete_application_passes_every_check(self):
        found = by_code(run_prechecks(submission(), [CONDITION], TODAY))
        assert set(found.values()) == {CheckOutcome.PASSED}
        assert set(found) == {
            CheckCode.CONDITION,
            CheckCode.MATERIALS,
            CheckCode.PHOTO,
            CheckCode.ID_NUMBER,
            CheckCode.BIRTH_DATE,
            CheckCode.YEARS_WORKED,
        }

    def test_missing_material_is_flagged_with_its_name(self):
        docs = documents("id_front", "id_back", "photo", "application_form")
        findings = run_prechecks(submission(documents=docs), [CONDITION], TODAY)
        materials = next(f for f in findings if f.code is CheckCode.MATERIALS)
        assert materials.outcome is CheckOutcome.FAILED
        assert materials.details == {"missing": ["prior_certificate"]}
        assert "原职业技能等级证书" in materials.message

    def test_bad_id_checksum_is_flagged(self):
        found = by_code(run_prechecks(submission(id_number=BAD_ID), [CONDITION], TODAY))
        assert found[CheckCode.ID_NUMBER] is CheckOutcome.FAILED
        assert CheckCode.BIRTH_DATE not in found

    def test_birth_date_differing_from_the_id_is_flagged(self):
        findings = run_prechecks(submission(birth_date=date(1991, 3, 7)), [CONDITION], TODAY)
        assert by_code(findings)[CheckCode.BIRTH_DATE] is CheckOutcome.FAILED

    def test_other_id_types_are_left_to_the_reviewer(self):
        found = by_code(
            run_prechecks(submission(id_type="passport", id_number="E12345678"), [CONDITION], TODAY)
        )
        assert found[CheckCode.ID_NUMBER] is CheckOutcome.SKIPPED

    @pytest.mark.parametrize("years", [3, None])
    def test_too_few_or_undeclared_years_are_flagged(self, years):
        found = by_code(run_prechecks(submission(years_worked=years), [CONDITION], TODAY))
        assert found[CheckCode.YEARS_WORKED] is CheckOutcome.FAILED

    def test_condition_not_in_the_plan_is_flagged(self):
        found = by_code(run_prechecks(submission(condition_code="NOPE"), [CONDITION], TODAY))
        assert found[CheckCode.CONDITION] is CheckOutcome.FAILED
        assert found[CheckCode.MATERIALS] is CheckOutcome.SKIPPED

    def test_unknown_plan_skips_instead_of_failing(self):
        found = by_code(run_prechecks(submission(), None, TODAY))
        assert found[CheckCode.CONDITION] is CheckOutcome.SKIPPED
        assert found[CheckCode.MATERIALS] is CheckOutcome.SKIPPED

    @pytest.mark.parametrize(
        ("content_type", "size"), [("image/png", 60_000), ("image/jpeg", 90_000)]
    )
    def test_photo_must_be_a_40_to_80_kb_jpg(self, content_type, size):
        docs = [
            *documents("id_front", "id_back", "application_form", "prior_certificate"),
            SubmittedDocument(
                kind="photo", object_key="p.jpg", content_type=content_type, size=size
            ),
        ]
        found = by_code(run_prechecks(submission(documents=docs), [CONDITION], TODAY))
        assert found[CheckCode.PHOTO] is CheckOutcome.FAILED
        assert found[CheckCode.MATERIALS] is CheckOutcome.PASSED
