"""HTTP face of the simulator: the real APIv3 paths, authenticated as WeChat Pay does (the
merchant's request signature), and the development controls that play the payer and finish
refunds, which only an ops account may use (a staff token from the gateway)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from payment.provider.wechatpay import HEADER_REQUEST_ID, RefundStatus, SignatureError
from skillcert.auth import Principal, Role, TokenVerifier
from skillcert.errors import Forbidden, Unauthorized, problem_responses

from .delivery import DeliveryResult
from .state import SimulatorError, SimulatorState, _compact_json, _parse_json_object

CONTROL_PREFIX: Final = "/simulator"


class ScanAndPayRequest(BaseModel):
    code_url: str | None = None
    out_trade_no: str | None = None
    openid: str | None = None
    duplicates: int = Field(default=0, ge=0, le=20)


class CompleteRefundRequest(BaseModel):
    status: RefundStatus = RefundStatus.SUCCESS
    duplicates: int = Field(default=0, ge=0, le=20)
    # False: the notification is lost (never sent); only the refund query shows the result.
    notify: bool = True


class NotifyRefundRequest(BaseModel):
    duplicates: int = Field(default=0, ge=0, le=20)


_Handler = Callable[[bytes], Awaitable[tuple[int, Any]]]
_BILL_DOWNLOAD_ROUTE: Final = "wechatpay_simulator_bill_download"


def _request_target(request: Request) -> str:
    """Path and query exactly as the client sent (and therefore signed) them."""
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else quote(request.scope["path"])
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


def _json_error(
    state: SimulatorState, status: int, code: str, message: str, *, signed: bool
) -> Response:
    body = _compact_json({"code": code, "message": message})
    headers = {HEADER_REQUEST_ID: uuid.uuid4().hex}
    if signed:
        headers |= state.sign(body)
    return Response(body, status, headers=headers, media_type="application/json")


def build_simulator_router(state: SimulatorState) -> APIRouter:
    """The real APIv3 paths, as the payment service calls them at ``provider_base_url``."""
    router = APIRouter(tags=["wechatpay-simulator"])

    def json_error(status: int, code: str, message: str, *, signed: bool) -> Response:
        return _json_error(state, status, code, message, signed=signed)

    def signed(status: int, payload: Any) -> Response:
        body = b"" if payload is None else _compact_json(payload)
        headers = {HEADER_REQUEST_ID: uuid.uuid4().hex, **state.sign(body)}
        if payload is None:
            return Response(status_code=status, headers=headers)
        return Response(body, status, headers=headers, media_type="application/json")

    async def authenticated(request: Request) -> bytes | Response:
        body = await request.body()
        try:
            state.verify_merchant_request(
                request.method, _request_target(request), body, request.headers.get("Authorization")
            )
        except SignatureError as exc:
            # The provider cannot sign for a caller it failed to authenticate.
            return json_error(401, "SIGN_ERROR", f"签名错误: {exc}", signed=False)
        return body

    async def dispatch(request: Request, handler: _Handler) -> Response:
        body = await authenticated(request)
        if isinstance(body, Response):
            return body
        try:
            status, payload = await handler(body)
        except SimulatorError as exc:
            return json_error(exc.status, exc.code, exc.message, signed=True)
        return signed(status, payload)

    def check_mchid(value: Any) -> None:
        if value != state.mchid:
            raise SimulatorError(400, "PARAM_ERROR", "mchid 与请求签名的商户号不一致")

    @router.post("/v3/pay/transactions/native")
    async def native_prepay(request: Request) -> Response:
        async def handle(body: bytes) -> tuple[int, Any]:
            order = state.create_order(_parse_json_object(body))
            return 200, {"code_url": order.code_url}

        return await dispatch(request, handle)

    @router.get("/v3/pay/transactions/out-trade-no/{out_trade_no}")
    async def query_by_out_trade_no(request: Request, out_trade_no: str) -> Response:
        async def handle(_: bytes) -> tuple[int, Any]:
            check_mchid(request.query_params.get("mchid"))
            return 200, state.get_order(out_trade_no).to_transaction()

        return await dispatch(request, handle)

    @router.post("/v3/pay/transactions/out-trade-no/{out_trade_no}/close")
    async def close_order(request: Request, out_trade_no: str) -> Response:
        async def handle(body: bytes) -> tuple[int, Any]:
            check_mchid(_parse_json_object(body).get("mchid"))
            state.close_order(out_trade_no)
            return 204, None

        return await dispatch(request, handle)

    @router.post("/v3/refund/domestic/refunds")
    async def create_refund(request: Request) -> Response:
        async def handle(body: bytes) -> tuple[int, Any]:
            return 200, state.create_refund(_parse_json_object(body)).to_api()

        return await dispatch(request, handle)

    @router.get("/v3/refund/domestic/refunds/{out_refund_no}")
    async def query_refund(request: Request, out_refund_no: str) -> Response:
        async def handle(_: bytes) -> tuple[int, Any]:
            return 200, state.get_refund(out_refund_no).to_api()

        return await dispatch(request, handle)

    @router.get("/v3/bill/tradebill")
    async def trade_bill(request: Request) -> Response:
        async def handle(_: bytes) -> tuple[int, Any]:
            params = request.query_params
            token, digest = state.issue_bill(
                params.get("bill_date"), params.get("bill_type"), params.get("tar_type")
            )
            url = request.url_for(_BILL_DOWNLOAD_ROUTE).include_query_params(token=token)
            return 200, {"hash_type": "SHA1", "hash_value": digest, "download_url": str(url)}

        return await dispatch(request, handle)

    @router.get("/v3/billdownload/file", name=_BILL_DOWNLOAD_ROUTE)
    async def bill_download(request: Request) -> Response:
        body = await authenticated(request)
        if isinstance(body, Response):
            return body
        try:
            content = state.bill_file(request.query_params.get("token"))
        except SimulatorError as exc:
            return json_error(exc.status, exc.code, exc.message, signed=True)
        # Documented: the file stream carries no Wechatpay-* signature headers.
        return Response(content, 200, media_type="application/octet-stream")

    return router


_bearer = HTTPBearer(auto_error=False)


async def require_ops(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Only an ops account may play the payer: the controls move money in the dev platform."""
    if credentials is None:
        raise Unauthorized("请先登录", headers={"WWW-Authenticate": "Bearer"})
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(credentials.credentials)
    if principal.role is not Role.OPS:
        raise Forbidden("仅运维账号可使用支付模拟器")
    return principal


