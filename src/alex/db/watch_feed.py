"""The queries behind ``alex watch``: every worker's job events and agent runs, in time order.

Two tables are followed from a position: ``job_events`` by its identity ``id`` and
``ai_decisions`` by ``(created_at, id)`` (its key is a random UUID). Both are read on a plain,
autocommit psycopg connection: each query is its own short transaction, none is held between
polls.

A row can commit after a row that follows it in that order (``id`` and ``created_at`` are given
when a transaction inserts, not when it commits), so a cursor alone would skip it when two
workers write at once. Each batch therefore also looks back over the last ``LATE_SECONDS``
(on the database's clock) for rows that are not yet shown; those shown within that window are
remembered, so none is shown twice. A transaction that stays open longer than that can still be
missed: Alex's writers commit these rows within milliseconds.

Times come from the database's clock, never this machine's: the watched database may be remote.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

PAGE: Final = 500
"""Rows read from each table per query; a backlog (a long lookback) is read in several batches."""
LATE_SECONDS: Final = 30.0
"""How far back each batch looks for rows that committed after later ones were read."""

Connection = psycopg.Connection[TupleRow]


@dataclass(frozen=True, slots=True)
class Filters:
    """What to show; ``None`` shows everything.

    With ``agent``, only that agent's runs and its workflow steps (``<agent>`` and
    ``<agent>_fallback``) are shown, not the job-level events around them.
    """

    job_id: uuid.UUID | None = None
    user_id: str | None = None
    agent: str | None = None


@dataclass(frozen=True, slots=True)
class JobEventItem:
    """One ``job_events`` row, with the job's user."""

    id: int
    job_id: uuid.UUID
    user_id: str
    attempt: int
    kind: str
    step: str | None
    message: str
    data: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Guardrail:
    check: str
    outcome: str
    detail: str


@dataclass(frozen=True, slots=True)
class DecisionItem:
    """One ``ai_decisions`` row: an agent run and its guardrails' verdicts."""

    id: uuid.UUID
    job_id: uuid.UUID
    user_id: str
    attempt: int
    agent: str
    subject: str | None
    model: str
    outcome: str
    tokens_in: int
    tokens_out: int
    duration_ms: Decimal
    guardrails: tuple[Guardrail, ...]
    created_at: datetime


Item = JobEventItem | DecisionItem
_ItemT = TypeVar("_ItemT", JobEventItem, DecisionItem)
_KeyT = TypeVar("_KeyT")


@dataclass(frozen=True, slots=True)
class Position:
    """How far the watch has read. Immutable: ``next_batch`` returns the next one."""

    since: datetime
    """Nothing created before this is shown (the start minus the lookback)."""
    checked_at: datetime
    """The database's clock at the last batch; the next one looks ``LATE_SECONDS`` before it."""
    event_id: int
    """Every job event up to this id has been read (or is late: see the module's docstring)."""
    decision_at: datetime
    decision_id: uuid.UUID
    """Every agent run up to this (created_at, id) has been read (or is late)."""
    shown_events: tuple[tuple[int, datetime], ...] = ()
    """The events shown within the late window, with their times: none is shown twice."""
    shown_decisions: tuple[tuple[uuid.UUID, datetime], ...] = ()
    """The agent runs shown within the late window, with their times."""
    caught_up: bool = True
    """False when a query returned a full page: read again at once, there is more."""


def start(connection: Connection, lookback_minutes: float) -> Position:
    """The position ``lookback_minutes`` ago: the first batches show what happened since.

    The event cursor starts at the newest event older than that by ``LATE_SECONDS`` more (a
    backwards scan of the primary key over the lookback's rows), so an event of the lookback
    that got its id before an older one committed is read too; ``since`` leaves out the older.
    """
    row = connection.execute(
        """
        WITH clock AS (SELECT now() AS now, now() - make_interval(secs => %(seconds)s) AS since)
        SELECT clock.now, clock.since, (
            SELECT coalesce(max(e.id), 0) FROM job_events AS e
            WHERE e.created_at < clock.since - make_interval(secs => %(late)s)
        )
        FROM clock
        """,
        {"seconds": float(lookback_minutes) * 60, "late": LATE_SECONDS},
    ).fetchone()
    assert row is not None
    now, since, event_id = row
    return Position(
        since=since, checked_at=now, event_id=int(event_id), decision_at=since, decision_id=uuid.UUID(int=0)
    )


