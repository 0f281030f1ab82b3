"""A job's trace, as the API and the analysis page show it: its kept spans as a tree, with timings.

The spans come from ``job_spans`` (every process's, every attempt's); ``build_trace`` turns them
into a view without touching the database: depth-first tree order (children by start time), each
span's offset from the trace's first start and its duration, a few display attributes (model,
tokens, outcome, HTTP status, step, attempt) and its events. A span whose parent is not among the
job's spans (kept only by another process, or dropped) is shown as a root.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import job_spans
from alex.db.models import Job

MAX_SPANS: Final = 2000
"""The view shows at most this many spans of a job (the first to start)."""
MIN_BAR_PCT: Final = 0.3
"""The narrowest bar of the waterfall (percent of the total), so an instant span stays visible."""
BEING_WRITTEN: Final = "This analysis's trace is still being written: reload the page in a moment."
WRITING_GRACE: Final = timedelta(minutes=1)
"""After a job ends, how long missing spans are taken to be on their way rather than not kept."""
NO_SPANS: Final = (
    "No trace is kept for this analysis: tracing was off when it ran, or its spans have expired."
)

Scalar = str | int | float | bool
AttributeValue = Scalar | list[Scalar]


class SpanRow(Protocol):
    """What ``build_trace`` reads of a kept span (a ``JobSpan`` row, or a ``NewSpan``)."""

    @property
    def trace_id(self) -> str: ...
    @property
    def span_id(self) -> str: ...
    @property
    def parent_span_id(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime: ...
    @property
    def attributes(self) -> Mapping[str, Any]: ...
    @property
    def events(self) -> Sequence[Any]: ...


@dataclass(frozen=True, slots=True)
class TraceEvent:
    name: str
    offset_ms: float | None
    """After the trace's first start; ``None`` when the event's time is unreadable."""
    attributes: dict[str, AttributeValue]

    @property
    def label(self) -> str:
        """How the page names it: a guardrail's check and outcome (``"guardrail schema: re_asked"``)."""
        check = self.attributes.get("alex.guardrail.check")
        outcome = self.attributes.get("alex.guardrail.outcome")
        if self.name == "guardrail" and check is not None and outcome is not None:
            return f"guardrail {check}: {outcome}"
        return self.name


@dataclass(frozen=True, slots=True)
class TraceSpan:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    status: str
    depth: int
    """0 for a root."""
    offset_ms: float
    duration_ms: float
    model: str | None
    tokens_in: int | None
    tokens_out: int | None
    outcome: str | None
    status_code: int | None
    step: str | None
    attempt: int | None
    events: list[TraceEvent]
    bar_left_pct: float
    """Where the span's bar starts, in percent of the trace's total (the page's waterfall)."""
    bar_width_pct: float

    @property
    def failed(self) -> bool:
        return self.status == "error"


@dataclass(frozen=True, slots=True)
class TraceView:
    spans: list[TraceSpan]
    """Depth-first tree order, children by start time."""
    trace_ids: list[str]
    """In the order their first span appears."""
    started_at: datetime | None
    total_ms: float
    """From the first start to the last end."""
    truncated: bool
    message: str | None
    """Why spans are missing (none kept, or only the first ``MAX_SPANS``); ``None`` otherwise."""


async def job_trace(session: AsyncSession, *, job: Job) -> TraceView:
    """The trace of one of the person's jobs (``job`` comes from ``analyses.get_analysis``)."""
    rows = await job_spans.for_job(session, job_id=job.id, limit=MAX_SPANS + 1)
    view = build_trace(rows)
    ended = job.completed_at
    if not view.spans and ended is not None and datetime.now(UTC) - ended < WRITING_GRACE:
        # Spans reach the table a moment after the job ends (the job's own span ends last).
        return replace(view, message=BEING_WRITTEN)
    return view


def build_trace(rows: Sequence[SpanRow], *, limit: int = MAX_SPANS) -> TraceView:
    """The view of a job's spans (``rows`` oldest start first, as ``job_spans.for_job`` reads them;
    any order works). Only the first ``limit`` by start time are kept."""
    ordered = sorted(range(len(rows)), key=lambda i: (_utc(rows[i].started_at), i))
    truncated = len(ordered) > limit
    kept = [rows[i] for i in ordered[:limit]]
    if not kept:
        return TraceView(
            spans=[], trace_ids=[], started_at=None, total_ms=0.0, truncated=False, message=NO_SPANS
        )
    start = _utc(kept[0].started_at)
    end = max(max(_utc(row.ended_at), _utc(row.started_at)) for row in kept)
    total_ms = _ms(end - start)
    spans = [
        _span(kept[index], depth=depth, start=start, total_ms=total_ms) for index, depth in _tree_order(kept)
    ]
    return TraceView(
        spans=spans,
        trace_ids=list(dict.fromkeys(span.trace_id for span in spans)),
        started_at=start,
        total_ms=total_ms,
        truncated=truncated,
        message=f"Only the first {limit} spans of this analysis are shown." if truncated else None,
    )


