"""Client <-> simulator <-> merchant callback receiver, all in-process over ASGI transports."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from payment.provider import (
    BadSignatureError,
    EventType,
    NotificationEnvelope,
    NotificationVerifier,
    ProviderError,
    RefundNotification,
    RefundStatus,
    SignatureError,
    TradeState,
    Transaction,
    UnknownSerialError,
    WeChatPayClient,
    decrypt_refund,
    decrypt_transaction,
    platform_signature_headers,
)
from skillcert import testing
from skillcert.auth import Role
from skillcert.clock import china_now
from skillcert_devtools.wechatpay import (
    DeliveryPolicy,
    DevKeySet,
    SimulatorState,
    create_app,
    deliver_notification,
)

SIM = "http://wechatpay.simulator"
MERCHANT = "http://merchant.test"
APPID = "wxd678efh567hg6787"
ALL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)

FULL_SUMMARY_HEADER = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)


class MerchantInbox:
    """Stand-in for the payment service's callback endpoint.

    It does what production code must do: verify the signature over the raw body,
    then decrypt, and only then acknowledge with a bodiless 2xx.
    """

    def __init__(self, keys: DevKeySet) -> None:
        self.verifier = NotificationVerifier(keys.platform_keys)
        self.api_v3_key = keys.api_v3_key
        self.failures_left = 0
        self.attempts = 0
        self.nonces: list[str] = []
        self.rejections: list[str] = []
        self.envelopes: list[NotificationEnvelope] = []
        self.transactions: list[Transaction] = []
        self.refunds: list[RefundNotification] = []
        self.app = FastAPI()
        self.app.add_api_route("/notify/pay", self.receive, methods=["POST"])
        self.app.add_api_route("/notify/refund", self.receive, methods=["POST"])

    async def receive(self, request: Request) -> Response:
        raw = await request.body()
        self.attempts += 1
        self.nonces.append(request.headers.get("wechatpay-nonce", ""))
        if self.failures_left > 0:
            self.failures_left -= 1
            return JSONResponse({"code": "FAIL", "message": "busy"}, status_code=500)
        try:
            self.verifier.verify(request.headers, raw)
        except SignatureError as exc:
            self.rejections.append(exc.reason)
            return JSONResponse({"code": "FAIL", "message": exc.reason}, status_code=401)
        envelope = NotificationEnvelope.model_validate_json(raw)
        self.envelopes.append(envelope)
        if envelope.event_type == EventType.TRANSACTION_SUCCESS:
            self.transactions.append(decrypt_transaction(envelope.resource, self.api_v3_key))
        else:
            self.refunds.append(decrypt_refund(envelope.resource, self.api_v3_key))
        return Response(status_code=204)


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def inbox(keys: DevKeySet) -> MerchantInbox:
    return MerchantInbox(keys)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
async def state(
    keys: DevKeySet, inbox: MerchantInbox, fake_sleep: FakeSleep
) -> AsyncIterator[SimulatorState]:
    callbacks = httpx.AsyncClient(transport=httpx.ASGITransport(app=inbox.app))
    simulator = SimulatorState.from_keys(
        keys,
        callback_client=callbacks,
        delivery_policy=DeliveryPolicy(max_attempts=3, backoff_seconds=(0.5, 1.0)),
        sleep=fake_sleep,
    )
    yield simulator
    await simulator.aclose()
    await callbacks.aclose()


@pytest.fixture
async def http(
    state: SimulatorState, tokens: testing.TestTokens
) -> AsyncIterator[httpx.AsyncClient]:
    """The simulator's HTTP face; the controls are called with an ops token."""
    app = create_app(state, tokens.verifier)
    ops = tokens.headers(tokens.principal(Role.OPS))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=SIM, headers=ops
    ) as client:
        yield client


def make_client(
    http: httpx.AsyncClient, merchant: DevKeySet, platform: DevKeySet
) -> WeChatPayClient:
    return WeChatPayClient(
        http,
        mchid=merchant.mchid,
        merchant_serial_no=merchant.merchant_serial_no,
        merchant_private_key=merchant.merchant_private_key,
        verifier=NotificationVerifier(platform.platform_keys),
        base_url=SIM,
    )


