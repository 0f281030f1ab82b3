"""Tracing: one OpenTelemetry trace per analysis, from the request that queued it to each model call.

``configure_tracing`` installs the process's tracer provider once (an API process and a worker
alike) with up to two span processors:

- export over OTLP/HTTP, when the standard ``OTEL_EXPORTER_OTLP_*`` variables or Langfuse's keys
  are set: batched on a thread of its own with a bounded queue and short timeouts, so a slow or
  dead collector never slows or fails a job; failures are counted and logged, spans are dropped;
- those the composition root adds: the job span store (``alex.db.span_store``), which keeps each
  job's spans in PostgreSQL for the built-in trace view, with nothing else installed.

A job carries its trace context (``jobs.trace_parent``): the worker that runs an attempt, in any
process on any machine, continues the trace of the ``POST /api/analyze`` request. pydantic-ai's
instrumentation adds the agent runs and model calls with the GenAI semantic conventions. Prompt
and response content stays out of spans unless ``ALEX_TRACE_CONTENT`` turns it on: they hold
people's portfolios, and span exporters are often less guarded than the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.re import parse_env_headers

import alex
from alex.observability.logging import get_logger
from alex.observability.metrics import TRACE_EXPORT_FAILURES
from alex.settings import Settings

log = get_logger("alex.tracing")

SERVICE_NAME: Final = "alex"
TRACE_NAME: Final = "portfolio analysis"
"""What an analysis's trace is called in a trace backend (Langfuse's trace name)."""
LANGFUSE_TRACES_PATH: Final = "/api/public/otel/v1/traces"
EXPORT_QUEUE_SPANS: Final = 4096
"""Spans waiting for export at most; beyond, new ones are dropped (a dead collector costs no memory)."""
_WARN_EVERY_SECONDS: Final = 60.0

_lock = threading.Lock()
_configured = False
_added: list[SpanProcessor] = []
_propagator = TraceContextTextMapPropagator()


@dataclass(frozen=True, slots=True)
class ExportTarget:
    """Where spans go: an OTLP/HTTP traces URL and the headers it needs."""

    endpoint: str
    headers: dict[str, str]
    timeout_seconds: float

    def __repr__(self) -> str:  # headers carry credentials
        return f"ExportTarget(endpoint={self.endpoint!r}, headers=<{len(self.headers)} hidden>)"


def export_target(settings: Settings) -> ExportTarget | None:
    """The configured collector, or ``None`` (export is then a no-op).

    The OpenTelemetry variables win over Langfuse's when both are set: an operator who points a
    collector at Alex means it.
    """
    headers = (
        dict(parse_env_headers(settings.otlp_headers.get_secret_value(), liberal=True))
        if (settings.otlp_headers is not None)
        else {}
    )
    if settings.otlp_traces_endpoint:
        return ExportTarget(settings.otlp_traces_endpoint, headers, settings.otlp_timeout_seconds)
    if settings.otlp_endpoint:
        endpoint = f"{settings.otlp_endpoint.rstrip('/')}/v1/traces"
        return ExportTarget(endpoint, headers, settings.otlp_timeout_seconds)
    if settings.langfuse_public_key is not None and settings.langfuse_secret_key is not None:
        pair = f"{settings.langfuse_public_key}:{settings.langfuse_secret_key.get_secret_value()}"
        return ExportTarget(
            f"{settings.langfuse_host.rstrip('/')}{LANGFUSE_TRACES_PATH}",
            {"Authorization": f"Basic {base64.b64encode(pair.encode()).decode()}"},
            settings.otlp_timeout_seconds,
        )
    return None


class ReportingExporter(SpanExporter):
    """Wraps the OTLP exporter: a failed export is counted and logged (at most once a minute) and
    its spans dropped, never raised into the batch thread."""

    def __init__(self, inner: SpanExporter, *, endpoint: str) -> None:
        self.inner = inner
        self.endpoint = endpoint
        self._last_warning = -_WARN_EVERY_SECONDS

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self.inner.export(spans)
        except Exception as exc:  # an exporter bug must not kill the export thread
            log.warning("trace export raised", error_type=type(exc).__name__)
            result = SpanExportResult.FAILURE
        if result is not SpanExportResult.SUCCESS:
            TRACE_EXPORT_FAILURES.inc()
            now = time.monotonic()
            if now - self._last_warning >= _WARN_EVERY_SECONDS:
                self._last_warning = now
                log.warning("trace export failed; spans dropped", endpoint=self.endpoint, spans=len(spans))
        return result

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.inner.force_flush(timeout_millis)


def build_exporter(target: ExportTarget) -> ReportingExporter:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    otlp = OTLPSpanExporter(endpoint=target.endpoint, headers=target.headers, timeout=target.timeout_seconds)
    return ReportingExporter(otlp, endpoint=target.endpoint)


def resource(settings: Settings, *, role: str) -> Resource:
    return Resource.create(
        {
            "service.name": SERVICE_NAME,
            "service.version": alex.__version__,
            "service.instance.id": f"{socket.gethostname()}:{os.getpid()}",
            "deployment.environment.name": settings.env,
            "alex.process.role": role,
        }
    )


def configure_tracing(
    settings: Settings, *, role: str = "app", processors: Sequence[SpanProcessor] = ()
) -> None:
    """Install this process's tracing once; later calls (another app in a test process) keep it,
    adding only processors not added yet.

    A provider someone else installed (a test, an embedding app) is kept and given our processors.
    """
    global _configured  # noqa: PLW0603 - one process-wide switch, like the OTel global it guards
    with _lock:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            provider = TracerProvider(resource=resource(settings, role=role))
            trace.set_tracer_provider(provider)
        # Whoever configured first, the processors asked for are there (each once).
        for processor in processors:
            if processor not in _added:
                provider.add_span_processor(processor)
                _added.append(processor)
        if _configured:
            return
        target = export_target(settings)
        if target is not None:
            provider.add_span_processor(
                BatchSpanProcessor(
                    build_exporter(target),
                    max_queue_size=EXPORT_QUEUE_SPANS,
                    export_timeout_millis=int(target.timeout_seconds * 1000),
                )
            )
            log.info("exporting traces", endpoint=target.endpoint)
        from pydantic_ai import Agent, InstrumentationSettings  # the agent framework is a heavy import

        Agent.instrument_all(
            InstrumentationSettings(include_content=settings.trace_content, include_binary_content=False)
        )
        if settings.trace_database:
            from alex.observability.database_spans import trace_statements

            trace_statements()
        _configured = True


def flush(timeout_seconds: float = 10.0) -> bool:
    """Export and keep what has ended so far (a process about to exit calls this)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        return True
    return provider.force_flush(int(timeout_seconds * 1000))


