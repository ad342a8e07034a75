"""What the simulated provider knows and does: orders, refunds, notifications, trade bills.

It mirrors the real endpoints closely enough that :class:`WeChatPayClient` talks to it
unchanged (only ``base_url`` differs): merchant requests must carry a valid
``Authorization`` signature, answers are signed with a platform key, callbacks are
AEAD-encrypted with the APIv3 key, signed, retried until the merchant answers 2xx and
can be deliberately duplicated. Nothing here is suitable for production traffic.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from payment.provider.wechatpay import (
    EventType,
    RefundStatus,
    TradeState,
    encrypt_resource,
    format_rfc3339,
    platform_signature_headers,
    verify_request_authorization,
)
from skillcert.clock import CHINA, china_now

from .delivery import DeliveryPolicy, DeliveryResult, deliver_notification
from .keys import DevKeySet, _alnum, _digits

_OUT_TRADE_NO_RE: Final = re.compile(r"[0-9A-Za-z_\-|*]{6,32}", re.ASCII)
_OUT_REFUND_NO_RE: Final = re.compile(r"[0-9A-Za-z_\-|*@]{1,64}", re.ASCII)
_BILL_TOKEN_TTL: Final = timedelta(minutes=5)
_CENT: Final = Decimal("0.01")

_SUCCESS_SUMMARY: Final = "总交易单数,应结订单总金额,手续费总金额,订单总金额"
_FULL_SUMMARY: Final = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)
_BILL_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "ALL": (
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
        "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额",
        "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态",
        "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ),
    "SUCCESS": (
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
        "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额",
        "商品名称", "商户数据包", "手续费", "费率", "订单金额", "费率备注",
    ),
    "REFUND": (
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
        "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额",
        "退款申请时间", "退款成功时间", "微信退款单号", "商户退款单号", "退款金额",
        "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率",
        "订单金额", "申请退款金额", "费率备注",
    ),
}  # fmt: skip

_TRADE_STATE_DESC: Final = {
    TradeState.SUCCESS: "支付成功",
    TradeState.NOTPAY: "订单未支付",
    TradeState.CLOSED: "订单已关闭",
    TradeState.REFUND: "订单发生过退款",
}
_REFUND_EVENTS: Final = {
    RefundStatus.SUCCESS: (EventType.REFUND_SUCCESS, "退款成功"),
    RefundStatus.ABNORMAL: (EventType.REFUND_ABNORMAL, "退款异常"),
    RefundStatus.CLOSED: (EventType.REFUND_CLOSED, "退款关闭"),
}


def _compact_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SimulatorError(Exception):
    """A business error the simulator answers with ``{"code", "message"}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(_CENT)


@dataclass(slots=True)
class SimOrder:
    appid: str
    mchid: str
    description: str
    out_trade_no: str
    total: int
    currency: str
    notify_url: str
    attach: str | None
    time_expire: datetime | None
    created_at: datetime
    code_url: str
    trade_state: TradeState = TradeState.NOTPAY
    transaction_id: str | None = None
    success_time: datetime | None = None
    payer_openid: str | None = None
    bank_type: str = "OTHERS"

    def same_request(self, other: SimOrder) -> bool:
        return (self.appid, self.description, self.total, self.notify_url, self.attach) == (
            other.appid,
            other.description,
            other.total,
            other.notify_url,
            other.attach,
        )

    def to_transaction(self) -> dict[str, Any]:
        """The JSON both the query endpoint and TRANSACTION.* callbacks carry."""
        paid = self.transaction_id is not None
        data: dict[str, Any] = {"appid": self.appid, "mchid": self.mchid}
        data["out_trade_no"] = self.out_trade_no
        if paid:
            data["transaction_id"] = self.transaction_id
        data["trade_type"] = "NATIVE"
        data["trade_state"] = self.trade_state.value
        data["trade_state_desc"] = _TRADE_STATE_DESC.get(self.trade_state, "")
        if paid:
            data["bank_type"] = self.bank_type
        if self.attach is not None:
            data["attach"] = self.attach
        if self.success_time is not None:
            data["success_time"] = format_rfc3339(self.success_time)
        if paid:
            data["payer"] = {"openid": self.payer_openid}
        amount: dict[str, Any] = {"total": self.total}
        if paid:
            amount["payer_total"] = self.total
        amount["currency"] = self.currency
        amount["payer_currency"] = self.currency
        data["amount"] = amount
        return data


