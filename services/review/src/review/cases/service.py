"""Review operations (审核): opening and reopening cases from registration's events with their
automatic pre-checks, the queue, claims, decisions and the audit trail."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from review.cases import calendar, labels, prechecks, rules
from review.cases.models import AuditEntry, CaseDecision, CaseFinding, ReviewCase
from review.cases.prechecks import Submission
from review.cases.repository import CaseRepository
from review.cases.rules import (
    STATES,
    ActorKind,
    AuditAction,
    CaseAction,
    CaseStatus,
    RevisionOutcome,
)
from review.cases.schemas import (
    ApproveIn,
    AuditEntryOut,
    CaseDetailOut,
    CaseDocumentOut,
    CaseFindingOut,
    CasePriorCertificateOut,
    CaseReasonOut,
    CaseWorkPeriodOut,
    ClaimOut,
    ClaimResultOut,
    DecisionOut,
    DecisionResultOut,
    FindingsSummaryOut,
    QueueItemOut,
    RejectIn,
    RevisionOut,
)
from review.config import ReviewSettings
from review.plans.models import ReviewPlan
from review.plans.repository import PlanRepository
from skillcert.audit import audit
from skillcert.auth import Principal
from skillcert.clock import china_today, utcnow
from skillcert.errors import Conflict, NotFound
from skillcert.events import (
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationRejected,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ExamPlanCancelled,
    PlanCondition,
    RejectionReason,
    SubmittedDocument,
)
from skillcert.outbox import record
from skillcert.paging import Slice
from skillcert.pii import mask_id_number
from skillcert.storage import ObjectStore

log = logging.getLogger("review.cases")

Filed = ApplicationSubmitted | ApplicationResubmitted

#: what a revision keeps of the submission, as the candidate filed it
_SNAPSHOT_FIELDS = {
    "candidate_name",
    "id_type",
    "id_number",
    "phone",
    "birth_date",
    "condition_code",
    "years_worked",
    "documents",
    "prior_certificate",
    "work_history",
    "total_work_months",
    "institution_id",
}


def _conditions(plan: ReviewPlan | None) -> list[PlanCondition] | None:
    if plan is None:
        return None
    return [PlanCondition.model_validate(c) for c in plan.conditions]


def _facts(plan: ReviewPlan | None) -> prechecks.PlanFacts | None:
    if plan is None:
        return None
    return prechecks.PlanFacts(
        conditions=_conditions(plan) or [],
        occupation_code=plan.occupation_code,
        occupation_name=plan.occupation_name,
        requires_mail_in=plan.requires_mail_in,
        mail_in_deadline=plan.registration_closes_at,
    )


def _mail_in_deadline(plan: ReviewPlan | None) -> datetime | None:
    if plan is None or not plan.requires_mail_in:
        return None
    return plan.registration_closes_at


def _summary(findings: list[CaseFinding]) -> FindingsSummaryOut:
    summary = prechecks.summarize([(f.code, f.outcome) for f in findings])
    return FindingsSummaryOut(
        passed=summary.passed,
        failed=summary.failed,
        skipped=summary.skipped,
        info=summary.info,
        failed_codes=summary.failed_codes,
    )


def _claim_view(case: ReviewCase, now: datetime) -> ClaimOut | None:
    if case.claimed_by is None or not rules.lease_active(case.claim_expires_at, now):
        return None
    assert case.claim_expires_at is not None
    return ClaimOut(
        reviewer_id=case.claimed_by,
        reviewer_name=case.claimed_by_name or "",
        expires_at=case.claim_expires_at,
    )


def _decision_view(decision: CaseDecision) -> DecisionOut:
    return DecisionOut(
        revision=decision.revision,
        outcome=decision.outcome,
        reasons=[CaseReasonOut(**r) for r in decision.reasons],
        comment=decision.comment,
        reviewer_id=decision.reviewer_id,
        reviewer_name=decision.reviewer_name,
        decided_at=decision.decided_at,
    )


class CaseService:
    def __init__(
        self,
        session: AsyncSession,
        settings: ReviewSettings,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.repo = CaseRepository(session)
        self.plans = PlanRepository(session)

    # --- from registration's events ---------------------------------------------------------

    async def receive(self, event: Filed) -> UUID | None:
        """Open the case of a first submission, or reopen it with a newer revision: findings
        of the revision are stored, the history is kept, an older revision is ignored.

        Every submission of the peak season passes here, so a new case is written with four
        plain INSERTs (case, revision, findings, audit) and no read of the case first; the
        unit of work is used only to reopen an existing case. Returns the case id, or None
        when the revision was ignored."""
        plan = await self.plans.get(event.plan_id)
        if plan is not None and plan.cancelled_at is not None:
            # Registration should not accept these; if one slips through, nothing is left to
            # review it for.
            log.info(
                "revision %s of application %s ignored: plan %s is cancelled",
                event.revision,
                event.application_id,
                event.plan_id,
            )
            return None
        now = self.now()
        taken = self._revision_values(event, plan, now)
        case_id = await self.repo.open_case(
            {
                **taken,
                "id": uuid4(),
                "application_id": event.application_id,
                "status": CaseStatus.PENDING,
                "created_at": now,
            }
        )
        from_status: str | None = None
        to_status: str = CaseStatus.PENDING
        action = AuditAction.OPENED
        if case_id is None:
            reopened = await self._reopen(event, taken)
            if reopened is None:
                return None
            case_id, from_status, to_status = reopened
            action = AuditAction.RESUBMITTED

        findings = prechecks.run_prechecks(
            Submission(
                id_type=event.id_type,
                id_number=event.id_number,
                birth_date=event.birth_date,
                condition_code=event.condition_code,
                years_worked=event.years_worked,
                documents=event.documents,
                prior_certificate=event.prior_certificate,
                work_history=event.work_history,
                total_work_months=event.total_work_months,
            ),
            _facts(plan),
            today=china_today(event.submitted_at),
        )
        failed = [f.code.value for f in findings if f.outcome == prechecks.CheckOutcome.FAILED]
        await self.repo.record_revision(
            revision={
                "id": uuid4(),
                "case_id": case_id,
                "revision": event.revision,
                "source_event_type": event.type,
                "source_event_id": event.event_id,
                "submitted_at": event.submitted_at,
                "received_at": now,
                "condition_code": event.condition_code,
                "years_worked": event.years_worked,
                "total_work_months": event.total_work_months,
                "snapshot": event.model_dump(mode="json", include=_SNAPSHOT_FIELDS),
                "outcome": RevisionOutcome.PENDING,
            },
            findings=[
                {
                    "id": uuid4(),
                    "case_id": case_id,
                    "revision": event.revision,
                    "position": position,
                    "code": finding.code,
                    "outcome": finding.outcome,
                    "message": finding.message,
                    "details": finding.details,
                }
                for position, finding in enumerate(findings)
            ],
            audit=self._audit_values(
                case_id,
                event.revision,
                action,
                ActorKind.CANDIDATE,
                actor_id=event.candidate_id,
                actor_name=event.candidate_name,
                from_status=from_status,
                to_status=to_status,
                details={"event_id": str(event.event_id), "failed_checks": failed},
            ),
        )
        return case_id

    async def _reopen(self, event: Filed, taken: dict[str, Any]) -> tuple[UUID, str, str] | None:
        """A newer revision of an application whose case exists: back to the queue.
        Returns (case id, from status, to status), or None when the revision is ignored."""
        case = await self.repo.by_application(event.application_id, lock=True)
        if case is None:  # pragma: no cover - open_case found it a moment ago
            raise Conflict("review case vanished while reopening")
        if rules.is_stale(event.revision, case.revision):
            log.info(
                "revision %s of application %s ignored: revision %s already seen",
                event.revision,
                event.application_id,
                case.revision,
            )
            return None
        target = STATES.next(CaseStatus(case.status), CaseAction.RESUBMIT)
        if target is None:
            log.warning(
                "revision %s of %s application %s ignored",
                event.revision,
                case.status,
                event.application_id,
            )
            return None
        previous = await self.repo.revision(case.id, case.revision)
        if previous is not None and previous.outcome == RevisionOutcome.PENDING:
            previous.outcome = RevisionOutcome.SUPERSEDED
        from_status = case.status
        case.status = target
        for name, value in taken.items():
            setattr(case, name, value)
        await self.session.flush()
        return case.id, from_status, target

    def _revision_values(
        self, event: Filed, plan: ReviewPlan | None, now: datetime
    ) -> dict[str, Any]:
        """The case's columns a revision sets, for a new case and a reopened one alike."""
        return {
            "candidate_id": event.candidate_id,
            "plan_id": event.plan_id,
            "org_id": plan.org_id if plan is not None else event.org_id,
            "institution_id": event.institution_id,
            "revision": event.revision,
            "candidate_name": event.candidate_name,
            "id_type": event.id_type,
            "id_number": event.id_number,
            "phone": event.phone,
            "birth_date": event.birth_date,
            "condition_code": event.condition_code,
            "years_worked": event.years_worked,
            "documents": [d.model_dump(mode="json") for d in event.documents],
            "prior_certificate": (
                event.prior_certificate.model_dump(mode="json")
                if event.prior_certificate is not None
                else None
            ),
            "work_history": [p.model_dump(mode="json") for p in event.work_history],
            "total_work_months": event.total_work_months,
            "submitted_at": event.submitted_at,
            "due_at": calendar.due_at(event.submitted_at, self.settings.review_working_days),
            # A reviewer who claimed the old revision has not seen this one.
            "claimed_by": None,
            "claimed_by_name": None,
            "claim_expires_at": None,
            "decided_at": None,
            "updated_at": now,
        }

    async def withdraw(self, event: ApplicationWithdrawn) -> None:
        """The candidate withdrew: the case closes whatever review had concluded."""
        await self._close(
            event,
            CaseAction.WITHDRAW,
            AuditAction.WITHDRAWN,
            RevisionOutcome.WITHDRAWN,
            ActorKind.CANDIDATE,
            actor_id=event.candidate_id,
            reason=event.reason,
        )

    async def forfeit(self, event: ApplicationForfeited) -> None:
        """Registration declared the application forfeited (视为放弃), e.g. the paper forms
        did not arrive by the deadline: a pending or approved case closes as forfeited."""
        await self._close(
            event,
            CaseAction.FORFEIT,
            AuditAction.FORFEITED,
            RevisionOutcome.FORFEITED,
            ActorKind.SYSTEM,
            actor_id=None,
            reason=event.reason,
        )

    async def _close(
        self,
        event: ApplicationWithdrawn | ApplicationForfeited,
        action: CaseAction,
        audit_action: AuditAction,
        outcome: RevisionOutcome,
        actor_kind: ActorKind,
        *,
        actor_id: UUID | None,
        reason: str | None,
    ) -> None:
        case = await self.repo.by_application(event.application_id, lock=True)
        if case is None:
            log.warning("%s of unknown application %s ignored", action, event.application_id)
            return
        if not await self._close_case(
            case,
            action,
            audit_action,
            outcome,
            actor_kind,
            actor_id=actor_id,
            details={"event_id": str(event.event_id), "reason": reason},
        ):
            log.info("%s of %s application %s ignored", action, case.status, event.application_id)
            return
        await self.session.flush()

    async def cancel_plan(self, event: ExamPlanCancelled) -> int:
        """Exam-scheduling cancelled the plan: every case still waiting for the exam closes as
        cancelled, claims released. Returns how many closed; a repeat closes none."""
        plan = await self.plans.get(event.plan_id)
        if plan is None:
            # Cases may exist without the plan read model; they close all the same, but later
            # submissions cannot be refused without a plan row to mark.
            log.warning("cancellation of unknown plan %s: closing its cases only", event.plan_id)
        elif plan.cancelled_at is None:
            plan.cancelled_at, plan.cancel_reason = event.occurred_at, event.reason
        cases = await self.repo.of_plan(
            event.plan_id, sorted(STATES.sources(CaseAction.CANCEL)), lock=True
        )
        details = {"event_id": str(event.event_id), "reason": event.reason}
        closed = 0
        for case in cases:
            closed += await self._close_case(
                case,
                CaseAction.CANCEL,
                AuditAction.CANCELLED,
                RevisionOutcome.CANCELLED,
                ActorKind.SYSTEM,
                actor_id=None,
                details=details,
            )
        await self.session.flush()
        log.info("plan %s cancelled: %s review cases closed", event.plan_id, closed)
        return closed

    async def _close_case(
        self,
        case: ReviewCase,
        action: CaseAction,
        audit_action: AuditAction,
        outcome: RevisionOutcome,
        actor_kind: ActorKind,
        *,
        actor_id: UUID | None,
        details: dict[str, Any],
    ) -> bool:
        """Close one locked case by `action` if the table allows it; False when it does not."""
        target = STATES.next(CaseStatus(case.status), action)
        if target is None:
            return False
        # A decided revision keeps its decision in the history; only an undecided one closes.
        current = await self.repo.revision(case.id, case.revision)
        if current is not None and current.outcome == RevisionOutcome.PENDING:
            current.outcome = outcome
        from_status = case.status
        case.status = target
        case.claimed_by = case.claimed_by_name = case.claim_expires_at = None
        case.updated_at = self.now()
        self._audit(
            case,
            audit_action,
            actor_kind,
            actor_id=actor_id,
            actor_name=case.candidate_name if actor_kind is ActorKind.CANDIDATE else None,
            from_status=from_status,
            to_status=case.status,
            details=details,
        )
        return True

    # --- reviewer operations ----------------------------------------------------------------

    async def _visible(
        self, principal: Principal, case_id: UUID, *, lock: bool = False
    ) -> ReviewCase:
        case = await self.repo.get(case_id, lock=lock)
        # Another organisation's case is answered exactly like a missing one.
        if case is None or not principal.is_staff_of(case.org_id):
            raise NotFound("审核案件不存在")
        return case

    async def queue(
        self,
        principal: Principal,
        status: CaseStatus,
        cursor: str | None,
        limit: int,
    ) -> Slice[QueueItemOut]:
        if principal.org_id is None:
            return Slice()
        cases = await self.repo.queue(principal.org_id, status, cursor, limit)
        plans = await self.plans.by_ids(c.plan_id for c in cases.items)
        by_case: dict[UUID, list[CaseFinding]] = defaultdict(list)
        for finding in await self.repo.current_findings([c.id for c in cases.items]):
            by_case[finding.case_id].append(finding)
        now = self.now()
        return cases.map(
            lambda c: QueueItemOut(
                case_id=c.id,
                application_id=c.application_id,
                plan_id=c.plan_id,
                plan_title=plans[c.plan_id].title if c.plan_id in plans else None,
                status=CaseStatus(c.status),
                revision=c.revision,
                candidate_name=c.candidate_name,
                id_number_masked=mask_id_number(c.id_number) or "",
                condition_code=c.condition_code,
                submitted_at=c.submitted_at,
                due_at=c.due_at,
                overdue=c.status == CaseStatus.PENDING and c.due_at < now,
                requires_mail_in=c.plan_id in plans and plans[c.plan_id].requires_mail_in,
                claim=_claim_view(c, now),
                findings=_summary(by_case[c.id]),
            )
        )

    async def case_id_of(self, principal: Principal, application_id: UUID) -> UUID:
        case = await self.repo.by_application(application_id)
        if case is None or not principal.is_staff_of(case.org_id):
            raise NotFound("审核案件不存在")
        return case.id

    async def detail(
        self, principal: Principal, case_id: UUID, storage: ObjectStore
    ) -> CaseDetailOut:
        case = await self._visible(principal, case_id)
        await audit(
            self.session,
            principal,
            kind="view",
            action="review.case.viewed",
            subject_type="application",
            subject_id=case.application_id,
            person_id=case.candidate_id,
            reason="审核报名：查看考生个人信息与证明材料",
        )
        plan = await self.plans.get(case.plan_id)
        condition = prechecks.find_condition(_conditions(plan) or [], case.condition_code)
        findings_by_revision: dict[int, list[CaseFinding]] = defaultdict(list)
        for finding in await self.repo.findings([case.id]):
            findings_by_revision[finding.revision].append(finding)
        decisions = {d.revision: d for d in await self.repo.decisions(case.id)}
        expires = timedelta(minutes=self.settings.download_link_minutes)
        documents = []
        for raw in case.documents:
            doc = SubmittedDocument.model_validate(raw)
            documents.append(
                CaseDocumentOut(
                    kind=doc.kind,
                    label=labels.material_label(doc.kind),
                    content_type=doc.content_type,
                    size=doc.size,
                    download_url=await storage.presign_download(doc.object_key, expires),
                )
            )
        history = [
            RevisionOut(
                revision=r.revision,
                source_event_type=r.source_event_type,
                submitted_at=r.submitted_at,
                received_at=r.received_at,
                outcome=r.outcome,
                condition_code=r.condition_code,
                years_worked=r.years_worked,
                total_work_months=r.total_work_months,
                document_kinds=[d["kind"] for d in r.snapshot.get("documents", [])],
                findings=[
                    CaseFindingOut.model_validate(f) for f in findings_by_revision[r.revision]
                ],
                decision=_decision_view(decisions[r.revision]) if r.revision in decisions else None,
            )
            for r in await self.repo.revisions(case.id)
        ]
        current = findings_by_revision[case.revision]
        now = self.now()
        return CaseDetailOut(
            case_id=case.id,
            application_id=case.application_id,
            candidate_id=case.candidate_id,
            plan_id=case.plan_id,
            plan_title=plan.title if plan is not None else None,
            org_id=case.org_id,
            status=CaseStatus(case.status),
            revision=case.revision,
            candidate_name=case.candidate_name,
            id_type=case.id_type,
            id_number=case.id_number,
            phone=case.phone,
            birth_date=case.birth_date,
            condition_code=case.condition_code,
            condition_title=condition.title if condition is not None else None,
            years_worked=case.years_worked,
            total_work_months=case.total_work_months,
            prior_certificate=(
                CasePriorCertificateOut.model_validate(case.prior_certificate)
                if case.prior_certificate is not None
                else None
            ),
            work_history=[CaseWorkPeriodOut.model_validate(p) for p in case.work_history or []],
            requires_mail_in=plan is not None and plan.requires_mail_in,
            mail_in_deadline=_mail_in_deadline(plan),
            submitted_at=case.submitted_at,
            due_at=case.due_at,
            overdue=case.status == CaseStatus.PENDING and case.due_at < now,
            decided_at=case.decided_at,
            claim=_claim_view(case, now),
            findings=[CaseFindingOut.model_validate(f) for f in current],
            findings_summary=_summary(current),
            documents=documents,
            history=history,
            audit=[AuditEntryOut.model_validate(a) for a in await self.repo.audit(case.id)],
        )

    async def audit(self, principal: Principal, case_id: UUID) -> list[AuditEntryOut]:
        case = await self._visible(principal, case_id)
        return [AuditEntryOut.model_validate(a) for a in await self.repo.audit(case.id)]

    async def claim(self, principal: Principal, case_id: UUID) -> ClaimResultOut:
        """Claim (领取) a pending case for the lease time; the holder may extend it."""
        case = await self._visible(principal, case_id, lock=True)
        if case.status != CaseStatus.PENDING:
            raise Conflict("该报名不在待审核状态，无法领取")
        now = self.now()
        held = rules.lease_active(case.claim_expires_at, now)
        if held and case.claimed_by != principal.account_id:
            raise Conflict(f"该报名已被审核员{case.claimed_by_name or ''}领取，请稍后再试")
        extended = held and case.claimed_by == principal.account_id
        case.claimed_by = principal.account_id
        case.claimed_by_name = principal.name or "审核员"
        case.claim_expires_at = now + timedelta(minutes=self.settings.claim_lease_minutes)
        case.updated_at = now
        self._audit(
            case,
            AuditAction.CLAIM_EXTENDED if extended else AuditAction.CLAIMED,
            ActorKind.REVIEWER,
            actor_id=principal.account_id,
            actor_name=case.claimed_by_name,
            details={"expires_at": case.claim_expires_at.isoformat()},
        )
        await self.session.flush()
        return ClaimResultOut(
            case_id=case.id,
            reviewer_id=principal.account_id,
            reviewer_name=case.claimed_by_name,
            expires_at=case.claim_expires_at,
            extended=extended,
        )

    async def approve(
        self, principal: Principal, case_id: UUID, request: ApproveIn
    ) -> DecisionResultOut:
        """Approve (审核通过) the revision under review: the candidate may now pay."""
        case, decision = await self._decide(principal, case_id, CaseAction.APPROVE, [], request)
        await record(
            self.session,
            ApplicationApproved(
                application_id=case.application_id,
                candidate_id=case.candidate_id,
                plan_id=case.plan_id,
                revision=case.revision,
                candidate_name=case.candidate_name,
                id_number=case.id_number,
                decided_at=decision.decided_at,
                institution_id=case.institution_id,
            ),
        )
        return DecisionResultOut(
            case_id=case.id,
            application_id=case.application_id,
            status=CaseStatus(case.status),
            decision=_decision_view(decision),
        )

    async def reject(
        self, principal: Principal, case_id: UUID, request: RejectIn
    ) -> DecisionResultOut:
        """Reject (审核不通过) with reasons the candidate reads; they may edit and resubmit."""
        reasons = [
            {"code": r.code.value, "text": labels.rejection_text(r.code, r.text)}
            for r in request.reasons
        ]
        case, decision = await self._decide(principal, case_id, CaseAction.REJECT, reasons, request)
        await record(
            self.session,
            ApplicationRejected(
                application_id=case.application_id,
                candidate_id=case.candidate_id,
                plan_id=case.plan_id,
                revision=case.revision,
                reasons=[RejectionReason(**r) for r in reasons],
                decided_at=decision.decided_at,
            ),
        )
        return DecisionResultOut(
            case_id=case.id,
            application_id=case.application_id,
            status=CaseStatus(case.status),
            decision=_decision_view(decision),
        )

    async def _decide(
        self,
        principal: Principal,
        case_id: UUID,
        action: CaseAction,
        reasons: list[dict[str, str]],
        request: ApproveIn | RejectIn,
    ) -> tuple[ReviewCase, CaseDecision]:
        case = await self._visible(principal, case_id, lock=True)
        target = STATES.next(CaseStatus(case.status), action)
        if target is None:
            raise Conflict("该报名不是待审核状态，不能作出审核决定")
        now = self.now()
        if case.claimed_by != principal.account_id or not rules.lease_active(
            case.claim_expires_at, now
        ):
            raise Conflict("请先领取该报名（领取可能已过期），再作出审核决定")
        from_status = case.status
        case.status = target
        case.decided_at = now
        case.claimed_by = case.claimed_by_name = case.claim_expires_at = None
        case.updated_at = now
        revision = await self.repo.revision(case.id, case.revision)
        if revision is not None:
            revision.outcome = (
                RevisionOutcome.APPROVED
                if target is CaseStatus.APPROVED
                else RevisionOutcome.REJECTED
            )
        reviewer_name = principal.name or "审核员"
        decision = CaseDecision(
            case_id=case.id,
            revision=case.revision,
            outcome=target.value,
            reasons=reasons,
            comment=request.comment,
            reviewer_id=principal.account_id,
            reviewer_name=reviewer_name,
            decided_at=now,
        )
        self.repo.add(decision)
        self._audit(
            case,
            AuditAction.APPROVED if target is CaseStatus.APPROVED else AuditAction.REJECTED,
            ActorKind.REVIEWER,
            actor_id=principal.account_id,
            actor_name=reviewer_name,
            from_status=from_status,
            to_status=case.status,
            details={"reasons": reasons, "comment": request.comment},
        )
        approved = target is CaseStatus.APPROVED
        await audit(
            self.session,
            principal,
            kind="decision",
            action="review.application.approved" if approved else "review.application.rejected",
            subject_type="application",
            subject_id=case.application_id,
            person_id=case.candidate_id,
            reason="审核通过"
            if approved
            else "审核不通过：" + "；".join(r.get("text") or r.get("code", "") for r in reasons),
        )
        await self.session.flush()
        return case, decision

    def _audit(
        self,
        case: ReviewCase,
        action: AuditAction,
        actor_kind: ActorKind,
        *,
        actor_id: UUID | None,
        actor_name: str | None,
        from_status: str | None = None,
        to_status: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.repo.add(
            AuditEntry(
                **self._audit_values(
                    case.id,
                    case.revision,
                    action,
                    actor_kind,
                    actor_id=actor_id,
                    actor_name=actor_name,
                    from_status=from_status,
                    to_status=to_status,
                    details=details,
                )
            )
        )

    def _audit_values(
        self,
        case_id: UUID,
        revision: int,
        action: AuditAction,
        actor_kind: ActorKind,
        *,
        actor_id: UUID | None,
        actor_name: str | None,
        from_status: str | None = None,
        to_status: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "at": self.now(),
            "actor_kind": actor_kind,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": action,
            "revision": revision,
            "from_status": from_status,
            "to_status": to_status,
            "details": details or {},
        }
