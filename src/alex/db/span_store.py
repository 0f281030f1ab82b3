"""Keeps each job's spans in PostgreSQL: the built-in trace view, with no collector installed.

The composition root installs it on the tracer provider (``tracing.configure_tracing``'s
``processors``) and points it at the database.

A span processor sees every span end; it keeps those of a job's trace (a span that names its
job with ``alex.job_id``, and every span started in a trace where one did) and hands them to a
writer thread of its own, which inserts them in batches on a plain psycopg connection and, once
an hour, deletes what is older than ``ALEX_TRACE_RETENTION_DAYS``. Nothing here waits on the
database in the thread that ended the span: the queue is bounded, and when it is full (the
database is down, say) spans are dropped and counted rather than slowing a job.

Only an allow-list of attributes is kept (names, models, token counts, outcomes, status codes),
never prompt or response content, whatever ``ALEX_TRACE_CONTENT`` says.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import psycopg
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.util.types import AttributeValue

from alex.db import job_spans
from alex.db.engine import libpq_url
from alex.db.job_spans import NewSpan
from alex.observability.logging import get_logger
from alex.observability.metrics import SPANS_NOT_KEPT

log = get_logger("alex.span_store")

JOB_ATTRIBUTE: Final = "alex.job_id"
QUEUE_SPANS: Final = 10_000
BATCH_SPANS: Final = 500
TRACES_REMEMBERED: Final = 10_000
"""Traces whose job this process remembers (the most recent; a job's spans all end within it)."""
RETENTION_EVERY_SECONDS: Final = 3600.0
WRITE_WITHIN_SECONDS: Final = 0.25
"""A kept span reaches the table at most this long after it ended (database willing): a page
opened as its job ends finds the trace."""
_IDLE_WAIT_SECONDS: Final = 1.0
_VALUE_CHARS: Final = 300

_KEPT_PREFIXES: Final = ("gen_ai.", "alex.", "http.", "error.")
_KEPT_NAMES: Final = frozenset({"session.id", "user.id", "exception.type", "db.system", "db.operation"})
# GenAI attributes that carry content, left out even when content is exported.
_CONTENT: Final = frozenset(
    {
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
        "gen_ai.tool.definitions",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
        "gen_ai.prompt",
        "gen_ai.completion",
    }
)


def kept_attributes(attributes: Mapping[str, AttributeValue] | None) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in (attributes or {}).items():
        if name in _CONTENT or not (name in _KEPT_NAMES or name.startswith(_KEPT_PREFIXES)):
            continue
        if isinstance(value, str):
            kept[name] = value[:_VALUE_CHARS]
        elif isinstance(value, Sequence):
            kept[name] = [item[:_VALUE_CHARS] if isinstance(item, str) else item for item in value][:20]
        else:
            kept[name] = value
    return kept


def _when(nanoseconds: int | None) -> datetime:
    return datetime.fromtimestamp((nanoseconds or 0) / 1e9, tz=UTC)


def as_new_span(span: ReadableSpan, job_id: uuid.UUID) -> NewSpan:
    context = span.get_span_context()
    assert context is not None
    return NewSpan(
        job_id=job_id,
        trace_id=f"{context.trace_id:032x}",
        span_id=f"{context.span_id:016x}",
        parent_span_id=None if span.parent is None else f"{span.parent.span_id:016x}",
        name=span.name,
        kind=span.kind.name.lower(),
        status=span.status.status_code.name.lower(),
        started_at=_when(span.start_time),
        ended_at=_when(span.end_time),
        attributes=kept_attributes(span.attributes),
        events=[
            {
                "name": event.name,
                "timestamp": _when(event.timestamp).isoformat(),
                "attributes": kept_attributes(event.attributes),
            }
            for event in span.events
        ],
    )


@dataclass(frozen=True, slots=True)
class _Flush:
    done: threading.Event


class JobSpanStore(SpanProcessor):
    """The process's one store; ``attach`` points it at a database, ``detach`` stops it.

    Installed once on the tracer provider (processors cannot be removed), it does nothing while
    detached. One database per process: the last ``attach`` wins (tests run one app at a time).
    """

    def __init__(self) -> None:
        self._jobs: OrderedDict[int, uuid.UUID] = OrderedDict()
        self._lock = threading.Lock()
        self._writer: _Writer | None = None

    def attach(self, database_url: str, *, retention_days: int) -> None:
        with self._lock:
            previous, self._writer = self._writer, _Writer(database_url, retention_days=retention_days)
        if previous is not None:
            previous.stop()

    def detach(self) -> None:
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.stop()

    @property
    def attached(self) -> bool:
        return self._writer is not None

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        job = (span.attributes or {}).get(JOB_ATTRIBUTE)
        if isinstance(job, str):
            self._remember(span.get_span_context().trace_id, job)

    def on_end(self, span: ReadableSpan) -> None:
        writer = self._writer
        if writer is None or span.context is None:
            return
        named = (span.attributes or {}).get(JOB_ATTRIBUTE)
        job = self._remember(span.context.trace_id, named) if isinstance(named, str) else None
        job = job or self._jobs.get(span.context.trace_id)
        if job is not None:
            writer.put(as_new_span(span, job))

    def _remember(self, trace_id: int, job: str) -> uuid.UUID | None:
        try:
            parsed = uuid.UUID(job)
        except ValueError:
            return None
        with self._lock:
            self._jobs[trace_id] = parsed
            self._jobs.move_to_end(trace_id)
            while len(self._jobs) > TRACES_REMEMBERED:
                self._jobs.popitem(last=False)
        return parsed

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        writer = self._writer
        return True if writer is None else writer.flush(timeout_millis / 1000)

    def shutdown(self) -> None:
        self.detach()


class _Writer:
    """The thread that writes kept spans; it owns its connection and reconnects when it breaks."""

    def __init__(self, database_url: str, *, retention_days: int) -> None:
        self.dsn = libpq_url(database_url)
        self.retention_days = retention_days
        self.queue: queue.Queue[NewSpan | _Flush | None] = queue.Queue(maxsize=QUEUE_SPANS)
        self._connection: psycopg.Connection[Any] | None = None
        self._last_retention = 0.0
        self._thread = threading.Thread(target=self._run, name="alex-span-store", daemon=True)
        self._thread.start()

    def put(self, span: NewSpan) -> None:
        try:
            self.queue.put_nowait(span)
        except queue.Full:
            SPANS_NOT_KEPT.labels("queue_full").inc()

    def flush(self, timeout_seconds: float) -> bool:
        marker = _Flush(threading.Event())
        try:
            self.queue.put(marker, timeout=timeout_seconds)
        except queue.Full:
            return False
        return marker.done.wait(timeout_seconds)

    def stop(self, timeout_seconds: float = 10.0) -> None:
        self.flush(timeout_seconds)
        self.queue.put(None)
        self._thread.join(timeout_seconds)

    def _run(self) -> None:
        pending: list[NewSpan] = []
        due = 0.0  # when the oldest pending span must be written
        while True:
            wait = _IDLE_WAIT_SECONDS if not pending else max(0.0, due - time.monotonic())
            try:
                item = self.queue.get(timeout=wait)
            except queue.Empty:
                item = _Flush(threading.Event())  # time to write what is waiting
            if isinstance(item, NewSpan):
                if not pending:
                    due = time.monotonic() + WRITE_WITHIN_SECONDS
                pending.append(item)
                if len(pending) < BATCH_SPANS and time.monotonic() < due:
                    continue
            self._write(pending)
            pending = []
            if isinstance(item, _Flush):
                item.done.set()
            if item is None:
                self._close()
                return
            self._retain()

    def _write(self, spans: list[NewSpan]) -> None:
        if not spans:
            return
        try:
            job_spans.insert_batch(self._connect(), spans)
        except Exception as exc:
            SPANS_NOT_KEPT.labels("database").inc(len(spans))
            log.warning("could not keep spans", spans=len(spans), error_type=type(exc).__name__)
            self._close()

    def _retain(self) -> None:
        now = time.monotonic()
        if now - self._last_retention < RETENTION_EVERY_SECONDS:
            return
        self._last_retention = now
        try:
            deleted = job_spans.delete_older_than(self._connect(), days=self.retention_days)
        except Exception as exc:
            log.warning("could not delete old spans", error_type=type(exc).__name__)
            self._close()
            return
        if deleted:
            log.info("deleted old spans", spans=deleted, retention_days=self.retention_days)

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(self.dsn, connect_timeout=5, application_name="alex-spans")
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception as exc:  # already broken
                log.debug("closing the span store's connection failed", error_type=type(exc).__name__)
            self._connection = None


SPAN_STORE: Final = JobSpanStore()
"""The process's store, installed on the tracer provider by ``tracing.configure_tracing``."""
