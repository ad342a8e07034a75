from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request, Response

from exam_scheduling.context import CurrentContext, context
from exam_scheduling.sites.rules import INSTITUTION_ROLES, SiteAction
from exam_scheduling.sites.schemas import (
    AssignSiteIn,
    AttachmentIn,
    AttachmentOut,
    AttachmentUploadOut,
    BorrowingIn,
    BorrowingOut,
    CopyRoomsIn,
    OrganisationOut,
    RoomEditIn,
    RoomIn,
    RoomOut,
    SiteDecisionIn,
    SiteIn,
    SiteOut,
    SiteRoomsOut,
)
from exam_scheduling.sites.service import SiteService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: sites"])

Staff = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN, *INSTITUTION_ROLES))]
InstitutionAdmin = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_ADMIN))]
OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]


@router.get(
    "/organisations",
    response_model=list[OrganisationOut],
    responses=problem_responses(401, 403),
    **access(
        org_admin=Owner.ANY,
        institution_admin=Owner.ANY,
        institution_head=Owner.ANY,
        note="培训评价组织名录",
    ),
)
async def list_organisations(principal: Staff, request: Request) -> list[OrganisationOut]:
    """The certifying organisations (培训评价组织) a site application may be addressed to."""
    names = context(request).settings.org_names
    return [OrganisationOut(org_id=k, name=v) for k, v in sorted(names.items())]


