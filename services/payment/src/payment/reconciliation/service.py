"""Reconciliation (对账): fetch a day's trade bill, compare it with our orders, settle what was
paid there but not here, record the run and its findings. Flushes only."""

from __future__ import annotations

import logging
from datetime import date, datetime
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from payment.orders.models import Order
from payment.orders.repository import OrderRepository
from payment.orders.rules import SETTLED
from payment.orders.service import OrderService, TransactionMismatch
from payment.provider import (
    ProviderError,
    TradeState,
    Transaction,
    TransactionAmount,
    WeChatPayError,
)
from payment.reconciliation.models import ReconciliationFinding, ReconciliationRun
from payment.reconciliation.repository import ReconciliationRepository
from payment.reconciliation.rules import (
    BillFormatError,
    BillLine,
    Difference,
    FindingAction,
    FindingKind,
    OrderView,
    RunStatus,
    RunTrigger,
    compare,
    day_bounds,
    parse_trade_bill,
)
from payment.wechat import WeChatPay
from skillcert.clock import utcnow
from skillcert.errors import NotFound
from skillcert.paging import Slice

log = logging.getLogger("payment.reconciliation")

NO_BILL = "NO_STATEMENT_EXIST"  # the provider's answer for a day without trades


def _view(order: Order) -> OrderView:
    return OrderView(order.out_trade_no, order.amount_fen, order.status in SETTLED)


def _transaction(line: BillLine) -> Transaction:
    return Transaction(
        appid=line.appid or None,
        mchid=line.mchid,
        out_trade_no=line.out_trade_no,
        transaction_id=line.transaction_id,
        trade_type="NATIVE",
        trade_state=TradeState.SUCCESS,
        success_time=line.trade_time,
        amount=TransactionAmount(total=line.total_fen, currency=line.currency),
    )


class ReconciliationService:
    def __init__(self, session: AsyncSession, channel: WeChatPay) -> None:
        self.session = session
        self.channel = channel
        self.runs = ReconciliationRepository(session)
        self.orders = OrderRepository(session)

    async def page(self, cursor: str | None, limit: int) -> Slice[ReconciliationRun]:
        return await self.runs.page(cursor, limit)

    async def with_findings(
        self, run_id: UUID
    ) -> tuple[ReconciliationRun, list[ReconciliationFinding]]:
        run = await self.runs.get(run_id)
        if run is None:
            raise NotFound("对账记录不存在")
        return run, await self.runs.findings(run.id)

    async def run(
        self,
        bill_date: date,
        trigger: RunTrigger,
        at: datetime,
        requested_by: UUID | None = None,
    ) -> ReconciliationRun:
        run = ReconciliationRun(
            bill_date=bill_date,
            trigger=trigger,
            status=RunStatus.SUCCEEDED,
            requested_by=requested_by,
            started_at=at,
            finished_at=at,
        )
        self.runs.add(run)
        await self.session.flush()
        try:
            text = await self.channel.client.download_trade_bill(bill_date, "ALL")
            lines = parse_trade_bill(text).payments
        except ProviderError as exc:
            if exc.code != NO_BILL:
                return await self._failed(run, f"{exc.code}: {exc.message}")
            lines = []
        except (WeChatPayError, httpx.HTTPError, BillFormatError) as exc:
            return await self._failed(run, f"{type(exc).__name__}: {exc}")
        known = await self.orders.by_out_trade_nos([line.out_trade_no for line in lines])
        start, end = day_bounds(bill_date)
        paid_here = await self.orders.settled_between(start, end)
        differences, matched = compare(
            lines, {k: _view(o) for k, o in known.items()}, [_view(o) for o in paid_here]
        )
        everything = {**{o.out_trade_no: o for o in paid_here}, **known}
        for difference in differences:
            await self._handle(run, difference, everything.get(difference.out_trade_no), at)
        run.provider_rows = len(lines)
        run.matched = matched
        run.differences = len(differences)
        run.finished_at = utcnow()
        await self.session.flush()
        if differences:
            log.warning("reconciliation of %s: %d differences", bill_date, len(differences))
        return run

    async def _failed(self, run: ReconciliationRun, error: str) -> ReconciliationRun:
        log.error("reconciliation of %s failed: %s", run.bill_date, error)
        run.status = RunStatus.FAILED
        run.error = error[:500]
        run.finished_at = utcnow()
        await self.session.flush()
        return run

    async def _handle(
        self, run: ReconciliationRun, difference: Difference, order: Order | None, at: datetime
    ) -> None:
        line = difference.provider
        finding = ReconciliationFinding(
            run_id=run.id,
            kind=difference.kind,
            action=FindingAction.REPORTED,
            out_trade_no=difference.out_trade_no,
            order_id=order.id if order is not None else None,
            provider_transaction_id=line.transaction_id if line is not None else None,
            our_amount_fen=order.amount_fen if order is not None else None,
            provider_amount_fen=line.total_fen if line is not None else None,
            detail="",
        )
        if difference.kind == FindingKind.AMOUNT_MISMATCH:
            finding.detail = "账单金额与订单金额不符"
        elif difference.kind == FindingKind.MISSING_THERE:
            finding.detail = "本地已缴费，账单中无此笔支付"
        elif order is None:
            finding.detail = "账单中的支付在本地无对应订单"
        else:
            assert line is not None
            finding.detail, finding.action = await self._settle(order, line, at)
        self.runs.add(finding)
        await self.session.flush()

    async def _settle(self, order: Order, line: BillLine, at: datetime) -> tuple[str, str]:
        """The webhook and the expiry query both missed it: the bill is the provider's word,
        settled through the same checks as a notification."""
        try:
            await OrderService(self.session, self.channel).settle(order, _transaction(line), at)
        except TransactionMismatch as exc:
            return f"账单与订单不一致：{exc}"[:300], FindingAction.REPORTED
        log.warning("order %s settled from the bill of %s", order.out_trade_no, line.trade_time)
        return "本地未缴费，已按账单补记为已缴费", FindingAction.SETTLED
