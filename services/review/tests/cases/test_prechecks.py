"""Automatic pre-checks: materials, photo, ID checksum, years of work, previous certificate,
work history, mail-in."""

from datetime import UTC, date, datetime

import pytest

from review.cases.prechecks import (
    CheckCode,
    CheckOutcome,
    Finding,
    PlanFacts,
    Submission,
    months_worked_after,
    run_prechecks,
    summarize,
)
from skillcert.events import PlanCondition, SubmittedDocument

from ..factories import (
    BAD_ID,
    HISTORY,
    HISTORY_MONTHS,
    LEVEL1_MATERIALS,
    OCCUPATION_CODE,
    RELATED,
    VALID_ID,
    documents,
    period,
    prior,
)

TODAY = date(2026, 9, 30)
CONDITION = PlanCondition(
    code="L2_PLUS_4Y",
    title="二级后满4年",
    prior_level=2,
    min_years_after_prior=4,
    related_occupations=RELATED,
    required_materials=LEVEL1_MATERIALS,
)
# 004's level-4 condition: years of work, no previous certificate.
YEARS_ONLY = PlanCondition(
    code="WORK_5Y",
    title="累计从事本职业或相关职业工作满5年",
    min_years_after_prior=5,
    required_materials=["id_front", "id_back", "photo", "application_form", "work_pledge"],
)


def plan(*conditions: PlanCondition, **overrides) -> PlanFacts:
    values = {
        "conditions": list(conditions) or [CONDITION],
        "occupation_code": OCCUPATION_CODE,
        "occupation_name": "电子商务师",
    }
    values.update(overrides)
    return PlanFacts(**values)


def submission(**overrides) -> Submission:
    values = {
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "birth_date": date(1990, 3, 7),
        "condition_code": "L2_PLUS_4Y",
        "years_worked": 5,
        "documents": documents(),
        "prior_certificate": prior(),
        "work_history": HISTORY,
        "total_work_months": HISTORY_MONTHS,
    }
    values.update(overrides)
    return Submission(**values)


def check(code: CheckCode, **overrides) -> Finding:
    """The one finding `code` of a submission against the default plan."""
    facts = overrides.pop("facts", plan())
    [found] = [f for f in run_prechecks(submission(**overrides), facts, TODAY) if f.code is code]
    return found


def by_code(findings) -> dict[CheckCode, CheckOutcome]:
    return {f.code: f.outcome for f in findings}


class TestResidentIdChecksum:
    @pytest.mark.parametrize("number", [VALID_ID, "11010519491231002X", "11010519491231002x"])
    def test_valid(self, number):
        assert check(CheckCode.ID_NUMBER, id_number=number).outcome is CheckOutcome.PASSED

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
        assert check(CheckCode.ID_NUMBER, id_number=number).outcome is CheckOutcome.FAILED


