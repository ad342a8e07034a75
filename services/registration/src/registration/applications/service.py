"""The candidate's operations on an application (报名): the four steps, submission,
withdrawal and reading it. Staff actions live in staff.py, the reactions to other services'
events in reactions.py, the periodic jobs in jobs.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from registration.applications.history import add_history, move
from registration.applications.models import Application, StatusChange
from registration.applications.repository import ApplicationRepository
from registration.applications.rules import (
    EDITABLE,
    PAID_WITHDRAWAL,
    STATES,
    Action,
    ApplicationStatus,
    identity_conflicts,
    periods_of,
    prior_level_problem,
    steps_done,
    too_young,
    total_work_months,
    withdrawal_problem,
)
from registration.applications.schemas import (
    BasicInfoIn,
    ConditionIn,
    IdentityIn,
    RegistrationInfoIn,
)
from registration.config import RegistrationSettings
from registration.documents.models import Document
from registration.documents.repository import DocumentRepository
from registration.documents.rules import kind_label
from registration.plans.models import ExamPlan
from registration.plans.repository import PlanRepository
from registration.plans.rules import (
    aware,
    condition_codes,
    find_condition,
    required_materials,
    window_open,
)
from skillcert import outbox
from skillcert.clock import utcnow
from skillcert.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from skillcert.events import (
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    PriorCertificate,
    SubmittedDocument,
    WorkPeriod,
)
from skillcert.paging import Slice

log = logging.getLogger("registration.applications")


@dataclass(frozen=True)
class ApplicationView:
    application: Application
    plan: ExamPlan
    documents: list[Document]
    history: list[StatusChange]


def _required(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, code="required")


def _too_young(application: Application, birth_date: date | None) -> list[FieldError]:
    return [
        FieldError(
            field=f"work_history.{i}.from_month",
            message="工作起始年月早于年满16周岁，请核对出生日期或工作经历",
            code="too_young",
        )
        for i, period in enumerate(periods_of(application.work_history))
        if too_young(period.from_month, birth_date)
    ]


def plan_cancelled(message: str) -> Conflict:
    """The refusal of any change to an application its cancelled plan ended."""
    return Conflict(
        message, errors=[FieldError(field="status", message=message, code="plan_cancelled")]
    )


async def load_editable(
    session: AsyncSession, candidate_id: UUID, application_id: UUID
) -> tuple[Application, ExamPlan]:
    """The candidate's own application, locked, provided it may still be changed now."""
    found = await ApplicationRepository(session).with_plan(application_id, candidate_id, lock=True)
    if found is None:
        raise NotFound("报名记录不存在")
    application, plan = found
    if application.status == ApplicationStatus.CANCELLED:
        raise plan_cancelled("考试计划已取消，报名已终止，不能修改")
    if application.status not in EDITABLE:
        raise Conflict("当前报名状态不允许修改")
    if not window_open(plan.registration_opens_at, plan.registration_closes_at, utcnow()):
        raise RuleViolation("不在报名时间内，不能修改报名信息")
    return application, plan


def mark_edited(application: Application) -> None:
    application.updated_at = utcnow()
    if application.status != ApplicationStatus.DRAFT:
        # Review keeps judging the submitted revision until the candidate submits again.
        application.edited_since_submit = True


async def _plan_of(session: AsyncSession, application: Application) -> ExamPlan:
    plan = await PlanRepository(session).get(application.plan_id)
    if plan is None:  # the foreign key makes this unreachable; keep mypy and readers honest
        raise NotFound("考试计划不存在")
    return plan


async def view_of(
    session: AsyncSession, application: Application, plan: ExamPlan | None = None
) -> ApplicationView:
    """What the candidate and staff see of one application; `plan` when already loaded."""
    return ApplicationView(
        application=application,
        plan=plan or await _plan_of(session, application),
        documents=await DocumentRepository(session).current(application.id),
        history=await ApplicationRepository(session).history(application.id),
    )


