"""Exam plans (考试计划): creation with windows and subjects, sites, publication."""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.repository import CatalogueRepository
from exam_scheduling.catalogue.service import CatalogueService
from exam_scheduling.plans.models import ExamPlan, PlanSite, PlanSubject
from exam_scheduling.plans.repository import PlanRepository
from exam_scheduling.plans.rules import (
    MAX_SITES_PER_PLAN,
    STATES,
    PlanAction,
    PlanStatus,
    cancellable_in_time,
    owns,
    plan_number,
    plan_problems,
    resolve_windows,
    result_rule_problems,
    visible,
    windows_problems,
)
from exam_scheduling.plans.schemas import (
    AttachSitesIn,
    CancelPlanIn,
    ConditionOut,
    PlanIn,
    PlanOut,
    PlanSiteOut,
    ResultRuleOut,
    SubjectOut,
    WindowsIn,
)
from exam_scheduling.sites.models import Site
from exam_scheduling.sites.repository import SiteRepository
from skillcert import events
from skillcert.audit import audit
from skillcert.auth import Principal
from skillcert.clock import utcnow
from skillcert.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from skillcert.outbox import record
from skillcert.paging import Slice


class PlanService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = PlanRepository(session)

    async def create(self, principal: Principal, data: PlanIn, org_name: str) -> PlanOut:
        if principal.org_id is None:
            raise Forbidden("当前账号未关联培训评价组织")
        catalogue = CatalogueRepository(self.session)
        known = await catalogue.existing_codes(
            code for c in data.conditions for code in c.related_occupations
        )
        problems = plan_problems(data, known)
        occupation = await catalogue.occupation(data.occupation_code)
        if occupation is None:
            problems.append(
                FieldError(field="occupation_code", message="职业不存在", code="unknown")
            )
        elif not occupation.certified:
            problems.append(
                FieldError(field="occupation_code", message="该职业暂未开放认定", code="rule")
            )
        level = await catalogue.level(data.level)
        if level is None:
            problems.append(FieldError(field="level", message="等级不存在", code="unknown"))
        if problems or occupation is None or level is None:
            raise InvalidInput("考试计划信息有误", errors=problems)
        serial = await self.repo.next_serial()
        created_at = utcnow()
        plan = ExamPlan(
            serial=serial,
            number=plan_number(created_at, serial),
            org_id=principal.org_id,
            org_name=org_name,
            title=data.title,
            occupation_code=occupation.code,
            occupation_name=occupation.name,
            level=level.level,
            level_name=level.name,
            **asdict(resolve_windows(data)),
            fee_fen=data.fee_fen,
            requires_mail_in=data.requires_mail_in,
            conditions=await self._conditions(data),
            result_rule=data.result_rule.model_dump(mode="json"),
            status=PlanStatus.DRAFT,
            created_at=created_at,
            subjects=[
                PlanSubject(
                    code=s.code,
                    position=i,
                    name=s.name,
                    method=s.method,
                    full_score=s.full_score,
                    pass_score=s.pass_score,
                    audience=list(s.audience),
                )
                for i, s in enumerate(data.subjects, start=1)
            ],
        )
        self.repo.add(plan)
        await self.session.flush()
        await self._audit(principal, plan, "created", f"新建考试计划 {plan.number}")
        return await self._out(plan)

    async def get(self, principal: Principal, plan_id: UUID) -> PlanOut:
        return await self._out(await self._visible(principal, plan_id))

    async def page(
        self,
        principal: Principal,
        occupation_code: str | None,
        level: int | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[PlanOut]:
        plans = await self.repo.page(
            org_id=principal.org_id,
            published_only=not owns(principal, principal.org_id or ""),
            occupation_code=occupation_code,
            level=level,
            cursor=cursor,
            limit=limit,
        )
        return Slice(await self._outs(plans.items), plans.next_cursor)

    async def attach_sites(
        self, principal: Principal, plan_id: UUID, data: AttachSitesIn
    ) -> PlanOut:
        plan = await self._owned(principal, plan_id, lock=True)
        wanted = list(dict.fromkeys(data.site_ids))  # keep order, drop repeats
        # Only a site approved for this organisation, for this plan's certificate, may host it;
        # any other site is answered as unknown, whoever's it is.
        approved = await SiteRepository(self.session).approved_for(plan.org_id, wanted)
        certificate = {"occupation_code": plan.occupation_code, "level": plan.level}
        missing = [
            FieldError(
                field=f"site_ids.{data.site_ids.index(s)}",
                message="考核站点不存在，或未获批承办本证书的考试",
            )
            for s in wanted
            if s not in approved or certificate not in approved[s].certificates
        ]
        if missing:
            raise InvalidInput("考核站点不能承办本考试计划", errors=missing)
        attached = {ps.site_id for ps, _ in await self.repo.sites_of([plan.id])}
        position = await self.repo.last_site_position(plan.id)
        new = [s for s in wanted if s not in attached]
        if position + len(new) > MAX_SITES_PER_PLAN:
            raise RuleViolation(f"每个考试计划最多 {MAX_SITES_PER_PLAN} 个考点")
        for site_id in new:
            position += 1
            self.repo.add(PlanSite(plan_id=plan.id, site_id=site_id, position=position))
        await self.session.flush()
        return await self._out(plan)

    async def publish(self, principal: Principal, plan_id: UUID) -> PlanOut:
        plan = await self._owned(principal, plan_id, lock=True)
        plan.status = STATES.transition(PlanStatus(plan.status), PlanAction.PUBLISH)
        if problems := result_rule_problems(
            events.ResultRule.model_validate(plan.result_rule), plan.subjects
        ):
            raise InvalidInput("考证结果判定规则有误，未发布", errors=problems)
        plan.published_at = utcnow()
        await self.session.flush()
        await record(self.session, published_event(plan))
        await self._audit(principal, plan, "published", f"发布考试计划 {plan.number}")
        return await self._out(plan)

    async def change_windows(self, principal: Principal, plan_id: UUID, data: WindowsIn) -> PlanOut:
        """Move the plan's windows (修改时间安排). A published plan's change is told to the
        services that keep a copy (exam.plan.windows_changed); a draft's travels with its
        publication."""
        plan = await self._owned(principal, plan_id, lock=True)
        if plan.status == PlanStatus.CANCELLED:
            raise Conflict("考试计划已取消，不能修改时间安排")
        if problems := windows_problems(data):
            raise InvalidInput("考试计划时间安排有误", errors=problems)
        windows = resolve_windows(data)
        for name, value in asdict(windows).items():
            setattr(plan, name, value)
        await self.session.flush()
        await self._audit(
            principal, plan, "windows_changed", f"修改考试计划 {plan.number} 的时间安排"
        )
        if plan.status == PlanStatus.PUBLISHED:
            await record(
                self.session,
                events.ExamPlanWindowsChanged(
                    plan_id=plan.id, org_id=plan.org_id, **asdict(windows)
                ),
            )
        return await self._out(plan)

    async def cancel(self, principal: Principal, plan_id: UUID, data: CancelPlanIn) -> PlanOut:
        """Cancel a published plan before its exam (取消考试计划): registration closes its
        applications and payment refunds the paid fees when they hear of it."""
        plan = await self.repo.get(plan_id, lock=True)
        # Another organisation's plan is not theirs to manage: as if it did not exist.
        if plan is None or not owns(principal, plan.org_id):
            raise NotFound("考试计划不存在")
        status = STATES.transition(PlanStatus(plan.status), PlanAction.CANCEL)
        at = utcnow()
        if not cancellable_in_time(plan.exam_starts_at, at):
            raise RuleViolation("考试已开始，不能取消考试计划")
        plan.status = status
        plan.cancelled_at = at
        plan.cancel_reason = data.reason
        await self.session.flush()
        await record(
            self.session,
            events.ExamPlanCancelled(plan_id=plan.id, org_id=plan.org_id, reason=data.reason),
        )
        await self._audit(
            principal, plan, "cancelled", f"取消考试计划 {plan.number}：{data.reason}"
        )
        return await self._out(plan)

    async def _audit(self, principal: Principal, plan: ExamPlan, verb: str, reason: str) -> None:
        await audit(
            self.session,
            principal,
            kind="configuration",
            action=f"exam-scheduling.plan.{verb}",
            subject_type="exam_plan",
            subject_id=plan.id,
            reason=reason,
        )

    async def _conditions(self, data: PlanIn) -> list[dict[str, object]]:
        """The conditions as stored and published; a condition asking for the catalogue's
        related occupations gets the concrete list now, so the plan does not change later when
        the catalogue does."""
        catalogue = CatalogueService(self.session)
        conditions = []
        for condition in data.conditions:
            stored = condition.model_dump()
            if condition.related_from_catalogue:
                stored["related_occupations"] = await catalogue.related_codes(data.occupation_code)
            conditions.append(stored)
        return conditions

    async def _visible(self, principal: Principal, plan_id: UUID, lock: bool = False) -> ExamPlan:
        plan = await self.repo.get(plan_id, lock=lock)
        if plan is None or not visible(principal, plan.org_id, plan.status):
            raise NotFound("考试计划不存在")
        return plan

    async def _owned(self, principal: Principal, plan_id: UUID, lock: bool = False) -> ExamPlan:
        plan = await self._visible(principal, plan_id, lock=lock)
        if not owns(principal, plan.org_id):
            raise Forbidden("只能管理本组织的考试计划")
        return plan

    async def _out(self, plan: ExamPlan) -> PlanOut:
        return (await self._outs([plan]))[0]

    async def _outs(self, plans: list[ExamPlan]) -> list[PlanOut]:
        sites: dict[UUID, list[tuple[PlanSite, Site]]] = {}
        for plan_site, site in await self.repo.sites_of([p.id for p in plans]):
            sites.setdefault(plan_site.plan_id, []).append((plan_site, site))
        return [plan_out(p, sites.get(p.id, [])) for p in plans]


def plan_out(plan: ExamPlan, sites: list[tuple[PlanSite, Site]]) -> PlanOut:
    return PlanOut(
        id=plan.id,
        serial=plan.serial,
        number=plan.number,
        org_id=plan.org_id,
        org_name=plan.org_name,
        title=plan.title,
        occupation_code=plan.occupation_code,
        occupation_name=plan.occupation_name,
        level=plan.level,
        level_name=plan.level_name,
        registration_opens_at=plan.registration_opens_at,
        registration_closes_at=plan.registration_closes_at,
        scheduling_opens_at=plan.scheduling_opens_at,
        scheduling_closes_at=plan.scheduling_closes_at,
        exam_starts_at=plan.exam_starts_at,
        exam_ends_at=plan.exam_ends_at,
        scores_open_at=plan.scores_open_at,
        scores_close_at=plan.scores_close_at,
        publicity_opens_at=plan.publicity_opens_at,
        publicity_closes_at=plan.publicity_closes_at,
        withdrawal_closes_at=plan.withdrawal_closes_at,
        fee_fen=plan.fee_fen,
        requires_mail_in=plan.requires_mail_in,
        status=plan.status,
        subjects=[SubjectOut.model_validate(s) for s in plan.subjects],
        conditions=[ConditionOut.model_validate(c) for c in plan.conditions],
        result_rule=ResultRuleOut.model_validate(plan.result_rule),
        sites=[
            PlanSiteOut(
                site_id=site.id,
                position=ps.position,
                name=site.name,
                address=site.address,
                institution_id=site.institution_id,
                institution_name=site.institution_name,
            )
            for ps, site in sites
        ],
        created_at=plan.created_at,
        published_at=plan.published_at,
        cancelled_at=plan.cancelled_at,
        cancel_reason=plan.cancel_reason,
    )


def published_event(plan: ExamPlan) -> events.ExamPlanPublished:
    return events.ExamPlanPublished(
        plan_id=plan.id,
        org_id=plan.org_id,
        org_name=plan.org_name,
        title=plan.title,
        occupation_code=plan.occupation_code,
        occupation_name=plan.occupation_name,
        level=plan.level,
        level_name=plan.level_name,
        registration_opens_at=plan.registration_opens_at,
        registration_closes_at=plan.registration_closes_at,
        exam_starts_at=plan.exam_starts_at,
        exam_ends_at=plan.exam_ends_at,
        withdrawal_closes_at=plan.withdrawal_closes_at,
        plan_number=plan.number,
        scheduling_opens_at=plan.scheduling_opens_at,
        scheduling_closes_at=plan.scheduling_closes_at,
        scores_open_at=plan.scores_open_at,
        scores_close_at=plan.scores_close_at,
        publicity_opens_at=plan.publicity_opens_at,
        publicity_closes_at=plan.publicity_closes_at,
        fee_fen=plan.fee_fen,
        requires_mail_in=plan.requires_mail_in,
        subjects=[
            events.PlanSubject.model_validate(SubjectOut.model_validate(s).model_dump())
            for s in plan.subjects
        ],
        conditions=[events.PlanCondition.model_validate(c) for c in plan.conditions],
        result_rule=events.ResultRule.model_validate(plan.result_rule),
    )