@pytest.fixture
def client(http: httpx.AsyncClient, keys: DevKeySet) -> WeChatPayClient:
    return make_client(http, keys, keys)


async def place_order(
    client: WeChatPayClient,
    out_trade_no: str,
    amount_fen: int = 12345,
    *,
    time_expire: datetime | None = None,
    attach: str | None = None,
) -> str:
    return await client.create_native_order(
        appid=APPID,
        description="职业技能等级认定报名费",
        out_trade_no=out_trade_no,
        amount_fen=amount_fen,
        notify_url=f"{MERCHANT}/notify/pay",
        time_expire=time_expire,
        attach=attach,
    )


async def scan(http: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await http.post("/simulator/scan-and-pay", json=body)


# --------------------------------------------------------------------------- orders


async def test_create_and_query_order(client: WeChatPayClient) -> None:
    expire = china_now() + timedelta(minutes=30)
    code_url = await place_order(client, "SKC_0001", time_expire=expire, attach="exam=42")
    assert code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    order = await client.query_order("SKC_0001")
    assert order.trade_state is TradeState.NOTPAY
    assert (order.out_trade_no, order.attach, order.transaction_id) == ("SKC_0001", "exam=42", None)
    assert order.amount is not None and order.amount.total == 12345


async def test_identical_reorder_is_idempotent_but_changed_order_conflicts(
    client: WeChatPayClient,
) -> None:
    first = await place_order(client, "SKC_0002")
    assert await place_order(client, "SKC_0002") == first
    with pytest.raises(ProviderError) as caught:
        await place_order(client, "SKC_0002", amount_fen=1)
    assert (caught.value.status, caught.value.code) == (403, "OUT_TRADE_NO_USED")


async def test_query_unknown_order(client: WeChatPayClient) -> None:
    with pytest.raises(ProviderError) as caught:
        await client.query_order("SKC_MISSING")
    assert (caught.value.status, caught.value.code) == (404, "ORDER_NOT_EXIST")
    assert caught.value.request_id


async def test_close_order_then_payment_is_impossible(
    client: WeChatPayClient, http: httpx.AsyncClient
) -> None:
    code_url = await place_order(client, "SKC_0003")
    await client.close_order("SKC_0003")
    assert (await client.query_order("SKC_0003")).trade_state is TradeState.CLOSED
    response = await scan(http, code_url=code_url)
    assert response.status_code == 400 and response.json()["code"] == "ORDER_NOT_PAYABLE"


async def test_order_numbers_needing_percent_encoding_round_trip(
    client: WeChatPayClient, state: SimulatorState
) -> None:
    # '|' and '*' are allowed in out_trade_no but must be escaped in the URL path; the
    # signature has to cover the escaped form that actually goes on the wire.
    await place_order(client, "SKC|0006*")
    await client.close_order("SKC|0006*")
    assert (await client.query_order("SKC|0006*")).trade_state is TradeState.CLOSED
    assert "SKC|0006*" in state.orders


async def test_expired_order_cannot_be_paid(
    client: WeChatPayClient, http: httpx.AsyncClient, state: SimulatorState
) -> None:
    # The simulator clamps time_expire to >= 1 minute after ordering, as documented.
    await place_order(client, "SKC_0004", time_expire=china_now())
    state.clock = lambda: china_now() + timedelta(minutes=2)
    response = await scan(http, out_trade_no="SKC_0004")
    assert response.status_code == 400 and response.json()["code"] == "ORDER_EXPIRED"


async def test_client_validates_inputs_before_calling(client: WeChatPayClient) -> None:
    with pytest.raises(ValueError, match="out_trade_no"):
        await place_order(client, "short")
    with pytest.raises(ValueError, match="amount_fen"):
        await place_order(client, "SKC_0005", amount_fen=0)
    with pytest.raises(ValueError, match="timezone"):
        await place_order(client, "SKC_0005", time_expire=datetime(2030, 1, 1))


# --------------------------------------------------------------------------- signatures


async def test_request_signed_with_wrong_merchant_key_is_rejected(
    http: httpx.AsyncClient, keys: DevKeySet, other_keys: DevKeySet
) -> None:
    impostor = WeChatPayClient(
        http,
        mchid=keys.mchid,
        merchant_serial_no=keys.merchant_serial_no,
        merchant_private_key=other_keys.merchant_private_key,
        verifier=NotificationVerifier(keys.platform_keys),
        base_url=SIM,
    )
    with pytest.raises(ProviderError) as caught:
        await place_order(impostor, "SKC_0010")
    assert (caught.value.status, caught.value.code) == (401, "SIGN_ERROR")


async def test_responses_are_verified_against_platform_key(
    http: httpx.AsyncClient, keys: DevKeySet, other_keys: DevKeySet
) -> None:
    await place_order(make_client(http, keys, keys), "SKC_0011")
    wrong_serial = make_client(http, keys, other_keys)
    with pytest.raises(UnknownSerialError):
        await wrong_serial.query_order("SKC_0011")
    wrong_key = WeChatPayClient(
        http,
        mchid=keys.mchid,
        merchant_serial_no=keys.merchant_serial_no,
        merchant_private_key=keys.merchant_private_key,
        verifier=NotificationVerifier({keys.platform_serial: other_keys.platform_public_key}),
        base_url=SIM,
    )
    with pytest.raises(BadSignatureError):
        await wrong_key.query_order("SKC_0011")


# --------------------------------------------------------------------------- callbacks


async def test_scan_and_pay_delivers_verified_encrypted_callback(
    client: WeChatPayClient, http: httpx.AsyncClient, inbox: MerchantInbox
) -> None:
    code_url = await place_order(client, "SKC_0020", attach="candidate=7")
    response = await scan(http, code_url=code_url, openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    assert response.status_code == 200
    assert response.json()["notification"]["delivered"] is True
    assert inbox.rejections == []
    [envelope] = inbox.envelopes
    assert envelope.event_type == "TRANSACTION.SUCCESS"
    assert envelope.resource_type == "encrypt-resource" and envelope.summary == "支付成功"
    assert envelope.resource.associated_data == "transaction"
    [paid] = inbox.transactions
    assert paid.trade_state is TradeState.SUCCESS
    assert (paid.appid, paid.out_trade_no, paid.attach) == (APPID, "SKC_0020", "candidate=7")
    assert paid.payer is not None and paid.payer.openid == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    assert paid.amount is not None
    assert (paid.amount.total, paid.amount.payer_total, paid.amount.currency) == (
        12345,
        12345,
        "CNY",
    )
    queried = await client.query_order("SKC_0020")
    assert queried.trade_state is TradeState.SUCCESS
    assert queried.transaction_id == paid.transaction_id == response.json()["transaction_id"]
    assert queried.success_time == paid.success_time is not None


async def test_duplicates_delivered_when_asked(
    client: WeChatPayClient, http: httpx.AsyncClient, inbox: MerchantInbox
) -> None:
    await place_order(client, "SKC_0021")
    response = await scan(http, out_trade_no="SKC_0021", duplicates=2)
    notification = response.json()["notification"]
    assert [a["copy"] for a in notification["attempts"]] == [0, 1, 2]
    assert len(inbox.envelopes) == 3
    assert {e.id for e in inbox.envelopes} == {notification["notification_id"]}
    assert len({t.transaction_id for t in inbox.transactions}) == 1


async def test_retries_until_merchant_acknowledges(
    client: WeChatPayClient,
    inbox: MerchantInbox,
    state: SimulatorState,
    fake_sleep: FakeSleep,
) -> None:
    await place_order(client, "SKC_0022")
    inbox.failures_left = 2
    _, result = await state.scan_and_pay(out_trade_no="SKC_0022")
    assert result.delivered
    assert [a.status_code for a in result.attempts] == [500, 500, 204]
    assert fake_sleep.delays == [0.5, 1.0]
    # Every retry is freshly signed so it survives the receiver's 5-minute window.
    assert len(set(inbox.nonces)) == 3
    assert len(inbox.transactions) == 1
    assert state.deliveries == [result]


async def test_delivery_gives_up_after_bounded_attempts(
    client: WeChatPayClient, inbox: MerchantInbox, state: SimulatorState
) -> None:
    await place_order(client, "SKC_0023")
    inbox.failures_left = 100
    order, result = await state.scan_and_pay(out_trade_no="SKC_0023")
    assert not result.delivered and len(result.attempts) == 3
    # The payment itself stands; the merchant must reconcile by querying.
    assert order.trade_state is TradeState.SUCCESS


async def test_forged_callback_is_rejected_by_receiver(
    keys: DevKeySet, other_keys: DevKeySet, inbox: MerchantInbox, state: SimulatorState
) -> None:
    _, body = state.build_notification(
        event_type=EventType.TRANSACTION_SUCCESS,
        summary="支付成功",
        original_type="transaction",
        resource={"mchid": keys.mchid, "out_trade_no": "SKC_FORGED", "trade_state": "SUCCESS"},
    )

    def forge(raw: bytes) -> dict[str, str]:
        # Claims the genuine serial but is signed with someone else's key.
        return platform_signature_headers(
            raw, other_keys.platform_private_key, keys.platform_serial
        )

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=inbox.app)) as sender:
        result = await deliver_notification(
            sender,
            f"{MERCHANT}/notify/pay",
            body,
            forge,
            policy=DeliveryPolicy(max_attempts=2, backoff_seconds=()),
        )
    assert not result.delivered
    assert [a.status_code for a in result.attempts] == [401, 401]
    assert inbox.rejections == ["bad_signature", "bad_signature"]
    assert inbox.transactions == []


