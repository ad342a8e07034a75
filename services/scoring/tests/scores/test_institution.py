"""An institution (试点院校) sees its own students' subject scores and results once publicity
opens, never another institution's students."""

from typing import Any

from skillcert.auth import Role

API = "/api/v1/scoring"


async def arrange(scoring: Any, phase: str) -> Any:
    plan = await scoring.plan_in(phase)
    await scoring.schedule(plan, "T001", id_number="370285199001015910")
    await scoring.schedule(
        plan, "T002", institution_id="INST-OTHER", institution_name="另一所职业学院"
    )
    return plan


async def scores_of(scoring: Any, plan: Any, institution: str = "INST-DEMO", role: Any = None):
    headers = scoring.harness.headers(role or Role.INSTITUTION_ADMIN, org_id=institution)
    return await scoring.client.get(
        f"{API}/institution/plans/{plan.plan_id}/scores", headers=headers
    )


class TestInstitutionScores:
    async def test_own_students_with_scores_once_publicity_opens(self, scoring: Any):
        plan = await arrange(scoring, "publicity")
        await scoring.correct(plan, ticket_number="T001", subject_code="S1", score=88)
        response = await scores_of(scoring, plan)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "publicity"
        [student] = body["items"]
        assert student["ticket_number"] == "T001"
        assert student["id_number"] != "370285199001015910"  # masked
        assert [(s["subject_code"], s["score"]) for s in student["scores"]] == [
            ("S1", 88.0),
            ("S2", None),
        ]
        assert student["result"] is None

    async def test_nothing_before_publicity(self, scoring: Any):
        plan = await arrange(scoring, "registration")
        await scoring.import_scores(plan, "S1", [("T001", 88)])
        body = (await scores_of(scoring, plan)).json()
        assert (body["status"], body["items"]) == ("open", [])

    async def test_the_head_of_the_site_sees_them_too(self, scoring: Any):
        plan = await arrange(scoring, "publicity")
        response = await scores_of(scoring, plan, role=Role.INSTITUTION_HEAD)
        assert [s["ticket_number"] for s in response.json()["items"]] == ["T001"]

    async def test_from_the_other_side(self, scoring: Any):
        plan = await arrange(scoring, "publicity")
        other = (await scores_of(scoring, plan, "INST-THIRD")).json()
        assert other["items"] == []
        scoring.problem(await scores_of(scoring, plan, role=Role.CANDIDATE), 403)
        scoring.problem(await scores_of(scoring, plan, role=Role.ORG_ADMIN), 403)
        anonymous = await scoring.client.get(f"{API}/institution/plans/{plan.plan_id}/scores")
        scoring.problem(anonymous, 401)
