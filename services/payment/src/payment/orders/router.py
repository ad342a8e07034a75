from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Response

from payment.context import CurrentContext
from payment.orders import qr
from payment.orders.models import Order
from payment.orders.schemas import OrderIn, OrderOut
from payment.orders.service import OrderService
from skillcert.access import Owner, access
from skillcert.auth import CurrentPrincipal, Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

PREFIX = "/api/v1/payment"
router = service_router(PREFIX, tags=["payment"])

Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]


async def _service(ctx: CurrentContext, session: DbSession) -> OrderService:
    return OrderService(session, ctx.resources.wechatpay, ctx.settings.order_ttl)


Service = Annotated[OrderService, Depends(_service)]


def _out(order: Order) -> OrderOut:
    return OrderOut.from_model(order, utcnow(), f"{PREFIX}/orders/{order.id}")


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderOut,
    responses={200: {"model": OrderOut}, **problem_responses(401, 403, 404, 409, 422, 502, 503)},
    **access(candidate=Owner.OWN),
)
async def create_order(
    body: OrderIn, principal: Candidate, service: Service, response: Response
) -> OrderOut:
    """Order the exam fee of one's own approved application (待缴费 → 扫码支付).

    201 with a new order; 200 with the same order while the application's order is still
    payable (one QR code at a time); 409 once paid. Idempotency-Key is honoured.
    """
    result = await service.create(principal, body.application_id, utcnow())
    if not result.created:
        response.status_code = 200
    return _out(result.order)


@router.get(
    "/orders/{order_id}",
    response_model=OrderOut,
    responses=problem_responses(401, 404, 422),
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
        note="本人的订单",
    ),
)
async def get_order(order_id: UUID, principal: CurrentPrincipal, service: Service) -> OrderOut:
    """One's own order; the frontend polls it until it is paid."""
    return _out(await service.get_own(principal, order_id))


@router.get(
    "/orders/{order_id}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **problem_responses(401, 404, 409)},
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
        note="本人的订单",
    ),
)
async def order_qr_svg(order_id: UUID, principal: CurrentPrincipal, service: Service) -> Response:
    order = await service.payable_own(principal, order_id, utcnow())
    assert order.code_url is not None
    return Response(qr.svg(order.code_url), media_type="image/svg+xml")


@router.get(
    "/orders/{order_id}/qr.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(401, 404, 409)},
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
        note="本人的订单",
    ),
)
async def order_qr_png(order_id: UUID, principal: CurrentPrincipal, service: Service) -> Response:
    order = await service.payable_own(principal, order_id, utcnow())
    assert order.code_url is not None
    return Response(qr.png(order.code_url), media_type="image/png")
