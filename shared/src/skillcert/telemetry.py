"""OpenTelemetry traces across HTTP, AMQP and SQL, and JSON logs carrying trace ids with
personal data masked."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased

from skillcert import context
from skillcert.pii import scrub

_configured_tracing = False
#: whether spans go anywhere; without an exporter the instrumentations are not installed
_exporting = False


class JsonLogFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        span = trace.get_current_span().get_span_context()
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
            entry["span_id"] = format(span.span_id, "016x")
        if (cid := context.correlation_id.get()) is not None:
            entry["correlation_id"] = cid
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class PiiScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure_logging(service: str, level: str = "INFO", json_logs: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLogFormatter(service)
        if json_logs
        else PiiScrubbingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiormq", "aio_pika", "httpx", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def configure_tracing(
    service: str,
    otlp_endpoint: str | None = None,
    exporter: SpanExporter | None = None,
    *,
    batch: bool = True,
) -> None:
    """Install the global tracer provider once per process (embedded mode runs every service
    in one process, so later calls are no-ops)."""
    global _configured_tracing, _exporting
    if _configured_tracing:
        return
    _configured_tracing = True
    if exporter is None and otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
    # Without an exporter nothing would read the spans: keep ids flowing (logs, headers) but
    # record nothing, which the benchmark showed to cost CPU on every request.
    sampler = ParentBased(ALWAYS_ON if exporter is not None else ALWAYS_OFF)
    provider = TracerProvider(resource=Resource.create({"service.name": service}), sampler=sampler)
    if exporter is not None:
        _exporting = True
        provider.add_span_processor(
            BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        )
    trace.set_tracer_provider(provider)


def tracing_exported(otlp_endpoint: str | None = None) -> bool:
    """Whether spans will be exported: configured with an exporter, or about to be."""
    return _exporting or bool(otlp_endpoint)


def instrument_app(app: FastAPI, otlp_endpoint: str | None = None) -> None:
    """Server spans for every request, when they go somewhere. Unexported, the middleware
    cost about 1 ms of CPU per request in the submission benchmark for nothing; correlation
    ids still travel (CorrelationIdMiddleware, the outbox headers)."""
    if tracing_exported(otlp_endpoint):
        FastAPIInstrumentor.instrument_app(app, excluded_urls="livez,readyz")


def instrument_sqlalchemy() -> None:
    """Trace every engine created from now on (once per process; embedded mode has eight),
    when spans are exported: the cursor hooks cost CPU on every statement otherwise."""
    if not _exporting:
        return
    instrumentor = SQLAlchemyInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