class TestPrechecks:
    def test_complete_application_passes_every_check(self):
        findings = run_prechecks(submission(), plan(), TODAY)
        assert {f.code: f.outcome for f in findings} == {
            code: CheckOutcome.PASSED for code in CheckCode if code is not CheckCode.MAIL_IN
        }
        assert all(f.message for f in findings)

    def test_missing_material_is_flagged_with_its_name(self):
        docs = documents("id_front", "id_back", "photo", "application_form")
        materials = check(CheckCode.MATERIALS, documents=docs)
        assert materials.outcome is CheckOutcome.FAILED
        assert materials.details == {"missing": ["prior_certificate"]}
        assert "原职业技能等级证书" in materials.message

    def test_materials_follow_the_chosen_condition(self):
        docs = documents("id_front", "id_back", "photo", "application_form", "work_pledge")
        facts = plan(CONDITION, YEARS_ONLY)
        found = check(CheckCode.MATERIALS, facts=facts, condition_code="WORK_5Y", documents=docs)
        assert found.outcome is CheckOutcome.PASSED
        found = check(CheckCode.MATERIALS, facts=facts, documents=docs)
        assert found.outcome is CheckOutcome.FAILED

    def test_bad_id_checksum_is_flagged(self):
        found = by_code(run_prechecks(submission(id_number=BAD_ID), plan(), TODAY))
        assert found[CheckCode.ID_NUMBER] is CheckOutcome.FAILED
        assert CheckCode.BIRTH_DATE not in found

    def test_birth_date_differing_from_the_id_is_flagged(self):
        found = check(CheckCode.BIRTH_DATE, birth_date=date(1991, 3, 7))
        assert found.outcome is CheckOutcome.FAILED

    def test_other_id_types_are_left_to_the_reviewer(self):
        found = check(CheckCode.ID_NUMBER, id_type="passport", id_number="E12345678")
        assert found.outcome is CheckOutcome.SKIPPED

    def test_condition_not_in_the_plan_is_flagged(self):
        found = by_code(run_prechecks(submission(condition_code="NOPE"), plan(), TODAY))
        assert found[CheckCode.CONDITION] is CheckOutcome.FAILED
        assert found[CheckCode.MATERIALS] is CheckOutcome.SKIPPED
        assert found[CheckCode.PRIOR_CERTIFICATE] is CheckOutcome.SKIPPED

    def test_unknown_plan_skips_instead_of_failing(self):
        findings = run_prechecks(submission(), None, TODAY)
        found = by_code(findings)
        assert found[CheckCode.CONDITION] is CheckOutcome.SKIPPED
        assert found[CheckCode.MATERIALS] is CheckOutcome.SKIPPED
        assert found[CheckCode.YEARS_WORKED] is CheckOutcome.SKIPPED
        assert found[CheckCode.PRIOR_CERTIFICATE] is CheckOutcome.SKIPPED
        assert CheckOutcome.FAILED not in found.values()

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
        found = by_code(run_prechecks(submission(documents=docs), plan(), TODAY))
        assert found[CheckCode.PHOTO] is CheckOutcome.FAILED
        assert found[CheckCode.MATERIALS] is CheckOutcome.PASSED


class TestYearsWorked:
    def test_counted_months_decide_over_the_declared_years(self):
        found = check(CheckCode.YEARS_WORKED, total_work_months=48, years_worked=1)
        assert found.outcome is CheckOutcome.PASSED
        assert found.details["source"] == "work_history"
        assert "4 年" in found.message

    def test_one_month_short_fails(self):
        found = check(CheckCode.YEARS_WORKED, total_work_months=47, years_worked=9)
        assert found.outcome is CheckOutcome.FAILED
        assert found.message == "工作经历累计 3 年 11 个月，不满 4 年"

    def test_without_a_count_the_declared_years_are_used(self):
        found = check(CheckCode.YEARS_WORKED, total_work_months=None, years_worked=4)
        assert (found.outcome, found.details["source"]) == (CheckOutcome.PASSED, "declared")

    @pytest.mark.parametrize("years", [3, None])
    def test_too_few_or_undeclared_years_fail(self, years):
        found = check(CheckCode.YEARS_WORKED, total_work_months=None, years_worked=years)
        assert found.outcome is CheckOutcome.FAILED

    def test_the_plans_own_number_of_years_applies(self):
        # 004 asks 5 years where 001 asks 4: a per-plan rule, not a constant.
        five = CONDITION.model_copy(update={"min_years_after_prior": 5})
        found = check(CheckCode.YEARS_WORKED, facts=plan(five), total_work_months=59)
        assert (found.outcome, found.details["required"]) == (CheckOutcome.FAILED, 5)

    def test_condition_without_years_is_skipped(self):
        no_years = CONDITION.model_copy(update={"min_years_after_prior": None})
        found = check(CheckCode.YEARS_WORKED, facts=plan(no_years))
        assert found.outcome is CheckOutcome.SKIPPED


