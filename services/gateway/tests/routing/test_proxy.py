"""The reverse proxy /api/v1/{service}/{path}: bytes, headers and status pass unchanged."""

from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import client

# Deliberately odd bytes: key order, spacing, non-ASCII and a trailing newline must all survive,
# since a WeChat Pay v3 webhook signature covers exactly these bytes.
RAW_BODY = '{"b":1,  "a":"支付成功"}\r\n'.encode() + b"\xff\x00"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def received(response) -> dict:
    body = response.json()
    body["header_map"] = dict(body["headers"])
    return body


class TestProxy:
    async def test_forwards_raw_body_method_path_query_and_headers(self, harness: ServiceHarness):
        response = await client(harness).post(
            "/api/v1/payment/echo/webhooks/wechatpay?x=1&y=%E4%B8%AD&x=2",
            content=RAW_BODY,
            headers={
                "Authorization": "Bearer abc.def.ghi",
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": "key-1",
                "Wechatpay-Signature": "c2lnbmF0dXJl",
                "Wechatpay-Timestamp": "1700000000",
                "Wechatpay-Nonce": "n0nce",
                "Wechatpay-Serial": "SERIAL1",
                "X-Correlation-Id": "corr-42",
                "traceparent": TRACEPARENT,
                "Cookie": "session=secret",
            },
        )
        assert response.status_code == 201
        got = received(response)
        assert bytes.fromhex(got["body_hex"]) == RAW_BODY
        assert got["method"] == "POST"
        assert got["raw_path"] == "/api/v1/payment/echo/webhooks/wechatpay"
        assert got["query"] == "x=1&y=%E4%B8%AD&x=2"
        headers = got["header_map"]
        assert headers["authorization"] == "Bearer abc.def.ghi"
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert headers["idempotency-key"] == "key-1"
        assert headers["wechatpay-signature"] == "c2lnbmF0dXJl"
        assert headers["wechatpay-timestamp"] == "1700000000"
        assert headers["wechatpay-nonce"] == "n0nce"
        assert headers["wechatpay-serial"] == "SERIAL1"
        assert headers["x-correlation-id"] == "corr-42"
        assert headers["x-forwarded-for"] == "127.0.0.1"
        assert "cookie" not in headers
        # Same trace, with the gateway's span as the parent.
        assert headers["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]
        assert headers["traceparent"].split("-")[2] != TRACEPARENT.split("-")[2]

    async def test_returns_upstream_status_headers_and_body(self, harness: ServiceHarness):
        response = await client(harness).get(
            "/api/v1/registration/echo/anything", headers={"X-Correlation-Id": "corr-7"}
        )
        assert response.status_code == 200
        assert response.headers["x-upstream"] == "registration"
        assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
        assert response.headers.get_list("x-correlation-id") == ["corr-7"]
        assert response.json()["service"] == "registration"

    async def test_upstream_problem_passes_through(self, harness: ServiceHarness):
        response = await client(harness).get("/api/v1/payment/nowhere")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}  # the upstream's own answer

    async def test_down_upstream_is_503_problem(self, harness: ServiceHarness):
        response = await client(harness).get("/api/v1/scoring/results")
        problem = assert_problem(response, 503)
        assert problem["detail"] == "服务暂不可用，请稍后再试"
        assert response.headers["Retry-After"] == "5"

    async def test_unknown_service_is_404_problem(self, harness: ServiceHarness):
        assert_problem(await client(harness).get("/api/v1/billing/orders"), 404)
        assert_problem(await client(harness).get("/api/v1/gateway/nothing-here"), 404)

    async def test_proxy_is_not_in_the_gateways_own_schema(self, harness: ServiceHarness):
        schema = (await client(harness).get("/api/v1/gateway/openapi.json")).json()
        assert not [p for p in schema["paths"] if "{service}" in p]
        assert "/api/v1/gateway/accounts" in schema["paths"]
