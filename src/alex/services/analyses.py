"""A person's analyses: start one (a job on the queue), read it, follow its progress, audit it."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from alex.analysis.workflow import JOB_TYPE
from alex.db import ai_decisions, job_events, job_queue, jobs
from alex.db.engine import Database
from alex.db.models import AiDecision, Job, JobStatus
from alex.observability import tracing
from alex.services import quotas
from alex.services.errors import NotFoundError, TooManyRequestsError
from alex.services.fields import Input
from alex.settings import Settings

RETRY_AFTER_SECONDS = 10
"""How long to wait before asking again when too many analyses are unfinished."""


class AnalyzeRequest(Input):
    analysis_type: Literal["portfolio"] = "portfolio"
    options: dict[str, Annotated[str | int | bool | None, Field()]] = Field(
        default_factory=dict, max_length=20
    )


async def start_analysis(
    session: AsyncSession, *, user_id: str, request: AnalyzeRequest, settings: Settings
) -> Job:
    """Queue an analysis of the person's portfolio, within the configured cap of unfinished ones
    and the daily quotas of analyses and model tokens."""
    await quotas.lock_user(session, user_id)
    today = quotas.today_start()
    quotas.require_daily_room(
        quota="analyses_per_day",
        what="analyses",
        used=await jobs.count_created_since(session, user_id=user_id, since=today),
        limit=settings.quota_analyses_per_day,
    )
    quotas.require_daily_room(
        quota="model_tokens_per_day",
        what="model tokens",
        used=await ai_decisions.tokens_since(session, user_id=user_id, since=today),
        limit=settings.quota_model_tokens_per_day,
    )
    try:
        job = await job_queue.enqueue(
            session,
            user_id=user_id,
            job_type=JOB_TYPE,
            request_payload=request.model_dump(mode="json"),
            max_unfinished=settings.max_unfinished_jobs_per_user,
            max_attempts=settings.job_max_attempts,
            # The job continues this request's trace, on whichever worker runs it.
            trace_parent=tracing.current_traceparent(),
        )
    except job_queue.TooManyPendingJobsError:
        raise TooManyRequestsError(
            f"You already have {settings.max_unfinished_jobs_per_user} analyses waiting or running; "
            "try again when one has finished.",
            retry_after=RETRY_AFTER_SECONDS,
        ) from None
    tracing.mark_analysis(job_id=str(job.id), user_id=user_id, settings=settings)
    return job


async def list_analyses(session: AsyncSession, *, user_id: str, limit: int) -> list[Job]:
    """Newest first."""
    return await jobs.list_for_user(session, user_id=user_id, limit=limit)


async def latest_analysis(session: AsyncSession, *, user_id: str) -> Job | None:
    found = await jobs.list_for_user(session, user_id=user_id, limit=1)
    return found[0] if found else None


async def get_analysis(session: AsyncSession, *, user_id: str, job_id: uuid.UUID) -> Job:
    job = await jobs.get_owned(session, user_id=user_id, job_id=job_id)
    if job is None:
        raise NotFoundError("job")
    return job


async def audit(session: AsyncSession, *, job: Job) -> list[AiDecision]:
    """The decisions behind one of the person's jobs (``job`` comes from ``get_analysis``), oldest first."""
    return await ai_decisions.for_job(session, job_id=job.id)


async def progress(
    database: Database, *, job: Job, after_id: int, limit: int = 500
) -> list[job_events.Event]:
    """The job's progress events after ``after_id`` (each read on a short session of its own, so a
    long-lived stream holds no connection between reads)."""
    return await job_events.since(database, job_id=job.id, after_id=after_id, limit=limit)


async def has_finished(database: Database, *, job: Job) -> bool:
    async with database.session() as session:
        status = await jobs.status_of(session, job_id=job.id)
    return status is not None and status.finished


def is_finished(job: Job) -> bool:
    return JobStatus(job.status).finished
