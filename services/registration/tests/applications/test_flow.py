"""The candidate's whole journey as registration sees it: HTTP in, events in and out."""

from uuid import UUID

from skillcert.events import ApplicationSubmitted
from skillcert.testing import ServiceHarness, assert_problem
from tests.applications.test_consumers import approved, issued, paid, result, scheduled, stored
from tests.conftest import API, Kit, jpeg_between


class TestCandidateJourney:
    async def test_from_plan_to_certificate(self, kit: Kit, harness: ServiceHarness):
        plan = await kit.open_plan()
        headers = kit.candidate()
        plans = (await kit.client.get(f"{API}/plans?level=1", headers=headers)).json()
        assert [p["plan_id"] for p in plans["items"]] == [str(plan.plan_id)]

        application = await kit.new_application(headers, plan.plan_id)
        application_id = application["id"]
        await kit.fill(headers, application_id, condition="L1-A")
        photo = await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        assert photo.status_code == 200, photo.text
        form = await kit.upload(
            headers, application_id, "application_form", b"%PDF-1.4\n%%EOF\n", "application/pdf"
        )
        assert form.status_code == 200, form.text
        submitted = await kit.submit(headers, application_id)
        assert submitted.status_code == 200, submitted.text

        [event] = await harness.outbox("registration.application.submitted.v1")
        assert isinstance(event, ApplicationSubmitted)
        assert sorted(d.kind for d in event.documents) == ["application_form", "photo"]
        # The presigned upload really landed where the event says.
        for document in event.documents:
            info = await harness.ctx.storage.stat(document.object_key)
            assert info is not None and info.size == document.size

        row = await stored(harness, UUID(application_id))
        for make in (approved, paid, scheduled, result, issued):
            await harness.deliver(make(row))

        detail = await kit.get(headers, application_id)
        assert detail["status"] == "certified"
        assert detail["ticket_number"] == "2611010010203"
        assert detail["certificate_number"] == "Y000011000000001"
        assert [h["to_status"] for h in detail["status_history"]] == [
            "draft",
            "submitted",
            "approved",
            "paid",
            "scheduled",
            "result_pass",
            "certified",
        ]
        withdraw = await kit.client.post(
            f"{API}/applications/{application_id}/withdraw", headers=headers
        )
        assert_problem(withdraw, 409, slug="conflict")
