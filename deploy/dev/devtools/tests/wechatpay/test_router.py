"""The simulator's controls move money on the dev platform: only an ops account may use them.
The APIv3 paths are authenticated as WeChat Pay does, by the merchant's signature."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from skillcert import testing
from skillcert.auth import Role
from skillcert.testing import assert_problem
from skillcert_devtools.wechatpay import DevKeySet, SimulatorState, create_app

CONTROLS = [
    ("/simulator/scan-and-pay", {"out_trade_no": "SKC_0001"}),
    ("/simulator/refunds/RF_0001/complete", {}),
    ("/simulator/refunds/RF_0001/notify", {}),
]


@pytest.fixture
async def http(keys: DevKeySet, tokens: testing.TestTokens) -> AsyncIterator[httpx.AsyncClient]:
    state = SimulatorState.from_keys(keys)
    app = create_app(state, tokens.verifier)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wechatpay.simulator"
    ) as client:
        yield client
    await state.aclose()


class TestControls:
    @pytest.mark.parametrize(("path", "body"), CONTROLS)
    async def test_without_a_token_401(self, http: httpx.AsyncClient, path: str, body: object):
        response = await http.post(path, json=body)
        assert_problem(response, 401, slug="unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize(("path", "body"), CONTROLS)
    async def test_a_candidate_token_403(
        self, http: httpx.AsyncClient, tokens: testing.TestTokens, path: str, body: object
    ):
        candidate = tokens.headers(tokens.principal(Role.CANDIDATE))
        assert_problem(await http.post(path, json=body, headers=candidate), 403, slug="forbidden")

    @pytest.mark.parametrize("role", [Role.REVIEWER, Role.ORG_ADMIN, Role.INSTITUTION_ADMIN])
    async def test_other_staff_403(
        self, http: httpx.AsyncClient, tokens: testing.TestTokens, role: Role
    ):
        staff = tokens.headers(tokens.principal(role, org_id="ORG-DEMO"))
        assert_problem(await http.post(*CONTROLS[0][:1], json=CONTROLS[0][1], headers=staff), 403)

    async def test_a_forged_token_401(self, http: httpx.AsyncClient):
        stranger = testing.TestTokens()  # signed by a key the gateway never published
        forged = stranger.headers(stranger.principal(Role.OPS))
        assert_problem(await http.post(*CONTROLS[0][:1], json=CONTROLS[0][1], headers=forged), 401)

    async def test_an_ops_token_reaches_the_simulator(
        self, http: httpx.AsyncClient, tokens: testing.TestTokens
    ):
        ops = tokens.headers(tokens.principal(Role.OPS))
        response = await http.post(
            "/simulator/scan-and-pay", json={"out_trade_no": "SKC_0001"}, headers=ops
        )
        # Past the guard: the simulator itself answers that it knows no such order.
        assert response.status_code == 404
        assert response.json() == {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}


class TestProviderApi:
    async def test_an_unsigned_request_is_refused_as_wechat_pay_does(
        self, http: httpx.AsyncClient, tokens: testing.TestTokens
    ):
        # A staff token is no merchant signature.
        ops = tokens.headers(tokens.principal(Role.OPS))
        response = await http.post("/v3/pay/transactions/native", json={}, headers=ops)
        assert response.status_code == 401
        assert response.json()["code"] == "SIGN_ERROR"
