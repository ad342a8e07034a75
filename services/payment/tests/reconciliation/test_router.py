"""Reconciliation against the simulator's trade bill, over HTTP, with every kind of
difference; and the daily job."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from payment.orders.rules import OrderStatus
from payment.reconciliation.jobs import reconcile_day
from payment.reconciliation.models import ReconciliationRun
from payment.reconciliation.rules import yesterday
from skillcert.auth import Role
from skillcert.clock import CHINA, utcnow
from skillcert.events import OrderPaid
from skillcert.testing import ServiceHarness, assert_problem
from tests.orders.test_webhook import notification, post, transaction
from tests.support import FEE_FEN, RECONCILIATIONS, Channel, orders, payable

OPS = Role.OPS


def bill_day() -> date:
    return yesterday(utcnow())


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), CHINA)


async def ordered(harness: ServiceHarness) -> dict[str, Any]:
    app = await payable(harness)
    created = await app.create_order()
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


def paid_at_provider(channel: Channel, out_trade_no: str, when: datetime) -> str:
    paid = channel.simulator.mark_paid(out_trade_no=out_trade_no)
    paid.success_time = when
    assert paid.transaction_id is not None
    return paid.transaction_id


async def paid_both_sides(harness: ServiceHarness, channel: Channel, when: datetime) -> str:
    created = await ordered(harness)
    no = created["out_trade_no"]
    txn = paid_at_provider(channel, no, when)
    body = notification(
        channel, transaction(channel, no, transaction_id=txn, success_time=when.isoformat())
    )
    assert (await post(harness, body, channel.simulator.sign(body))).status_code == 204
    return str(no)


async def runs_count(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(ReconciliationRun))
        return int(count or 0)


def run(harness: ServiceHarness, bill_date: Any, role: Role = OPS, org_id: str | None = None):  # type: ignore[no-untyped-def]
    assert harness.client is not None
    return harness.client.post(
        RECONCILIATIONS,
        json={"bill_date": str(bill_date)},
        headers=harness.headers(role, org_id=org_id),
    )


class TestReconcile:
    async def test_a_bill_with_every_kind_of_difference(
        self, harness: ServiceHarness, channel: Channel
    ):
        day = bill_day()
        when = noon(day)
        sim = channel.simulator
        assert sim is not None
        # Paid there, webhook and query both missed: settled from the bill.
        missing_here = (await ordered(harness))["out_trade_no"]
        paid_at_provider(channel, missing_here, when)
        # Paid on both sides with the same amount: matches.
        await paid_both_sides(harness, channel, when)
        # Paid on both sides, but the provider's amount differs: reported.
        amount = await paid_both_sides(harness, channel, when)
        sim.orders[amount].total = FEE_FEN + 100
        # Paid here, absent from the bill: reported.
        missing_there = await paid_both_sides(harness, channel, when)
        del sim.orders[missing_there]
        # Paid there for an order we never made: reported.
        stranger = "SC20990101STRANGER0000000000000"
        await channel.client.create_native_order(
            appid=channel.appid,
            description="别处的订单",
            out_trade_no=stranger,
            amount_fen=500,
            notify_url=channel.notify_url,
        )
        paid_at_provider(channel, stranger, when)
        paid_events_before = len(await harness.outbox(OrderPaid.model_fields["type"].default))

        response = await run(harness, day)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "succeeded" and body["trigger"] == "manual"
        assert body["bill_date"] == day.isoformat()
        assert (body["provider_rows"], body["matched"], body["differences"]) == (4, 1, 4)
        findings = {(f["kind"], f["out_trade_no"]): f for f in body["findings"]}
        assert set(findings) == {
            ("missing_here", missing_here),
            ("missing_here", stranger),
            ("amount_mismatch", amount),
            ("missing_there", missing_there),
        }
        assert findings[("missing_here", missing_here)]["action"] == "settled"
        assert findings[("missing_here", stranger)]["action"] == "reported"
        assert findings[("missing_here", stranger)]["order_id"] is None
        mismatch = findings[("amount_mismatch", amount)]
        assert (mismatch["our_amount_fen"], mismatch["provider_amount_fen"]) == (
            FEE_FEN,
            FEE_FEN + 100,
        )
        assert mismatch["action"] == "reported"
        assert findings[("missing_there", missing_there)]["action"] == "reported"

        stored = {o.out_trade_no: o for o in await orders(harness)}
        assert stored[missing_here].status == OrderStatus.PAID
        assert stored[missing_here].paid_at == when
        paid_events = await harness.outbox(OrderPaid.model_fields["type"].default)
        assert len(paid_events) == paid_events_before + 1
        assert isinstance(paid_events[-1], OrderPaid)
        assert paid_events[-1].order_id == stored[missing_here].id
        # Report only: our amounts are untouched.
        assert stored[amount].amount_fen == FEE_FEN
        assert stored[missing_there].status == OrderStatus.PAID

        # Running the same day again settles nothing twice.
        again = (await run(harness, day)).json()
        assert again["matched"] == 2
        assert len(await harness.outbox(OrderPaid.model_fields["type"].default)) == len(paid_events)

    async def test_a_day_without_trades_is_a_clean_run(self, harness: ServiceHarness):
        body = (await run(harness, bill_day() - timedelta(days=3))).json()
        assert (body["status"], body["provider_rows"], body["findings"]) == ("succeeded", 0, [])

    async def test_provider_failure_is_a_failed_run(
        self, harness: ServiceHarness, channel: Channel, monkeypatch: pytest.MonkeyPatch
    ):
        skewed = channel.simulator.clock() + timedelta(minutes=10)
        monkeypatch.setattr(channel.simulator, "clock", lambda: skewed)
        response = await run(harness, bill_day())
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "failed"
        assert "SIGN_ERROR" in body["error"]

    async def test_org_admin_may_run_and_read(self, harness: ServiceHarness):
        response = await run(harness, bill_day(), Role.ORG_ADMIN, "ORG-DEMO")
        assert response.status_code == 201
        assert harness.client is not None
        listed = await harness.client.get(
            RECONCILIATIONS, headers=harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO")
        )
        assert listed.status_code == 200
        assert [r["run_id"] for r in listed.json()["items"]] == [response.json()["run_id"]]


class TestBadInput:
    async def test_today_is_422_and_nothing_written(self, harness: ServiceHarness):
        today = utcnow().astimezone(CHINA).date()
        assert_problem(await run(harness, today), 422, "bill_date")
        assert await runs_count(harness) == 0

    async def test_older_than_three_months_is_422(self, harness: ServiceHarness):
        assert_problem(await run(harness, bill_day() - timedelta(days=120)), 422, "bill_date")
        assert await runs_count(harness) == 0

    async def test_malformed_date_is_422(self, harness: ServiceHarness):
        assert_problem(await run(harness, "2026-13-01"), 422, "bill_date")
        assert await runs_count(harness) == 0

    async def test_unknown_field_is_422(self, harness: ServiceHarness):
        assert harness.client is not None
        response = await harness.client.post(
            RECONCILIATIONS,
            json={"bill_date": str(bill_day()), "force": True},
            headers=harness.headers(OPS),
        )
        assert_problem(response, 422, "force")
        assert await runs_count(harness) == 0

    async def test_candidate_is_403(self, harness: ServiceHarness):
        assert_problem(await run(harness, bill_day(), Role.CANDIDATE), 403)
        assert harness.client is not None
        listed = await harness.client.get(RECONCILIATIONS, headers=harness.headers(Role.CANDIDATE))
        assert_problem(listed, 403)
        assert await runs_count(harness) == 0

    async def test_bad_cursor_is_422(self, harness: ServiceHarness):
        assert harness.client is not None
        response = await harness.client.get(
            RECONCILIATIONS, params={"cursor": "bm90IGpzb24"}, headers=harness.headers(OPS)
        )
        assert_problem(response, 422, "cursor")

    async def test_unknown_run_is_404(self, harness: ServiceHarness):
        assert harness.client is not None
        response = await harness.client.get(
            f"{RECONCILIATIONS}/00000000-0000-0000-0000-000000000000",
            headers=harness.headers(OPS),
        )
        assert_problem(response, 404)


class TestListing:
    async def test_newest_first_in_pages_with_detail(self, harness: ServiceHarness):
        ids = [
            (await run(harness, bill_day() - timedelta(days=n))).json()["run_id"] for n in (1, 2, 3)
        ]
        assert harness.client is not None
        first = (
            await harness.client.get(
                RECONCILIATIONS, params={"limit": 2}, headers=harness.headers(OPS)
            )
        ).json()
        assert [r["run_id"] for r in first["items"]] == [ids[2], ids[1]]
        second = (
            await harness.client.get(
                RECONCILIATIONS,
                params={"limit": 2, "cursor": first["next_cursor"]},
                headers=harness.headers(OPS),
            )
        ).json()
        assert [r["run_id"] for r in second["items"]] == [ids[0]]
        assert second["next_cursor"] is None
        detail = await harness.client.get(
            f"{RECONCILIATIONS}/{ids[0]}", headers=harness.headers(OPS)
        )
        assert detail.status_code == 200
        assert detail.json()["findings"] == []


class TestDailyJob:
    async def test_runs_each_bill_date_once(self, harness: ServiceHarness, channel: Channel):
        day = bill_day()
        missing_here = (await ordered(harness))["out_trade_no"]
        paid_at_provider(channel, missing_here, noon(day))
        first = await reconcile_day(harness.ctx, day)
        assert first is not None and first.trigger == "scheduled" and first.differences == 1
        assert await reconcile_day(harness.ctx, day) is None
        assert await runs_count(harness) == 1
        [order] = await orders(harness)
        assert order.status == OrderStatus.PAID

    async def test_a_failed_day_is_tried_again(
        self, harness: ServiceHarness, channel: Channel, monkeypatch: pytest.MonkeyPatch
    ):
        real = channel.simulator.clock
        skewed = real() + timedelta(minutes=10)
        monkeypatch.setattr(channel.simulator, "clock", lambda: skewed)
        failed = await reconcile_day(harness.ctx, bill_day())
        assert failed is not None and failed.status == "failed"
        monkeypatch.setattr(channel.simulator, "clock", real)
        retried = await reconcile_day(harness.ctx, bill_day())
        assert retried is not None and retried.status == "succeeded"
