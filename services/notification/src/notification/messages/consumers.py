"""What the notification service does with each event it hears: a message per journey step."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from notification.context import context
from notification.messages.service import MessageService
from skillcert.clock import format_china
from skillcert.events import (
    AccountCredentialsIssued,
    AccountRegistered,
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationRejected,
    ApplicationSubmitted,
    CandidateScheduled,
    CertificateIssued,
    CertificateRevoked,
    OrderPaid,
    OrderRefunded,
    PilotDecided,
    ResultDetermined,
    SmsCodeIssued,
)


def _service(session: AsyncSession) -> MessageService:
    return MessageService(session, sms_signature=context(session).settings.sms_signature)


async def on_sms_code_issued(session: AsyncSession, event: SmsCodeIssued) -> None:
    minutes = max(1, round((event.expires_at - event.occurred_at).total_seconds() / 60))
    await _service(session).send_code(event.phone, event.code, minutes)


async def on_account_credentials_issued(
    session: AsyncSession, event: AccountCredentialsIssued
) -> None:
    params = {"name": event.name, "username": event.username, "password": event.password}
    service = _service(session)
    await service.send_to_phone(event.phone, "account_credentials", params)
    mailer = context(session).resources.mail
    if event.email and mailer is not None:
        # Last, so a refusal (raised: the bus retries, then dead-letters) leaves nothing half
        # done; the inbox makes the retry's SMS row a repeat of nothing.
        subject, text = await service.mail_text("account_credentials", params)
        await mailer.send(event.email, subject, text)


async def on_account_registered(session: AsyncSession, event: AccountRegistered) -> None:
    service = _service(session)
    await service.remember_contact(event.account_id, event.name, event.phone)
    await service.notify(
        event.account_id, "account_registered", {"name": event.name}, event.event_id, sms=False
    )


async def on_application_submitted(session: AsyncSession, event: ApplicationSubmitted) -> None:
    await _service(session).notify(
        event.candidate_id, "application_submitted", {}, event.event_id, plan_id=event.plan_id
    )


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    await _service(session).notify(
        event.candidate_id, "application_approved", {}, event.event_id, plan_id=event.plan_id
    )


async def on_application_rejected(session: AsyncSession, event: ApplicationRejected) -> None:
    reasons = "；".join(r.text for r in event.reasons)
    await _service(session).notify(
        event.candidate_id,
        "application_rejected",
        {"reasons": reasons},
        event.event_id,
        plan_id=event.plan_id,
    )


async def on_order_paid(session: AsyncSession, event: OrderPaid) -> None:
    await _service(session).notify(
        event.candidate_id,
        "order_paid",
        {"amount_yuan": f"{event.amount_fen / 100:.2f}"},
        event.event_id,
        sms=False,
    )


async def on_candidate_scheduled(session: AsyncSession, event: CandidateScheduled) -> None:
    await _service(session).notify(
        event.candidate_id,
        "candidate_scheduled",
        {
            "ticket_number": event.ticket_number,
            "site_name": event.site_name,
            "room_name": event.room_name,
            "seat_number": event.seat_number,
            "exam_starts_at": format_china(event.exam_starts_at),
        },
        event.event_id,
    )


async def on_result_determined(session: AsyncSession, event: ResultDetermined) -> None:
    await _service(session).notify(
        event.candidate_id,
        "result_determined",
        {"result_text": "合格" if event.result == "pass" else "不合格"},
        event.event_id,
        sms=False,
    )


async def on_certificate_issued(session: AsyncSession, event: CertificateIssued) -> None:
    await _service(session).notify(
        event.candidate_id,
        "certificate_issued",
        {"certificate_number": event.certificate_number},
        event.event_id,
    )


async def on_application_forfeited(session: AsyncSession, event: ApplicationForfeited) -> None:
    await _service(session).notify(
        event.candidate_id,
        "application_forfeited",
        {"reason": event.reason},
        event.event_id,
        plan_id=event.plan_id,
    )


async def on_order_refunded(session: AsyncSession, event: OrderRefunded) -> None:
    await _service(session).notify(
        event.candidate_id,
        "order_refunded",
        {"amount_yuan": f"{event.amount_fen / 100:.2f}"},
        event.event_id,
        sms=False,
    )


async def on_certificate_revoked(session: AsyncSession, event: CertificateRevoked) -> None:
    await _service(session).notify(
        event.candidate_id,
        "certificate_revoked",
        {"certificate_number": event.certificate_number, "reason": event.reason},
        event.event_id,
    )


async def on_pilot_decided(session: AsyncSession, event: PilotDecided) -> None:
    """证书试点申报审核结果: in-app to the account that submitted it, by SMS to the head's
    registered phone (注册人手机, seed 003 §1.1.4): institution staff have no contact here."""
    params: dict[str, object] = {
        "year": event.year,
        "certificate_name": event.certificate_name,
        "approved_headcount": event.approved_headcount or 0,
        "reason": event.reason or "",
        "level_text": "经市级教育行政部门" if event.level == "city" else "经省级教育行政部门",
    }
    template = "pilot_approved" if event.outcome == "approved" else "pilot_rejected"
    service = _service(session)
    await service.notify(event.recipient_id, template, params, event.event_id, sms=False)
    if event.phone:
        await service.send_to_phone(event.phone, template, params)
