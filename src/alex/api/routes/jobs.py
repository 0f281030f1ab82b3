"""Analysis jobs of the signed-in user: start one, list them, read one, follow its progress, audit it,
trace it."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from alex.api.schemas import (
    AiDecisionPublic,
    AnalyzeResponse,
    JobAudit,
    JobList,
    JobPublic,
    JobTrace,
    TraceSpanPublic,
)
from alex.db.job_events import Event
from alex.http.deps import ContextDep, CurrentUser, OwnedJob, SessionDep
from alex.services import analyses, leases, traces
from alex.services.analyses import AnalyzeRequest

router = APIRouter(prefix="/api", tags=["analysis"])

_POLL_SECONDS = 0.25
_KEEPALIVE_SECONDS = 15.0
_MAX_STREAM_SECONDS = 3600.0
_LEASE_SECONDS = 90.0
"""A stream's slot outlives a dead process by at most this; a live stream renews it."""


@router.post("/analyze", status_code=202, responses={429: {"description": "too many unfinished jobs"}})
async def analyze(
    user: CurrentUser, session: SessionDep, context: ContextDep, body: AnalyzeRequest | None = None
) -> AnalyzeResponse:
    """Start an analysis of your portfolio; follow it with GET /api/jobs/{job_id}/events."""
    job = await analyses.start_analysis(
        session, user_id=user.id, request=body or AnalyzeRequest(), settings=context.settings
    )
    return AnalyzeResponse(job_id=job.id, message="Analysis started. Check job status for results.")


@router.get("/jobs")
async def list_jobs(
    user: CurrentUser, session: SessionDep, limit: Annotated[int, Query(ge=1, le=100)] = 100
) -> JobList:
    """Your jobs, newest first."""
    found = await analyses.list_analyses(session, user_id=user.id, limit=limit)
    return JobList(jobs=[JobPublic.model_validate(job) for job in found])


@router.get("/jobs/{job_id}")
async def get_job(job: OwnedJob) -> JobPublic:
    return JobPublic.model_validate(job)


@router.get("/jobs/{job_id}/audit")
async def job_audit(job: OwnedJob, session: SessionDep) -> JobAudit:
    """The explained decisions behind a job: one row per agent run, with the model, prompt version,
    input hash, guardrail outcomes, tokens and cost.

    Oldest first, every attempt's runs included; a job that ran without a model lists the offline
    writer's sections (model ``"offline"``). Another user's job is not found (404).
    """
    decisions = await analyses.audit(session, job=job)
    return JobAudit(job_id=job.id, decisions=[AiDecisionPublic.model_validate(row) for row in decisions])


@router.get("/jobs/{job_id}/trace")
async def job_trace(job: OwnedJob, session: SessionDep) -> JobTrace:
    """The job's trace: one row per kept span (the request, each attempt, its steps, agent runs and
    model calls), in tree order with each span's depth, offset and duration in milliseconds.

    At most the first 2000 spans (``truncated``). No spans when tracing was off or the spans have
    expired (``message`` says so). Another user's job is not found (404).
    """
    view = await traces.job_trace(session, job=job)
    return JobTrace(
        job_id=job.id,
        trace_ids=view.trace_ids,
        started_at=view.started_at,
        total_ms=view.total_ms,
        truncated=view.truncated,
        message=view.message,
        spans=[TraceSpanPublic.model_validate(span) for span in view.spans],
    )


def _frame(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(event.as_json())}\n\n"


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}},
)
async def job_events(
    job_id: uuid.UUID,
    user: CurrentUser,
    context: ContextDep,
    last_event_id: Annotated[int | None, Header(ge=0, le=2**62)] = None,
) -> StreamingResponse:
    """The job's progress as Server-Sent Events, step by step, history first.

    Resume with the standard ``Last-Event-ID`` header; the stream ends when the job has ended.
    A user may have a few streams open at once (429 beyond); none holds a database connection
    between its polls.
    """
    database = context.database
    # A session of its own, closed before the stream's slot is taken: a request holding one
    # connection while waiting for a second can deadlock a small pool.
    async with database.session() as session:
        job = await analyses.get_analysis(session, user_id=user.id, job_id=job_id)
    loop = asyncio.get_running_loop()
    limit = context.settings.event_streams_per_user
    # Taken before the response starts, so a refusal is a plain 429 rather than a broken stream.
    # (A response never started never releases it: its expiry does.)
    lease = await leases.take(
        database,
        user_id=job.user_id,
        kind="event_stream",
        limit=limit,
        ttl_seconds=_LEASE_SECONDS,
        refusal=f"You already have {limit} progress streams open: close one (another tab?) first.",
    )

    async def stream() -> AsyncIterator[str]:
        try:
            async for frame in frames():
                yield frame
        finally:
            await lease.release()

    async def frames() -> AsyncIterator[str]:
        after = last_event_id or 0
        started = last_sent = renewed = loop.time()
        yield "retry: 2000\n\n"
        while loop.time() - started < _MAX_STREAM_SECONDS:
            if loop.time() - renewed > _LEASE_SECONDS / 3:
                await lease.renew()
                renewed = loop.time()
            # Read the status before the events: a job that ended did so after its last event was
            # written, so an empty read after a "finished" status really is the end.
            finished = await analyses.has_finished(database, job=job)
            batch = await analyses.progress(database, job=job, after_id=after)
            for event in batch:
                after = event.id
                yield _frame(event)
            if batch:
                last_sent = loop.time()
            elif finished:
                return
            elif loop.time() - last_sent > _KEEPALIVE_SECONDS:
                last_sent = loop.time()
                yield ": keep-alive\n\n"
            await asyncio.sleep(_POLL_SECONDS)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