class TestPriorCertificate:
    def test_present_of_the_required_level_own_occupation_issued_before(self):
        found = {
            f.code: f
            for f in run_prechecks(submission(), plan(), TODAY)
            if f.code.value.startswith("prior_certificate")
        }
        assert {c: f.outcome for c, f in found.items()} == {
            CheckCode.PRIOR_CERTIFICATE: CheckOutcome.PASSED,
            CheckCode.PRIOR_LEVEL: CheckOutcome.PASSED,
            CheckCode.PRIOR_OCCUPATION: CheckOutcome.PASSED,
            CheckCode.PRIOR_ISSUED: CheckOutcome.PASSED,
        }
        assert "本职业" in found[CheckCode.PRIOR_OCCUPATION].message

    def test_missing_when_the_condition_needs_one_fails(self):
        findings = run_prechecks(submission(prior_certificate=None), plan(), TODAY)
        found = by_code(findings)
        assert found[CheckCode.PRIOR_CERTIFICATE] is CheckOutcome.FAILED
        assert CheckCode.PRIOR_LEVEL not in found
        assert found[CheckCode.WORK_AFTER_PRIOR] is CheckOutcome.SKIPPED

    def test_not_needed_by_the_condition_is_skipped(self):
        findings = run_prechecks(
            submission(condition_code="WORK_5Y", prior_certificate=None, total_work_months=60),
            plan(CONDITION, YEARS_ONLY),
            TODAY,
        )
        found = by_code(findings)
        assert found[CheckCode.PRIOR_CERTIFICATE] is CheckOutcome.SKIPPED
        assert found[CheckCode.WORK_AFTER_PRIOR] is CheckOutcome.SKIPPED
        assert found[CheckCode.YEARS_WORKED] is CheckOutcome.PASSED

    @pytest.mark.parametrize(("level", "outcome"), [(1, "passed"), (2, "passed"), (3, "failed")])
    def test_level_must_be_at_least_the_prior_level(self, level, outcome):
        # Level 1 is the highest: a level-1 certificate more than satisfies "level 2".
        found = check(CheckCode.PRIOR_LEVEL, prior_certificate=prior(level=level))
        assert found.outcome == outcome
        assert found.details == {"level": level, "required_level": 2}

    def test_level_failure_names_both_levels(self):
        found = check(CheckCode.PRIOR_LEVEL, prior_certificate=prior(level=3))
        assert found.message == "原证书等级三级/高级工，须为二级/技师及以上"

    @pytest.mark.parametrize(
        ("code", "name"),
        [("4-01-05-01", "营销员"), ("4-01-02-03", "互联网营销师"), ("营销员", None)],
    )
    def test_related_occupation_passes_by_name_or_code(self, code, name):
        certificate = prior(occupation_code=code, occupation_name=name)
        found = check(CheckCode.PRIOR_OCCUPATION, prior_certificate=certificate)
        assert found.outcome is CheckOutcome.PASSED
        assert found.details["related"] is True

    def test_own_occupation_matches_by_name_too(self):
        certificate = prior(occupation_code="old-code", occupation_name="电子商务师")
        found = check(CheckCode.PRIOR_OCCUPATION, prior_certificate=certificate)
        assert found.outcome is CheckOutcome.PASSED

    def test_unrelated_occupation_fails(self):
        # 004: e-commerce is currently not related for supply-chain manager. exam-scheduling
        # publishes the list with that exception already taken out, so it is simply absent.
        supply_chain = plan(
            CONDITION.model_copy(update={"related_occupations": ["采购员", "仓储员"]}),
            occupation_code="4-02-06-04",
            occupation_name="供应链管理师",
        )
        found = check(CheckCode.PRIOR_OCCUPATION, facts=supply_chain)
        assert found.outcome is CheckOutcome.FAILED
        assert "电子商务师" in found.message and "供应链管理师" in found.message

    def test_plan_without_occupation_leaves_it_to_the_reviewer(self):
        facts = plan(occupation_code=None, occupation_name=None)
        assert check(CheckCode.PRIOR_OCCUPATION, facts=facts).outcome is CheckOutcome.SKIPPED

    @pytest.mark.parametrize(
        ("issued_on", "outcome"),
        [(date(2026, 9, 29), "passed"), (TODAY, "passed"), (date(2026, 10, 1), "failed")],
    )
    def test_issued_no_later_than_the_submission(self, issued_on, outcome):
        found = check(CheckCode.PRIOR_ISSUED, prior_certificate=prior(issued_on=issued_on))
        assert found.outcome == outcome

    def test_unknown_issue_date_is_skipped(self):
        found = check(CheckCode.PRIOR_ISSUED, prior_certificate=prior(issued_on=None))
        assert found.outcome is CheckOutcome.SKIPPED


