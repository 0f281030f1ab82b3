"""The kept spans of each job's trace (the built-in trace view).

Spans are written from the tracing pipeline's own thread on a plain psycopg connection (a span
ends in whatever thread ran it, outside any event loop), and read back by the job's owner through
the API. The owner check is the caller's, as for the audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import JobSpan


@dataclass(frozen=True, slots=True)
class NewSpan:
    job_id: uuid.UUID
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    status: str
    started_at: datetime
    ended_at: datetime
    attributes: dict[str, Any]
    events: list[dict[str, Any]]


# A span whose job is gone (deleted with its user meanwhile) is skipped rather than failing the batch.
_INSERT = """
INSERT INTO job_spans (job_id, trace_id, span_id, parent_span_id, name, kind, status,
                       started_at, ended_at, attributes, events)
SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s
WHERE EXISTS (SELECT 1 FROM jobs WHERE id = %s)
"""


def insert_batch(connection: psycopg.Connection[Any], spans: list[NewSpan]) -> None:
    """Insert the spans in one transaction on ``connection`` (autocommit off), committing it."""
    with connection.cursor() as cursor:
        cursor.executemany(
            _INSERT,
            [
                (
                    span.job_id,
                    span.trace_id,
                    span.span_id,
                    span.parent_span_id,
                    span.name[:200],
                    span.kind,
                    span.status,
                    span.started_at,
                    span.ended_at,
                    Jsonb(span.attributes),
                    Jsonb(span.events),
                    span.job_id,
                )
                for span in spans
            ],
        )
    connection.commit()


def delete_older_than(connection: psycopg.Connection[Any], *, days: int) -> int:
    """Retention: drop spans that ended more than ``days`` ago; returns how many went."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM job_spans WHERE ended_at < now() - make_interval(days => %s)", (days,))
        deleted = cursor.rowcount
    connection.commit()
    return deleted


async def for_job(session: AsyncSession, *, job_id: uuid.UUID, limit: int = 2000) -> list[JobSpan]:
    """The job's spans, every attempt's, in the order they started."""
    result = await session.execute(
        select(JobSpan).where(JobSpan.job_id == job_id).order_by(JobSpan.started_at, JobSpan.id).limit(limit)
    )
    return list(result.scalars())
