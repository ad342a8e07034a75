"""How an application follows the journey other services report: review decisions, payment,
scheduling, results and certificates. Each handler runs once per message (the inbox)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.models import Application
from registration.applications.reactions import Reactions
from registration.applications.rules import Action
from registration.plans.service import PlanService
from skillcert.bus import RetryLater
from skillcert.events import (
    ApplicationApproved,
    ApplicationRejected,
    CandidateScheduled,
    CertificateIssued,
    CertificateRevoked,
    ExamPlanCancelled,
    OrderPaid,
    OrderRefunded,
    ResultDetermined,
)


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    await Reactions(session).review_approved(event.application_id, event.revision)


async def on_application_rejected(session: AsyncSession, event: ApplicationRejected) -> None:
    await Reactions(session).review_rejected(event)


async def on_order_paid(session: AsyncSession, event: OrderPaid) -> None:
    await Reactions(session).advance(event.application_id, Action.PAY)


async def on_candidate_scheduled(session: AsyncSession, event: CandidateScheduled) -> None:
    def set_ticket(application: Application) -> None:
        application.ticket_number = event.ticket_number

    await Reactions(session).advance(
        event.application_id, Action.SCHEDULE, set_ticket, note=f"准考证号 {event.ticket_number}"
    )


async def on_result_determined(session: AsyncSession, event: ResultDetermined) -> None:
    action = Action.PASS if event.result == "pass" else Action.FAIL
    await Reactions(session).advance(event.application_id, action)


async def on_certificate_issued(session: AsyncSession, event: CertificateIssued) -> None:
    def set_number(application: Application) -> None:
        application.certificate_number = event.certificate_number
        application.certificate_id = event.certificate_id

    await Reactions(session).advance(
        event.application_id,
        Action.CERTIFY,
        set_number,
        note=f"证书编号 {event.certificate_number}",
    )


async def on_certificate_revoked(session: AsyncSession, event: CertificateRevoked) -> None:
    await Reactions(session).certificate_revoked(event)


async def on_order_refunded(session: AsyncSession, event: OrderRefunded) -> None:
    await Reactions(session).refunded(event)


async def on_plan_cancelled(session: AsyncSession, event: ExamPlanCancelled) -> None:
    """The plan leaves the open list and its unfinished applications end, in one transaction;
    the plan's lock keeps new applications out until then."""
    plan = await PlanService(session).cancel(event)
    if plan is None:
        raise RetryLater(f"cancellation of plan {event.plan_id} before its publication")
    await Reactions(session).cancel_for_plan(plan.plan_id, event.reason)
