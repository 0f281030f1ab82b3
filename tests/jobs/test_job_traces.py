"""A job's trace: every attempt, retried or not, continues the trace of the request that queued it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from opentelemetry.trace import SpanKind

from alex.db import job_queue
from alex.db.engine import Database
from alex.db.job_queue import Claim
from alex.failures import TransientError
from alex.jobs.worker import JobResult, Worker, WorkerConfig
from alex.observability import tracing
from alex.settings import Settings
from tests.support.spans import captured

FAST = WorkerConfig(concurrency=1, heartbeat_seconds=60, poll_seconds=0.05, retry_base_seconds=0)


async def test_a_retried_job_continues_the_requests_trace_on_every_attempt(
    database: Database, tmp_path: Path
) -> None:
    done = asyncio.Event()

    async def flaky(claim: Claim) -> JobResult:
        if claim.attempt == 1:
            raise TransientError("the model timed out")
        done.set()
        return JobResult(payloads={})

    with captured(Settings(data_dir=tmp_path)) as spans:
        with tracing.tracer().start_as_current_span("POST /api/analyze", kind=SpanKind.SERVER) as request:
            async with database.session() as session:
                job = await job_queue.enqueue(
                    session,
                    user_id="u1",
                    job_type="portfolio_analysis",
                    request_payload={},
                    max_unfinished=5,
                    max_attempts=3,
                    trace_parent=tracing.current_traceparent(),
                )
        assert job.trace_parent is not None
        worker = Worker(database, {"portfolio_analysis": flaky}, config=FAST)
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(done.wait(), timeout=60)
        worker.stop()
        await asyncio.wait_for(task, timeout=60)
        finished = spans.get_finished_spans()

    attempts = sorted(
        (span for span in finished if span.name == "job portfolio_analysis"),
        key=lambda span: span.start_time or 0,
    )
    assert [dict(span.attributes or {})["alex.attempt"] for span in attempts] == [1, 2]
    request_context = request.get_span_context()
    for attempt in attempts:
        assert attempt.context is not None
        assert attempt.context.trace_id == request_context.trace_id
        assert attempt.parent is not None
        assert attempt.parent.span_id == request_context.span_id
        assert attempt.kind is SpanKind.CONSUMER
    failed, succeeded = attempts
    assert not failed.status.is_ok
    assert failed.status.description == "TransientError: the model timed out"
    assert succeeded.status.is_unset