@dataclass(slots=True)
class SimRefund:
    refund_id: str
    out_refund_no: str
    out_trade_no: str
    transaction_id: str
    mchid: str
    reason: str | None
    notify_url: str | None
    refund: int
    total: int
    currency: str
    create_time: datetime
    status: RefundStatus = RefundStatus.PROCESSING
    success_time: datetime | None = None
    user_received_account: str = "支付用户零钱"

    def _amount(self) -> dict[str, Any]:
        return {"total": self.total, "refund": self.refund}

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "refund_id": self.refund_id,
            "out_refund_no": self.out_refund_no,
            "transaction_id": self.transaction_id,
            "out_trade_no": self.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": self.user_received_account,
        }
        if self.success_time is not None:
            data["success_time"] = format_rfc3339(self.success_time)
        data["create_time"] = format_rfc3339(self.create_time)
        data["status"] = self.status.value
        data["funds_account"] = "AVAILABLE"
        data["amount"] = {
            **self._amount(),
            "from": [],
            "payer_total": self.total,
            "payer_refund": self.refund,
            "settlement_refund": self.refund,
            "settlement_total": self.total,
            "discount_refund": 0,
            "currency": self.currency,
        }
        data["promotion_detail"] = []
        return data

    def to_notification(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "mchid": self.mchid,
            "out_trade_no": self.out_trade_no,
            "transaction_id": self.transaction_id,
            "out_refund_no": self.out_refund_no,
            "refund_id": self.refund_id,
            "refund_status": self.status.value,
        }
        if self.success_time is not None:
            data["success_time"] = format_rfc3339(self.success_time)
        data["user_received_account"] = self.user_received_account
        data["amount"] = {
            **self._amount(),
            "payer_total": self.total,
            "payer_refund": self.refund,
        }
        return data


@dataclass(slots=True)
class _BillFile:
    content: bytes
    expires_at: datetime


def _required_str(payload: Mapping[str, Any], name: str, *, max_len: int | None = None) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise SimulatorError(400, "PARAM_ERROR", f"缺少必填参数 {name}")
    if max_len is not None and len(value) > max_len:
        raise SimulatorError(400, "PARAM_ERROR", f"{name} 超过长度限制 {max_len}")
    return value


def _parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SimulatorError(400, "PARAM_ERROR", "请求体不是合法的JSON") from None
    if not isinstance(data, dict):
        raise SimulatorError(400, "PARAM_ERROR", "请求体必须是JSON对象")
    return data


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SimulatorError(400, "PARAM_ERROR", f"{name} 必须是正整数(分)")
    return value


