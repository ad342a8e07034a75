"""Application operations (报名): the candidate's four steps, submission, withdrawal, and the
status changes other services report through events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.models import Application, StatusChange
from registration.applications.repository import ApplicationRepository
from registration.applications.rules import (
    EDITABLE,
    Action,
    ApplicationStatus,
    EventFit,
    can,
    fit_of,
    id_number_problem,
    identity_conflicts,
    next_status,
    normalise_id_number,
)
from registration.applications.schemas import (
    BasicInfoIn,
    ConditionIn,
    IdentityIn,
    RegistrationInfoIn,
)
from registration.documents.models import Document
from registration.documents.repository import DocumentRepository
from registration.documents.rules import kind_label
from registration.plans.models import ExamPlan
from registration.plans.repository import PlanRepository
from registration.plans.rules import condition_codes, required_materials, window_open
from skillcert import outbox
from skillcert.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from skillcert.events import (
    ApplicationRejected,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    SubmittedDocument,
)

log = logging.getLogger("registration.applications")


def now() -> datetime:
    return datetime.now(UTC)


class OutOfOrder(Exception):
    """An event arrived before the one it follows; raising makes the bus retry it later."""


@dataclass(frozen=True)
class ApplicationView:
    application: Application
    plan: ExamPlan
    documents: list[Document]
    history: list[StatusChange]


def steps_done(application: Application, plan: ExamPlan) -> dict[str, bool]:
    return {
        "basic_info": application.name is not None,
        "identity": application.identity is not None,
        "registration_info": application.id_number is not None,
        "condition": application.condition_code is not None or not plan.conditions,
    }


async def load_editable(
    session: AsyncSession, candidate_id: UUID, application_id: UUID
) -> tuple[Application, ExamPlan]:
    """The candidate's own application, locked, provided it may still be changed now."""
    application = await ApplicationRepository(session).of_candidate(
        application_id, candidate_id, lock=True
    )
    if application is None:
        raise NotFound("报名记录不存在")
    plan = await _plan_of(session, application)
    if application.status not in EDITABLE:
        raise Conflict("当前报名状态不允许修改")
    if not window_open(plan.registration_opens_at, plan.registration_closes_at, now()):
        raise RuleViolation("不在报名时间内，不能修改报名信息")
    return application, plan


def mark_edited(application: Application) -> None:
    application.updated_at = now()
    if application.status != ApplicationStatus.DRAFT:
        # Review keeps judging the submitted revision until the candidate submits again.
        application.edited_since_submit = True


async def _plan_of(session: AsyncSession, application: Application) -> ExamPlan:
    plan = await PlanRepository(session).get(application.plan_id)
    if plan is None:  # the foreign key makes this unreachable; keep mypy and readers honest
        raise NotFound("考试计划不存在")
    return plan


class ApplicationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ApplicationRepository(session)
        self.plans = PlanRepository(session)
        self.documents = DocumentRepository(session)

    # --- the candidate --------------------------------------------------------------------

    async def create(self, candidate_id: UUID, plan_id: UUID) -> Application:
        plan = await self.plans.get(plan_id)
        if plan is None:
            raise NotFound("考试计划不存在")
        if not window_open(plan.registration_opens_at, plan.registration_closes_at, now()):
            raise RuleViolation("该考试计划不在报名时间内")
        if await self.repo.active(candidate_id, plan_id) is not None:
            raise Conflict("您已报名该考试计划，请勿重复报名")
        at = now()
        application = Application(
            id=uuid4(),
            candidate_id=candidate_id,
            plan_id=plan.plan_id,
            org_id=plan.org_id,
            status=ApplicationStatus.DRAFT,
            revision=0,
            edited_since_submit=False,
            rejection_reasons=[],
            created_at=at,
            updated_at=at,
        )
        self.repo.add(application)
        self._history(application, None, ApplicationStatus.DRAFT)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            # A concurrent request created it between our check and the insert.
            raise Conflict("您已报名该考试计划，请勿重复报名") from exc
        return application

    async def save_basic_info(
        self, candidate_id: UUID, application_id: UUID, data: BasicInfoIn
    ) -> Application:
        application, _ = await load_editable(self.session, candidate_id, application_id)
        conflicts = identity_conflicts(
            application.id_type,
            application.id_number,
            data.birth_date,
            data.gender,
            blame="basic_info",
        )
        if conflicts:
            raise InvalidInput("基础信息与身份证号码不一致", errors=conflicts)
        application.name = data.name
        application.gender = data.gender
        application.birth_date = data.birth_date
        application.ethnic_group = data.ethnic_group
        application.education = data.education
        application.mobile = data.mobile
        application.email = data.email
        application.postal_code = data.postal_code
        mark_edited(application)
        await self.session.flush()
        return application

    async def save_identity(
        self, candidate_id: UUID, application_id: UUID, data: IdentityIn
    ) -> Application:
        application, _ = await load_editable(self.session, candidate_id, application_id)
        application.identity = data.identity
        mark_edited(application)
        await self.session.flush()
        return application

    async def save_registration_info(
        self, candidate_id: UUID, application_id: UUID, data: RegistrationInfoIn
    ) -> Application:
        application, _ = await load_editable(self.session, candidate_id, application_id)
        id_number = normalise_id_number(data.id_type, data.id_number)
        problem = id_number_problem(data.id_type, id_number)
        if problem is not None:
            raise InvalidInput(
                problem, errors=[FieldError(field="id_number", message=problem, code="id_number")]
            )
        conflicts = identity_conflicts(
            data.id_type,
            id_number,
            application.birth_date,
            application.gender,
            blame="id_number",
        )
        if conflicts:
            raise InvalidInput("身份证号码与基础信息不一致", errors=conflicts)
        application.id_type = data.id_type
        application.id_number = id_number
        application.work_unit = data.work_unit
        application.years_worked = data.years_worked
        mark_edited(application)
        await self.session.flush()
        return application

    async def save_condition(
        self, candidate_id: UUID, application_id: UUID, data: ConditionIn
    ) -> Application:
        application, plan = await load_editable(self.session, candidate_id, application_id)
        if data.condition_code not in condition_codes(plan.conditions):
            message = "所选申报条件不属于该考试计划"
            raise InvalidInput(
                message,
                errors=[FieldError(field="condition_code", message=message, code="unknown")],
            )
        application.condition_code = data.condition_code
        mark_edited(application)
        await self.session.flush()
        return application

    async def submit(self, candidate_id: UUID, application_id: UUID) -> Application:
        application = await self.repo.of_candidate(application_id, candidate_id, lock=True)
        if application is None:
            raise NotFound("报名记录不存在")
        plan = await _plan_of(self.session, application)
        status = ApplicationStatus(application.status)
        if not can(status, Action.SUBMIT):
            raise Conflict("当前报名状态不能提交")
        if status is ApplicationStatus.SUBMITTED and not application.edited_since_submit:
            raise Conflict("报名已提交审核，未修改内容无需重复提交")
        if not window_open(plan.registration_opens_at, plan.registration_closes_at, now()):
            raise RuleViolation("不在报名时间内，不能提交报名")
        accepted = await self.documents.accepted(application.id)
        problems = self._incomplete(application, plan, {d.kind for d in accepted})
        if problems:
            raise RuleViolation("报名信息不完整，请补全后再提交", errors=problems)

        first = application.revision == 0
        at = now()
        application.revision += 1
        application.edited_since_submit = False
        application.rejection_reasons = []
        application.submitted_at = at
        self._move(application, Action.SUBMIT, note="首次提交" if first else "重新提交")
        filed: type[ApplicationSubmitted | ApplicationResubmitted] = (
            ApplicationSubmitted if first else ApplicationResubmitted
        )
        assert application.name is not None and application.id_type is not None
        assert application.id_number is not None
        await outbox.record(
            self.session,
            filed(
                application_id=application.id,
                candidate_id=application.candidate_id,
                plan_id=application.plan_id,
                org_id=plan.org_id,
                revision=application.revision,
                candidate_name=application.name,
                id_type=application.id_type,
                id_number=application.id_number,
                phone=application.mobile,
                birth_date=application.birth_date,
                condition_code=application.condition_code,
                years_worked=application.years_worked,
                documents=[
                    SubmittedDocument(
                        kind=d.kind,
                        object_key=d.object_key,
                        content_type=d.content_type or d.declared_content_type,
                        size=d.size if d.size is not None else d.declared_size,
                    )
                    for d in accepted
                ],
                submitted_at=at,
            ),
        )
        await self.session.flush()
        log.info("application %s submitted (revision %d)", application.id, application.revision)
        return application

    def _incomplete(
        self, application: Application, plan: ExamPlan, accepted_kinds: set[str]
    ) -> list[FieldError]:
        missing_step = {
            "basic_info": "请填写基础信息",
            "identity": "请选择身份",
            "registration_info": "请填写报名信息（证件类型和证件号码）",
            "condition": "请选择申报条件",
        }
        errors = [
            FieldError(field=step, message=missing_step[step], code="missing")
            for step, done in steps_done(application, plan).items()
            if not done
        ]
        if application.condition_code is not None and application.condition_code not in (
            condition_codes(plan.conditions)
        ):
            errors.append(
                FieldError(
                    field="condition_code",
                    message="所选申报条件已不属于该考试计划，请重新选择",
                    code="unknown",
                )
            )
        errors += identity_conflicts(
            application.id_type,
            application.id_number,
            application.birth_date,
            application.gender,
            blame="id_number",
        )
        errors += [
            FieldError(
                field=f"documents.{kind}", message=f"请上传{kind_label(kind)}", code="missing"
            )
            for kind in required_materials(plan.conditions, application.condition_code)
            if kind not in accepted_kinds
        ]
        return errors

    async def withdraw(
        self, candidate_id: UUID, application_id: UUID, reason: str | None
    ) -> Application:
        application = await self.repo.of_candidate(application_id, candidate_id, lock=True)
        if application is None:
            raise NotFound("报名记录不存在")
        if not can(ApplicationStatus(application.status), Action.WITHDRAW):
            raise Conflict("当前报名状态不能撤回")
        self._move(application, Action.WITHDRAW, note=reason)
        await outbox.record(
            self.session,
            ApplicationWithdrawn(
                application_id=application.id,
                candidate_id=application.candidate_id,
                plan_id=application.plan_id,
                reason=reason,
            ),
        )
        await self.session.flush()
        return application

    async def mine(
        self, candidate_id: UUID, after: tuple[datetime, UUID] | None, limit: int
    ) -> tuple[list[Application], dict[UUID, ExamPlan]]:
        applications = await self.repo.page_of_candidate(candidate_id, after, limit)
        plans = await self.plans.many({a.plan_id for a in applications})
        return applications, plans

    async def view(self, candidate_id: UUID, application_id: UUID) -> ApplicationView:
        application = await self.repo.of_candidate(application_id, candidate_id)
        if application is None:
            raise NotFound("报名记录不存在")
        return await self.view_of(application)

    async def view_of(self, application: Application) -> ApplicationView:
        return ApplicationView(
            application=application,
            plan=await _plan_of(self.session, application),
            documents=await self.documents.current(application.id),
            history=await self.repo.history(application.id),
        )

    # --- what other services report ---------------------------------------------------------

    async def review_approved(self, application_id: UUID, revision: int) -> None:
        await self._decide(application_id, revision, Action.APPROVE, [])

    async def review_rejected(self, event: ApplicationRejected) -> None:
        reasons = [r.model_dump() for r in event.reasons]
        await self._decide(event.application_id, event.revision, Action.REJECT, reasons)

    async def _decide(
        self, application_id: UUID, revision: int, action: Action, reasons: list[dict[str, Any]]
    ) -> None:
        application = await self.repo.for_update(application_id)
        if application is None:
            log.warning("review decision for unknown application %s ignored", application_id)
            return
        if revision < application.revision:
            # The candidate resubmitted meanwhile; the decision judged an older revision.
            log.info("stale %s of %s revision %d ignored", action, application_id, revision)
            return
        if revision > application.revision:
            raise OutOfOrder(f"decision on revision {revision} before its submission")
        if application.status != ApplicationStatus.SUBMITTED:
            log.info("%s of %s in status %s ignored", action, application_id, application.status)
            return
        application.rejection_reasons = reasons
        self._move(application, action, reasons=reasons)
        await self.session.flush()

    async def advance(
        self,
        application_id: UUID,
        action: Action,
        change: Callable[[Application], None] | None = None,
        note: str | None = None,
    ) -> None:
        """Move the application along the journey (paid, scheduled, result, certified)."""
        application = await self.repo.for_update(application_id)
        if application is None:
            log.warning("%s for unknown application %s ignored", action, application_id)
            return
        fit = fit_of(ApplicationStatus(application.status), action)
        if fit is EventFit.TOO_EARLY:
            raise OutOfOrder(f"{action} of {application_id} in status {application.status}")
        if fit is EventFit.STALE:
            log.info("%s of %s in status %s ignored", action, application_id, application.status)
            return
        if change is not None:
            change(application)
        self._move(application, action, note=note)
        await self.session.flush()

    # --- history ------------------------------------------------------------------------------

    def _move(
        self,
        application: Application,
        action: Action,
        note: str | None = None,
        reasons: list[dict[str, Any]] | None = None,
    ) -> None:
        current = ApplicationStatus(application.status)
        target = next_status(current, action)
        self._history(application, current, target, note, reasons)
        application.status = target
        application.updated_at = now()

    def _history(
        self,
        application: Application,
        from_status: ApplicationStatus | None,
        to_status: ApplicationStatus,
        note: str | None = None,
        reasons: list[dict[str, Any]] | None = None,
    ) -> None:
        self.repo.add_change(
            StatusChange(
                application_id=application.id,
                from_status=from_status,
                to_status=to_status,
                revision=application.revision,
                note=note,
                reasons=reasons or [],
                at=now(),
            )
        )
