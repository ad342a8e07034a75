from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, File, Form, Query, Request, Response, UploadFile

from payment.context import context
from payment.payment_requests.rules import RequestMode, RequestStatus, template_csv
from payment.payment_requests.schemas import (
    PaymentRequestConfirmIn,
    PaymentRequestDetailOut,
    PaymentRequestOut,
)
from payment.payment_requests.service import PaymentRequestService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

PREFIX = "/api/v1/payment/requests"
router = service_router(PREFIX, tags=["payment-requests"])

Institution = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_ADMIN))]
Organisation = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.INSTITUTION_ADMIN, Role.ORG_ADMIN, Role.OPS))
]

_MODE_NAMES = {RequestMode.CERTIFICATE: "按证书", RequestMode.SUBJECT: "按科目"}


def _service(request: Request, session: DbSession) -> PaymentRequestService:
    return PaymentRequestService(session, context(request).resources.wechatpay)


Service = Annotated[PaymentRequestService, Depends(_service)]


@router.get(
    "/template",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problem_responses(401, 403, 422)},
    **access(institution_admin=Owner.INSTITUTION),
)
async def download_template(
    _: Institution, mode: Annotated[RequestMode, Query()] = RequestMode.CERTIFICATE
) -> Response:
    """The import template (CSV, UTF-8): 身份证号, 姓名 [, 科目代码 when by subject]."""
    filename = f"缴费申请单导入模板-{_MODE_NAMES[mode]}.csv"
    return Response(
        template_csv(mode),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="template-{mode.value}.csv"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )


@router.post(
    "",
    status_code=201,
    response_model=PaymentRequestDetailOut,
    responses=problem_responses(400, 401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def create_payment_request(
    principal: Institution,
    service: Service,
    plan_id: Annotated[UUID, Form()],
    mode: Annotated[RequestMode, Form()],
    file: Annotated[UploadFile, File(description="the filled-in CSV template")],
) -> PaymentRequestDetailOut:
    """Import the template into a new payment request (缴费申请单) for one plan. Every bad
    line is reported at once (errors[].field = rows[<line>].<column>); nothing is kept then."""
    data = await file.read()
    request = await service.create(principal, plan_id, mode, data, utcnow())
    return PaymentRequestDetailOut.from_model(request)


@router.get(
    "",
    response_model=Page[PaymentRequestOut],
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, ops=Owner.ANY),
)
async def list_payment_requests(
    principal: Reader,
    service: Service,
    plan_id: UUID | None = None,
    status: RequestStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[PaymentRequestOut]:
    """An institution sees its own requests; an organisation those for its plans."""
    rows = await service.page(principal, plan_id, status, cursor, limit)
    return rows.page(PaymentRequestOut.from_model)


@router.get(
    "/{request_id}",
    response_model=PaymentRequestDetailOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, ops=Owner.ANY),
)
async def get_payment_request(
    request_id: UUID, principal: Reader, service: Service
) -> PaymentRequestDetailOut:
    return PaymentRequestDetailOut.from_model(await service.get_visible(principal, request_id))


@router.delete(
    "/{request_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def delete_payment_request(
    request_id: UUID, principal: Institution, service: Service
) -> Response:
    """Delete a draft to import it again; a confirmed request cannot be changed (409)."""
    await service.delete(principal, request_id)
    return Response(status_code=204)


@router.post(
    "/{request_id}/confirm",
    response_model=PaymentRequestDetailOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def confirm_payment_request(
    request_id: UUID, body: PaymentRequestConfirmIn, principal: Organisation, service: Service
) -> PaymentRequestDetailOut:
    """确认缴费: the organisation received the money with this request number. Locks it and
    counts every student in it as paid."""
    request = await service.confirm(principal, request_id, body.request_no, utcnow())
    return PaymentRequestDetailOut.from_model(request)