async def test_unreachable_merchant_counts_as_failed_attempt(state: SimulatorState) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as sender:
        result = await deliver_notification(
            sender,
            f"{MERCHANT}/notify/pay",
            b"{}",
            state.sign,
            policy=DeliveryPolicy(max_attempts=2, backoff_seconds=()),
        )
    assert not result.delivered
    assert all(a.status_code is None and "ConnectError" in (a.error or "") for a in result.attempts)


async def test_stale_callback_is_rejected_by_receiver(
    client: WeChatPayClient, inbox: MerchantInbox, state: SimulatorState
) -> None:
    await place_order(client, "SKC_0025")
    # A provider clock 6 minutes behind produces callbacks outside the 5-minute window.
    state.clock = lambda: china_now() - timedelta(minutes=6)
    _, result = await state.scan_and_pay(out_trade_no="SKC_0025")
    assert not result.delivered
    assert inbox.rejections == ["timestamp_skew"] * 3 and inbox.transactions == []


async def test_scan_and_pay_needs_exactly_one_locator(http: httpx.AsyncClient) -> None:
    assert (await scan(http)).status_code == 400
    both = await scan(http, code_url="weixin://x", out_trade_no="SKC_0024")
    assert both.status_code == 400


# --------------------------------------------------------------------------- refunds


