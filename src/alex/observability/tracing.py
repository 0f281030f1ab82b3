"""Tracing: every agent run and model call is an OpenTelemetry span (GenAI semantic conventions).

``configure_tracing`` installs an SDK tracer provider once per process, so spans carry real trace
ids (the audit trail records them) even when nothing exports them yet, and turns on pydantic-ai's
instrumentation for every agent. Prompt and response content is left out of spans by default:
they hold people's portfolios, and span exporters are often less guarded than the database.
Exporting (OTLP, Langfuse) plugs in here as span processors.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span
from pydantic_ai import Agent, InstrumentationSettings

SERVICE_NAME: Final = "alex"
_lock = threading.Lock()
_configured = False


def configure_tracing() -> None:
    """Idempotent: keep a provider someone else installed (a test, an embedding app)."""
    global _configured  # noqa: PLW0603 - one process-wide switch, like the OTel global it guards
    with _lock:
        if _configured:
            return
        if not isinstance(trace.get_tracer_provider(), TracerProvider):
            trace.set_tracer_provider(
                TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
            )
        Agent.instrument_all(InstrumentationSettings(include_content=False, include_binary_content=False))
        _configured = True


def tracer() -> trace.Tracer:
    return trace.get_tracer("alex")


def trace_id_of(span: Span) -> str | None:
    """The span's trace id as 32 hex digits, or ``None`` when tracing is a no-op."""
    context = span.get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


@contextmanager
def agent_span(agent: str, *, job_id: str, subject: str | None = None) -> Iterator[Span]:
    """The span around one agent run; pydantic-ai's run and model-call spans nest inside it."""
    attributes: dict[str, str] = {"gen_ai.agent.name": agent, "alex.job_id": job_id}
    if subject is not None:
        attributes["alex.subject"] = subject
    with tracer().start_as_current_span(f"alex.agent {agent}", attributes=attributes) as span:
        yield span