def next_batch(
    connection: Connection, position: Position, filters: Filters, *, limit: int = PAGE
) -> tuple[list[Item], Position]:
    """What was written since ``position`` (both tables, merged in time order), and the new position.

    When a table returns a full page, the other's rows newer than that page are kept back for
    the next batch, so the merged output stays in time order across batches; ``caught_up`` is
    then False.
    """
    row = connection.execute("SELECT now(), (SELECT coalesce(max(id), 0) FROM job_events)").fetchone()
    assert row is not None
    now, top = row[0], int(row[1])
    window = max(position.since, position.checked_at - timedelta(seconds=LATE_SECONDS))
    read_events = _events(connection, position, filters, top=top, window=window, limit=limit)
    read_decisions = _decisions(connection, position, filters, window=window, limit=limit)
    events_full, decisions_full = len(read_events) == limit, len(read_decisions) == limit

    # A full page is known to be complete only up to its newest row: the batch stops there.
    ends = [
        max(item.created_at for item in page)
        for page, full in ((read_events, events_full), (read_decisions, decisions_full))
        if full
    ]
    events, decisions = read_events, read_decisions
    if ends:
        events, decisions = _until(read_events, min(ends)), _until(read_decisions, min(ends))

    if events_full or len(events) < len(read_events):
        # More to read: resume after the last row shown (late rows are below the cursor anyway).
        event_id = max([position.event_id, *(item.id for item in events)])
    else:
        # Every visible event up to ``top`` was read; those that did not match the filters need
        # not be scanned again (one committing later is a late row).
        event_id = top
    decision_at, decision_id = max(
        [(position.decision_at, position.decision_id), *((item.created_at, item.id) for item in decisions)]
    )
    horizon = now - timedelta(seconds=LATE_SECONDS)
    items: list[Item] = sorted([*events, *decisions], key=lambda item: item.created_at)
    return items, replace(
        position,
        checked_at=now,
        event_id=event_id,
        decision_at=decision_at,
        decision_id=decision_id,
        shown_events=_recent(position.shown_events, [(item.id, item.created_at) for item in events], horizon),
        shown_decisions=_recent(
            position.shown_decisions, [(item.id, item.created_at) for item in decisions], horizon
        ),
        caught_up=not (events_full or decisions_full),
    )


# The rows after the cursor, and the late ones: within the window, below the cursor, not shown.
# The lower bound of ``id`` is the newest event older than the window (a short backwards scan of
# the primary key), so each batch reads only the window's rows and the new ones.
_EVENTS: Final = sql.SQL(
    """
    SELECT e.id, e.job_id, j.user_id, e.attempt, e.kind, e.step, e.message, e.data, e.created_at
    FROM job_events AS e JOIN jobs AS j ON j.id = e.job_id
    WHERE e.id > (
            SELECT coalesce(max(o.id), 0) FROM job_events AS o
            WHERE o.id <= %(after)s AND o.created_at < %(window)s
        )
        AND e.id <= %(top)s
        AND e.created_at >= %(since)s
        AND (e.id > %(after)s OR e.created_at >= %(window)s)
        AND e.id <> ALL(%(shown)s::bigint[])
        {filters}
    ORDER BY e.id
    LIMIT %(limit)s
    """
)
_DECISIONS: Final = sql.SQL(
    """
    SELECT d.id, d.job_id, d.user_id, d.attempt, d.agent, d.subject, d.model, d.outcome,
           d.tokens_in, d.tokens_out, d.duration_ms, d.guardrails, d.created_at
    FROM ai_decisions AS d
    WHERE d.created_at >= %(since)s
        AND ((d.created_at, d.id) > (%(after_at)s, %(after_id)s) OR d.created_at >= %(window)s)
        AND d.id <> ALL(%(shown)s::uuid[])
        {filters}
    ORDER BY d.created_at, d.id
    LIMIT %(limit)s
    """
)