async def test_refund_flow_delivers_refund_callback(
    client: WeChatPayClient, http: httpx.AsyncClient, inbox: MerchantInbox
) -> None:
    await place_order(client, "SKC_0030")
    await scan(http, out_trade_no="SKC_0030")
    refund = await client.refund(
        out_trade_no="SKC_0030",
        out_refund_no="RF_0030_1",
        refund_fen=2345,
        total_fen=12345,
        reason="考生取消报名",
        notify_url=f"{MERCHANT}/notify/refund",
    )
    assert refund.status is RefundStatus.PROCESSING
    assert (refund.amount.refund, refund.amount.total, refund.out_trade_no) == (
        2345,
        12345,
        "SKC_0030",
    )
    again = await client.refund(
        out_trade_no="SKC_0030",
        out_refund_no="RF_0030_1",
        refund_fen=2345,
        total_fen=12345,
        notify_url=f"{MERCHANT}/notify/refund",
    )
    assert again.refund_id == refund.refund_id
    assert (await client.query_order("SKC_0030")).trade_state is TradeState.REFUND

    completed = await http.post(f"/simulator/refunds/{refund.out_refund_no}/complete", json={})
    assert completed.status_code == 200 and completed.json()["status"] == "SUCCESS"
    [envelope] = inbox.envelopes[1:]
    assert envelope.event_type == "REFUND.SUCCESS"
    [notified] = inbox.refunds
    assert notified.refund_status is RefundStatus.SUCCESS and notified.success_time is not None
    assert (notified.refund_id, notified.out_refund_no) == (refund.refund_id, "RF_0030_1")
    assert (notified.amount.refund, notified.amount.payer_refund) == (2345, 2345)

    with pytest.raises(ProviderError) as caught:
        await client.refund(
            out_trade_no="SKC_0030", out_refund_no="RF_0030_2", refund_fen=10001, total_fen=12345
        )
    assert (caught.value.status, caught.value.code) == (400, "INVALID_REQUEST")


