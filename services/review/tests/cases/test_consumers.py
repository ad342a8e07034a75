"""Registration's events against the real database and broker: one case per application,
idempotent, history kept, stale revisions ignored."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from review.cases.models import AuditEntry, CaseFinding, CaseRevision, ReviewCase
from review.cases.prechecks import CheckCode, CheckOutcome
from review.plans.models import ReviewPlan
from skillcert.auth import Role
from skillcert.events import (
    ApplicationForfeited,
    ApplicationResubmitted,
    ApplicationWithdrawn,
    ExamPlanCancelled,
)
from skillcert.testing import ServiceHarness, eventually

from ..factories import (
    BAD_ID,
    ORG,
    case_of,
    count,
    documents,
    filed,
    period,
    plan_published,
    prior,
    resubmitted,
)


async def findings_of(harness: ServiceHarness, case_id, revision: int) -> dict[str, str]:
    async with harness.ctx.sessionmaker() as session:
        rows = (
            await session.execute(
                select(CaseFinding).where(
                    CaseFinding.case_id == case_id, CaseFinding.revision == revision
                )
            )
        ).scalars()
        return {f.code: f.outcome for f in rows}


async def revisions_of(harness: ServiceHarness, case_id) -> dict[int, str]:
    async with harness.ctx.sessionmaker() as session:
        rows = (
            await session.execute(select(CaseRevision).where(CaseRevision.case_id == case_id))
        ).scalars()
        return {r.revision: r.outcome for r in rows}


async def reject(harness: ServiceHarness, case_id) -> None:
    headers = harness.headers(Role.REVIEWER, org_id=ORG)
    base = f"/api/v1/review/cases/{case_id}"
    assert (await harness.client.post(f"{base}/claim", headers=headers)).status_code == 200
    response = await harness.client.post(
        f"{base}/reject", headers=headers, json={"reasons": [{"code": "photo_invalid"}]}
    )
    assert response.status_code == 200, response.text


class TestApplicationSubmitted:
    async def test_opens_a_pending_case_with_findings(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        event = filed(
            plan.plan_id,
            id_number=BAD_ID,
            documents=documents("id_front", "id_back", "photo", "application_form"),
        )
        await harness.deliver(event)

        case = await case_of(harness, event.application_id)
        assert (case.status, case.revision, case.org_id) == ("pending", 1, ORG)
        assert case.due_at > event.submitted_at
        found = await findings_of(harness, case.id, 1)
        assert found[CheckCode.MATERIALS] == CheckOutcome.FAILED
        assert found[CheckCode.ID_NUMBER] == CheckOutcome.FAILED
        assert found[CheckCode.YEARS_WORKED] == CheckOutcome.PASSED
        async with harness.ctx.sessionmaker() as session:
            audit = (await session.execute(select(AuditEntry))).scalars().one()
        assert (audit.action, audit.actor_kind, audit.to_status) == (
            "opened",
            "candidate",
            "pending",
        )
        assert set(audit.details["failed_checks"]) == {"materials_complete", "id_checksum"}

    async def test_same_event_twice_opens_one_case(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        event = filed(plan.plan_id)
        await harness.deliver(event)
        await harness.deliver(event)
        assert await count(harness, ReviewCase) == 1
        assert await count(harness, CaseRevision) == 1
        assert await count(harness, AuditEntry) == 1
        assert await count(harness, CaseFinding) == 13

    async def test_checks_the_prior_certificate_and_work_history_it_carries(
        self, harness: ServiceHarness
    ):
        plan = plan_published()
        await harness.deliver(plan)
        event = filed(
            plan.plan_id,
            prior_certificate=prior(level=3, occupation_code="2-02-10-01", occupation_name="会计"),
            work_history=[period("2012-01", "2018-12"), period("2018-01", None)],
            total_work_months=40,
        )
        await harness.deliver(event)

        case = await case_of(harness, event.application_id)
        found = await findings_of(harness, case.id, 1)
        assert found[CheckCode.YEARS_WORKED] == CheckOutcome.FAILED
        assert found[CheckCode.PRIOR_CERTIFICATE] == CheckOutcome.PASSED
        assert found[CheckCode.PRIOR_LEVEL] == CheckOutcome.FAILED
        assert found[CheckCode.PRIOR_OCCUPATION] == CheckOutcome.FAILED
        assert found[CheckCode.PRIOR_ISSUED] == CheckOutcome.PASSED
        assert found[CheckCode.WORK_HISTORY_OVERLAP] == CheckOutcome.FAILED
        assert found[CheckCode.WORK_HISTORY_DATES] == CheckOutcome.PASSED
        assert CheckCode.MAIL_IN not in found
        assert (case.total_work_months, case.prior_certificate["level"]) == (40, 3)
        assert len(case.work_history) == 2
        async with harness.ctx.sessionmaker() as session:
            audit = (await session.execute(select(AuditEntry))).scalars().one()
            revision = (await session.execute(select(CaseRevision))).scalars().one()
        assert set(audit.details["failed_checks"]) == {
            "years_worked",
            "prior_certificate_level",
            "prior_certificate_occupation",
            "work_history_overlap",
        }
        assert revision.total_work_months == 40
        assert revision.snapshot["prior_certificate"]["occupation_name"] == "会计"
        assert len(revision.snapshot["work_history"]) == 2

    async def test_mail_in_plan_adds_the_mail_in_information(self, harness: ServiceHarness):
        plan = plan_published(requires_mail_in=True)
        await harness.deliver(plan)
        event = filed(plan.plan_id)
        await harness.deliver(event)
        case = await case_of(harness, event.application_id)
        found = await findings_of(harness, case.id, 1)
        assert found[CheckCode.MAIL_IN] == CheckOutcome.INFO
        assert CheckOutcome.FAILED not in found.values()

    async def test_before_the_plan_is_known_the_org_comes_from_the_event(
        self, harness: ServiceHarness
    ):
        event = filed(plan_published().plan_id)
        await harness.deliver(event)
        case = await case_of(harness, event.application_id)
        assert case.org_id == ORG
        assert (await findings_of(harness, case.id, 1))[CheckCode.MATERIALS] == "skipped"

    async def test_arrives_through_the_broker(self, harness: ServiceHarness):
        plan = plan_published()
        event = filed(plan.plan_id)
        await harness.publish(plan)
        await harness.publish(event)

        async def opened():
            async with harness.ctx.sessionmaker() as session:
                query = select(ReviewCase).where(ReviewCase.application_id == event.application_id)
                return (await session.execute(query)).scalar_one_or_none()

        assert (await eventually(opened)).status == "pending"


class TestApplicationResubmitted:
    async def test_rejected_case_returns_to_the_queue_with_its_history(
        self, harness: ServiceHarness
    ):
        plan = plan_published()
        await harness.deliver(plan)
        first = filed(plan.plan_id, documents=documents("id_front"))
        await harness.deliver(first)
        case = await case_of(harness, first.application_id)
        await reject(harness, case.id)

        await harness.deliver(resubmitted(first, documents=documents()))

        reopened = await case_of(harness, first.application_id)
        assert (reopened.status, reopened.revision) == ("pending", 2)
        assert reopened.decided_at is None and reopened.claimed_by is None
        assert await revisions_of(harness, case.id) == {1: "rejected", 2: "pending"}
        assert (await findings_of(harness, case.id, 1))[CheckCode.MATERIALS] == "failed"
        assert (await findings_of(harness, case.id, 2))[CheckCode.MATERIALS] == "passed"
        async with harness.ctx.sessionmaker() as session:
            actions = (
                await session.execute(select(AuditEntry.action).order_by(AuditEntry.seq))
            ).scalars()
            assert list(actions) == ["opened", "claimed", "rejected", "resubmitted"]

    async def test_same_resubmission_twice_has_one_effect(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        again = resubmitted(first)
        await harness.deliver(again)
        await harness.deliver(again)
        assert await count(harness, CaseRevision) == 2
        assert await count(harness, AuditEntry) == 2

    async def test_older_revision_than_the_seen_one_is_ignored(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        second = resubmitted(first, years_worked=6)
        await harness.deliver(second)  # the resubmission overtook the first submission
        await harness.deliver(first)
        case = await case_of(harness, first.application_id)
        assert (case.revision, case.years_worked) == (2, 6)
        assert await revisions_of(harness, case.id) == {2: "pending"}

    async def test_edit_while_pending_supersedes_and_releases_the_claim(
        self, harness: ServiceHarness
    ):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        case = await case_of(harness, first.application_id)
        headers = harness.headers(Role.REVIEWER, org_id=ORG)
        claim = await harness.client.post(f"/api/v1/review/cases/{case.id}/claim", headers=headers)
        assert claim.status_code == 200

        later = datetime.now(UTC) + timedelta(minutes=1)
        await harness.deliver(resubmitted(first, submitted_at=later))

        case = await case_of(harness, first.application_id)
        assert (case.status, case.revision, case.claimed_by) == ("pending", 2, None)
        assert case.submitted_at == later
        assert await revisions_of(harness, case.id) == {1: "superseded", 2: "pending"}

    async def test_first_event_may_be_a_resubmission(self, harness: ServiceHarness):
        event = filed(plan_published().plan_id, cls=ApplicationResubmitted, revision=3)
        await harness.deliver(event)
        case = await case_of(harness, event.application_id)
        assert (case.status, case.revision) == ("pending", 3)


class TestApplicationWithdrawn:
    async def test_closes_the_case_once(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        withdrawn = ApplicationWithdrawn(
            application_id=first.application_id,
            candidate_id=first.candidate_id,
            plan_id=first.plan_id,
            reason="个人原因",
        )
        await harness.deliver(withdrawn)
        await harness.deliver(withdrawn)

        case = await case_of(harness, first.application_id)
        assert case.status == "withdrawn"
        assert await revisions_of(harness, case.id) == {1: "withdrawn"}
        async with harness.ctx.sessionmaker() as session:
            entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.seq))).scalars()
            last = list(entries)[-1]
        assert (last.action, last.from_status, last.to_status) == (
            "withdrawn",
            "pending",
            "withdrawn",
        )
        assert last.details["reason"] == "个人原因"
        assert await count(harness, AuditEntry) == 2

    async def test_a_withdrawn_case_stays_closed(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        await harness.deliver(
            ApplicationWithdrawn(
                application_id=first.application_id,
                candidate_id=first.candidate_id,
                plan_id=first.plan_id,
            )
        )
        await harness.deliver(resubmitted(first))
        case = await case_of(harness, first.application_id)
        assert (case.status, case.revision) == ("withdrawn", 1)

    async def test_unknown_application_is_ignored(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(
            ApplicationWithdrawn(
                application_id=first.application_id,
                candidate_id=first.candidate_id,
                plan_id=first.plan_id,
            )
        )
        assert await count(harness, ReviewCase) == 0


def forfeited(event, reason: str = "纸质材料未在报名截止前寄达") -> ApplicationForfeited:
    return ApplicationForfeited(
        application_id=event.application_id,
        candidate_id=event.candidate_id,
        plan_id=event.plan_id,
        reason=reason,
    )


async def approve(harness: ServiceHarness, case_id) -> None:
    headers = harness.headers(Role.REVIEWER, org_id=ORG)
    base = f"/api/v1/review/cases/{case_id}"
    assert (await harness.client.post(f"{base}/claim", headers=headers)).status_code == 200
    assert (await harness.client.post(f"{base}/approve", headers=headers)).status_code == 200


async def last_audit(harness: ServiceHarness) -> AuditEntry:
    async with harness.ctx.sessionmaker() as session:
        entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.seq))).scalars()
        return list(entries)[-1]


class TestApplicationForfeited:
    async def test_closes_an_approved_case_once_keeping_the_decision(self, harness: ServiceHarness):
        plan = plan_published(requires_mail_in=True)
        await harness.deliver(plan)
        first = filed(plan.plan_id)
        await harness.deliver(first)
        case = await case_of(harness, first.application_id)
        await approve(harness, case.id)
        audit_before = await count(harness, AuditEntry)

        event = forfeited(first)
        await harness.deliver(event)
        await harness.deliver(event)

        closed = await case_of(harness, first.application_id)
        assert (closed.status, closed.claimed_by) == ("forfeited", None)
        assert closed.decided_at is not None
        # The approval stands in the history; the case, not the revision, was forfeited.
        assert await revisions_of(harness, case.id) == {1: "approved"}
        assert await count(harness, AuditEntry) == audit_before + 1
        last = await last_audit(harness)
        assert (last.action, last.actor_kind, last.actor_id, last.actor_name) == (
            "forfeited",
            "system",
            None,
            None,
        )
        assert (last.from_status, last.to_status) == ("approved", "forfeited")
        assert last.details["reason"] == "纸质材料未在报名截止前寄达"
        assert await harness.outbox("review.application.approved.v1") != []
        assert await harness.outbox("review.application.rejected.v1") == []

    async def test_closes_a_pending_case_and_its_revision(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        case = await case_of(harness, first.application_id)
        headers = harness.headers(Role.REVIEWER, org_id=ORG)
        claim = await harness.client.post(f"/api/v1/review/cases/{case.id}/claim", headers=headers)
        assert claim.status_code == 200

        await harness.deliver(forfeited(first))

        closed = await case_of(harness, first.application_id)
        assert (closed.status, closed.claimed_by, closed.claim_expires_at) == (
            "forfeited",
            None,
            None,
        )
        assert await revisions_of(harness, case.id) == {1: "forfeited"}
        assert (await last_audit(harness)).from_status == "pending"

    async def test_a_rejected_case_stays_rejected(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        case = await case_of(harness, first.application_id)
        await reject(harness, case.id)
        audit_before = await count(harness, AuditEntry)

        await harness.deliver(forfeited(first))

        assert (await case_of(harness, first.application_id)).status == "rejected"
        assert await revisions_of(harness, case.id) == {1: "rejected"}
        assert await count(harness, AuditEntry) == audit_before

    async def test_a_forfeited_case_ignores_later_revisions_and_withdrawal(
        self, harness: ServiceHarness
    ):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        await harness.deliver(forfeited(first))
        await harness.deliver(resubmitted(first))
        await harness.deliver(
            ApplicationWithdrawn(
                application_id=first.application_id,
                candidate_id=first.candidate_id,
                plan_id=first.plan_id,
            )
        )
        case = await case_of(harness, first.application_id)
        assert (case.status, case.revision) == ("forfeited", 1)
        assert await count(harness, AuditEntry) == 2

    async def test_unknown_application_is_ignored(self, harness: ServiceHarness):
        await harness.deliver(forfeited(filed(plan_published().plan_id)))
        assert await count(harness, ReviewCase) == 0
        assert await count(harness, AuditEntry) == 0

    async def test_arrives_through_the_broker(self, harness: ServiceHarness):
        first = filed(plan_published().plan_id)
        await harness.deliver(first)
        await harness.publish(forfeited(first))

        async def closed():
            case = await case_of(harness, first.application_id)
            return case if case.status == "forfeited" else None

        assert (await eventually(closed)).status == "forfeited"


def plan_cancelled(plan_id, reason: str = "报名人数不足，考试计划取消") -> ExamPlanCancelled:
    return ExamPlanCancelled(plan_id=plan_id, org_id=ORG, reason=reason)


async def queue_ids(harness: ServiceHarness, status: str) -> set:
    response = await harness.client.get(
        "/api/v1/review/queue",
        params={"status": status},
        headers=harness.headers(Role.REVIEWER, org_id=ORG),
    )
    assert response.status_code == 200, response.text
    return {item["application_id"] for item in response.json()["items"]}


class TestExamPlanCancelled:
    async def test_closes_pending_and_approved_keeps_rejected(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        pending, approved, rejected = (filed(plan.plan_id) for _ in range(3))
        other = filed(plan_published().plan_id)
        for event in (pending, approved, rejected, other):
            await harness.deliver(event)
        await approve(harness, (await case_of(harness, approved.application_id)).id)
        await reject(harness, (await case_of(harness, rejected.application_id)).id)
        claimed = await case_of(harness, pending.application_id)
        headers = harness.headers(Role.REVIEWER, org_id=ORG)
        claim = await harness.client.post(
            f"/api/v1/review/cases/{claimed.id}/claim", headers=headers
        )
        assert claim.status_code == 200

        await harness.deliver(plan_cancelled(plan.plan_id))

        closed = await case_of(harness, pending.application_id)
        assert (closed.status, closed.claimed_by, closed.claim_expires_at) == (
            "cancelled",
            None,
            None,
        )
        assert (await case_of(harness, approved.application_id)).status == "cancelled"
        assert (await case_of(harness, rejected.application_id)).status == "rejected"
        assert (await case_of(harness, other.application_id)).status == "pending"
        # The undecided revision closes; the approval stays in the history.
        assert (await revisions_of(harness, closed.id))[1] == "cancelled"
        approved_case = await case_of(harness, approved.application_id)
        assert (await revisions_of(harness, approved_case.id))[1] == "approved"
        async with harness.ctx.sessionmaker() as session:
            entries = (
                await session.execute(select(AuditEntry).where(AuditEntry.action == "cancelled"))
            ).scalars()
            audit = {e.case_id: e for e in entries}
            plan_row = await session.get(ReviewPlan, plan.plan_id)
        assert set(audit) == {closed.id, approved_case.id}
        entry = audit[closed.id]
        assert (entry.actor_kind, entry.actor_id, entry.from_status, entry.to_status) == (
            "system",
            None,
            "pending",
            "cancelled",
        )
        assert entry.details["reason"] == "报名人数不足，考试计划取消"
        assert audit[approved_case.id].from_status == "approved"
        assert plan_row is not None and plan_row.cancel_reason == "报名人数不足，考试计划取消"
        assert plan_row.cancelled_at is not None

    async def test_queue_no_longer_lists_them(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        event = filed(plan.plan_id)
        await harness.deliver(event)
        assert str(event.application_id) in await queue_ids(harness, "pending")

        await harness.deliver(plan_cancelled(plan.plan_id))

        assert str(event.application_id) not in await queue_ids(harness, "pending")
        assert str(event.application_id) in await queue_ids(harness, "cancelled")

    async def test_same_event_twice_closes_once(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        event = filed(plan.plan_id)
        await harness.deliver(event)
        cancelled = plan_cancelled(plan.plan_id)

        await harness.deliver(cancelled)
        await harness.deliver(cancelled)
        # A second cancellation of its own (new event id) finds nothing left to close.
        await harness.deliver(plan_cancelled(plan.plan_id, reason="再次取消"))

        assert (await case_of(harness, event.application_id)).status == "cancelled"
        async with harness.ctx.sessionmaker() as session:
            actions = (await session.execute(select(AuditEntry.action))).scalars().all()
            plan_row = await session.get(ReviewPlan, plan.plan_id)
        assert sorted(actions) == ["cancelled", "opened"]
        assert plan_row is not None and plan_row.cancel_reason == "报名人数不足，考试计划取消"

    async def test_later_submissions_are_ignored(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        first = filed(plan.plan_id)
        await harness.deliver(first)
        await harness.deliver(plan_cancelled(plan.plan_id))

        await harness.deliver(resubmitted(first))
        late = filed(plan.plan_id)
        await harness.deliver(late)

        case = await case_of(harness, first.application_id)
        assert (case.status, case.revision) == ("cancelled", 1)
        assert await revisions_of(harness, case.id) == {1: "cancelled"}
        assert await count(harness, ReviewCase) == 1

    async def test_withdrawal_after_cancellation_changes_nothing(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        first = filed(plan.plan_id)
        await harness.deliver(first)
        await harness.deliver(plan_cancelled(plan.plan_id))
        await harness.deliver(
            ApplicationWithdrawn(
                application_id=first.application_id,
                candidate_id=first.candidate_id,
                plan_id=first.plan_id,
            )
        )
        assert (await case_of(harness, first.application_id)).status == "cancelled"

    async def test_unknown_plan_still_closes_its_cases(self, harness: ServiceHarness):
        event = filed(plan_published().plan_id)
        await harness.deliver(event)
        await harness.deliver(plan_cancelled(event.plan_id))
        assert (await case_of(harness, event.application_id)).status == "cancelled"
        assert await count(harness, ReviewPlan) == 0
