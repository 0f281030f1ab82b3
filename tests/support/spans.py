"""Spans in tests: kept spans for the trace view (built at millisecond offsets from a fixed start,
written to a test database the way the span store writes them), and the spans a process ends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import psycopg
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from alex.db import job_spans
from alex.db.engine import libpq_url
from alex.db.job_spans import NewSpan
from alex.observability.tracing import configure_tracing
from alex.settings import Settings

T0: Final = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
TRACE: Final = "0af7651916cd43dd8448eb211c80319c"


def at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def span(
    job_id: uuid.UUID,
    span_id: str,
    parent: str | None,
    name: str,
    start_ms: float,
    end_ms: float,
    *,
    kind: str = "internal",
    status: str = "unset",
    trace_id: str = TRACE,
    attributes: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> NewSpan:
    """A span ``start_ms``..``end_ms`` after ``T0``; short ids are padded to 16 hex digits."""
    return NewSpan(
        job_id=job_id,
        trace_id=trace_id,
        span_id=span_id.ljust(16, "0"),
        parent_span_id=None if parent is None else parent.ljust(16, "0"),
        name=name,
        kind=kind,
        status=status,
        started_at=at(start_ms),
        ended_at=at(end_ms),
        attributes=attributes or {},
        events=events or [],
    )


def keep(database_url: str, spans: list[NewSpan]) -> None:
    with psycopg.connect(libpq_url(database_url)) as connection:
        job_spans.insert_batch(connection, spans)


@contextmanager
def captured(settings: Settings) -> Iterator[InMemorySpanExporter]:
    """Every span the process ends until the block ends, from its global tracer provider (the one
    Alex's code uses), configured as Alex configures it."""
    configure_tracing(settings)
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    try:
        yield exporter
    finally:
        processor.shutdown()  # the provider keeps it, but it no longer records
