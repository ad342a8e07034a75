from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, File, Form, Path, Query, Request, Response, UploadFile

from scoring.context import context
from scoring.scores.rules import MAX_ATTACHMENT_BYTES, ImportRow
from scoring.scores.schemas import (
    CandidateScoresOut,
    CorrectionIn,
    ImportSummaryOut,
    InstitutionPlanScoresOut,
    LockSummaryOut,
    MyResultOut,
    ObjectionAnswerIn,
    ObjectionOut,
    PublicityIn,
    ScoreChangeOut,
    ScoreImportIn,
    ScoreSheetOut,
)
from scoring.scores.service import Attachment, ScoringService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import FieldError, InvalidInput, problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/scoring", tags=["scoring"])

OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]
Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]
InstitutionStaff = Annotated[
    Principal, Depends(require_roles(Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD))
]
SubjectCodePath = Annotated[str, Path(min_length=1, max_length=50)]

WRITE_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)
READ_ERRORS = problem_responses(401, 403, 404, 422)


@router.get(
    "/plans/{plan_id}",
    response_model=ScoreSheetOut,
    responses=READ_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def get_sheet(plan_id: UUID, principal: OrgAdmin, session: DbSession) -> ScoreSheetOut:
    """A plan's scoring state (成绩登记 / 成绩公示 / 永久锁定), its subjects and roster size."""
    return await ScoringService(session).sheet(principal, plan_id)


@router.post(
    "/plans/{plan_id}/subjects/{subject_code}/scores",
    response_model=ImportSummaryOut,
    responses=WRITE_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def import_scores(
    plan_id: UUID,
    subject_code: SubjectCodePath,
    body: ScoreImportIn,
    principal: OrgAdmin,
    session: DbSession,
) -> ImportSummaryOut:
    """Import one subject's scores (按科目导入成绩); all rows or none."""
    rows = [
        ImportRow(locator=f"scores.{i}", ticket_number=r.ticket_number, score=r.score)
        for i, r in enumerate(body.scores)
    ]
    return await ScoringService(session).import_scores(principal, plan_id, subject_code, rows)


@router.post(
    "/plans/{plan_id}/subjects/{subject_code}/scores/import",
    response_model=ImportSummaryOut,
    responses=WRITE_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def import_scores_workbook(
    request: Request,
    plan_id: UUID,
    subject_code: SubjectCodePath,
    principal: OrgAdmin,
    session: DbSession,
    file: Annotated[UploadFile, File(description="Excel .xlsx with columns 准考证号, 成绩")],
) -> ImportSummaryOut:
    """Import one subject's scores from an Excel sheet; same rules as the JSON import."""
    settings = context(request).settings
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        message = f"文件不能超过 {settings.max_upload_bytes // (1024 * 1024)} MB"
        raise InvalidInput(message, errors=[FieldError(field="file", message=message)])
    return await ScoringService(session).import_workbook(principal, plan_id, subject_code, data)


@router.post(
    "/plans/{plan_id}/publicity",
    response_model=ScoreSheetOut,
    responses=WRITE_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def start_publicity(
    plan_id: UUID, body: PublicityIn, principal: OrgAdmin, session: DbSession
) -> ScoreSheetOut:
    """Start the publicity period (成绩公示): candidates see their scores; changes only by
    correction."""
    return await ScoringService(session).start_publicity(principal, plan_id, body.ends_at)


@router.post(
    "/plans/{plan_id}/corrections",
    response_model=ScoreChangeOut,
    status_code=201,
    responses=WRITE_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def correct_score(
    plan_id: UUID, body: CorrectionIn, principal: OrgAdmin, session: DbSession
) -> ScoreChangeOut:
    """Correct one score (成绩更正) with a reason; allowed until the lock."""
    change = await ScoringService(session).correct(principal, plan_id, body)
    return ScoreChangeOut.model_validate(change)


@router.get(
    "/plans/{plan_id}/corrections",
    response_model=list[ScoreChangeOut],
    responses=READ_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def list_changes(
    plan_id: UUID, principal: OrgAdmin, session: DbSession
) -> list[ScoreChangeOut]:
    """The audit trail of changed scores (corrections and re-imports), oldest first."""
    changes = await ScoringService(session).changes(principal, plan_id)
    return [ScoreChangeOut.model_validate(c) for c in changes]


@router.post(
    "/plans/{plan_id}/lock",
    response_model=LockSummaryOut,
    responses=WRITE_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def lock_scores(plan_id: UUID, principal: OrgAdmin, session: DbSession) -> LockSummaryOut:
    """Lock the scores for good (永久锁定) and determine every candidate's result."""
    return await ScoringService(session).lock(principal, plan_id)


@router.get(
    "/plans/{plan_id}/scores",
    response_model=Page[CandidateScoresOut],
    responses=READ_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def list_scores(
    plan_id: UUID,
    principal: OrgAdmin,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[CandidateScoresOut]:
    """Rostered candidates with their subject scores, by ticket number; ID numbers masked."""
    rows = await ScoringService(session).list_scores(principal, plan_id, cursor, limit)
    return rows.page()


@router.get(
    "/results/mine",
    response_model=list[MyResultOut],
    responses=READ_ERRORS,
    **access(candidate=Owner.OWN),
)
async def my_results(principal: Candidate, session: DbSession) -> list[MyResultOut]:
    """The candidate's own scores and certificate results (考证结果), one entry per plan."""
    return await ScoringService(session).my_results(principal)


@router.post(
    "/plans/{plan_id}/objections",
    response_model=ObjectionOut,
    status_code=201,
    responses=WRITE_ERRORS,
    **access(candidate=Owner.OWN),
)
async def raise_objection(
    request: Request,
    plan_id: UUID,
    principal: Candidate,
    session: DbSession,
    subject_code: Annotated[str, Form(min_length=1, max_length=50)],
    reason: Annotated[str, Form(max_length=2000, description="异议理由, 2 to 500 characters")],
    attachment: Annotated[
        UploadFile | None, File(description="optional evidence: PDF, JPG or PNG, up to 5 MB")
    ] = None,
) -> ObjectionOut:
    """Object to one of the candidate's own subject scores (成绩异议), during publicity only."""
    file: Attachment | None = None
    if attachment is not None and attachment.filename:
        data = await attachment.read(MAX_ATTACHMENT_BYTES + 1)
        file = Attachment(
            filename=attachment.filename,
            content_type=attachment.content_type or "application/octet-stream",
            data=data,
        )
    objection = await ScoringService(session).raise_objection(
        principal, plan_id, subject_code, reason, file, context(request).storage
    )
    return ObjectionOut.model_validate(objection)


@router.get(
    "/objections/mine",
    response_model=list[ObjectionOut],
    responses=READ_ERRORS,
    **access(candidate=Owner.OWN),
)
async def my_objections(principal: Candidate, session: DbSession) -> list[ObjectionOut]:
    """The candidate's own objections and their answers, oldest first."""
    rows = await ScoringService(session).my_objections(principal)
    return [ObjectionOut.model_validate(o) for o in rows]


@router.get(
    "/plans/{plan_id}/objections",
    response_model=list[ObjectionOut],
    responses=READ_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def list_objections(
    plan_id: UUID, principal: OrgAdmin, session: DbSession
) -> list[ObjectionOut]:
    """The plan's objections queue (异议处理): open ones first, oldest first."""
    rows = await ScoringService(session).objections(principal, plan_id)
    return [ObjectionOut.model_validate(o) for o in rows]


@router.post(
    "/plans/{plan_id}/objections/{objection_id}/answer",
    response_model=ObjectionOut,
    responses=WRITE_ERRORS,
    **access(org_admin=Owner.ORG),
)
async def answer_objection(
    plan_id: UUID,
    objection_id: UUID,
    body: ObjectionAnswerIn,
    principal: OrgAdmin,
    session: DbSession,
) -> ObjectionOut:
    """Answer an objection: correct the score (audited) or explain why it stands."""
    objection = await ScoringService(session).answer_objection(
        principal, plan_id, objection_id, body
    )
    return ObjectionOut.model_validate(objection)


@router.get(
    "/plans/{plan_id}/objections/{objection_id}/attachment",
    response_class=Response,
    responses={**READ_ERRORS, 200: {"content": {"application/octet-stream": {}}}},
    **access(org_admin=Owner.ORG),
)
async def objection_attachment(
    request: Request, plan_id: UUID, objection_id: UUID, principal: OrgAdmin, session: DbSession
) -> Response:
    """The objection's attachment, for the organisation answering it."""
    objection, data = await ScoringService(session).objection_attachment(
        principal, plan_id, objection_id, context(request).storage
    )
    return Response(
        data,
        media_type=objection.attachment_type or "application/octet-stream",
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.get(
    "/institution/plans/{plan_id}/scores",
    response_model=InstitutionPlanScoresOut,
    responses=READ_ERRORS,
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def institution_scores(
    plan_id: UUID,
    principal: InstitutionStaff,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InstitutionPlanScoresOut:
    """The institution's own students on the plan with subject scores and results (查看科目成绩,
    考证结果), once publicity opens; ID numbers masked."""
    return await ScoringService(session).institution_scores(principal, plan_id, cursor, limit)