class ApplicationService:
    def __init__(self, session: AsyncSession, settings: RegistrationSettings | None = None) -> None:
        self.session = session
        self.repo = ApplicationRepository(session)
        self.plans = PlanRepository(session)
        self.documents = DocumentRepository(session)
        self.seed_fields_required = settings.require_seed_fields if settings else False
        # The session's identity map holds rows weakly: the plan loaded with the application
        # is kept here, so the answer built after the change needs no second query for it.
        self._plans: dict[UUID, ExamPlan] = {}

    async def _with_plan(
        self, application_id: UUID, candidate_id: UUID | None = None
    ) -> tuple[Application, ExamPlan] | None:
        found = await self.repo.with_plan(application_id, candidate_id, lock=True)
        if found is not None:
            self._plans[found[1].plan_id] = found[1]
        return found

    async def _editable(
        self, candidate_id: UUID, application_id: UUID
    ) -> tuple[Application, ExamPlan]:
        application, plan = await load_editable(self.session, candidate_id, application_id)
        self._plans[plan.plan_id] = plan
        return application, plan

    # --- the candidate --------------------------------------------------------------------

    async def create(self, candidate_id: UUID, plan_id: UUID) -> Application:
        plan = await self.plans.locked(plan_id, exclusive=False)
        if plan is None:
            raise NotFound("考试计划不存在")
        if plan.cancelled_at is not None:
            message = "该考试计划已取消，不能报名"
            raise RuleViolation(
                message,
                errors=[FieldError(field="plan_id", message=message, code="plan_cancelled")],
            )
        if not window_open(plan.registration_opens_at, plan.registration_closes_at, utcnow()):
            raise RuleViolation("该考试计划不在报名时间内")
        if await self.repo.active(candidate_id, plan_id) is not None:
            raise Conflict("您已报名该考试计划，请勿重复报名")
        at = utcnow()
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
        add_history(self.repo, application, None, ApplicationStatus.DRAFT)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            # A concurrent request created it between our check and the insert.
            raise Conflict("您已报名该考试计划，请勿重复报名") from exc
        return application

    async def save_basic_info(
        self, candidate_id: UUID, application_id: UUID, data: BasicInfoIn
    ) -> Application:
        application, _ = await self._editable(candidate_id, application_id)
        errors = identity_conflicts(
            application.id_type,
            application.id_number,
            data.birth_date,
            data.gender,
            blame="basic_info",
        )
        if self.seed_fields_required:
            if data.email is None:
                errors.append(_required("email", "请填写电子邮箱"))
            if data.candidate_source is None:
                errors.append(_required("candidate_source", "请选择考生来源"))
        if any(
            too_young(p.from_month, data.birth_date) for p in periods_of(application.work_history)
        ):
            errors.append(
                FieldError(
                    field="birth_date",
                    message="按此出生日期，已填工作经历早于年满16周岁，请核对",
                    code="too_young",
                )
            )
        if errors:
            raise InvalidInput("基础信息有误，请根据提示修改", errors=errors)
        application.name = data.name
        application.gender = data.gender
        application.birth_date = data.birth_date
        application.ethnic_group = data.ethnic_group
        application.education = data.education
        application.mobile = data.mobile
        application.email = data.email
        application.postal_code = data.postal_code
        application.political_status = data.political_status
        application.landline = data.landline
        application.assessment_category = data.assessment_category
        application.candidate_source = data.candidate_source
        mark_edited(application)
        await self.session.flush()
        return application

    async def save_identity(
        self, candidate_id: UUID, application_id: UUID, data: IdentityIn
    ) -> Application:
        application, _ = await self._editable(candidate_id, application_id)
        application.identity = data.identity
        mark_edited(application)
        await self.session.flush()
        return application

    async def save_registration_info(
        self, candidate_id: UUID, application_id: UUID, data: RegistrationInfoIn
    ) -> Application:
        application, _ = await self._editable(candidate_id, application_id)
        # Format, options, division chains, month order and overlaps were judged together by
        # the schema; what needs the stored steps is judged here, again all at once.
        errors = identity_conflicts(
            data.id_type,
            data.id_number,
            application.birth_date,
            application.gender,
            blame="id_number",
        )
        errors += [
            FieldError(
                field=f"work_history.{i}.from_month",
                message="工作起始年月早于年满16周岁，请核对",
                code="too_young",
            )
            for i, entry in enumerate(data.work_history)
            if too_young(entry.from_month, application.birth_date)
        ]
        if self.seed_fields_required:
            if data.registering_unit is None:
                errors.append(_required("registering_unit", "请填写报名单位"))
            if data.work_unit is None:
                errors.append(_required("work_unit", "请填写所在单位"))
            if data.residence is None:
                errors.append(_required("residence", "请选择现居地所在省、市、区县"))
            elif data.residence.address is None:
                errors.append(_required("residence.address", "请填写现居地所在地址"))
        if errors:
            raise InvalidInput("报名信息有误，请根据提示修改", errors=errors)
        application.id_type = data.id_type
        application.id_number = data.id_number
        application.registering_unit = data.registering_unit
        application.work_unit = data.work_unit
        application.years_worked = data.years_worked
        application.enterprise_type = data.enterprise_type
        hukou, residence, unit = data.hukou, data.residence, data.work_unit_address
        application.hukou_province = hukou.province if hukou else None
        application.hukou_city = hukou.city if hukou else None
        application.hukou_county = hukou.county if hukou else None
        application.residence_province = residence.province if residence else None
        application.residence_city = residence.city if residence else None
        application.residence_county = residence.county if residence else None
        application.residence_address = residence.address if residence else None
        application.work_unit_province = unit.province if unit else None
        application.work_unit_city = unit.city if unit else None
        application.work_unit_county = unit.county if unit else None
        application.work_unit_address = unit.address if unit else None
        application.work_history = [
            WorkPeriod(**entry.model_dump()).model_dump(mode="json") for entry in data.work_history
        ]
        mark_edited(application)
        await self.session.flush()
        return application

    async def save_condition(
        self, candidate_id: UUID, application_id: UUID, data: ConditionIn
    ) -> Application:
        application, plan = await self._editable(candidate_id, application_id)
        condition = find_condition(plan.conditions, data.condition_code)
        if condition is None:
            message = "所选申报条件不属于该考试计划"
            raise InvalidInput(
                message,
                errors=[FieldError(field="condition_code", message=message, code="unknown")],
            )
        prior_level = condition.get("prior_level")
        certificate = data.prior_certificate
        errors: list[FieldError] = []
        if prior_level is None:
            # A condition without a lower level needs no certificate; one left over from a
            # condition chosen earlier is dropped rather than refused.
            certificate = None
        elif certificate is None:
            if self.seed_fields_required:
                errors.append(
                    _required("prior_certificate", "所选申报条件需填写原职业技能等级证书信息")
                )
        elif (problem := prior_level_problem(certificate.level, int(prior_level))) is not None:
            errors.append(
                FieldError(field="prior_certificate.level", message=problem, code="level")
            )
        if errors:
            raise InvalidInput("申报条件信息有误，请根据提示修改", errors=errors)
        application.condition_code = data.condition_code
        application.prior_certificate = None
        if certificate is not None:
            name = certificate.occupation_name
            if name is None and certificate.occupation_code == plan.occupation_code:
                name = plan.occupation_name
            application.prior_certificate = PriorCertificate(
                **certificate.model_dump(exclude={"occupation_name"}), occupation_name=name
            ).model_dump(mode="json")
        mark_edited(application)
        await self.session.flush()
        return application

    async def submit(self, candidate_id: UUID, application_id: UUID) -> Application:
        """Submit for review (审核中).

        The benchmarked path of peak season: application + plan (locked) in one query, the
        accepted documents in a second, then three plain statements (the application UPDATE,
        the history row, the outbox row) and no unit-of-work flush."""
        found = await self._with_plan(application_id, candidate_id)
        if found is None:
            raise NotFound("报名记录不存在")
        application, plan = found
        status = ApplicationStatus(application.status)
        if status is ApplicationStatus.CANCELLED:
            raise plan_cancelled("考试计划已取消，报名已终止，不能提交")
        if not STATES.allows(status, Action.SUBMIT):
            raise Conflict("当前报名状态不能提交")
        if status is ApplicationStatus.SUBMITTED and not application.edited_since_submit:
            raise Conflict("报名已提交审核，未修改内容无需重复提交")
        if not window_open(plan.registration_opens_at, plan.registration_closes_at, utcnow()):
            raise RuleViolation("不在报名时间内，不能提交报名")
        accepted = await self.documents.accepted(application.id)
        problems = self._incomplete(application, plan, {d.kind for d in accepted})
        if problems:
            raise RuleViolation("报名信息不完整，请补全后再提交", errors=problems)

        first = application.revision == 0
        at = utcnow()
        target = STATES.transition(status, Action.SUBMIT)
        changes: dict[str, Any] = {
            "revision": application.revision + 1,
            "edited_since_submit": False,
            "rejection_reasons": [],
            "submitted_at": at,
            "status": target,
            "updated_at": at,
        }
        # The institution whose student roster (考生管理) holds the candidate, looked up in
        # the same UPDATE: its payment requests may cover this application.
        institution_id = await self.repo.mark_submitted(application.id, changes)
        change = StatusChange(
            id=uuid4(),
            application_id=application.id,
            from_status=status,
            to_status=target,
            revision=changes["revision"],
            note="首次提交" if first else "重新提交",
            reasons=[],
            at=at,
        )
        await self.repo.insert_change(change)
        for name, value in {**changes, "institution_id": institution_id}.items():
            # Already written by the UPDATE: the session must not write it again.
            set_committed_value(application, name, value)
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
                prior_certificate=(
                    PriorCertificate.model_validate(application.prior_certificate)
                    if application.prior_certificate
                    else None
                ),
                work_history=[WorkPeriod.model_validate(w) for w in application.work_history],
                total_work_months=total_work_months(application),
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
                institution_id=institution_id,
            ),
        )
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
        errors += _too_young(application, application.birth_date)
        condition = find_condition(plan.conditions, application.condition_code)
        if (
            self.seed_fields_required
            and condition is not None
            and condition.get("prior_level") is not None
            and application.prior_certificate is None
        ):
            # The plan may have been republished with a level-building condition meanwhile.
            errors.append(
                _required("prior_certificate", "所选申报条件需填写原职业技能等级证书信息")
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
        """Withdraw (撤回); after payment (退考) only until the plan's withdrawal deadline, and
        then payment refunds the fee and exam-scheduling releases the seat."""
        found = await self._with_plan(application_id, candidate_id)
        if found is None:
            raise NotFound("报名记录不存在")
        application, plan = found
        status = ApplicationStatus(application.status)
        if status is ApplicationStatus.CANCELLED:
            raise plan_cancelled("考试计划已取消，报名已终止，无需撤回")
        if not STATES.allows(status, Action.WITHDRAW):
            raise Conflict("当前报名状态不能撤回")
        problem = withdrawal_problem(status, aware(plan.withdrawal_closes_at), utcnow())
        if problem is not None:
            raise RuleViolation(
                problem, errors=[FieldError(field="status", message=problem, code="deadline")]
            )
        move(self.repo, application, Action.WITHDRAW, note=reason)
        await outbox.record(
            self.session,
            ApplicationWithdrawn(
                application_id=application.id,
                candidate_id=application.candidate_id,
                plan_id=application.plan_id,
                reason=reason,
                paid=status in PAID_WITHDRAWAL,
            ),
        )
        await self.session.flush()
        return application

    async def mine(
        self, candidate_id: UUID, cursor: str | None, limit: int
    ) -> tuple[Slice[Application], dict[UUID, ExamPlan]]:
        applications = await self.repo.page_of_candidate(candidate_id, cursor, limit)
        plans = await self.plans.many({a.plan_id for a in applications.items})
        return applications, plans

    async def view(self, candidate_id: UUID, application_id: UUID) -> ApplicationView:
        application = await self.repo.of_candidate(application_id, candidate_id)
        if application is None:
            raise NotFound("报名记录不存在")
        return await self.view_of(application)

    async def view_of(self, application: Application) -> ApplicationView:
        return await view_of(self.session, application, self._plans.get(application.plan_id))
