"""Merging OpenAPI documents and filtering headers (pure functions)."""

from gateway.routing.rules import (
    forwarded_request_headers,
    merge_openapi,
    returned_response_headers,
)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


class TestMergeOpenApi:
    def test_a_schema_pointing_at_a_renamed_one_is_renamed_too(self):
        own = {
            "openapi": "3.1.0",
            "paths": {},
            "components": {
                "schemas": {
                    "Plan": {"type": "object", "properties": {"code": {"type": "string"}}},
                    "Page": {"type": "object", "properties": {"items": ref("Plan")}},
                }
            },
        }
        theirs = {
            "paths": {"/api/v1/exam-scheduling/plans": {"get": {"responses": ref("Page")}}},
            "components": {
                "schemas": {
                    "Plan": {"type": "object", "properties": {"title": {"type": "string"}}},
                    "Page": {"type": "object", "properties": {"items": ref("Plan")}},
                }
            },
        }
        merged = merge_openapi(own, {"exam-scheduling": theirs})
        schemas = merged["components"]["schemas"]
        assert schemas["ExamSchedulingPage"]["properties"]["items"] == ref("ExamSchedulingPlan")
        assert schemas["Page"]["properties"]["items"] == ref("Plan")
        get = merged["paths"]["/api/v1/exam-scheduling/plans"]["get"]
        assert get["responses"] == ref("ExamSchedulingPage")
        assert merged["x-unavailable-services"] == []


class TestHeaders:
    def test_only_allowed_request_headers_pass(self):
        raw = [
            (b"Authorization", b"Bearer x"),
            (b"Wechatpay-Signature", b"sig"),
            (b"Cookie", b"a=1"),
            (b"Connection", b"keep-alive"),
            (b"Host", b"gateway"),
        ]
        assert forwarded_request_headers(raw) == [
            ("authorization", "Bearer x"),
            ("wechatpay-signature", "sig"),
        ]

    def test_hop_by_hop_response_headers_are_dropped(self):
        raw = [(b"Transfer-Encoding", b"chunked"), (b"Set-Cookie", b"a=1"), (b"ETag", b'"1"')]
        assert returned_response_headers(raw) == [(b"set-cookie", b"a=1"), (b"etag", b'"1"')]
