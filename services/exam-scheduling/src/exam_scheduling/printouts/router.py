from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, Response

from exam_scheduling.context import CurrentContext
from exam_scheduling.printouts.service import KINDS, PrintoutService
from exam_scheduling.tickets.service import INSTITUTION_ROLES
from skillcert.access import Owner, access
from skillcert.auth import Principal, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: printouts"])

Institution = Annotated[Principal, Depends(require_roles(*INSTITUTION_ROLES))]
Kind = Literal["sign-in-sheet", "desk-labels", "door-label"]


def _service(session: DbSession, ctx: CurrentContext) -> PrintoutService:
    return PrintoutService(session, ctx.settings, ctx.storage)


Service = Annotated[PrintoutService, Depends(_service)]


def _attachment(content: bytes, media_type: str, ascii_name: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
ZIP: dict[int | str, dict[str, Any]] = {200: {"content": {"application/zip": {}}}}


@router.get(
    "/rooms/{room_id}/printouts/{kind}.pdf",
    response_class=Response,
    responses={**PDF, **problem_responses(401, 403, 404, 422)},
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def room_printout(
    room_id: UUID, kind: Kind, principal: Institution, service: Service, plan_id: UUID | None = None
) -> Response:
    """A room's printout for the institution running its site: `sign-in-sheet` (考场签到表:
    time, invigilators, each candidate's photo, name, masked ID, ticket number, institution,
    seat, a signature column, 应考/实考/缺考), `desk-labels` (桌贴) or `door-label` (门贴).
    Each plan sitting in the room gets its own section; `plan_id` keeps one."""
    content, room = await service.room_pdf(principal, room_id, plan_id, kind)
    label = KINDS[kind][0]
    return _attachment(
        content, "application/pdf", f"{kind}-room-{room.number:02d}.pdf", f"{label}-{room.name}.pdf"
    )


@router.get(
    "/sites/{site_id}/printouts.zip",
    response_class=Response,
    responses={**ZIP, **problem_responses(401, 403, 404, 422)},
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def site_printouts(
    site_id: UUID, principal: Institution, service: Service, plan_id: UUID | None = None
) -> Response:
    """Every room's sign-in sheet, desk labels and door label of a site in one zip."""
    site = await service.site_zip(principal, site_id, plan_id)
    content = await service.site_archive(site, plan_id)
    return _attachment(
        content, "application/zip", f"printouts-site-{site_id}.zip", f"考场打印件-{site.name}.zip"
    )
