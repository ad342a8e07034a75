"""Plan conditions (申报条件) as data: related occupations from the catalogue, and the checks on
levels, years, related occupation codes and materials. The 001 and 004 rules are the examples."""

from typing import Any

import pytest

from exam_scheduling.plans.models import ExamPlan, PlanSubject
from skillcert.events import ExamPlanPublished, PlanCondition
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    API,
    ECOMMERCE,
    INTERNET_MARKETING,
    MARKETER,
    SUPPLY_CHAIN,
    count,
    create_plan,
    org_admin,
    plan_payload,
)

MATERIALS = ["id_front", "id_back", "photo", "application_form", "prior_certificate"]


def condition(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": "L2+NY",
        "title": "取得本职业或相关职业二级/技师证书后，累计从事本职业或相关职业工作满N年",
        "prior_level": 2,
        "min_years_after_prior": 5,
        "required_materials": MATERIALS,
    }
    values.update(overrides)
    return values


async def published_condition(harness: ServiceHarness, **overrides: Any) -> PlanCondition:
    plan = await create_plan(harness, **overrides)
    response = await harness.client.post(
        f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
    )
    assert response.status_code == 200, response.text
    [event] = await harness.outbox("exam.plan.published.v1")
    assert isinstance(event, ExamPlanPublished)
    [published] = event.conditions
    return published


async def catalogue_related(harness: ServiceHarness, code: str) -> list[str]:
    response = await harness.client.get(f"{API}/occupations/{code}")
    return [r["code"] for r in response.json()["related_occupations"]]


class TestRelatedFromCatalogue:
    async def test_seed_001_rule_four_years_after_level_2(self, harness: ServiceHarness):
        """Guangxi (001): 电子商务师 level 1 after a level-2 certificate and 4 years of work."""
        published = await published_condition(
            harness,
            title="（广西）电子商务师一级认定",
            conditions=[
                condition(code="GX-L2+4Y", min_years_after_prior=4, related_from_catalogue=True)
            ],
        )
        assert (published.prior_level, published.min_years_after_prior) == (2, 4)
        assert published.related_occupations == await catalogue_related(harness, ECOMMERCE)
        assert len(published.related_occupations) == 17
        assert {"4-02-06-03", MARKETER, INTERNET_MARKETING} <= set(published.related_occupations)
        assert published.required_materials == MATERIALS

    async def test_seed_004_rule_five_years_without_ecommerce(self, harness: ServiceHarness):
        """Beijing (004): 供应链管理师 level 1 after level 2 and 5 years; 电子商务师 does not
        count although 销售员 is on the list."""
        published = await published_condition(
            harness,
            title="（北京）供应链管理师一级认定",
            occupation_code=SUPPLY_CHAIN,
            conditions=[
                condition(
                    code="BJ-L2+5Y",
                    required_materials=[*MATERIALS, "work_pledge"],
                    related_from_catalogue=True,
                )
            ],
        )
        assert (published.prior_level, published.min_years_after_prior) == (2, 5)
        assert ECOMMERCE not in published.related_occupations
        assert SUPPLY_CHAIN not in published.related_occupations
        assert {MARKETER, "4-02-07-08", "4-02-06-03"} <= set(published.related_occupations)
        assert published.related_occupations == await catalogue_related(harness, SUPPLY_CHAIN)
        assert "work_pledge" in published.required_materials

    async def test_the_plan_shows_the_filled_list_and_where_it_came_from(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(
            harness,
            occupation_code=INTERNET_MARKETING,
            conditions=[condition(related_from_catalogue=True)],
        )
        [shown] = plan["conditions"]
        assert shown["related_from_catalogue"] is True
        assert ECOMMERCE in shown["related_occupations"]
        assert len(shown["related_occupations"]) == 25

    async def test_an_explicit_list_is_kept_as_given(self, harness: ServiceHarness):
        published = await published_condition(
            harness, conditions=[condition(related_occupations=[INTERNET_MARKETING])]
        )
        assert published.related_occupations == [INTERNET_MARKETING]


class TestConditionChecks:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            (
                {"conditions": [condition(related_occupations=[MARKETER, "9-99-99-99"])]},
                "conditions.0.related_occupations.1",
            ),
            (
                {"conditions": [condition(related_occupations=["营销员"])]},
                "conditions.0.related_occupations.0",
            ),
            (
                {
                    "conditions": [
                        condition(related_occupations=[MARKETER], related_from_catalogue=True)
                    ]
                },
                "conditions.0.related_occupations",
            ),
            # Level 1 is the highest: a level-1 plan needs level 2, not level 1.
            ({"conditions": [condition(prior_level=1)]}, "conditions.0.prior_level"),
            (
                {"level": 3, "conditions": [condition(prior_level=2)]},
                "conditions.0.prior_level",
            ),
            (
                {"level": 5, "conditions": [condition(prior_level=5)]},
                "conditions.0.prior_level",
            ),
            ({"conditions": [condition(prior_level=6)]}, "conditions.0.prior_level"),
            (
                {"conditions": [condition(min_years_after_prior=31)]},
                "conditions.0.min_years_after_prior",
            ),
            (
                {"conditions": [condition(min_years_after_prior=-1)]},
                "conditions.0.min_years_after_prior",
            ),
            (
                {"conditions": [condition(required_materials=["photo", "selfie"])]},
                "conditions.0.required_materials.1",
            ),
            (
                {"conditions": [condition(), condition(code="B", required_materials=["x"])]},
                "conditions.1.required_materials.0",
            ),
            # 营销员 is in the catalogue as a related occupation only: no plans for it.
            ({"occupation_code": MARKETER, "conditions": []}, "occupation_code"),
        ],
    )
    async def test_bad_condition_is_a_problem_naming_it_and_writes_nothing(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str
    ):
        response = await harness.client.post(
            f"{API}/plans", json=plan_payload(**overrides), headers=org_admin(harness)
        )
        errors = assert_problem(response, 422)["errors"]
        assert field in [e["field"] for e in errors], errors
        assert await count(harness, ExamPlan) == 0
        assert await count(harness, PlanSubject) == 0

    async def test_bounds_are_accepted(self, harness: ServiceHarness):
        plan = await create_plan(
            harness,
            level=4,
            conditions=[
                condition(prior_level=5, min_years_after_prior=0),
                condition(code="B", prior_level=5, min_years_after_prior=30),
            ],
        )
        assert [c["min_years_after_prior"] for c in plan["conditions"]] == [0, 30]