class TestWorkAfterPriorCertificate:
    def test_counts_only_months_after_the_issue_month(self):
        # Certificate in May 2018, 2016-07..2025-12 in the history: June 2018 to December 2025.
        assert months_worked_after(HISTORY, date(2018, 5, 20), TODAY) == 91

    def test_overlaps_count_once_and_running_work_ends_this_month(self):
        history = [period("2020-01", "2021-12"), period("2021-06", None)]
        # January 2020 .. September 2026 (TODAY), overlap counted once.
        assert months_worked_after(history, date(2019, 12, 1), TODAY) == 81

    def test_enough_years_after_the_certificate_pass(self):
        found = check(CheckCode.WORK_AFTER_PRIOR)
        assert (found.outcome, found.details["months"]) == (CheckOutcome.PASSED, 91)

    def test_years_mostly_before_the_certificate_fail(self):
        # 166 months in total, but the certificate is from 2023: only 2023-07..2025-12 count.
        certificate = prior(issued_on=date(2023, 6, 1))
        found = check(CheckCode.WORK_AFTER_PRIOR, prior_certificate=certificate)
        assert found.outcome is CheckOutcome.FAILED
        assert found.message == "取得原证书后工作经历累计 2 年 6 个月，不满 4 年"
        # The total alone would have passed.
        assert check(CheckCode.YEARS_WORKED, prior_certificate=certificate).outcome == "passed"

    @pytest.mark.parametrize(
        "overrides",
        [{"prior_certificate": prior(issued_on=None)}, {"work_history": []}],
    )
    def test_without_issue_date_or_history_is_skipped(self, overrides):
        assert check(CheckCode.WORK_AFTER_PRIOR, **overrides).outcome is CheckOutcome.SKIPPED


class TestWorkHistory:
    def test_no_history_is_skipped(self):
        found = by_code(run_prechecks(submission(work_history=[]), plan(), TODAY))
        assert found[CheckCode.WORK_HISTORY_DATES] is CheckOutcome.SKIPPED
        assert found[CheckCode.WORK_HISTORY_OVERLAP] is CheckOutcome.SKIPPED

    def test_job_change_within_one_month_is_no_overlap(self):
        history = [period("2015-01", "2019-06"), period("2019-06", None)]
        found = check(CheckCode.WORK_HISTORY_OVERLAP, work_history=history)
        assert found.outcome is CheckOutcome.PASSED

    def test_overlapping_periods_fail_naming_both(self):
        history = [
            period("2019-01", None, "丙公司"),
            period("2012-01", "2016-12", "甲公司"),
            period("2016-06", "2019-06", "乙公司"),
        ]
        found = check(CheckCode.WORK_HISTORY_OVERLAP, work_history=history)
        assert found.outcome is CheckOutcome.FAILED
        assert found.details == {"overlaps": [[1, 2], [0, 2]]}
        assert "第 2 段（甲公司）与第 3 段（乙公司）时间重叠" in found.message

    def test_history_in_order_passes(self):
        assert check(CheckCode.WORK_HISTORY_DATES).outcome is CheckOutcome.PASSED

    @pytest.mark.parametrize(
        ("entry", "problem"),
        [
            (period("2020-05", "2019-01"), "ends_before_start"),
            (period("2026-10", None), "starts_in_future"),
            (period("2024-01", "2027-01"), "ends_in_future"),
        ],
    )
    def test_reversed_or_future_periods_fail(self, entry, problem):
        found = check(CheckCode.WORK_HISTORY_DATES, work_history=[HISTORY[0], entry])
        assert found.outcome is CheckOutcome.FAILED
        assert found.details == {"problems": [{"index": 1, "problem": problem}]}
        assert found.message.startswith("第 2 段")

    def test_ending_in_the_month_of_submission_is_fine(self):
        history = [period("2024-01", "2026-09")]
        assert check(CheckCode.WORK_HISTORY_DATES, work_history=history).outcome == "passed"


class TestMailIn:
    def test_plan_requiring_mail_in_adds_an_information_with_the_deadline(self):
        deadline = datetime(2026, 10, 11, 15, 59, tzinfo=UTC)
        facts = plan(requires_mail_in=True, mail_in_deadline=deadline)
        found = check(CheckCode.MAIL_IN, facts=facts)
        assert found.outcome is CheckOutcome.INFO
        assert "2026-10-11 23:59" in found.message  # Beijing time
        assert "邮寄纸质材料" in found.message
        assert found.details == {"deadline": deadline.isoformat()}

    @pytest.mark.parametrize("facts", [plan(), None])
    def test_no_mail_in_no_finding(self, facts):
        codes = {f.code for f in run_prechecks(submission(), facts, TODAY)}
        assert CheckCode.MAIL_IN not in codes

    def test_information_is_not_a_failure_in_the_summary(self):
        summary = summarize([("mail_in", "info"), ("condition", "passed"), ("photo", "failed")])
        assert (summary.passed, summary.failed, summary.skipped, summary.info) == (1, 1, 0, 1)
        assert summary.failed_codes == ["photo"]