def build_control_router(state: SimulatorState) -> APIRouter:
    """``/simulator/...``: pay an order as the payer would, finish or re-notify a refund.

    The app must keep the gateway's token verifier at ``app.state.token_verifier``."""
    router = APIRouter(
        prefix=CONTROL_PREFIX,
        tags=["wechatpay-simulator controls"],
        dependencies=[Depends(require_ops)],
        responses=problem_responses(401, 403),
    )

    def json_error(status: int, code: str, message: str, *, signed: bool) -> Response:
        return _json_error(state, status, code, message, signed=signed)

    @router.post("/scan-and-pay")
    async def scan_and_pay(command: ScanAndPayRequest) -> Response:
        if (command.code_url is None) == (command.out_trade_no is None):
            return json_error(
                400, "PARAM_ERROR", "需要 code_url 或 out_trade_no 之一", signed=False
            )
        try:
            order, result = await state.scan_and_pay(
                code_url=command.code_url,
                out_trade_no=command.out_trade_no,
                openid=command.openid,
                duplicates=command.duplicates,
            )
        except SimulatorError as exc:
            return json_error(exc.status, exc.code, exc.message, signed=False)
        payload = {
            "out_trade_no": order.out_trade_no,
            "transaction_id": order.transaction_id,
            "trade_state": order.trade_state.value,
            "notification": result.as_json(),
        }
        return Response(_compact_json(payload), 200, media_type="application/json")

    def refund_outcome(out_refund_no: str, result: DeliveryResult | None) -> Response:
        payload = {
            "out_refund_no": out_refund_no,
            "status": state.refunds[out_refund_no].status.value,
            "notification": None if result is None else result.as_json(),
        }
        return Response(_compact_json(payload), 200, media_type="application/json")

    @router.post("/refunds/{out_refund_no}/complete")
    async def complete_refund(
        out_refund_no: str, command: CompleteRefundRequest | None = None
    ) -> Response:
        command = command or CompleteRefundRequest()
        try:
            if command.notify:
                result = await state.complete_refund(
                    out_refund_no, command.status, duplicates=command.duplicates
                )
            else:
                state.finish_refund(out_refund_no, command.status)
                result = None
        except SimulatorError as exc:
            return json_error(exc.status, exc.code, exc.message, signed=False)
        return refund_outcome(out_refund_no, result)

    @router.post("/refunds/{out_refund_no}/notify")
    async def notify_refund(
        out_refund_no: str, command: NotifyRefundRequest | None = None
    ) -> Response:
        """Deliver (again) the notification of a finished refund: a late or retried one."""
        command = command or NotifyRefundRequest()
        try:
            result = await state.notify_refund(out_refund_no, duplicates=command.duplicates)
        except SimulatorError as exc:
            return json_error(exc.status, exc.code, exc.message, signed=False)
        return refund_outcome(out_refund_no, result)

    return router
