"""The reviewer's views and decisions on the platform's audit trail (skillcert.audit): opening
a case with the candidate's personal details and documents is a `view` entry naming the
candidate, a decision is a `decision` entry with its reasons; a refused view records nothing."""

from uuid import uuid4

from skillcert.events import AuditRecorded
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import OTHER_ORG, documents
from .test_router import API, claimed_case, open_case, reviewer


async def trail(harness: ServiceHarness) -> list[AuditRecorded]:
    entries = await harness.outbox("audit.recorded.v1")
    return [e for e in entries if isinstance(e, AuditRecorded)]


async def test_opening_a_case_records_who_saw_whose_data_and_why(harness: ServiceHarness):
    account_id = uuid4()
    event, case_id = await open_case(harness, documents=documents("id_front", "photo"))
    response = await harness.client.get(
        f"{API}/cases/{case_id}", headers=reviewer(harness, account_id=account_id)
    )
    assert response.status_code == 200, response.text
    [entry] = await trail(harness)
    assert (entry.kind, entry.action, entry.actor_id, entry.actor_role) == (
        "view",
        "review.case.viewed",
        account_id,
        "reviewer",
    )
    assert (entry.subject_type, entry.subject_id, entry.person_id) == (
        "application",
        str(event.application_id),
        event.candidate_id,
    )
    assert "证明材料" in entry.reason
    # The entry names people by id: the ID number the reviewer saw is not in it.
    assert event.id_number not in entry.model_dump_json()


async def test_a_refused_view_records_nothing(harness: ServiceHarness):
    _, case_id = await open_case(harness)
    response = await harness.client.get(
        f"{API}/cases/{case_id}", headers=reviewer(harness, OTHER_ORG)
    )
    assert_problem(response, 404)
    assert await trail(harness) == []


async def test_a_rejection_is_a_decision_with_its_reasons(harness: ServiceHarness):
    account_id = uuid4()
    headers = reviewer(harness, account_id=account_id)
    event, case_id = await claimed_case(harness, headers)
    response = await harness.client.post(
        f"{API}/cases/{case_id}/reject",
        headers=headers,
        json={"reasons": [{"code": "other", "text": "工作年限证明单位印章不清晰"}]},
    )
    assert response.status_code == 200, response.text
    [entry] = [e for e in await trail(harness) if e.kind == "decision"]
    assert (entry.action, entry.actor_id, entry.person_id) == (
        "review.application.rejected",
        account_id,
        event.candidate_id,
    )
    assert "工作年限证明单位印章不清晰" in entry.reason


async def test_an_approval_is_a_decision(harness: ServiceHarness):
    headers = reviewer(harness, account_id=uuid4())
    event, case_id = await claimed_case(harness, headers)
    response = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=headers)
    assert response.status_code == 200, response.text
    [entry] = [e for e in await trail(harness) if e.kind == "decision"]
    assert (entry.action, entry.subject_id) == (
        "review.application.approved",
        str(event.application_id),
    )
