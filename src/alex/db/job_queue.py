"""A PostgreSQL job queue on the jobs table itself.

Each ``jobs`` row is its own queue entry, so enqueueing is the INSERT in the caller's
transaction: a job can never exist without its queue entry, and no reconciler is needed.
Workers claim the oldest runnable row with ``FOR UPDATE SKIP LOCKED``; a claim is the pair
(``locked_by``, ``attempts``) and every later write is fenced by it, so a worker whose claim
was taken away (it stopped heart-beating and the job was reclaimed) cannot overwrite the
result of the worker that finished the job. Exactly one result is ever visible.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.engine import Database
from alex.db.models import Job, JobEvent

JOBS_CHANNEL = "alex_jobs"
"""NOTIFY channel: a job became runnable (workers wake up instead of waiting for their poll)."""


class TooManyPendingJobsError(Exception):
    """The user already has the maximum number of unfinished jobs."""


@dataclass(frozen=True, slots=True)
class Claim:
    job_id: uuid.UUID
    job_type: str
    user_id: str
    attempt: int
    max_attempts: int
    worker: str
    trace_parent: str | None = None
    """The W3C traceparent of the request that queued the job (its attempts continue that trace)."""

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


async def enqueue(
    session: AsyncSession,
    *,
    user_id: str,
    job_type: str,
    request_payload: dict[str, Any],
    max_unfinished: int,
    max_attempts: int,
    trace_parent: str | None = None,
) -> Job:
    """Create the job (and so its queue entry) and wake the workers, committing the caller's session.

    The queue's operations are units of work of their own: this one commits (or, over the cap,
    rolls back) the session it is given, so the job and what led to it land together.
    """
    # Serialise enqueues of one user so two concurrent requests cannot both pass the cap.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:user))"), {"user": user_id})
    unfinished = await session.scalar(
        text("SELECT count(*) FROM jobs WHERE user_id = :user AND status IN ('pending', 'running')"),
        {"user": user_id},
    )
    if (unfinished or 0) >= max_unfinished:
        await session.rollback()
        raise TooManyPendingJobsError
    job = Job(
        user_id=user_id,
        job_type=job_type,
        request_payload=request_payload,
        max_attempts=max_attempts,
        trace_parent=trace_parent,
    )
    session.add(job)
    await session.flush()
    await session.execute(
        text("SELECT pg_notify(:channel, :job)"), {"channel": JOBS_CHANNEL, "job": str(job.id)}
    )
    await session.commit()
    await session.refresh(job)
    return job


async def claim_next(database: Database, *, worker: str) -> Claim | None:
    """Take the oldest runnable job, or None when there is nothing to do."""
    async with database.session() as session:
        row = (
            await session.execute(
                text(
                    """
                    UPDATE jobs SET status = 'running', locked_by = :worker, heartbeat_at = now(),
                           attempts = attempts + 1, started_at = coalesce(started_at, now())
                    WHERE id = (
                        SELECT id FROM jobs
                        WHERE status = 'pending' AND run_after <= now()
                        ORDER BY run_after, created_at
                        FOR UPDATE SKIP LOCKED
                        LIMIT 1
                    )
                    RETURNING id, job_type, user_id, attempts, max_attempts, trace_parent
                    """
                ),
                {"worker": worker},
            )
        ).one_or_none()
        await session.commit()
    if row is None:
        return None
    return Claim(
        job_id=row.id,
        job_type=row.job_type,
        user_id=row.user_id,
        attempt=row.attempts,
        max_attempts=row.max_attempts,
        worker=worker,
        trace_parent=row.trace_parent,
    )


_FENCE = "id = :job AND locked_by = :worker AND attempts = :attempt AND status = 'running'"


def _fence(claim: Claim) -> dict[str, Any]:
    return {"job": claim.job_id, "worker": claim.worker, "attempt": claim.attempt}


@dataclass(frozen=True, slots=True)
class OutcomeEvent:
    """The event that announces an outcome; written in the outcome's own transaction, so a worker
    killed right after publishing cannot leave an outcome without its event (SSE relies on it)."""

    kind: str
    message: str
    data: dict[str, Any] | None = None


def _add_event(session: AsyncSession, claim: Claim, event: OutcomeEvent | None) -> None:
    if event is not None:
        session.add(
            JobEvent(
                job_id=claim.job_id,
                attempt=claim.attempt,
                kind=event.kind,
                message=event.message,
                data=event.data,
            )
        )


async def _fenced_update(
    database: Database,
    claim: Claim,
    assignments: str,
    params: dict[str, Any],
    event: OutcomeEvent | None,
    *,
    json_params: tuple[str, ...] = (),
) -> bool:
    """Apply ``assignments`` only while ``claim`` still holds the job, with its event if it did."""
    statement = text(f"UPDATE jobs SET {assignments} WHERE {_FENCE}")  # noqa: S608 - fixed SQL fragments only
    statement = statement.bindparams(*(bindparam(name, type_=JSONB) for name in json_params))
    async with database.session() as session:
        result = await session.execute(statement, {**_fence(claim), **params})
        published = int(getattr(result, "rowcount", 0)) == 1
        if published:
            _add_event(session, claim, event)
        await session.commit()
    return published


async def heartbeat(database: Database, *, worker: str, job_ids: list[uuid.UUID]) -> None:
    if not job_ids:
        return
    async with database.session() as session:
        await session.execute(
            text(
                "UPDATE jobs SET heartbeat_at = now() "
                "WHERE id = ANY(:jobs) AND locked_by = :worker AND status = 'running'"
            ),
            {"jobs": job_ids, "worker": worker},
        )
        await session.commit()


async def complete(
    database: Database,
    claim: Claim,
    *,
    payloads: dict[str, Any],
    warnings: list[str],
    event: OutcomeEvent | None = None,
) -> bool:
    """Publish the result; False when this worker no longer holds the job (another will finish it)."""
    return await _fenced_update(
        database,
        claim,
        "status = 'completed', completed_at = now(), locked_by = NULL, heartbeat_at = NULL, "
        "error_message = NULL, summary_payload = :summary, report_payload = :report, "
        "charts_payload = :charts, retirement_payload = :retirement, warnings = :warnings",
        {
            "summary": payloads.get("summary"),
            "report": payloads.get("report"),
            "charts": payloads.get("charts"),
            "retirement": payloads.get("retirement"),
            "warnings": warnings,
        },
        event,
        json_params=("summary", "report", "charts", "retirement", "warnings"),
    )


async def retry_later(
    database: Database, claim: Claim, *, error: str, delay_seconds: float, event: OutcomeEvent | None = None
) -> bool:
    return await _fenced_update(
        database,
        claim,
        "status = 'pending', locked_by = NULL, heartbeat_at = NULL, error_message = :error, "
        "run_after = now() + make_interval(secs => :delay)",
        {"error": error, "delay": delay_seconds},
        event,
    )


async def fail(database: Database, claim: Claim, *, error: str, event: OutcomeEvent | None = None) -> bool:
    """Dead-letter the job: failed, with the reason, until someone retries it."""
    return await _fenced_update(
        database,
        claim,
        "status = 'failed', locked_by = NULL, heartbeat_at = NULL, error_message = :error, "
        "completed_at = now(), dead_lettered_at = now()",
        {"error": error},
        event,
    )


async def release(database: Database, claim: Claim) -> bool:
    """Give the job back untouched (graceful shutdown): the attempt does not count."""
    async with database.session() as session:
        result = await session.execute(
            text(
                f"UPDATE jobs SET status = 'pending', locked_by = NULL, heartbeat_at = NULL, "  # noqa: S608
                f"attempts = attempts - 1, run_after = now() WHERE {_FENCE}"
            ),
            _fence(claim),
        )
        await session.execute(
            text("SELECT pg_notify(:channel, :job)"), {"channel": JOBS_CHANNEL, "job": str(claim.job_id)}
        )
        await session.commit()
    return int(getattr(result, "rowcount", 0)) == 1


async def reclaim_stalled(database: Database, *, stalled_after_seconds: float) -> list[uuid.UUID]:
    """Return to the queue the jobs whose worker stopped heart-beating (it died or hung).

    A job that has used all its attempts is dead-lettered instead, so a job that kills its
    worker every time cannot loop forever.
    """
    async with database.session() as session:
        rows = (
            await session.execute(
                text(
                    """
                    UPDATE jobs SET
                        status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                        error_message = CASE WHEN attempts >= max_attempts
                            THEN 'the worker running this job stopped responding on the last attempt'
                            ELSE error_message END,
                        completed_at = CASE WHEN attempts >= max_attempts THEN now() ELSE completed_at END,
                        dead_lettered_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
                        locked_by = NULL, heartbeat_at = NULL, run_after = now()
                    WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => :stalled)
                    RETURNING id
                    """
                ),
                {"stalled": stalled_after_seconds},
            )
        ).all()
        if rows:
            await session.execute(text("SELECT pg_notify(:channel, 'reclaimed')"), {"channel": JOBS_CHANNEL})
        await session.commit()
    return [row.id for row in rows]


async def requeue(session: AsyncSession, *, job_id: uuid.UUID) -> bool:
    """Run a failed (dead-lettered) job again, with a fresh set of attempts."""
    result = await session.execute(
        text(
            "UPDATE jobs SET status = 'pending', attempts = 0, run_after = now(), dead_lettered_at = NULL, "
            "error_message = NULL, completed_at = NULL WHERE id = :job AND status = 'failed'"
        ),
        {"job": job_id},
    )
    await session.execute(
        text("SELECT pg_notify(:channel, :job)"), {"channel": JOBS_CHANNEL, "job": str(job_id)}
    )
    await session.commit()
    return int(getattr(result, "rowcount", 0)) == 1