def _tree_order(rows: Sequence[SpanRow]) -> list[tuple[int, int]]:
    """(index, depth) of every row, depth-first; ``rows`` is sorted by start, so children are too.

    Iterative (a deep chain must not hit the recursion limit); a row visited once is never visited
    again, so duplicated span ids or a cycle of parents cannot loop or repeat a span.
    """
    known = {row.span_id for row in rows}
    children: dict[str, list[int]] = {}
    roots: list[int] = []
    for index, row in enumerate(rows):
        parent = row.parent_span_id
        if parent is None or parent not in known or parent == row.span_id:
            roots.append(index)
        else:
            children.setdefault(parent, []).append(index)
    order: list[tuple[int, int]] = []
    seen: set[int] = set()

    def walk(root: int) -> None:
        stack = [(root, 0)]
        while stack:
            index, depth = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            order.append((index, depth))
            below = children.get(rows[index].span_id, [])
            stack.extend((child, depth + 1) for child in reversed(below))

    for root in roots:
        walk(root)
    # Rows in a cycle of parents have no root above them: each starts a tree of its own.
    for index in range(len(rows)):
        if index not in seen:
            walk(index)
    return order


def _span(row: SpanRow, *, depth: int, start: datetime, total_ms: float) -> TraceSpan:
    began = _utc(row.started_at)
    offset_ms = _ms(began - start)
    duration_ms = _ms(max(_utc(row.ended_at) - began, timedelta(0)))
    left, width = _bar(offset_ms, duration_ms, total_ms)
    attributes = row.attributes if isinstance(row.attributes, Mapping) else {}
    return TraceSpan(
        trace_id=row.trace_id,
        span_id=row.span_id,
        parent_span_id=row.parent_span_id,
        name=row.name,
        kind=row.kind,
        status=row.status,
        depth=depth,
        offset_ms=offset_ms,
        duration_ms=duration_ms,
        model=_text(attributes, "gen_ai.response.model") or _text(attributes, "gen_ai.request.model"),
        tokens_in=_count(attributes, "gen_ai.usage.input_tokens"),
        tokens_out=_count(attributes, "gen_ai.usage.output_tokens"),
        outcome=_text(attributes, "alex.outcome"),
        status_code=_count(attributes, "http.response.status_code"),
        step=_text(attributes, "alex.step"),
        attempt=_count(attributes, "alex.attempt"),
        events=[_event(event, start) for event in row.events if isinstance(event, Mapping)],
        bar_left_pct=left,
        bar_width_pct=width,
    )


def _event(event: Mapping[str, Any], start: datetime) -> TraceEvent:
    moment = _moment(event.get("timestamp"))
    attributes = event.get("attributes")
    return TraceEvent(
        name=str(event.get("name") or "event"),
        offset_ms=None if moment is None else _ms(moment - start),
        attributes=_attributes(attributes if isinstance(attributes, Mapping) else {}),
    )


def _attributes(found: Mapping[str, Any]) -> dict[str, AttributeValue]:
    """The scalar and list-of-scalar values (all an OpenTelemetry attribute may be); others dropped."""
    kept: dict[str, AttributeValue] = {}
    for key, value in found.items():
        if isinstance(value, str | int | float | bool):
            kept[str(key)] = value
        elif isinstance(value, list) and all(isinstance(item, str | int | float | bool) for item in value):
            kept[str(key)] = list(value)
    return kept


def _bar(offset_ms: float, duration_ms: float, total_ms: float) -> tuple[float, float]:
    if total_ms <= 0:
        return 0.0, 100.0
    left = min(max(offset_ms / total_ms * 100, 0.0), 100.0 - MIN_BAR_PCT)
    width = min(max(duration_ms / total_ms * 100, MIN_BAR_PCT), 100.0 - left)
    return round(left, 2), round(width, 2)


def _text(attributes: Mapping[str, Any], key: str) -> str | None:
    value = attributes.get(key)
    return value if isinstance(value, str) and value else None


def _count(attributes: Mapping[str, Any], key: str) -> int | None:
    value = attributes.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _utc(moment: datetime) -> datetime:
    """Aware, in UTC (a naive time is taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _ms(delta: timedelta) -> float:
    """In milliseconds, to 0.1 ms."""
    return round(delta.total_seconds() * 1000, 1)
