from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, Path, Response

from exam_scheduling.context import CurrentContext
from exam_scheduling.tickets.schemas import TicketKeySetOut
from exam_scheduling.tickets.service import INSTITUTION_ROLES, TicketService
from skillcert.access import Owner, access, public
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: tickets"])

Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]
Institution = Annotated[Principal, Depends(require_roles(*INSTITUTION_ROLES))]
TicketNumber = Annotated[str, Path(pattern=r"^\d{16,20}$", max_length=20)]

PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


def _service(session: DbSession, ctx: CurrentContext) -> TicketService:
    return TicketService(session, ctx.settings, ctx.storage)


Service = Annotated[TicketService, Depends(_service)]


def _pdf(content: bytes, ascii_name: str, name: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/ticket-keys", response_model=TicketKeySetOut, **public("准考证二维码验签公钥"))
async def ticket_keys(service: Service) -> dict[str, Any]:
    """The public keys (JWK set, ES256) that check the signed QR code of an admission ticket;
    a check-in device loads them once and then verifies tickets offline."""
    return await service.jwks()


@router.get(
    "/tickets/{ticket_number}.pdf",
    response_class=Response,
    responses={**PDF, **problem_responses(401, 403, 404, 422)},
    **access(candidate=Owner.OWN),
)
async def my_ticket_pdf(
    ticket_number: TicketNumber, principal: Candidate, service: Service
) -> Response:
    """准考证 PDF: the candidate's own ticket, photo, masked ID, sessions, rules, signed QR."""
    content = await service.candidate_pdf(principal, ticket_number)
    return _pdf(content, f"ticket-{ticket_number}.pdf", f"准考证-{ticket_number}.pdf")


@router.get(
    "/rooms/{room_id}/tickets.pdf",
    response_class=Response,
    responses={**PDF, **problem_responses(401, 403, 404, 422)},
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def room_tickets_pdf(
    room_id: UUID, principal: Institution, service: Service, plan_id: UUID | None = None
) -> Response:
    """Every admission ticket of a room in one file (one page each), optionally of one plan:
    for the institution whose site the room belongs to."""
    content = await service.room_pdf(principal, room_id, plan_id)
    return _pdf(content, f"tickets-room-{room_id}.pdf", f"准考证-考场-{room_id}.pdf")


@router.get(
    "/sites/{site_id}/tickets.pdf",
    response_class=Response,
    responses={**PDF, **problem_responses(401, 403, 404, 422)},
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def site_tickets_pdf(
    site_id: UUID, principal: Institution, service: Service, plan_id: UUID | None = None
) -> Response:
    """Every admission ticket of a site in one file, room by room."""
    content = await service.site_pdf(principal, site_id, plan_id)
    return _pdf(content, f"tickets-site-{site_id}.pdf", f"准考证-考点-{site_id}.pdf")