def annotate_request(request_id: str) -> None:
    """Tie the current request's span to its id (the one in its log lines and X-Request-ID)."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("alex.request_id", request_id)


def tracer() -> trace.Tracer:
    return trace.get_tracer("alex", alex.__version__)


def trace_id_of(span: Span) -> str | None:
    """The span's trace id as 32 hex digits, or ``None`` when tracing is a no-op."""
    context = span.get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


def ids_of_current() -> tuple[str, str] | None:
    """(trace id, span id) of the current span, for log lines; ``None`` outside any span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def current_traceparent() -> str | None:
    """The current span as a W3C ``traceparent``, for a job to carry to its worker."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


def context_of(traceparent: str | None) -> Context | None:
    """The remote parent a job's ``traceparent`` names, or ``None`` (a new trace)."""
    if not traceparent:
        return None
    return _propagator.extract({"traceparent": traceparent})


def pseudonym(user_id: str) -> str:
    """A stable stand-in for a user id in spans: trace backends group by it, but never see the id
    (which may be an email address)."""
    return hashlib.sha256(f"alex-user\x00{user_id}".encode()).hexdigest()[:16]


def trace_attributes(*, job_id: str, user_id: str, settings: Settings | None = None) -> dict[str, str]:
    """What lets a trace backend group an analysis: its name, session (the job) and user."""
    attributes = {
        "alex.job_id": job_id,
        "langfuse.trace.name": TRACE_NAME,
        "session.id": job_id,
        "user.id": pseudonym(user_id),
        "langfuse.release": alex.__version__,
    }
    if settings is not None:
        attributes["langfuse.environment"] = settings.env
    return attributes


def mark_analysis(*, job_id: str, user_id: str, settings: Settings) -> None:
    """Name the current span (the request that queued the job) as the root of the job's trace."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attributes(trace_attributes(job_id=job_id, user_id=user_id, settings=settings))


@contextmanager
def job_span(
    *, job_id: str, job_type: str, user_id: str, attempt: int, worker: str, traceparent: str | None
) -> Iterator[Span]:
    """One attempt of a job, continuing the trace of the request that queued it."""
    attributes: dict[str, Any] = {
        **trace_attributes(job_id=job_id, user_id=user_id),
        "alex.job_type": job_type,
        "alex.attempt": attempt,
        "alex.worker": worker,
    }
    with tracer().start_as_current_span(
        f"job {job_type}", context=context_of(traceparent), kind=SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span


@contextmanager
def step_span(step: str) -> Iterator[Span]:
    with tracer().start_as_current_span(f"step {step}", attributes={"alex.step": step}) as span:
        yield span


@contextmanager
def agent_span(agent: str, *, job_id: str, subject: str | None = None) -> Iterator[Span]:
    """Alex's guarded run of one agent (slot, refusals, guardrails); pydantic-ai's ``invoke_agent``
    and ``chat`` spans nest inside it when the model is asked."""
    attributes: dict[str, str] = {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": agent,
        "alex.job_id": job_id,
    }
    if subject is not None:
        attributes["alex.subject"] = subject
    with tracer().start_as_current_span(f"agent {agent}", attributes=attributes) as span:
        yield span


def add_event(span: Span, name: str, attributes: Mapping[str, str | int | float | bool]) -> None:
    span.add_event(name, dict(attributes))


def set_error(span: Span, description: str) -> None:
    span.set_status(Status(StatusCode.ERROR, description[:200]))
