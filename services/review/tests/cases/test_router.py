"""The reviewer's HTTP API: queue, case view, claims, decisions and the audit trail."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from sqlalchemy import update

from review.cases.models import ReviewCase
from skillcert.auth import Role
from skillcert.events import ApplicationForfeited
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    BAD_ID,
    HISTORY_MONTHS,
    ORG,
    OTHER_ORG,
    VALID_ID,
    case_of,
    documents,
    filed,
    period,
    plan_published,
    prior,
    resubmitted,
    written,
)

API = "/api/v1/review"


def reviewer(harness: ServiceHarness, org_id: str | None = ORG, account_id=None):
    return harness.headers(Role.REVIEWER, org_id=org_id, account_id=account_id)


async def open_case(
    harness: ServiceHarness, org_id: str = ORG, requires_mail_in: bool = False, **overrides
):
    plan = plan_published(org_id=org_id, requires_mail_in=requires_mail_in)
    await harness.deliver(plan)
    event = filed(plan.plan_id, org_id=org_id, **overrides)
    await harness.deliver(event)
    case = await case_of(harness, event.application_id)
    return event, case.id


async def claimed_case(harness: ServiceHarness, headers, **overrides):
    event, case_id = await open_case(harness, **overrides)
    response = await harness.client.post(f"{API}/cases/{case_id}/claim", headers=headers)
    assert response.status_code == 200, response.text
    return event, case_id


async def expire_claim(harness: ServiceHarness, case_id) -> None:
    async with harness.ctx.sessionmaker() as session:
        await session.execute(
            update(ReviewCase)
            .where(ReviewCase.id == case_id)
            .values(claim_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()


class TestQueue:
    async def test_oldest_first_masked_with_due_date_and_findings_paginated(
        self, harness: ServiceHarness
    ):
        now = datetime.now(UTC)
        newest, _ = await open_case(harness, submitted_at=now - timedelta(hours=1))
        oldest, _ = await open_case(
            harness, submitted_at=now - timedelta(hours=3), id_number=BAD_ID
        )
        middle, _ = await open_case(
            harness, submitted_at=now - timedelta(hours=2), documents=documents("photo")
        )
        await open_case(harness, org_id=OTHER_ORG)

        first = await harness.client.get(f"{API}/queue?limit=2", headers=reviewer(harness))
        assert first.status_code == 200
        page = first.json()
        assert [i["application_id"] for i in page["items"]] == [
            str(oldest.application_id),
            str(middle.application_id),
        ]
        top = page["items"][0]
        assert top["id_number_masked"] == "110101********4515"
        assert VALID_ID not in first.text and BAD_ID not in first.text
        assert top["findings"]["failed_codes"] == ["id_checksum"]
        assert page["items"][1]["findings"]["failed_codes"] == ["materials_complete"]
        assert datetime.fromisoformat(top["due_at"]) > datetime.fromisoformat(top["submitted_at"])
        assert top["overdue"] is False and top["claim"] is None
        assert top["plan_title"] == "2026年电子商务师一级认定"

        second = await harness.client.get(
            f"{API}/queue?limit=2&cursor={page['next_cursor']}", headers=reviewer(harness)
        )
        assert [i["application_id"] for i in second.json()["items"]] == [str(newest.application_id)]
        assert second.json()["next_cursor"] is None

    async def test_status_filter(self, harness: ServiceHarness):
        headers = reviewer(harness)
        await open_case(harness)
        _, decided = await claimed_case(harness, headers)
        await harness.client.post(f"{API}/cases/{decided}/approve", headers=headers)
        response = await harness.client.get(f"{API}/queue?status=approved", headers=headers)
        assert [i["case_id"] for i in response.json()["items"]] == [str(decided)]
        assert response.json()["items"][0]["status"] == "approved"

    async def test_mail_in_flag_and_information_count(self, harness: ServiceHarness):
        mailed, _ = await open_case(harness, requires_mail_in=True)
        await open_case(harness)
        response = await harness.client.get(f"{API}/queue", headers=reviewer(harness))
        items = {i["application_id"]: i for i in response.json()["items"]}
        mail_in = items.pop(str(mailed.application_id))
        [plain] = items.values()
        assert mail_in["requires_mail_in"] is True
        assert (mail_in["findings"]["info"], mail_in["findings"]["failed"]) == (1, 0)
        assert plain["requires_mail_in"] is False and plain["findings"]["info"] == 0

    async def test_summary_names_the_failed_eligibility_checks(self, harness: ServiceHarness):
        await open_case(
            harness,
            prior_certificate=prior(level=3),
            work_history=[period("2015-01", "2020-12"), period("2020-01", None)],
        )
        response = await harness.client.get(f"{API}/queue", headers=reviewer(harness))
        [item] = response.json()["items"]
        assert item["findings"]["failed_codes"] == [
            "prior_certificate_level",
            "work_history_overlap",
        ]

    async def test_forfeited_cases_are_listed_under_their_status(self, harness: ServiceHarness):
        event, case_id = await open_case(harness)
        await harness.deliver(
            ApplicationForfeited(
                application_id=event.application_id,
                candidate_id=event.candidate_id,
                plan_id=event.plan_id,
                reason="纸质材料未在报名截止前寄达",
            )
        )
        headers = reviewer(harness)
        pending = await harness.client.get(f"{API}/queue", headers=headers)
        assert pending.json()["items"] == []
        response = await harness.client.get(f"{API}/queue?status=forfeited", headers=headers)
        assert [i["case_id"] for i in response.json()["items"]] == [str(case_id)]

    async def test_other_organisation_sees_nothing(self, harness: ServiceHarness):
        await open_case(harness)
        response = await harness.client.get(f"{API}/queue", headers=reviewer(harness, OTHER_ORG))
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_candidate_is_forbidden(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/queue", headers=harness.headers(Role.CANDIDATE))
        assert_problem(response, 403)

    async def test_without_token_is_401(self, harness: ServiceHarness):
        assert_problem(await harness.client.get(f"{API}/queue"), 401)

    async def test_limit_out_of_range_is_422(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/queue?limit=0", headers=reviewer(harness))
        assert_problem(response, 422, "query.limit")

    async def test_unknown_status_is_422(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/queue?status=done", headers=reviewer(harness))
        assert_problem(response, 422, "query.status")

    async def test_bad_cursor_is_422(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/queue?cursor=e30", headers=reviewer(harness))
        assert_problem(response, 422, "cursor")


class TestGetCase:
    async def test_full_view_with_links_history_and_audit(self, harness: ServiceHarness):
        event, case_id = await open_case(harness, documents=documents("id_front", "photo"))
        response = await harness.client.get(f"{API}/cases/{case_id}", headers=reviewer(harness))
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["revision"], body["id_number"]) == ("pending", 1, VALID_ID)
        assert body["condition_title"].startswith("取得本职业二级")
        assert body["findings_summary"]["failed_codes"] == ["materials_complete"]
        photo = next(d for d in body["documents"] if d["kind"] == "photo")
        assert photo["label"] == "白底证件照"
        key = next(d.object_key for d in event.documents if d.kind == "photo")
        assert key in photo["download_url"]
        assert "X-Amz-Expires=300" in photo["download_url"]
        assert [h["revision"] for h in body["history"]] == [1]
        assert body["history"][0]["document_kinds"] == ["id_front", "photo"]
        assert [a["action"] for a in body["audit"]] == ["opened"]

    async def test_shows_prior_certificate_work_history_and_eligibility_findings(
        self, harness: ServiceHarness
    ):
        _, case_id = await open_case(harness)
        body = (
            await harness.client.get(f"{API}/cases/{case_id}", headers=reviewer(harness))
        ).json()
        assert body["prior_certificate"] == {
            "occupation_code": "4-01-02-02",
            "occupation_name": "电子商务师",
            "level": 2,
            "certificate_number": "S000044000001234",
            "issued_on": "2018-05-20",
        }
        assert [(p["from_month"], p["to_month"], p["unit"]) for p in body["work_history"]] == [
            ("2012-03-01", "2016-06-01", "甲公司"),
            ("2016-07-01", "2025-12-01", "乙公司"),
        ]
        assert body["work_history"][0]["referee_phone"] == "13900139000"
        assert body["total_work_months"] == HISTORY_MONTHS
        assert (body["requires_mail_in"], body["mail_in_deadline"]) == (False, None)
        findings = {f["code"]: f for f in body["findings"]}
        for code in (
            "years_worked",
            "prior_certificate",
            "prior_certificate_level",
            "prior_certificate_occupation",
            "prior_certificate_issued",
            "work_after_prior_certificate",
            "work_history_dates",
            "work_history_overlap",
        ):
            assert findings[code]["outcome"] == "passed", code
            assert findings[code]["message"]
        assert body["findings_summary"]["failed"] == 0
        assert body["history"][0]["total_work_months"] == HISTORY_MONTHS

    async def test_mail_in_plan_shows_the_deadline_and_the_information(
        self, harness: ServiceHarness
    ):
        _, case_id = await open_case(harness, requires_mail_in=True)
        body = (
            await harness.client.get(f"{API}/cases/{case_id}", headers=reviewer(harness))
        ).json()
        assert body["requires_mail_in"] is True
        assert body["mail_in_deadline"] is not None
        mail_in = next(f for f in body["findings"] if f["code"] == "mail_in")
        assert mail_in["outcome"] == "info"
        assert "邮寄纸质材料" in mail_in["message"]
        assert body["findings_summary"]["info"] == 1

    async def test_resubmission_shows_the_previous_revision_and_its_decision(
        self, harness: ServiceHarness
    ):
        headers = reviewer(harness, account_id=uuid4())
        event, case_id = await claimed_case(harness, headers, prior_certificate=prior(level=3))
        reject = await harness.client.post(
            f"{API}/cases/{case_id}/reject",
            headers=headers,
            json={"reasons": [{"code": "not_eligible"}], "comment": "证书等级不够"},
        )
        assert reject.status_code == 200
        await harness.deliver(resubmitted(event, prior_certificate=prior(level=2)))

        queue = (await harness.client.get(f"{API}/queue", headers=headers)).json()["items"]
        assert [(i["case_id"], i["revision"]) for i in queue] == [(str(case_id), 2)]
        body = (await harness.client.get(f"{API}/cases/{case_id}", headers=headers)).json()
        assert (body["status"], body["revision"], body["decided_at"]) == ("pending", 2, None)
        assert body["prior_certificate"]["level"] == 2
        assert body["findings_summary"]["failed"] == 0
        current, previous = body["history"]
        assert (current["revision"], current["outcome"], current["decision"]) == (
            2,
            "pending",
            None,
        )
        assert (previous["revision"], previous["outcome"]) == (1, "rejected")
        assert previous["decision"]["reasons"] == [
            {"code": "not_eligible", "text": "不符合所选申报条件"}
        ]
        assert previous["decision"]["comment"] == "证书等级不够"
        failed = [f["code"] for f in previous["findings"] if f["outcome"] == "failed"]
        assert failed == ["prior_certificate_level"]

    async def test_candidate_cannot_read_a_case(self, harness: ServiceHarness):
        # Candidates learn decisions from registration; reviewer identities stay here.
        event, case_id = await open_case(harness)
        candidate = harness.headers(Role.CANDIDATE, account_id=event.candidate_id)
        for path in (
            f"{API}/cases/{case_id}",
            f"{API}/cases/by-application/{event.application_id}",
            f"{API}/cases/{case_id}/audit",
        ):
            assert_problem(await harness.client.get(path, headers=candidate), 403)

    async def test_by_application(self, harness: ServiceHarness):
        event, case_id = await open_case(harness)
        response = await harness.client.get(
            f"{API}/cases/by-application/{event.application_id}", headers=reviewer(harness)
        )
        assert response.status_code == 200
        assert response.json()["case_id"] == str(case_id)

    async def test_other_organisations_reviewer_gets_404(self, harness: ServiceHarness):
        event, case_id = await open_case(harness)
        other = reviewer(harness, OTHER_ORG)
        assert_problem(await harness.client.get(f"{API}/cases/{case_id}", headers=other), 404)
        assert_problem(
            await harness.client.get(
                f"{API}/cases/by-application/{event.application_id}", headers=other
            ),
            404,
        )

    async def test_unknown_case_is_404(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/cases/{uuid4()}", headers=reviewer(harness))
        assert_problem(response, 404)

    async def test_malformed_case_id_is_422(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/cases/abc", headers=reviewer(harness))
        assert_problem(response, 422, "path.case_id")


class TestClaim:
    async def test_claims_for_the_lease_time(self, harness: ServiceHarness):
        _, case_id = await open_case(harness)
        me = uuid4()
        before = datetime.now(UTC)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/claim", headers=reviewer(harness, account_id=me)
        )
        assert response.status_code == 200
        body = response.json()
        assert body["reviewer_id"] == str(me) and body["extended"] is False
        lease = datetime.fromisoformat(body["expires_at"]) - before
        assert timedelta(minutes=14) < lease <= timedelta(minutes=15, seconds=5)

    async def test_second_reviewer_gets_409_and_nothing_changes(self, harness: ServiceHarness):
        first = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, first)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/claim", headers=reviewer(harness, account_id=uuid4())
        )
        assert_problem(response, 409)
        assert await written(harness) == before

    async def test_same_reviewer_extends(self, harness: ServiceHarness):
        me = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, me)
        response = await harness.client.post(f"{API}/cases/{case_id}/claim", headers=me)
        assert response.status_code == 200 and response.json()["extended"] is True

    async def test_expired_claim_can_be_taken_over(self, harness: ServiceHarness):
        _, case_id = await claimed_case(harness, reviewer(harness, account_id=uuid4()))
        await expire_claim(harness, case_id)
        other = uuid4()
        response = await harness.client.post(
            f"{API}/cases/{case_id}/claim", headers=reviewer(harness, account_id=other)
        )
        assert response.status_code == 200 and response.json()["reviewer_id"] == str(other)

    async def test_decided_case_cannot_be_claimed(self, harness: ServiceHarness):
        me = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, me)
        await harness.client.post(f"{API}/cases/{case_id}/approve", headers=me)
        response = await harness.client.post(f"{API}/cases/{case_id}/claim", headers=me)
        assert_problem(response, 409)

    async def test_other_organisation_gets_404(self, harness: ServiceHarness):
        _, case_id = await open_case(harness)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/claim", headers=reviewer(harness, OTHER_ORG)
        )
        assert_problem(response, 404)
        assert await written(harness) == before

    async def test_org_admin_may_look_but_not_claim(self, harness: ServiceHarness):
        _, case_id = await open_case(harness)
        admin = harness.headers(Role.ORG_ADMIN, org_id=ORG)
        assert (
            await harness.client.get(f"{API}/cases/{case_id}", headers=admin)
        ).status_code == 200
        assert_problem(
            await harness.client.post(f"{API}/cases/{case_id}/claim", headers=admin), 403
        )


class TestApprove:
    async def test_passes_the_roster_institution_on_to_payment(self, harness: ServiceHarness):
        """The institution whose roster holds the candidate travels from the submission to the
        approval, so only that institution's payment requests (缴费申请单) may cover it."""
        headers = harness.tokens.headers(harness.tokens.principal(Role.REVIEWER, ORG, uuid4()))
        event, case_id = await claimed_case(harness, headers, institution_id="INST-51001")
        response = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=headers)
        assert response.status_code == 200, response.text
        [approved] = await harness.outbox("review.application.approved.v1")
        assert approved.institution_id == "INST-51001"
        assert (await case_of(harness, event.application_id)).institution_id == "INST-51001"

    async def test_records_the_event_with_the_approved_revision(self, harness: ServiceHarness):
        me = uuid4()
        headers = harness.tokens.headers(
            harness.tokens.principal(Role.REVIEWER, ORG, me).model_copy(update={"name": "李审核"})
        )
        event, case_id = await claimed_case(harness, headers)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/approve", headers=headers, json={"comment": "材料齐全"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "approved"
        assert body["decision"]["reviewer_name"] == "李审核"

        [approved] = await harness.outbox("review.application.approved.v1")
        assert approved.application_id == event.application_id
        assert approved.candidate_id == event.candidate_id
        assert approved.plan_id == event.plan_id
        assert (approved.revision, approved.candidate_name, approved.id_number) == (
            1,
            "张三",
            VALID_ID,
        )
        case = await case_of(harness, event.application_id)
        assert (case.status, case.claimed_by) == ("approved", None)
        assert case.decided_at == approved.decided_at

        audit = (await harness.client.get(f"{API}/cases/{case_id}/audit", headers=headers)).json()
        last = audit[-1]
        assert (last["action"], last["actor_id"], last["actor_name"]) == (
            "approved",
            str(me),
            "李审核",
        )
        assert (last["from_status"], last["to_status"]) == ("pending", "approved")
        assert last["details"]["comment"] == "材料齐全"

    async def test_without_a_body(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        response = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=headers)
        assert response.status_code == 200

    async def test_without_claim_is_409_and_nothing_written(self, harness: ServiceHarness):
        _, case_id = await open_case(harness)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/approve", headers=reviewer(harness)
        )
        assert_problem(response, 409)
        assert await written(harness) == before

    async def test_someone_elses_claim_is_409(self, harness: ServiceHarness):
        _, case_id = await claimed_case(harness, reviewer(harness, account_id=uuid4()))
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/approve", headers=reviewer(harness, account_id=uuid4())
        )
        assert_problem(response, 409)
        assert await written(harness) == before

    async def test_expired_claim_is_409(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        await expire_claim(harness, case_id)
        before = await written(harness)
        response = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=headers)
        assert_problem(response, 409)
        assert await written(harness) == before

    async def test_already_decided_is_409(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        await harness.client.post(f"{API}/cases/{case_id}/approve", headers=headers)
        before = await written(harness)
        response = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=headers)
        assert_problem(response, 409)
        assert await written(harness) == before

    async def test_other_organisation_gets_404(self, harness: ServiceHarness):
        _, case_id = await claimed_case(harness, reviewer(harness, account_id=uuid4()))
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/approve", headers=reviewer(harness, OTHER_ORG)
        )
        assert_problem(response, 404)
        assert await written(harness) == before

    async def test_too_long_comment_is_422_and_nothing_written(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/approve", headers=headers, json={"comment": "长" * 501}
        )
        assert_problem(response, 422, "comment")
        assert await written(harness) == before

    async def test_unknown_field_is_422(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/approve", headers=headers, json={"verdict": "ok"}
        )
        assert_problem(response, 422, "verdict")

    async def test_same_idempotency_key_approves_once(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        keyed = {**headers, "Idempotency-Key": "approve-1"}
        first = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=keyed)
        again = await harness.client.post(f"{API}/cases/{case_id}/approve", headers=keyed)
        assert first.status_code == again.status_code == 200
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(await harness.outbox("review.application.approved.v1")) == 1


