"""One trace follows a request into the outbox, across the broker and into the consumer; logs
carry the trace id and never an ID or phone number."""

import json
import logging
from uuid import UUID

from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from skillcert.auth import Role
from skillcert.messaging import outbox_table
from skillcert.telemetry import JsonLogFormatter
from skillcert.testing import ServiceHarness, eventually

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class TestTraceContext:
    async def test_request_trace_reaches_the_outbox_and_the_consumer(
        self, clean: ServiceHarness, spans: InMemorySpanExporter
    ):
        spans.clear()
        response = await clean.client.post(
            "/api/v1/sample/widgets",
            json={"name": "traced"},
            headers={
                **clean.headers(Role.ORG_ADMIN),
                "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01",
            },
        )
        assert response.status_code == 201
        async with clean.ctx.sessionmaker() as session:
            headers = (await session.execute(select(outbox_table.c.headers))).scalar_one()
        assert headers["traceparent"].split("-")[1] == TRACE_ID
        assert headers["type"] == "identity.account.registered.v1"

        def consumed() -> list[str]:
            return [
                format(s.context.trace_id, "032x")
                for s in spans.get_finished_spans()
                if s.name == "consume identity.account.registered.v1"
            ]

        async def probe() -> list[str]:
            return consumed()

        trace_ids = await eventually(probe)
        assert trace_ids == [TRACE_ID]
        sql = [
            s
            for s in spans.get_finished_spans()
            if format(s.context.trace_id, "032x") == TRACE_ID
            and "INSERT INTO widgets" in str((s.attributes or {}).get("db.statement", ""))
        ]
        assert sql, "the SQL of the request is part of the same trace"
        assert UUID(response.json()["id"])


class TestJsonLogs:
    def test_log_line_masks_personal_data_and_carries_the_trace(self):
        formatter = JsonLogFormatter("sample")
        tracer = trace.get_tracer("test")
        with tracer.start_as_current_span("work") as span:
            record = logging.LogRecord(
                "x", logging.INFO, __file__, 1, "candidate %s phone %s", None, None
            )
            record.args = ("110101198506120136", "13912345678")
            line = json.loads(formatter.format(record))
        assert line["message"] == "candidate 110101********0136 phone 139****5678"
        assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
        assert line["service"] == "sample"
