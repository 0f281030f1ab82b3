"""The worker loop with stand-in runners: outcomes, retries, dead letters, graceful shutdown."""

from __future__ import annotations

import asyncio
import uuid

from alex.db import job_events
from alex.db.engine import Database
from alex.db.job_queue import Claim
from alex.db.models import Job
from alex.failures import PermanentError, TransientError
from alex.jobs.worker import JobResult, Worker, WorkerConfig
from tests.support.jobs import enqueue_job

FAST = WorkerConfig(
    concurrency=2, heartbeat_seconds=60, poll_seconds=60, retry_base_seconds=0, shutdown_grace_seconds=5
)


async def _job(database: Database, job_id: uuid.UUID) -> Job:
    async with database.session() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def _run_until(worker: Worker, done: asyncio.Event) -> None:
    """Run the worker until ``done``, then stop it; stopping waits for the job's own writes."""
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(done.wait(), timeout=60)
    worker.stop()
    await asyncio.wait_for(task, timeout=60)


async def test_a_job_runs_once_and_its_result_is_published(database: Database) -> None:
    job_id = await enqueue_job(database)
    done = asyncio.Event()
    calls: list[Claim] = []

    async def runner(claim: Claim) -> JobResult:
        calls.append(claim)
        done.set()
        return JobResult(payloads={"report": {"content": "hello"}}, warnings=["one warning"])

    await _run_until(Worker(database, {"portfolio_analysis": runner}, config=FAST), done)
    job = await _job(database, job_id)
    assert [c.job_id for c in calls] == [job_id]
    assert job.status == "completed"
    assert job.report_payload == {"content": "hello"}
    assert job.warnings == ["one warning"]
    kinds = [event.kind for event in await job_events.since(database, job_id=job_id, after_id=0)]
    assert kinds == ["job_started", "job_completed"]


async def test_transient_failures_are_retried_then_dead_lettered(database: Database) -> None:
    job_id = await enqueue_job(database, attempts=3)
    done = asyncio.Event()
    attempts: list[int] = []

    async def runner(claim: Claim) -> JobResult:
        attempts.append(claim.attempt)
        if claim.attempt == 3:
            done.set()
        raise TransientError("the model timed out")

    await _run_until(Worker(database, {"portfolio_analysis": runner}, config=FAST), done)
    job = await _job(database, job_id)
    assert attempts == [1, 2, 3]
    assert job.status == "failed"
    assert job.dead_lettered_at is not None
    assert job.error_message == "gave up after 3 attempts: TransientError: the model timed out"
    kinds = [event.kind for event in await job_events.since(database, job_id=job_id, after_id=0)]
    assert kinds.count("job_retrying") == 2
    assert kinds[-1] == "job_failed"


async def test_a_transient_failure_then_success_completes(database: Database) -> None:
    job_id = await enqueue_job(database)
    done = asyncio.Event()

    async def runner(claim: Claim) -> JobResult:
        if claim.attempt == 1:
            raise TimeoutError
        done.set()
        return JobResult(payloads={"summary": {"ok": True}})

    await _run_until(Worker(database, {"portfolio_analysis": runner}, config=FAST), done)
    job = await _job(database, job_id)
    assert (job.status, job.attempts, job.summary_payload) == ("completed", 2, {"ok": True})


async def test_a_permanent_failure_fails_at_once_with_its_reason(database: Database) -> None:
    job_id = await enqueue_job(database, attempts=5)
    done = asyncio.Event()
    attempts: list[int] = []

    async def runner(claim: Claim) -> JobResult:
        attempts.append(claim.attempt)
        done.set()
        raise PermanentError("the user of this job no longer exists")

    await _run_until(Worker(database, {"portfolio_analysis": runner}, config=FAST), done)
    job = await _job(database, job_id)
    assert attempts == [1]
    assert job.status == "failed"
    assert job.error_message == "PermanentError: the user of this job no longer exists"


async def test_stopping_releases_a_job_that_does_not_finish_in_the_grace_period(database: Database) -> None:
    job_id = await enqueue_job(database)
    started = asyncio.Event()

    async def runner(claim: Claim) -> JobResult:
        started.set()
        await asyncio.Event().wait()  # never finishes on its own
        raise AssertionError("unreachable")

    config = WorkerConfig(concurrency=1, heartbeat_seconds=60, poll_seconds=60, shutdown_grace_seconds=0)
    worker = Worker(database, {"portfolio_analysis": runner}, config=config)
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(started.wait(), timeout=60)
    worker.stop()
    await asyncio.wait_for(task, timeout=60)
    job = await _job(database, job_id)
    assert (job.status, job.attempts, job.locked_by) == ("pending", 0, None)


async def test_concurrency_runs_jobs_side_by_side(database: Database) -> None:
    for _ in range(3):
        await enqueue_job(database)
    both_running = asyncio.Event()
    release = asyncio.Event()
    running = 0
    peak = 0
    finished = 0
    all_done = asyncio.Event()

    async def runner(claim: Claim) -> JobResult:
        nonlocal running, peak, finished
        running += 1
        peak = max(peak, running)
        if running == 2:
            both_running.set()
        await release.wait()
        running -= 1
        finished += 1
        if finished == 3:
            all_done.set()
        return JobResult(payloads={})

    worker = Worker(database, {"portfolio_analysis": runner}, config=FAST)  # concurrency 2
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(both_running.wait(), timeout=60)
    release.set()
    await asyncio.wait_for(all_done.wait(), timeout=60)
    worker.stop()
    await asyncio.wait_for(task, timeout=60)
    assert peak == 2
