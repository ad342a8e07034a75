"""Delivery receipts (回执) pushed by the SMS providers: each sets the delivery of the message it
names, once.

Not a skillcert API: the provider is the caller and answers are in its format (Aliyun
``{"code": 0}``, Tencent ``{"result": 0}``; anything else makes it push again). Neither provider
signs its pushes, so the URL given to it carries a secret last segment
(`sms_receipt_token`, compared in constant time; HTTPS keeps it off the wire). A receipt for a
message not yet known (its send not yet committed) is answered as not taken, so the provider
pushes it again; the known ones of the batch are kept, and a repeat changes nothing.
"""

from __future__ import annotations

import hmac
import logging
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError

from notification.context import context
from notification.messages.repository import MessageRepository
from notification.sms.rules import Delivery, SmsProvider
from notification.sms.schemas import AliyunReport, TencentReport
from skillcert.access import public
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.pii import mask_phone

log = logging.getLogger("notification.sms")

router = APIRouter(prefix="/api/v1/notification/sms-receipts", tags=["sms-receipts"])

_ALIYUN = TypeAdapter(list[AliyunReport])
_TENCENT = TypeAdapter(list[TencentReport])


def _aliyun_answer(ok: bool, message: str, status: int = 200) -> JSONResponse:
    return JSONResponse({"code": 0 if ok else 1, "msg": message}, status_code=status)


def _tencent_answer(ok: bool, message: str, status: int = 200) -> JSONResponse:
    return JSONResponse({"result": 0 if ok else 1, "errmsg": message}, status_code=status)


def _token_ok(request: Request, token: str) -> bool:
    expected = context(request).settings.sms_receipt_token.get_secret_value()
    # No token configured (the dev sender): no receipt is taken at all.
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def _our_id(out_id: str) -> UUID | None:
    try:
        return UUID(out_id)
    except ValueError:
        return None


@router.post(
    "/aliyun/{token}", responses={400: {}, 403: {}}, **public("短信回执，以路径中的密钥验证")
)
async def aliyun_receipts(token: str, request: Request) -> JSONResponse:
    """Aliyun SmsReport (HTTP batch push): matched by OutId (our message id), else BizId."""
    if not _token_ok(request, token):
        log.warning("refused an Aliyun SMS receipt: wrong token")
        return _aliyun_answer(False, "forbidden", 403)
    try:
        reports = _ALIYUN.validate_json(await request.body())
    except ValidationError:
        return _aliyun_answer(False, "malformed report", 400)
    unknown = 0
    async with transaction(context(request).sessionmaker) as session:
        repo = MessageRepository(session)
        for report in reports:
            outcome = await repo.record_delivery(
                SmsProvider.ALIYUN,
                sms_id=_our_id(report.out_id),
                provider_message_id=None if _our_id(report.out_id) else report.biz_id,
                delivery=Delivery.DELIVERED if report.success else Delivery.UNDELIVERED,
                error=None if report.success else f"{report.err_code} {report.err_msg}"[:200],
                at=utcnow(),
            )
            if outcome is None:
                unknown += 1
                log.warning(
                    "Aliyun receipt for an unknown SMS to %s", mask_phone(report.phone_number)
                )
    if unknown:
        return _aliyun_answer(False, f"{unknown} unknown")
    return _aliyun_answer(True, "接收成功")


@router.post(
    "/tencent/{token}", responses={400: {}, 403: {}}, **public("短信回执，以路径中的密钥验证")
)
async def tencent_receipts(token: str, request: Request) -> JSONResponse:
    """Tencent SMS status callback: matched by sid (the SerialNo SendSms returned)."""
    if not _token_ok(request, token):
        log.warning("refused a Tencent SMS receipt: wrong token")
        return _tencent_answer(False, "forbidden", 403)
    try:
        reports = _TENCENT.validate_json(await request.body())
    except ValidationError:
        return _tencent_answer(False, "malformed report", 400)
    unknown = 0
    async with transaction(context(request).sessionmaker) as session:
        repo = MessageRepository(session)
        for report in reports:
            delivered = report.report_status == "SUCCESS"
            outcome = await repo.record_delivery(
                SmsProvider.TENCENT,
                provider_message_id=report.sid,
                delivery=Delivery.DELIVERED if delivered else Delivery.UNDELIVERED,
                error=None if delivered else f"{report.errmsg} {report.description}"[:200],
                at=utcnow(),
            )
            if outcome is None:
                unknown += 1
                log.warning("Tencent receipt for an unknown SMS to %s", mask_phone(report.mobile))
    if unknown:
        return _tencent_answer(False, f"{unknown} unknown")
    return _tencent_answer(True, "OK")
