"""The candidate's order endpoints over HTTP, against the real database and the simulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from skillcert.auth import Role
from skillcert.events import ApplicationWithdrawn
from skillcert.testing import ServiceHarness, assert_problem
from tests.support import FEE_FEN, ORDERS, SCAN_AND_PAY, Channel, orders, payable, plan_published


class TestCreateOrder:
    async def test_new_order_is_priced_from_the_plan_and_placed_at_the_provider(
        self, harness: ServiceHarness, channel: Channel
    ):
        app = await payable(harness)
        before = datetime.now(UTC)
        response = await app.create_order()
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["amount_fen"] == FEE_FEN
        assert body["currency"] == "CNY"
        assert body["status"] == "pending"
        assert body["application_id"] == str(app.application_id)
        assert body["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
        assert body["qr_svg"].startswith("<svg")
        assert body["qr_png_url"] == f"{ORDERS}/{body['order_id']}/qr.png"
        expires_at = datetime.fromisoformat(body["expires_at"])
        assert timedelta(minutes=29) < expires_at - before <= timedelta(minutes=31)
        placed = channel.simulator.orders[body["out_trade_no"]]
        assert placed.total == FEE_FEN
        assert placed.code_url == body["code_url"]
        assert placed.notify_url == "http://testserver/api/v1/payment/webhooks/wechatpay"
        assert len(await orders(harness)) == 1

    async def test_pending_order_is_returned_again_with_200(self, harness: ServiceHarness):
        app = await payable(harness)
        first = await app.create_order()
        second = await app.create_order()
        assert (first.status_code, second.status_code) == (201, 200)
        assert second.json()["order_id"] == first.json()["order_id"]
        assert second.json()["code_url"] == first.json()["code_url"]
        assert len(await orders(harness)) == 1

    async def test_paid_application_is_409(self, harness: ServiceHarness):
        app = await payable(harness)
        order = (await app.create_order()).json()
        paid = await harness.provider.post(
            SCAN_AND_PAY, json={"out_trade_no": order["out_trade_no"]}
        )
        assert paid.status_code == 200, paid.text
        problem = assert_problem(await app.create_order(), 409)
        assert problem["detail"] == "该报名已缴费，无需重复缴费"
        assert len(await orders(harness)) == 1

    async def test_concurrent_creates_make_one_order(self, harness: ServiceHarness):
        app = await payable(harness)
        first, second = await asyncio.gather(app.create_order(), app.create_order())
        assert sorted([first.status_code, second.status_code]) == [200, 201]
        assert first.json()["order_id"] == second.json()["order_id"]
        assert len(await orders(harness)) == 1

    async def test_idempotency_key_replays_the_first_answer(self, harness: ServiceHarness):
        app = await payable(harness)
        first = await app.create_order(**{"Idempotency-Key": "pay-1"})
        again = await app.create_order(**{"Idempotency-Key": "pay-1"})
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert len(await orders(harness)) == 1

    async def test_application_not_approved_is_404(self, harness: ServiceHarness):
        plan = plan_published()
        await harness.deliver(plan)
        response = await harness.client.post(
            ORDERS,
            json={"application_id": str(uuid4())},
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(response, 404)
        assert await orders(harness) == []

    async def test_someone_elses_application_is_404(self, harness: ServiceHarness):
        app = await payable(harness)
        response = await harness.client.post(
            ORDERS,
            json={"application_id": str(app.application_id)},
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(response, 404)
        assert await orders(harness) == []

    async def test_withdrawn_application_is_404(self, harness: ServiceHarness):
        app = await payable(harness)
        await harness.deliver(
            ApplicationWithdrawn(
                application_id=app.application_id,
                candidate_id=app.candidate_id,
                plan_id=app.plan_id,
            )
        )
        assert_problem(await app.create_order(), 404)
        assert await orders(harness) == []

    async def test_staff_cannot_order_is_403(self, harness: ServiceHarness):
        app = await payable(harness)
        response = await harness.client.post(
            ORDERS,
            json={"application_id": str(app.application_id)},
            headers=harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO"),
        )
        assert_problem(response, 403)
        assert await orders(harness) == []

    async def test_after_the_exam_started_is_400(self, harness: ServiceHarness):
        app = await payable(harness, exam_in=timedelta(hours=-1))
        problem = assert_problem(await app.create_order(), 400)
        assert problem["detail"] == "考试已开始，不能再缴费"
        assert await orders(harness) == []

    async def test_provider_error_is_502_and_nothing_written(
        self, harness: ServiceHarness, channel: Channel, monkeypatch: pytest.MonkeyPatch
    ):
        app = await payable(harness)
        known = set(channel.simulator.orders)
        # A provider clock 10 minutes off rejects every signed request (SIGN_ERROR).
        skewed = datetime.now(UTC) + timedelta(minutes=10)
        monkeypatch.setattr(channel.simulator, "clock", lambda: skewed)
        problem = assert_problem(await app.create_order(), 502)
        assert problem["title"] == "支付渠道暂时不可用，请稍后再试"
        assert await orders(harness) == []
        assert await harness.outbox() == []
        assert set(channel.simulator.orders) == known

    async def test_missing_application_id_is_422_with_field(self, harness: ServiceHarness):
        response = await harness.client.post(
            ORDERS, json={}, headers=harness.headers(Role.CANDIDATE)
        )
        problem = assert_problem(response, 422)
        assert [e["field"] for e in problem["errors"]] == ["application_id"]
        assert problem["errors"][0]["message"] == "此项为必填项"
        assert await orders(harness) == []

    async def test_malformed_application_id_is_422_with_field(self, harness: ServiceHarness):
        response = await harness.client.post(
            ORDERS, json={"application_id": "abc"}, headers=harness.headers(Role.CANDIDATE)
        )
        problem = assert_problem(response, 422)
        assert [e["field"] for e in problem["errors"]] == ["application_id"]
        assert problem["errors"][0]["message"] == "编号格式不正确"
        assert await orders(harness) == []

    async def test_unknown_field_is_422_with_field(self, harness: ServiceHarness):
        app = await payable(harness)
        response = await harness.client.post(
            ORDERS,
            json={"application_id": str(app.application_id), "amount_fen": 1},
            headers=app.headers,
        )
        problem = assert_problem(response, 422)
        assert [e["field"] for e in problem["errors"]] == ["amount_fen"]
        assert await orders(harness) == []

    async def test_without_token_is_401(self, harness: ServiceHarness):
        assert_problem(
            await harness.client.post(ORDERS, json={"application_id": str(uuid4())}), 401
        )


class TestGetOrder:
    async def test_owner_sees_the_order(self, harness: ServiceHarness):
        app = await payable(harness)
        created = (await app.create_order()).json()
        response = await harness.client.get(f"{ORDERS}/{created['order_id']}", headers=app.headers)
        assert response.status_code == 200
        assert response.json() == created

    async def test_someone_elses_order_is_404(self, harness: ServiceHarness):
        app = await payable(harness)
        created = (await app.create_order()).json()
        response = await harness.client.get(
            f"{ORDERS}/{created['order_id']}", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 404)

    async def test_malformed_order_id_is_422(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{ORDERS}/not-a-uuid", headers=harness.headers(Role.CANDIDATE)
        )
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["field"] == "path.order_id"


class TestOrderQrCode:
    async def test_svg_and_png_of_a_payable_order(self, harness: ServiceHarness):
        app = await payable(harness)
        created = (await app.create_order()).json()
        svg = await harness.client.get(created["qr_svg_url"], headers=app.headers)
        png = await harness.client.get(created["qr_png_url"], headers=app.headers)
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.text.startswith("<svg")
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG")

    async def test_someone_elses_qr_is_404(self, harness: ServiceHarness):
        app = await payable(harness)
        created = (await app.create_order()).json()
        response = await harness.client.get(
            created["qr_svg_url"], headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 404)

    async def test_paid_order_has_no_qr_409(self, harness: ServiceHarness):
        app = await payable(harness)
        created = (await app.create_order()).json()
        await harness.provider.post(SCAN_AND_PAY, json={"out_trade_no": created["out_trade_no"]})
        assert_problem(await harness.client.get(created["qr_png_url"], headers=app.headers), 409)
