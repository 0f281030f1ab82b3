"""Job progress events: persisted (a late subscriber sees the history) and streamed over SSE."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select

from alex.db.engine import Database
from alex.db.models import JobEvent
from alex.observability.logging import get_logger

log = get_logger("alex.events")

EventKind = Literal[
    "job_started",
    "step_started",
    "step_finished",
    "step_failed",
    "step_progress",
    "job_retrying",
    "job_completed",
    "job_failed",
]


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    job_id: uuid.UUID
    attempt: int
    kind: str
    step: str | None
    message: str
    data: dict[str, Any] | None
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "job_id": str(self.job_id),
            "attempt": self.attempt,
            "kind": self.kind,
            "step": self.step,
            "message": self.message,
            "data": self.data,
            "timestamp": self.created_at.isoformat(),
        }


async def record(
    database: Database,
    *,
    job_id: uuid.UUID,
    attempt: int,
    kind: EventKind,
    message: str,
    step: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    async with database.session() as session:
        session.add(
            JobEvent(job_id=job_id, attempt=attempt, kind=kind, step=step, message=message, data=data)
        )
        await session.commit()


async def record_best_effort(
    database: Database,
    *,
    job_id: uuid.UUID,
    attempt: int,
    kind: EventKind,
    message: str,
    step: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record a progress event, logging instead of raising: progress is best effort, the job's
    own state is what counts (outcome events go with the outcome, see queue.OutcomeEvent)."""
    try:
        await record(
            database, job_id=job_id, attempt=attempt, kind=kind, message=message, step=step, data=data
        )
    except Exception as exc:
        log.warning("could not record event", job_id=str(job_id), error_type=type(exc).__name__)


async def since(database: Database, *, job_id: uuid.UUID, after_id: int, limit: int = 500) -> list[Event]:
    async with database.session() as session:
        rows = (
            await session.execute(
                select(JobEvent)
                .where(JobEvent.job_id == job_id, JobEvent.id > after_id)
                .order_by(JobEvent.id)
                .limit(limit)
            )
        ).scalars()
        return [
            Event(
                id=row.id,
                job_id=row.job_id,
                attempt=row.attempt,
                kind=row.kind,
                step=row.step,
                message=row.message,
                data=row.data,
                created_at=row.created_at,
            )
            for row in rows
        ]
