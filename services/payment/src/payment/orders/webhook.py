"""The provider's payment and refund notifications (支付结果通知, 退款结果通知), one URL.

Not a skillcert API: the provider is the caller, so errors are answered in the provider's
format ({"code": "FAIL", "message": ...}, any non-2xx makes it retry), never problem+json, and
the route owns its transaction instead of using TransactionalRoute (no Idempotency-Key; the
order's own state makes repeats harmless).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from payment.context import Context, context
from payment.orders.service import OrderService, TransactionMismatch
from payment.provider import (
    DecryptError,
    EventType,
    NotificationEnvelope,
    RefundStatus,
    SignatureError,
    TradeState,
    decrypt_refund,
    decrypt_transaction,
)
from payment.refunds.service import PaymentNotYetKnown, RefundMismatch, RefundService
from payment.wechat import WeChatPay
from skillcert.access import public
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.errors import NotFound

log = logging.getLogger("payment.webhook")

router = APIRouter(prefix="/api/v1/payment/webhooks", tags=["payment-webhooks"])


def _fail(status: int, message: str) -> JSONResponse:
    return JSONResponse({"code": "FAIL", "message": message}, status_code=status)


@router.post(
    "/wechatpay",
    status_code=204,
    responses={400: {}, 401: {}, 404: {}, 500: {}},
    **public("微信支付回调，以平台签名验证"),
)
async def wechatpay_notification(request: Request) -> Response:
    """Verify over the raw bytes, decrypt, check against the order, settle it once."""
    ctx = context(request)
    channel = ctx.resources.wechatpay
    raw = await request.body()
    try:
        channel.verifier.verify(request.headers, raw)
    except SignatureError as exc:
        log.warning("rejected notification: %s", exc)
        return _fail(401, exc.reason)
    try:
        envelope = NotificationEnvelope.model_validate_json(raw)
    except ValidationError:
        log.warning("rejected notification: not a notification envelope")
        return _fail(400, "malformed notification")
    if envelope.event_type in _REFUND_EVENTS:
        return await _refund_notification(ctx, channel, envelope)
    if envelope.event_type != EventType.TRANSACTION_SUCCESS:
        log.warning("notification %s of unhandled type %s", envelope.id, envelope.event_type)
        return _fail(400, f"unhandled event type {envelope.event_type}")
    try:
        txn = decrypt_transaction(envelope.resource, channel.api_v3_key)
    except DecryptError as exc:
        log.warning("notification %s cannot be decrypted: %s", envelope.id, exc)
        return _fail(400, "resource cannot be decrypted")
    if txn.trade_state is not TradeState.SUCCESS:
        log.warning("notification %s reports trade state %s", envelope.id, txn.trade_state)
        return _fail(400, f"unexpected trade state {txn.trade_state}")
    settings = ctx.settings
    try:
        async with transaction(ctx.sessionmaker) as session:
            service = OrderService(session, channel, settings.order_ttl)
            await service.settle_notification(txn, utcnow())
    except NotFound:
        log.warning("notification %s for unknown order %s", envelope.id, txn.out_trade_no)
        return _fail(404, "unknown out_trade_no")
    except TransactionMismatch as exc:
        log.error("notification %s does not match its order: %s", envelope.id, exc)
        return _fail(400, "transaction does not match the order")
    except Exception:
        log.exception("notification %s could not be processed", envelope.id)
        return _fail(500, "internal error")
    return Response(status_code=204)


_REFUND_EVENTS = frozenset(
    {EventType.REFUND_SUCCESS, EventType.REFUND_ABNORMAL, EventType.REFUND_CLOSED}
)


async def _refund_notification(
    ctx: Context, channel: WeChatPay, envelope: NotificationEnvelope
) -> Response:
    """Verified like a payment (same signature check above, same APIv3 key), then applied to
    our refund once; a repeated notification finds the refund already in that state."""
    try:
        note = decrypt_refund(envelope.resource, channel.api_v3_key)
    except DecryptError as exc:
        log.warning("notification %s cannot be decrypted: %s", envelope.id, exc)
        return _fail(400, "resource cannot be decrypted")
    if _REFUND_EVENT_OF[note.refund_status] != envelope.event_type:
        log.warning(
            "notification %s: %s carries %s", envelope.id, envelope.event_type, note.refund_status
        )
        return _fail(400, f"unexpected refund status {note.refund_status}")
    try:
        async with transaction(ctx.sessionmaker) as session:
            await RefundService(session, channel).on_notification(note, utcnow())
    except NotFound:
        log.warning("refund notification %s for unknown order %s", envelope.id, note.out_trade_no)
        return _fail(404, "unknown out_trade_no")
    except RefundMismatch as exc:
        log.error("refund notification %s does not match: %s", envelope.id, exc)
        return _fail(400, "refund does not match the order")
    except PaymentNotYetKnown:
        # Not an error on either side: asked again later, the payment will be known by then.
        log.warning("refund notification %s before its payment; asking for it again", envelope.id)
        return _fail(409, "payment not recorded yet")
    except Exception:
        log.exception("refund notification %s could not be processed", envelope.id)
        return _fail(500, "internal error")
    return Response(status_code=204)


_REFUND_EVENT_OF = {
    RefundStatus.SUCCESS: EventType.REFUND_SUCCESS,
    RefundStatus.ABNORMAL: EventType.REFUND_ABNORMAL,
    RefundStatus.CLOSED: EventType.REFUND_CLOSED,
    RefundStatus.PROCESSING: None,
}