async def test_refund_of_unpaid_order_is_rejected(client: WeChatPayClient) -> None:
    await place_order(client, "SKC_0031")
    with pytest.raises(ProviderError) as caught:
        await client.refund(
            out_trade_no="SKC_0031", out_refund_no="RF_0031", refund_fen=1, total_fen=12345
        )
    assert caught.value.code == "INVALID_REQUEST"


async def test_abnormal_and_closed_refund_events(
    client: WeChatPayClient, state: SimulatorState, inbox: MerchantInbox
) -> None:
    await place_order(client, "SKC_0032")
    await state.scan_and_pay(out_trade_no="SKC_0032")
    for number in ("RF_0032_A", "RF_0032_B"):
        await client.refund(
            out_trade_no="SKC_0032",
            out_refund_no=number,
            refund_fen=100,
            total_fen=12345,
            notify_url=f"{MERCHANT}/notify/refund",
        )
    await state.complete_refund("RF_0032_A", RefundStatus.ABNORMAL)
    await state.complete_refund("RF_0032_B", RefundStatus.CLOSED)
    assert [e.event_type for e in inbox.envelopes[1:]] == ["REFUND.ABNORMAL", "REFUND.CLOSED"]
    assert [r.refund_status for r in inbox.refunds] == [RefundStatus.ABNORMAL, RefundStatus.CLOSED]
    assert state.refunded("SKC_0032") == 100  # a closed refund gives the amount back


async def test_query_refund_reports_each_state(
    client: WeChatPayClient, state: SimulatorState, inbox: MerchantInbox
) -> None:
    await place_order(client, "SKC_0034")
    await state.scan_and_pay(out_trade_no="SKC_0034")
    # '|' and '@' are allowed in out_refund_no and must be escaped (and signed) in the path.
    numbers = {
        RefundStatus.SUCCESS: "RF|0034@S",
        RefundStatus.PROCESSING: "RF_0034_P",
        RefundStatus.ABNORMAL: "RF_0034_A",
        RefundStatus.CLOSED: "RF_0034_C",
    }
    created = {
        status: await client.refund(
            out_trade_no="SKC_0034",
            out_refund_no=number,
            refund_fen=100,
            total_fen=12345,
            notify_url=f"{MERCHANT}/notify/refund",
        )
        for status, number in numbers.items()
    }
    for status in (RefundStatus.SUCCESS, RefundStatus.ABNORMAL, RefundStatus.CLOSED):
        state.finish_refund(numbers[status], status)
    assert inbox.refunds == []  # finished without notifications: only the query tells

    for status, number in numbers.items():
        queried = await client.query_refund(number)
        assert (queried.status, queried.out_refund_no) == (status, number)
        assert queried.refund_id == created[status].refund_id
        assert queried.out_trade_no == "SKC_0034"
        assert queried.transaction_id == state.orders["SKC_0034"].transaction_id
        assert (queried.amount.total, queried.amount.refund) == (12345, 100)
        assert (queried.amount.payer_total, queried.amount.payer_refund) == (12345, 100)
        assert queried.amount.currency == "CNY"
        assert (queried.success_time is not None) is (status is RefundStatus.SUCCESS)


async def test_query_unknown_refund(client: WeChatPayClient) -> None:
    with pytest.raises(ProviderError) as caught:
        await client.query_refund("RF_MISSING")
    assert (caught.value.status, caught.value.code) == (404, "RESOURCE_NOT_EXISTS")
    with pytest.raises(ValueError, match="out_refund_no"):
        await client.query_refund("RF 0001")


