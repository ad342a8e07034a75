"""GET /api/v1/openapi.json (merged) and GET /docs."""

from skillcert.testing import ServiceHarness
from tests.helpers import client


class TestMergedOpenApi:
    async def test_includes_gateway_and_upstream_paths(self, harness: ServiceHarness):
        response = await client(harness).get("/api/v1/openapi.json")
        assert response.status_code == 200
        doc = response.json()
        paths = doc["paths"]
        assert "/api/v1/gateway/accounts" in paths
        assert "/api/v1/payment/orders" in paths
        assert "/api/v1/registration/orders" in paths
        assert not [p for p in paths if "{service}" in p or "/echo/" in p]
        assert doc["x-unavailable-services"] == ["scoring"]

    async def test_colliding_schema_names_get_the_service_prefix(self, harness: ServiceHarness):
        doc = (await client(harness).get("/api/v1/openapi.json")).json()
        schemas = doc["components"]["schemas"]
        assert set(schemas["Order"]["properties"]) == {"order_id"}
        assert set(schemas["RegistrationOrder"]["properties"]) == {"application_id", "fee_fen"}
        ok = doc["paths"]["/api/v1/registration/orders"]["post"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["$ref"] == (
            "#/components/schemas/RegistrationOrder"
        )
        # Identical shared schemas are kept once under their own name.
        assert "HTTPValidationError" in schemas
        assert "RegistrationHTTPValidationError" not in schemas


class TestPages:
    async def test_docs_serves_swagger_ui_for_the_merged_document(self, harness: ServiceHarness):
        response = await client(harness).get("/docs")
        assert response.status_code == 200
        assert "/api/v1/openapi.json" in response.text