@router.post(
    "/sites",
    status_code=201,
    response_model=SiteOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def apply_for_site(
    data: SiteIn, principal: InstitutionAdmin, session: DbSession, request: Request
) -> SiteOut:
    """申报考核站点: the caller's institution applies to an organisation; pending until decided."""
    names = context(request).settings.org_names
    return await SiteService(session).apply(principal, data, names)


@router.get(
    "/sites",
    response_model=list[SiteOut],
    responses=problem_responses(401, 403),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def list_sites(principal: Staff, session: DbSession) -> list[SiteOut]:
    """An institution's own sites; for an organisation, the applications addressed to it."""
    return await SiteService(session).visible_sites(principal)


@router.get(
    "/sites/{site_id}",
    response_model=SiteOut,
    responses=problem_responses(401, 403, 404),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def get_site(site_id: UUID, principal: Staff, session: DbSession) -> SiteOut:
    return await SiteService(session).get(principal, site_id)


@router.post(
    "/sites/{site_id}/approve",
    response_model=SiteOut,
    responses=problem_responses(401, 403, 404, 409),
    **access(org_admin=Owner.ORG),
)
async def approve_site(site_id: UUID, principal: OrgAdmin, session: DbSession) -> SiteOut:
    """审批通过: the site may host the organisation's exams of its certificates."""
    return await SiteService(session).decide(principal, site_id, SiteAction.APPROVE, None)


@router.post(
    "/sites/{site_id}/reject",
    response_model=SiteOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def reject_site(
    site_id: UUID, data: SiteDecisionIn, principal: OrgAdmin, session: DbSession
) -> SiteOut:
    """审批不通过, with the reason the institution reads."""
    return await SiteService(session).decide(principal, site_id, SiteAction.REJECT, data)


@router.get(
    "/sites/{site_id}/rooms",
    response_model=SiteRoomsOut,
    responses=problem_responses(401, 403, 404),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def list_rooms(site_id: UUID, principal: Staff, session: DbSession) -> SiteRoomsOut:
    """考场管理: the site's rooms per exam plan it serves."""
    return await SiteService(session).site_rooms(principal, site_id)


@router.post(
    "/sites/{site_id}/rooms",
    status_code=201,
    response_model=RoomOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def add_room(
    site_id: UUID, data: RoomIn, principal: InstitutionAdmin, session: DbSession
) -> RoomOut:
    """设置考场 for one exam plan: name, type, seats and the address printed on tickets."""
    return await SiteService(session).add_room(principal, site_id, data)


@router.post(
    "/sites/{site_id}/rooms/copy",
    status_code=201,
    response_model=list[RoomOut],
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def copy_rooms(
    site_id: UUID, data: CopyRoomsIn, principal: InstitutionAdmin, session: DbSession
) -> list[RoomOut]:
    """沿用之前的考场设置: copy an earlier plan's rooms to a plan that has none yet."""
    return await SiteService(session).copy_rooms(principal, site_id, data)


@router.put(
    "/sites/{site_id}/rooms/{room_id}",
    response_model=RoomOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def edit_room(
    site_id: UUID,
    room_id: UUID,
    data: RoomEditIn,
    principal: InstitutionAdmin,
    session: DbSession,
) -> RoomOut:
    """编辑考场: name, type, seats, address; never fewer seats than candidates already hold."""
    return await SiteService(session).edit_room(principal, site_id, room_id, data)


@router.delete(
    "/sites/{site_id}/rooms/{room_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409),
    **access(institution_admin=Owner.INSTITUTION),
)
async def remove_room(
    site_id: UUID, room_id: UUID, principal: InstitutionAdmin, session: DbSession
) -> Response:
    """Remove a room nobody has been seated in yet."""
    await SiteService(session).remove_room(principal, site_id, room_id)
    return Response(status_code=204)


@router.post(
    "/sites/{site_id}/attachments",
    status_code=201,
    response_model=AttachmentUploadOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def request_attachment_upload(
    site_id: UUID,
    data: AttachmentIn,
    principal: InstitutionAdmin,
    session: DbSession,
    ctx: CurrentContext,
) -> AttachmentUploadOut:
    """其他佐证材料: where to upload a PDF or Word document of a pending application."""
    return await SiteService(session).request_upload(principal, site_id, data, ctx.storage)


@router.post(
    "/sites/{site_id}/attachments/{attachment_id}/confirm",
    response_model=AttachmentOut,
    responses=problem_responses(400, 401, 403, 404, 409),
    **access(institution_admin=Owner.INSTITUTION),
)
async def confirm_attachment(
    site_id: UUID,
    attachment_id: UUID,
    principal: InstitutionAdmin,
    session: DbSession,
    ctx: CurrentContext,
) -> AttachmentOut:
    """The file arrived: it is accepted into the application."""
    return await SiteService(session).confirm_upload(principal, site_id, attachment_id, ctx.storage)


@router.get(
    "/sites/{site_id}/attachments",
    response_model=list[AttachmentOut],
    responses=problem_responses(401, 403, 404),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def list_attachments(
    site_id: UUID, principal: Staff, session: DbSession, ctx: CurrentContext
) -> list[AttachmentOut]:
    return await SiteService(session).attachments(principal, site_id, ctx.storage)


@router.post(
    "/site-borrowings",
    status_code=201,
    response_model=BorrowingOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def request_borrowing(
    data: BorrowingIn, principal: InstitutionAdmin, session: DbSession, request: Request
) -> BorrowingOut:
    """借考: an institution without a site asks to sit at another institution's site."""
    names = context(request).settings.org_names
    return await SiteService(session).request_borrowing(principal, data, names)


@router.get(
    "/site-borrowings",
    response_model=list[BorrowingOut],
    responses=problem_responses(401, 403),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def list_borrowings(principal: Staff, session: DbSession) -> list[BorrowingOut]:
    """An institution's own requests; for an organisation, those addressed to it."""
    return await SiteService(session).borrowings(principal)


@router.post(
    "/site-borrowings/{borrowing_id}/assign",
    response_model=BorrowingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def assign_borrowing(
    borrowing_id: UUID, data: AssignSiteIn, principal: OrgAdmin, session: DbSession
) -> BorrowingOut:
    """借考分配: the organisation names the host site."""
    return await SiteService(session).assign(principal, borrowing_id, data)


@router.post(
    "/site-borrowings/{borrowing_id}/reject",
    response_model=BorrowingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def reject_borrowing(
    borrowing_id: UUID, data: SiteDecisionIn, principal: OrgAdmin, session: DbSession
) -> BorrowingOut:
    return await SiteService(session).reject_borrowing(principal, borrowing_id, data)
