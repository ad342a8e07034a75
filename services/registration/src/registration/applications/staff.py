"""What the organisation's staff do with applications: log the paper forms received by post
(邮寄材料) and list their organisation's applications."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.models import Application
from registration.applications.repository import ApplicationRepository
from registration.applications.rules import MAIL_IN_RECORDABLE, ApplicationStatus
from registration.applications.schemas import MailInIn
from registration.applications.service import ApplicationView, view_of
from registration.plans.models import ExamPlan
from registration.plans.repository import PlanRepository
from registration.plans.rules import aware
from skillcert.auth import Principal
from skillcert.clock import china_today, utcnow
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, RuleViolation
from skillcert.paging import Slice


class StaffService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ApplicationRepository(session)
        self.plans = PlanRepository(session)
        # Kept for the answer built after the change, as in ApplicationService.
        self._plans: dict[UUID, ExamPlan] = {}

    async def view_of(self, application: Application) -> ApplicationView:
        return await view_of(self.session, application, self._plans.get(application.plan_id))

    async def record_mail_in(
        self, staff: Principal, application_id: UUID, data: MailInIn
    ) -> Application:
        """Log that the paper forms (纸质申报材料) arrived; logging again corrects the entry."""
        found = await self.repo.with_plan(application_id, lock=True)
        # Another organisation's application is indistinguishable from none.
        if found is None or not staff.is_staff_of(found[0].org_id):
            raise NotFound("报名记录不存在")
        application, plan = found
        self._plans[plan.plan_id] = plan
        if not plan.requires_mail_in:
            raise RuleViolation("该考试计划无需邮寄纸质材料")
        if ApplicationStatus(application.status) not in MAIL_IN_RECORDABLE:
            raise Conflict("当前报名状态不能登记邮寄材料")
        if data.received_on < china_today(aware(application.created_at)):
            message = "收件日期不能早于报名日期"
            raise InvalidInput(
                message, errors=[FieldError(field="received_on", message=message, code="range")]
            )
        application.mail_in_received_on = data.received_on
        application.mail_in_tracking_number = data.tracking_number
        application.mail_in_recorded_by = staff.account_id
        application.mail_in_recorded_at = utcnow()
        application.updated_at = utcnow()
        await self.session.flush()
        return application

    async def of_org(
        self,
        staff: Principal,
        plan_id: UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[Slice[Application], dict[UUID, ExamPlan]]:
        if staff.org_id is None:
            raise Forbidden("当前账号未关联培训评价组织")
        applications = await self.repo.page_of_org(staff.org_id, plan_id, status, cursor, limit)
        plans = await self.plans.many({a.plan_id for a in applications.items})
        return applications, plans
