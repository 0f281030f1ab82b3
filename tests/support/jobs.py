"""Running one analysis job to its end with a real worker, for the planner and agent tests."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from alex.analysis.workflow import JOB_TYPE, AnalysisWorkflow
from alex.db import demo, job_events, job_queue
from alex.db.engine import Database
from alex.db.models import Job
from alex.jobs.worker import Worker, WorkerConfig

FINAL_KINDS = frozenset({"job_completed", "job_failed"})
"""The events that end a job."""


async def enqueue_job(
    database: Database, user: str = "u1", *, cap: int = 100, attempts: int = 3
) -> uuid.UUID:
    """An analysis job of ``user`` on the queue (within ``cap`` unfinished ones)."""
    async with database.session() as session:
        job = await job_queue.enqueue(
            session,
            user_id=user,
            job_type=JOB_TYPE,
            request_payload={},
            max_unfinished=cap,
            max_attempts=attempts,
        )
        return job.id


async def demo_job(database: Database, user: str = "u1") -> uuid.UUID:
    """The demo portfolio for ``user``, and an analysis of it on the queue."""
    async with database.session() as session:
        await demo.populate(session, user_id=user)
        await session.commit()
    return await enqueue_job(database, user, cap=10)


async def load_job(database: Database, job_id: uuid.UUID) -> Job:
    async with database.session() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def run_to_end(database: Database, planner: AnalysisWorkflow, job_id: uuid.UUID) -> Job:
    """Run a worker until the job has ended (its final event), then stop it."""
    ended = asyncio.Event()

    async def runner(claim: job_queue.Claim) -> Any:
        try:
            return await planner.run(claim)
        finally:
            if claim.last_attempt:
                ended.set()

    async def watch() -> None:
        # The worker writes the final event after the outcome; stop once it is there.
        while True:
            found = await job_events.since(database, job_id=job_id, after_id=0)
            if any(e.kind in FINAL_KINDS for e in found):
                ended.set()
                return
            await asyncio.sleep(0.05)

    worker = Worker(
        database,
        {JOB_TYPE: runner},
        config=WorkerConfig(concurrency=1, heartbeat_seconds=60, poll_seconds=0.2, retry_base_seconds=0),
        on_stop=planner.aclose,
    )
    task = asyncio.create_task(worker.run())
    watcher = asyncio.create_task(watch())
    try:
        await asyncio.wait_for(ended.wait(), timeout=120)
    finally:
        watcher.cancel()
        worker.stop()
        await asyncio.wait_for(task, timeout=60)
    return await load_job(database, job_id)