def _events(
    connection: Connection, position: Position, filters: Filters, *, top: int, window: datetime, limit: int
) -> list[JobEventItem]:
    clauses: list[sql.Composable] = []
    if filters.job_id is not None:
        clauses.append(sql.SQL("e.job_id = %(job_id)s"))
    if filters.user_id is not None:
        clauses.append(sql.SQL("j.user_id = %(user_id)s"))
    if filters.agent is not None:
        clauses.append(sql.SQL("e.step IN (%(agent)s, %(agent_fallback)s)"))
    rows = connection.execute(
        _EVENTS.format(filters=_and(clauses)),
        {
            **_parameters(filters),
            "after": position.event_id,
            "top": top,
            "since": position.since,
            "window": window,
            "shown": [key for key, _ in position.shown_events],
            "limit": limit,
        },
    ).fetchall()
    return [
        JobEventItem(
            id=int(row[0]),
            job_id=row[1],
            user_id=row[2],
            attempt=int(row[3]),
            kind=row[4],
            step=row[5],
            message=row[6],
            data=row[7] if isinstance(row[7], dict) else None,
            created_at=row[8],
        )
        for row in rows
    ]


def _decisions(
    connection: Connection, position: Position, filters: Filters, *, window: datetime, limit: int
) -> list[DecisionItem]:
    clauses: list[sql.Composable] = []
    if filters.job_id is not None:
        clauses.append(sql.SQL("d.job_id = %(job_id)s"))
    if filters.user_id is not None:
        clauses.append(sql.SQL("d.user_id = %(user_id)s"))
    if filters.agent is not None:
        clauses.append(sql.SQL("d.agent = %(agent)s"))
    rows = connection.execute(
        _DECISIONS.format(filters=_and(clauses)),
        {
            **_parameters(filters),
            "since": position.since,
            "after_at": position.decision_at,
            "after_id": position.decision_id,
            "window": window,
            "shown": [key for key, _ in position.shown_decisions],
            "limit": limit,
        },
    ).fetchall()
    return [
        DecisionItem(
            id=row[0],
            job_id=row[1],
            user_id=row[2],
            attempt=int(row[3]),
            agent=row[4],
            subject=row[5],
            model=row[6],
            outcome=row[7],
            tokens_in=int(row[8]),
            tokens_out=int(row[9]),
            duration_ms=Decimal(row[10]),
            guardrails=_guardrails(row[11]),
            created_at=row[12],
        )
        for row in rows
    ]


def _and(clauses: Sequence[sql.Composable]) -> sql.Composable:
    return sql.SQL("").join(sql.SQL("AND ") + clause + sql.SQL(" ") for clause in clauses)


def _parameters(filters: Filters) -> dict[str, Any]:
    return {
        "job_id": filters.job_id,
        "user_id": filters.user_id,
        "agent": filters.agent,
        # The offline writer's step when the agent's run failed (see alex.analysis.workflow).
        "agent_fallback": None if filters.agent is None else f"{filters.agent}_fallback",
    }


def _guardrails(stored: Any) -> tuple[Guardrail, ...]:
    """The stored list of ``{"check", "outcome", "detail"}``; anything else in it is skipped."""
    if not isinstance(stored, list):
        return ()
    return tuple(
        Guardrail(
            check=str(event.get("check", "?")),
            outcome=str(event.get("outcome", "?")),
            detail=str(event.get("detail", "")),
        )
        for event in stored
        if isinstance(event, dict)
    )


def _until(page: Sequence[_ItemT], end: datetime) -> list[_ItemT]:
    """The page's rows up to the first one newer than ``end`` (a prefix: the cursor stays valid)."""
    return list(itertools.takewhile(lambda item: item.created_at <= end, page))


def _recent(
    shown: Sequence[tuple[_KeyT, datetime]], new: Sequence[tuple[_KeyT, datetime]], horizon: datetime
) -> tuple[tuple[_KeyT, datetime], ...]:
    """What was shown, without what is older than the next batch's late window."""
    return tuple(entry for entry in (*shown, *new) if entry[1] >= horizon)