async def test_refund_query_answer_is_verified(
    client: WeChatPayClient,
    state: SimulatorState,
    http: httpx.AsyncClient,
    keys: DevKeySet,
    other_keys: DevKeySet,
) -> None:
    await place_order(client, "SKC_0035")
    await state.scan_and_pay(out_trade_no="SKC_0035")
    await client.refund(
        out_trade_no="SKC_0035", out_refund_no="RF_0035", refund_fen=100, total_fen=12345
    )
    wrong_key = WeChatPayClient(
        http,
        mchid=keys.mchid,
        merchant_serial_no=keys.merchant_serial_no,
        merchant_private_key=keys.merchant_private_key,
        verifier=NotificationVerifier({keys.platform_serial: other_keys.platform_public_key}),
        base_url=SIM,
    )
    with pytest.raises(BadSignatureError):
        await wrong_key.query_refund("RF_0035")


async def test_lost_refund_notification_can_be_delivered_late(
    client: WeChatPayClient, state: SimulatorState, http: httpx.AsyncClient, inbox: MerchantInbox
) -> None:
    await place_order(client, "SKC_0036")
    await state.scan_and_pay(out_trade_no="SKC_0036")
    await client.refund(
        out_trade_no="SKC_0036",
        out_refund_no="RF_0036",
        refund_fen=12345,
        total_fen=12345,
        notify_url=f"{MERCHANT}/notify/refund",
    )
    unfinished = await http.post("/simulator/refunds/RF_0036/notify")
    assert unfinished.status_code == 400 and unfinished.json()["code"] == "INVALID_REQUEST"
    lost = await http.post("/simulator/refunds/RF_0036/complete", json={"notify": False})
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["notification"]) == ("SUCCESS", None)
    assert inbox.refunds == []
    late = await http.post("/simulator/refunds/RF_0036/notify", json={"duplicates": 1})
    assert late.status_code == 200 and late.json()["notification"]["delivered"] is True
    assert [r.refund_status for r in inbox.refunds] == [RefundStatus.SUCCESS] * 2
    unknown = await http.post("/simulator/refunds/RF_MISSING/notify")
    assert unknown.status_code == 404


async def test_auto_completed_refunds(
    client: WeChatPayClient, state: SimulatorState, inbox: MerchantInbox
) -> None:
    state.auto_complete_refunds = True
    await place_order(client, "SKC_0033")
    await state.scan_and_pay(out_trade_no="SKC_0033")
    await client.refund(
        out_trade_no="SKC_0033",
        out_refund_no="RF_0033",
        refund_fen=12345,
        total_fen=12345,
        notify_url=f"{MERCHANT}/notify/refund",
    )
    await state.drain()
    assert [r.refund_status for r in inbox.refunds] == [RefundStatus.SUCCESS]


# --------------------------------------------------------------------------- bills


def bill_fields(line: str) -> list[str]:
    fields = line.split(",")
    assert all(field.startswith("`") for field in fields), line
    return [field[1:] for field in fields]