class SimulatorState:
    """Everything the simulated provider knows: keys, orders, refunds, bill files.

    Handlers run on one event loop and never await between reading and mutating the
    dictionaries, so no lock is needed.
    """

    def __init__(
        self,
        *,
        mchid: str,
        merchant_public_key: RSAPublicKey,
        merchant_serial_no: str,
        platform_private_key: RSAPrivateKey,
        platform_serial: str,
        api_v3_key: bytes,
        callback_client: httpx.AsyncClient | None = None,
        delivery_policy: DeliveryPolicy | None = None,
        auto_complete_refunds: bool = False,
        refund_completion_delay: float = 1.0,
        fee_rate: Decimal = Decimal("0.0060"),
        max_skew_seconds: int = 300,
        clock: Callable[[], datetime] = china_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if len(api_v3_key) != 32:
            raise ValueError("api_v3_key must be 32 bytes")
        self.mchid = mchid
        self.merchant_public_key = merchant_public_key
        self.merchant_serial_no = merchant_serial_no
        self.platform_private_key = platform_private_key
        self.platform_serial = platform_serial
        self.api_v3_key = api_v3_key
        self.delivery_policy = delivery_policy or DeliveryPolicy()
        self.auto_complete_refunds = auto_complete_refunds
        self.refund_completion_delay = refund_completion_delay
        self.fee_rate = fee_rate
        self.max_skew_seconds = max_skew_seconds
        self.clock = clock
        self.sleep = sleep
        self.orders: dict[str, SimOrder] = {}
        self.refunds: dict[str, SimRefund] = {}
        self.deliveries: list[DeliveryResult] = []
        self._code_urls: dict[str, str] = {}
        self._bill_files: dict[str, _BillFile] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._callback_client = callback_client
        self._owns_callback_client = callback_client is None

    @classmethod
    def from_keys(cls, keys: DevKeySet, **options: Any) -> SimulatorState:
        return cls(
            mchid=keys.mchid,
            merchant_public_key=keys.merchant_public_key,
            merchant_serial_no=keys.merchant_serial_no,
            platform_private_key=keys.platform_private_key,
            platform_serial=keys.platform_serial,
            api_v3_key=keys.api_v3_key,
            **options,
        )

    # -- signing ----------------------------------------------------------------

    def _timestamp(self) -> int:
        return int(self.clock().timestamp())

    def sign(self, body: bytes) -> dict[str, str]:
        """Platform signature headers for a response or callback body."""
        return platform_signature_headers(
            body, self.platform_private_key, self.platform_serial, timestamp=self._timestamp()
        )

    def verify_merchant_request(
        self, method: str, target: str, body: bytes, authorization: str | None
    ) -> None:
        verify_request_authorization(
            method,
            target,
            body,
            authorization,
            {self.merchant_serial_no: self.merchant_public_key},
            expected_mchid=self.mchid,
            max_skew_seconds=self.max_skew_seconds,
            now=lambda: self.clock().timestamp(),
        )

    # -- orders -----------------------------------------------------------------

    def create_order(self, payload: Mapping[str, Any]) -> SimOrder:
        if payload.get("mchid") != self.mchid:
            raise SimulatorError(400, "INVALID_REQUEST", "mchid 与请求签名的商户号不一致")
        out_trade_no = _required_str(payload, "out_trade_no")
        if not _OUT_TRADE_NO_RE.fullmatch(out_trade_no):
            raise SimulatorError(400, "PARAM_ERROR", "out_trade_no 格式不正确")
        notify_url = _required_str(payload, "notify_url", max_len=255)
        parts = urlsplit(notify_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
            raise SimulatorError(400, "PARAM_ERROR", "notify_url 必须是不带参数的http(s)地址")
        amount = payload.get("amount")
        if not isinstance(amount, dict):
            raise SimulatorError(400, "PARAM_ERROR", "缺少必填参数 amount")
        currency = amount.get("currency", "CNY")
        if currency != "CNY":
            raise SimulatorError(400, "PARAM_ERROR", "仅支持CNY")
        attach = payload.get("attach")
        if attach is not None and not isinstance(attach, str):
            raise SimulatorError(400, "PARAM_ERROR", "attach 必须是字符串")
        now = self.clock()
        time_expire = self._parse_time_expire(payload.get("time_expire"), now)
        candidate = SimOrder(
            appid=_required_str(payload, "appid", max_len=32),
            mchid=self.mchid,
            description=_required_str(payload, "description", max_len=127),
            out_trade_no=out_trade_no,
            total=_positive_int(amount.get("total"), "amount.total"),
            currency=currency,
            notify_url=notify_url,
            attach=attach,
            time_expire=time_expire,
            created_at=now,
            code_url=f"weixin://wxpay/bizpayurl?pr={_alnum(9)}",
        )
        existing = self.orders.get(out_trade_no)
        if existing is not None:
            # Documented: re-posting identical parameters for an unpaid order returns
            # the current code_url; anything else is a reused order number.
            if existing.trade_state in {TradeState.SUCCESS, TradeState.REFUND}:
                raise SimulatorError(400, "ORDERPAID", "该订单已支付")
            if existing.trade_state is TradeState.CLOSED:
                raise SimulatorError(400, "ORDER_CLOSED", "当前订单已关闭，请重新下单")
            if not existing.same_request(candidate):
                raise SimulatorError(403, "OUT_TRADE_NO_USED", "商户订单号重复")
            return existing
        self.orders[out_trade_no] = candidate
        self._code_urls[candidate.code_url] = out_trade_no
        return candidate

    @staticmethod
    def _parse_time_expire(raw: Any, now: datetime) -> datetime | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise SimulatorError(400, "PARAM_ERROR", "time_expire 格式不正确")
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise SimulatorError(400, "PARAM_ERROR", "time_expire 格式不正确") from None
        if value.tzinfo is None:
            raise SimulatorError(400, "PARAM_ERROR", "time_expire 必须带时区")
        # Documented clamping: at least 1 minute after ordering.
        return max(value, now + timedelta(minutes=1))

    def get_order(self, out_trade_no: str) -> SimOrder:
        order = self.orders.get(out_trade_no)
        if order is None:
            raise SimulatorError(404, "ORDER_NOT_EXIST", "订单不存在")
        return order

    def close_order(self, out_trade_no: str) -> None:
        order = self.get_order(out_trade_no)
        if order.trade_state in {TradeState.SUCCESS, TradeState.REFUND}:
            raise SimulatorError(400, "ORDERPAID", "订单已支付，不能发起关单")
        order.trade_state = TradeState.CLOSED

    def mark_paid(
        self,
        *,
        code_url: str | None = None,
        out_trade_no: str | None = None,
        openid: str | None = None,
    ) -> SimOrder:
        """Play the payer: scan the QR code (or name the order) and pay it."""
        if code_url is not None:
            out_trade_no = self._code_urls.get(code_url)
        if out_trade_no is None:
            raise SimulatorError(404, "ORDER_NOT_EXIST", "二维码或订单不存在")
        order = self.get_order(out_trade_no)
        if order.trade_state is not TradeState.NOTPAY:
            raise SimulatorError(400, "ORDER_NOT_PAYABLE", f"订单状态为{order.trade_state}")
        now = self.clock()
        if order.time_expire is not None and now > order.time_expire:
            raise SimulatorError(400, "ORDER_EXPIRED", "订单已超过支付结束时间")
        order.trade_state = TradeState.SUCCESS
        order.transaction_id = f"4200{_digits(24)}"
        order.success_time = now
        order.payer_openid = openid or f"o{_alnum(27)}"
        return order

    async def scan_and_pay(
        self,
        *,
        code_url: str | None = None,
        out_trade_no: str | None = None,
        openid: str | None = None,
        duplicates: int = 0,
    ) -> tuple[SimOrder, DeliveryResult]:
        order = self.mark_paid(code_url=code_url, out_trade_no=out_trade_no, openid=openid)
        result = await self.notify(
            order.notify_url,
            event_type=EventType.TRANSACTION_SUCCESS,
            summary="支付成功",
            original_type="transaction",
            resource=order.to_transaction(),
            duplicates=duplicates,
        )
        return order, result

    # -- refunds ----------------------------------------------------------------

    def create_refund(self, payload: Mapping[str, Any]) -> SimRefund:
        out_refund_no = _required_str(payload, "out_refund_no")
        if not _OUT_REFUND_NO_RE.fullmatch(out_refund_no):
            raise SimulatorError(400, "PARAM_ERROR", "out_refund_no 格式不正确")
        order = self._order_for_refund(payload)
        amount = payload.get("amount")
        if not isinstance(amount, dict):
            raise SimulatorError(400, "PARAM_ERROR", "缺少必填参数 amount")
        refund = _positive_int(amount.get("refund"), "amount.refund")
        total = _positive_int(amount.get("total"), "amount.total")
        if amount.get("currency", "CNY") != order.currency:
            raise SimulatorError(400, "PARAM_ERROR", "币种与原订单不一致")
        notify_url = payload.get("notify_url")
        if notify_url is not None and not isinstance(notify_url, str):
            raise SimulatorError(400, "PARAM_ERROR", "notify_url 格式不正确")
        reason = payload.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise SimulatorError(400, "PARAM_ERROR", "reason 格式不正确")
        existing = self.refunds.get(out_refund_no)
        if existing is not None:
            # Same out_refund_no is an idempotent retry, as documented for refunds.
            if (existing.out_trade_no, existing.refund) != (order.out_trade_no, refund):
                raise SimulatorError(400, "INVALID_REQUEST", "商户退款单号已用于其它退款")
            return existing
        if total != order.total:
            raise SimulatorError(400, "PARAM_ERROR", "订单金额与原订单不一致")
        if refund > order.total - self.refunded(order.out_trade_no):
            raise SimulatorError(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        assert order.transaction_id is not None  # paid orders always have one
        record = SimRefund(
            refund_id=f"5030{_digits(25)}",
            out_refund_no=out_refund_no,
            out_trade_no=order.out_trade_no,
            transaction_id=order.transaction_id,
            mchid=self.mchid,
            reason=reason,
            notify_url=notify_url,
            refund=refund,
            total=total,
            currency=order.currency,
            create_time=self.clock(),
        )
        self.refunds[out_refund_no] = record
        order.trade_state = TradeState.REFUND
        if self.auto_complete_refunds:
            self._spawn(self._auto_complete(out_refund_no))
        return record

    def _order_for_refund(self, payload: Mapping[str, Any]) -> SimOrder:
        out_trade_no = payload.get("out_trade_no")
        transaction_id = payload.get("transaction_id")
        if isinstance(out_trade_no, str) and out_trade_no:
            order = self.get_order(out_trade_no)
        elif isinstance(transaction_id, str) and transaction_id:
            found = [o for o in self.orders.values() if o.transaction_id == transaction_id]
            if not found:
                raise SimulatorError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
            order = found[0]
        else:
            raise SimulatorError(400, "PARAM_ERROR", "out_trade_no 与 transaction_id 必填其一")
        if order.trade_state not in {TradeState.SUCCESS, TradeState.REFUND}:
            raise SimulatorError(400, "INVALID_REQUEST", "订单未支付，不能退款")
        return order

    def refunded(self, out_trade_no: str) -> int:
        return sum(
            r.refund
            for r in self.refunds.values()
            if r.out_trade_no == out_trade_no and r.status is not RefundStatus.CLOSED
        )

    def get_refund(self, out_refund_no: str) -> SimRefund:
        refund = self.refunds.get(out_refund_no)
        if refund is None:
            raise SimulatorError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return refund

    def finish_refund(
        self, out_refund_no: str, status: RefundStatus = RefundStatus.SUCCESS
    ) -> SimRefund:
        """Move a refund to a terminal-ish state without telling the merchant (the
        notification is lost; only the refund query shows the result)."""
        refund = self.get_refund(out_refund_no)
        if status not in _REFUND_EVENTS:
            raise SimulatorError(400, "PARAM_ERROR", "status 只能是 SUCCESS/ABNORMAL/CLOSED")
        # ABNORMAL is not final (the merchant can retry it offline); the others are.
        if refund.status not in {RefundStatus.PROCESSING, RefundStatus.ABNORMAL}:
            raise SimulatorError(400, "INVALID_REQUEST", f"退款单状态为{refund.status}")
        refund.status = status
        if status is RefundStatus.SUCCESS:
            refund.success_time = self.clock()
        return refund

    async def complete_refund(
        self,
        out_refund_no: str,
        status: RefundStatus = RefundStatus.SUCCESS,
        *,
        duplicates: int = 0,
    ) -> DeliveryResult | None:
        """Move a refund to a terminal-ish state and deliver the matching REFUND.* callback.

        Returns ``None`` when the refund was requested without ``notify_url`` (the real
        provider then falls back to a merchant-platform setting the simulator lacks).
        """
        self.finish_refund(out_refund_no, status)
        return await self.notify_refund(out_refund_no, duplicates=duplicates)

    async def notify_refund(
        self, out_refund_no: str, *, duplicates: int = 0
    ) -> DeliveryResult | None:
        """(Re)deliver the REFUND.* callback of a finished refund's current state, as the
        provider's later retries of a notification do; ``None`` without ``notify_url``."""
        refund = self.get_refund(out_refund_no)
        if refund.status not in _REFUND_EVENTS:
            raise SimulatorError(400, "INVALID_REQUEST", f"退款单状态为{refund.status}")
        if refund.notify_url is None:
            return None
        event_type, summary = _REFUND_EVENTS[refund.status]
        return await self.notify(
            refund.notify_url,
            event_type=event_type,
            summary=summary,
            original_type="refund",
            resource=refund.to_notification(),
            duplicates=duplicates,
        )

    async def _auto_complete(self, out_refund_no: str) -> None:
        await self.sleep(self.refund_completion_delay)
        await self.complete_refund(out_refund_no)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for background work (auto-completed refunds) to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- callbacks --------------------------------------------------------------

    def build_notification(
        self,
        *,
        event_type: str,
        summary: str,
        original_type: str,
        resource: Mapping[str, Any],
    ) -> tuple[str, bytes]:
        """Return ``(notification id, raw body)`` of an encrypted callback envelope."""
        notification_id = str(uuid.uuid4())
        envelope = {
            "id": notification_id,
            "create_time": format_rfc3339(self.clock()),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            # Live traffic uses original_type as associated_data ("transaction"/"refund").
            "resource": encrypt_resource(
                resource,
                self.api_v3_key,
                original_type=original_type,
                associated_data=original_type,
            ),
        }
        return notification_id, _compact_json(envelope)

    async def notify(
        self,
        url: str,
        *,
        event_type: str,
        summary: str,
        original_type: str,
        resource: Mapping[str, Any],
        duplicates: int = 0,
    ) -> DeliveryResult:
        notification_id, body = self.build_notification(
            event_type=event_type, summary=summary, original_type=original_type, resource=resource
        )
        result = await deliver_notification(
            self._client(),
            url,
            body,
            self.sign,
            policy=self.delivery_policy,
            duplicates=duplicates,
            notification_id=notification_id,
            event_type=event_type,
            sleep=self.sleep,
        )
        self.deliveries.append(result)
        return result

    def _client(self) -> httpx.AsyncClient:
        if self._callback_client is None:
            self._callback_client = httpx.AsyncClient()
        return self._callback_client

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._owns_callback_client and self._callback_client is not None:
            await self._callback_client.aclose()
            self._callback_client = None

    # -- bills ------------------------------------------------------------------

    def _fee(self, fen: int) -> Decimal:
        return (_yuan(fen) * self.fee_rate).quantize(_CENT, rounding=ROUND_HALF_UP)

    def render_trade_bill(self, bill_date: date, bill_type: str = "ALL") -> tuple[str, int]:
        """Render the documented trade bill text; returns ``(text, detail row count)``.

        Layout: detail header, detail rows (every field prefixed with a backtick so
        spreadsheets keep long ids intact), summary header, summary row (prefixed too).
        Amounts are yuan; fees carry 5 decimals; times are Beijing local time.
        """
        columns = _BILL_COLUMNS[bill_type]
        rate = f"{(self.fee_rate * 100).quantize(_CENT)}%"
        rows: list[tuple[datetime, dict[str, str]]] = []
        zero = "0.00"
        if bill_type in {"ALL", "SUCCESS"}:
            for order in self.orders.values():
                if order.success_time is None:
                    continue
                if order.success_time.astimezone(CHINA).date() != bill_date:
                    continue
                fee = self._fee(order.total)
                rows.append(
                    (
                        order.success_time,
                        {
                            **self._order_columns(order, order.success_time),
                            "交易状态": "SUCCESS",
                            "应结订单金额": str(_yuan(order.total)),
                            "微信退款单号": "0",
                            "商户退款单号": "0",
                            "退款金额": zero,
                            "退款类型": "",
                            "退款状态": "",
                            "手续费": f"{fee:.5f}",
                            "费率": rate,
                            "订单金额": str(_yuan(order.total)),
                            "申请退款金额": zero,
                        },
                    )
                )
        if bill_type in {"ALL", "REFUND"}:
            for refund in self.refunds.values():
                if refund.create_time.astimezone(CHINA).date() != bill_date:
                    continue
                order = self.orders[refund.out_trade_no]
                fee = self._fee(refund.refund)
                rows.append(
                    (
                        refund.create_time,
                        {
                            **self._order_columns(order, refund.create_time),
                            "交易状态": "REFUND",
                            "应结订单金额": zero,
                            "退款申请时间": self._bill_time(refund.create_time),
                            "退款成功时间": (
                                self._bill_time(refund.success_time) if refund.success_time else ""
                            ),
                            "微信退款单号": refund.refund_id,
                            "商户退款单号": refund.out_refund_no,
                            "退款金额": str(_yuan(refund.refund)),
                            "退款类型": "ORIGINAL",
                            "退款状态": refund.status.value,
                            # A refund gives back its share of the fee, hence negative.
                            "手续费": f"{-fee:.5f}" if fee else f"{fee:.5f}",
                            "费率": rate,
                            "订单金额": zero,
                            "申请退款金额": str(_yuan(refund.refund)),
                        },
                    )
                )
        rows.sort(key=lambda item: item[0])
        lines = [",".join(columns)]
        lines.extend(",".join(f"`{row.get(col, '')}" for col in columns) for _, row in rows)

        def total(column: str) -> Decimal:
            return sum((Decimal(row[column]) for _, row in rows), Decimal("0"))

        fees = f"{total('手续费'):.5f}"
        if bill_type == "SUCCESS":
            lines.append(_SUCCESS_SUMMARY)
            summary = [str(len(rows)), f"{total('应结订单金额'):.2f}", fees]
            summary.append(f"{total('订单金额'):.2f}")
        else:
            lines.append(_FULL_SUMMARY)
            summary = [
                str(len(rows)),
                f"{total('应结订单金额'):.2f}",
                f"{total('退款金额'):.2f}",
                zero,
                fees,
                f"{total('订单金额'):.2f}",
                f"{total('申请退款金额'):.2f}",
            ]
        lines.append(",".join(f"`{value}" for value in summary))
        return "\n".join(lines) + "\n", len(rows)

    @staticmethod
    def _bill_time(moment: datetime) -> str:
        return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")

    def _order_columns(self, order: SimOrder, moment: datetime) -> dict[str, str]:
        return {
            "交易时间": self._bill_time(moment),
            "公众账号ID": order.appid,
            "商户号": order.mchid,
            "特约商户号": "0",
            "设备号": "",
            "微信订单号": order.transaction_id or "",
            "商户订单号": order.out_trade_no,
            "用户标识": order.payer_openid or "",
            "交易类型": "NATIVE",
            "付款银行": order.bank_type,
            "货币种类": order.currency,
            "代金券金额": "0.00",
            "充值券退款金额": "0.00",
            "商品名称": order.description,
            "商户数据包": order.attach or "",
            "费率备注": "",
        }

    def issue_bill(
        self, bill_date_raw: str | None, bill_type: str | None, tar_type: str | None
    ) -> tuple[str, str]:
        """Prepare a bill file; returns ``(download token, sha1 of the uncompressed text)``."""
        try:
            bill_date = date.fromisoformat(bill_date_raw or "")
        except ValueError:
            raise SimulatorError(400, "PARAM_ERROR", "bill_date 格式应为yyyy-MM-DD") from None
        kind = bill_type or "ALL"
        if kind not in _BILL_COLUMNS:
            raise SimulatorError(400, "PARAM_ERROR", "bill_type 只能是 ALL/SUCCESS/REFUND")
        if tar_type not in {None, "GZIP"}:
            raise SimulatorError(400, "PARAM_ERROR", "tar_type 只能是 GZIP")
        text, row_count = self.render_trade_bill(bill_date, kind)
        if row_count == 0:
            raise SimulatorError(400, "NO_STATEMENT_EXIST", "该日期无交易，账单不存在")
        raw = text.encode("utf-8")
        token = secrets.token_urlsafe(32)
        content = gzip.compress(raw) if tar_type == "GZIP" else raw
        self._bill_files[token] = _BillFile(content, self.clock() + _BILL_TOKEN_TTL)
        # Documented: the hash is of the original (uncompressed) bill.
        return token, hashlib.sha1(raw).hexdigest()

    def bill_file(self, token: str | None) -> bytes:
        record = self._bill_files.get(token or "")
        if record is None or self.clock() > record.expires_at:
            raise SimulatorError(400, "INVALID_REQUEST", "下载链接无效或已过期，请重新申请账单")
        return record.content
