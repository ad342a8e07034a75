"""Institution payment requests (缴费申请单): import, delete, confirm. Flushes only."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.models import PayableApplication
from payment.applications.repository import ApplicationRepository
from payment.orders.models import Order
from payment.orders.repository import OrderRepository
from payment.orders.rules import CURRENCY, OrderKind, OrderStatus, new_out_trade_no
from payment.orders.service import OrderService
from payment.payment_requests.models import PaymentRequest, PaymentRequestItem
from payment.payment_requests.repository import PaymentRequestRepository
from payment.payment_requests.rules import (
    ID_NUMBER,
    NAME,
    STATES,
    SUBJECT,
    ImportRow,
    RequestMode,
    RequestStatus,
    ensure_deletable,
    new_request_no,
    parse_import,
    row_field,
    subject_fees,
)
from payment.plans.models import PlanFee
from payment.plans.repository import PlanRepository
from payment.wechat import WeChatPay
from skillcert.audit import audit
from skillcert.auth import Principal, Role
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, RuleViolation
from skillcert.paging import Slice

log = logging.getLogger("payment.payment_requests")

MAX_DESCRIPTION = 127


class PaymentRequestService:
    def __init__(self, session: AsyncSession, channel: WeChatPay) -> None:
        self.session = session
        self.channel = channel
        self.requests = PaymentRequestRepository(session)
        self.applications = ApplicationRepository(session)
        self.orders = OrderRepository(session)

    # -- import ---------------------------------------------------------------------------

    async def create(
        self,
        principal: Principal,
        plan_id: UUID,
        mode: RequestMode,
        data: bytes,
        at: datetime,
    ) -> PaymentRequest:
        """Import the template into a new draft request; all problems at once, or nothing."""
        if principal.org_id is None:
            raise Forbidden("账号未关联院校")
        plan = await PlanRepository(self.session).get(plan_id)
        if plan is None:
            raise InvalidInput(
                "考试计划不存在", errors=[FieldError(field="plan_id", message="考试计划不存在")]
            )
        self._check_plan(plan, at)
        rows, errors = parse_import(data, mode)
        if rows and mode == RequestMode.SUBJECT:
            errors += [
                FieldError(field=row_field(r.line, SUBJECT), message="不是该考试计划的科目")
                for r in rows
                if r.subject_code not in plan.subject_codes
            ]
        matched, problems = await self._match(plan, principal.org_id, rows)
        errors += problems
        if errors:
            errors.sort(key=lambda e: (e.field != "file", _line_of(e.field)))
            raise InvalidInput(
                f"导入的数据有 {len(errors)} 处错误，请修改后重新导入", errors=errors
            )
        fees = subject_fees(plan.fee_fen, plan.subject_codes)
        request = PaymentRequest(
            request_no=new_request_no(at),
            plan_id=plan.plan_id,
            plan_title=plan.title,
            org_id=plan.org_id,
            institution_id=principal.org_id,
            mode=mode,
            status=RequestStatus.DRAFT,
            item_count=len(rows),
            student_count=len({matched[r.line].application_id for r in rows}),
            total_fen=0,
            created_by=principal.account_id,
            created_at=at,
        )
        for row in rows:
            application = matched[row.line]
            assert application.candidate_name is not None and application.id_number is not None
            amount = (
                fees[row.subject_code]
                if mode == RequestMode.SUBJECT and row.subject_code
                else plan.fee_fen
            )
            request.items.append(
                PaymentRequestItem(
                    line=row.line,
                    application_id=application.application_id,
                    candidate_id=application.candidate_id,
                    candidate_name=application.candidate_name,
                    id_number=application.id_number,
                    subject_code=row.subject_code,
                    amount_fen=amount,
                )
            )
        request.total_fen = sum(item.amount_fen for item in request.items)
        self.requests.add(request)
        await self.session.flush()
        return request

    @staticmethod
    def _check_plan(plan: PlanFee, at: datetime) -> None:
        if plan.cancelled_at is not None:
            raise RuleViolation("该考试计划已取消")
        if plan.fee_fen <= 0:
            raise RuleViolation("该考试计划无需缴费")
        if at >= plan.exam_starts_at:
            raise RuleViolation("考试已开始，不能再生成缴费单")

    async def _match(
        self, plan: PlanFee, institution_id: str, rows: list[ImportRow]
    ) -> tuple[dict[int, PayableApplication], list[FieldError]]:
        """Each line's approved, unpaid application of the plan not in another request, of
        one of the institution's own students (its roster holds the candidate)."""
        found: dict[str | None, PayableApplication] = {}
        for a in await self.applications.approved_of_plan(
            plan.plan_id, {r.id_number for r in rows}
        ):
            # Should one ID number be approved twice in a plan, the institution's own wins.
            if a.id_number not in found or a.institution_id == institution_id:
                found[a.id_number] = a
        ids = [a.application_id for a in found.values()]
        paid = await self.orders.settled_applications(ids)
        held = await self.requests.holding_any(ids)
        matched: dict[int, PayableApplication] = {}
        errors: list[FieldError] = []
        for row in rows:
            application = found.get(row.id_number)
            if application is None:
                message = "未找到该考生在此考试计划中审核通过的报名"
                errors.append(FieldError(field=row_field(row.line, ID_NUMBER), message=message))
            elif application.institution_id != institution_id:
                # Before the name check: nothing more is told about another's student.
                message = "该考生不是本院校的学员，不能列入本院校的缴费申请单"
                errors.append(FieldError(field=row_field(row.line, ID_NUMBER), message=message))
            elif application.candidate_name != row.name:
                errors.append(
                    FieldError(field=row_field(row.line, NAME), message="姓名与报名信息不一致")
                )
            elif application.application_id in paid:
                errors.append(
                    FieldError(field=row_field(row.line, ID_NUMBER), message="该考生已缴费")
                )
            elif application.application_id in held:
                message = f"该考生已列入缴费申请单 {held[application.application_id]}"
                errors.append(FieldError(field=row_field(row.line, ID_NUMBER), message=message))
            else:
                matched[row.line] = application
        return matched, errors

    # -- read and delete ------------------------------------------------------------------

    async def page(
        self,
        principal: Principal,
        plan_id: UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[PaymentRequest]:
        """An institution sees its own requests; an organisation those for its plans."""
        return await self.requests.page(
            institution_id=principal.org_id if principal.role is Role.INSTITUTION_ADMIN else None,
            org_id=principal.org_id if principal.role is Role.ORG_ADMIN else None,
            plan_id=plan_id,
            status=status,
            cursor=cursor,
            limit=limit,
        )

    async def get_visible(self, principal: Principal, request_id: UUID) -> PaymentRequest:
        request = await self.requests.get(request_id)
        if request is None or not _may_see(principal, request):
            raise NotFound("缴费单不存在")
        return request

    async def delete(self, principal: Principal, request_id: UUID) -> None:
        request = await self.requests.get(request_id, lock=True)
        if request is None or request.institution_id != principal.org_id:
            raise NotFound("缴费单不存在")
        ensure_deletable(request.status)
        await self.requests.delete(request)

    # -- confirm --------------------------------------------------------------------------

    async def confirm(
        self, principal: Principal, request_id: UUID, request_no: str, at: datetime
    ) -> PaymentRequest:
        """The organisation received the money offline: lock the request and count every
        student in it as paid (an institution order and OrderPaid each)."""
        request = await self.requests.get(request_id, lock=True)
        if request is None or request.org_id != principal.org_id:
            raise NotFound("缴费单不存在")
        STATES.transition(RequestStatus(request.status), RequestStatus.CONFIRMED)
        if request_no.strip() != request.request_no:
            message = "缴费单号与该缴费单不一致"
            raise InvalidInput(message, errors=[FieldError(field="request_no", message=message)])
        by_application: dict[UUID, list[PaymentRequestItem]] = defaultdict(list)
        for item in request.items:
            by_application[item.application_id].append(item)
        # Locked so that a QR payment settling at this moment for one of them queues up and
        # then finds this payment (and is refunded as a duplicate).
        applications = await self.applications.lock_many(by_application)
        paid = await self.orders.settled_applications(list(by_application))
        errors = [
            FieldError(
                field=f"items[{items[0].line}]",
                message=f"{items[0].candidate_name}的报名已撤回或已缴费，请删除后重新导入",
            )
            for application_id, items in by_application.items()
            if application_id in paid
            or application_id not in applications
            or applications[application_id].status != "approved"
        ]
        if errors:
            raise Conflict("缴费单中有考生的报名状态已变化", errors=errors)
        request.status = RequestStatus.CONFIRMED
        request.confirmed_by = principal.account_id
        request.confirmed_at = at
        settle = OrderService(self.session, self.channel)
        for application_id, items in by_application.items():
            first = items[0]
            order = Order(
                out_trade_no=new_out_trade_no(at, prefix="IN"),
                kind=OrderKind.INSTITUTION,
                application_id=application_id,
                candidate_id=first.candidate_id,
                plan_id=request.plan_id,
                amount_fen=sum(item.amount_fen for item in items),
                currency=CURRENCY,
                description=f"院校缴费申请单{request.request_no}-{request.plan_title}"[
                    :MAX_DESCRIPTION
                ],
                status=OrderStatus.PAID,
                created_at=at,
                expires_at=at,
                paid_at=at,
                provider_transaction_id=request.request_no,
            )
            self.orders.add(order)
            await self.session.flush()
            await settle.announce(order, request.request_no)
        await audit(
            self.session,
            principal,
            kind="decision",
            action="payment.payment_request.confirmed",
            subject_type="payment_request",
            subject_id=request.id,
            reason=f"确认收到缴费单 {request.request_no} 的线下缴费（{len(applications)} 名考生）",
        )
        log.info("payment request %s confirmed: %d students", request.request_no, len(applications))
        return request


def _may_see(principal: Principal, request: PaymentRequest) -> bool:
    if principal.role is Role.OPS:
        return True
    if principal.role is Role.INSTITUTION_ADMIN:
        return request.institution_id == principal.org_id
    if principal.role is Role.ORG_ADMIN:
        return request.org_id == principal.org_id
    return False


def _line_of(field: str) -> int:
    if field.startswith("rows["):
        return int(field[5 : field.index("]")])
    return 0