async def test_trade_bill_download(
    client: WeChatPayClient, state: SimulatorState, http: httpx.AsyncClient
) -> None:
    await place_order(client, "SKC_0040")
    await place_order(client, "SKC_0041", amount_fen=100)
    await scan(http, out_trade_no="SKC_0040")
    await scan(http, out_trade_no="SKC_0041")
    refund = await client.refund(
        out_trade_no="SKC_0040", out_refund_no="RF_0040", refund_fen=2345, total_fen=12345
    )
    today = china_now().date()

    text = await client.download_trade_bill(today)

    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == 6
    assert lines[0] == ALL_HEADER
    rows = [dict(zip(ALL_HEADER.split(","), bill_fields(line), strict=True)) for line in lines[1:4]]
    paid = {row["商户订单号"]: row for row in rows if row["交易状态"] == "SUCCESS"}
    assert paid["SKC_0040"]["应结订单金额"] == "123.45"
    assert paid["SKC_0040"]["手续费"] == "0.74000" and paid["SKC_0040"]["费率"] == "0.60%"
    assert paid["SKC_0040"]["微信订单号"] == state.orders["SKC_0040"].transaction_id
    assert paid["SKC_0041"]["订单金额"] == "1.00"
    [refund_row] = [row for row in rows if row["交易状态"] == "REFUND"]
    assert refund_row["微信退款单号"] == refund.refund_id
    assert (refund_row["退款金额"], refund_row["申请退款金额"]) == ("23.45", "23.45")
    assert (refund_row["退款状态"], refund_row["手续费"]) == ("PROCESSING", "-0.14000")
    assert lines[4] == FULL_SUMMARY_HEADER
    assert bill_fields(lines[5]) == ["3", "124.45", "23.45", "0.00", "0.61000", "124.45", "23.45"]

    success_only = (await client.download_trade_bill(today, "SUCCESS")).splitlines()
    assert len(success_only) == 5
    assert success_only[3] == "总交易单数,应结订单总金额,手续费总金额,订单总金额"
    assert bill_fields(success_only[4]) == ["2", "124.45", "0.75000", "124.45"]
    refund_only = (await client.download_trade_bill(today, "REFUND")).splitlines()
    assert len(refund_only) == 4 and "退款申请时间,退款成功时间" in refund_only[0]


async def test_bill_for_day_without_trades(client: WeChatPayClient) -> None:
    with pytest.raises(ProviderError) as caught:
        await client.download_trade_bill(date(2020, 1, 1))
    assert (caught.value.status, caught.value.code) == (400, "NO_STATEMENT_EXIST")


class CorruptingTransport(httpx.AsyncBaseTransport):
    """Flips the bill file in transit, which only the SHA1 check can notice."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != "/v3/billdownload/file":
            return response
        content = (await response.aread()).replace(b"SUCCESS", b"REVOKED")
        return httpx.Response(response.status_code, headers=response.headers, content=content)


async def test_corrupted_bill_is_detected(
    keys: DevKeySet, state: SimulatorState, tokens: testing.TestTokens
) -> None:
    app = create_app(state, tokens.verifier)
    transport = CorruptingTransport(httpx.ASGITransport(app=app))
    async with httpx.AsyncClient(transport=transport) as http:
        client = make_client(http, keys, keys)
        await place_order(client, "SKC_0042")
        await state.scan_and_pay(out_trade_no="SKC_0042")
        with pytest.raises(ProviderError) as caught:
            await client.download_trade_bill(china_now().date())
    assert caught.value.code == "BILL_HASH_MISMATCH"


async def test_untrusted_download_url_is_never_fetched(keys: DevKeySet) -> None:
    fetched: list[str] = []

    def provider(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        body = b'{"hash_type":"SHA1","hash_value":"00","download_url":"https://evil.example/x"}'
        headers = platform_signature_headers(body, keys.platform_private_key, keys.platform_serial)
        return httpx.Response(200, headers=headers, content=body)

    async with httpx.AsyncClient(transport=httpx.MockTransport(provider)) as http:
        client = WeChatPayClient(
            http,
            mchid=keys.mchid,
            merchant_serial_no=keys.merchant_serial_no,
            merchant_private_key=keys.merchant_private_key,
            verifier=NotificationVerifier(keys.platform_keys),
        )
        with pytest.raises(ProviderError) as caught:
            await client.download_trade_bill(date(2024, 1, 1))
    assert caught.value.code == "UNTRUSTED_DOWNLOAD_URL"
    assert fetched == [
        "https://api.mch.weixin.qq.com/v3/bill/tradebill?bill_date=2024-01-01&bill_type=ALL"
    ]


async def test_gzip_bill_hash_covers_uncompressed_text(
    client: WeChatPayClient, state: SimulatorState
) -> None:
    await place_order(client, "SKC_0043")
    await state.scan_and_pay(out_trade_no="SKC_0043")
    today = china_now().date().isoformat()
    token, digest = state.issue_bill(today, "ALL", "GZIP")
    text = gzip.decompress(state.bill_file(token))
    assert hashlib.sha1(text).hexdigest() == digest
    assert text.decode().startswith(ALL_HEADER)