class TestReject:
    async def test_records_reasons_the_candidate_reads(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        event, case_id = await claimed_case(harness, headers)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/reject",
            headers=headers,
            json={
                "reasons": [
                    {"code": "photo_invalid"},
                    {"code": "other", "text": "工作年限证明单位印章不清晰"},
                ],
                "comment": "内部备注",
            },
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "rejected"

        [rejected] = await harness.outbox("review.application.rejected.v1")
        assert rejected.application_id == event.application_id
        assert rejected.revision == 1
        assert [(r.code, r.text) for r in rejected.reasons] == [
            ("photo_invalid", "照片不符合要求（白底证件照，JPG 格式，40–80 KB）"),
            ("other", "工作年限证明单位印章不清晰"),
        ]
        # What the candidate learns never names the reviewer or carries the internal comment.
        payload = rejected.model_dump()
        assert not {"reviewer_id", "reviewer_name", "comment"} & set(payload)
        assert (await case_of(harness, event.application_id)).status == "rejected"

    async def test_without_reasons_is_422_and_nothing_written(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/reject", headers=headers, json={"reasons": []}
        )
        assert_problem(response, 422, "reasons")
        assert await written(harness) == before

    async def test_missing_reasons_is_422(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        response = await harness.client.post(f"{API}/cases/{case_id}/reject", headers=headers)
        assert_problem(response, 422, "body")
        response = await harness.client.post(
            f"{API}/cases/{case_id}/reject", headers=headers, json={}
        )
        assert_problem(response, 422, "reasons")

    async def test_unknown_reason_code_is_422(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/reject",
            headers=headers,
            json={"reasons": [{"code": "photo_invalid"}, {"code": "ugly"}]},
        )
        assert_problem(response, 422, "reasons.1.code")
        assert await written(harness) == before

    async def test_other_without_text_is_422(self, harness: ServiceHarness):
        headers = reviewer(harness, account_id=uuid4())
        _, case_id = await claimed_case(harness, headers)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/reject", headers=headers, json={"reasons": [{"code": "other"}]}
        )
        assert_problem(response, 422, "reasons.0.text")
        assert "其他原因" in response.json()["errors"][0]["message"]
        assert await written(harness) == before

    async def test_without_claim_is_409_and_nothing_written(self, harness: ServiceHarness):
        _, case_id = await open_case(harness)
        before = await written(harness)
        response = await harness.client.post(
            f"{API}/cases/{case_id}/reject",
            headers=reviewer(harness),
            json={"reasons": [{"code": "not_eligible"}]},
        )
        assert_problem(response, 409)
        assert await written(harness) == before


class TestAudit:
    async def test_who_did_what_when_and_why_in_order(self, harness: ServiceHarness):
        me = uuid4()
        headers = reviewer(harness, account_id=me)
        _, case_id = await claimed_case(harness, headers)
        await harness.client.post(f"{API}/cases/{case_id}/claim", headers=headers)
        await harness.client.post(
            f"{API}/cases/{case_id}/reject",
            headers=headers,
            json={"reasons": [{"code": "materials_incomplete"}], "comment": "缺证书"},
        )
        response = await harness.client.get(f"{API}/cases/{case_id}/audit", headers=headers)
        assert response.status_code == 200
        entries = response.json()
        assert [e["action"] for e in entries] == ["opened", "claimed", "claim_extended", "rejected"]
        assert [e["actor_kind"] for e in entries] == [
            "candidate",
            "reviewer",
            "reviewer",
            "reviewer",
        ]
        times = [datetime.fromisoformat(e["at"]) for e in entries]
        assert times == sorted(times)
        rejected = entries[-1]
        assert rejected["actor_id"] == str(me)
        assert rejected["details"]["reasons"][0]["code"] == "materials_incomplete"
        assert rejected["details"]["comment"] == "缺证书"

    async def test_other_organisation_gets_404(self, harness: ServiceHarness):
        _, case_id = await open_case(harness)
        response = await harness.client.get(
            f"{API}/cases/{case_id}/audit", headers=reviewer(harness, OTHER_ORG)
        )
        assert_problem(response, 404)
