"""The queue's guarantees, against the real database: claims are exclusive and fenced."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text

from alex.db import job_queue
from alex.db.engine import Database
from alex.db.models import Job
from tests.support.jobs import enqueue_job


async def _job(database: Database, job_id: uuid.UUID) -> Job:
    async with database.session() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def test_each_job_is_claimed_by_exactly_one_of_many_concurrent_workers(database: Database) -> None:
    ids = {await enqueue_job(database) for _ in range(20)}
    claims = await asyncio.gather(*(job_queue.claim_next(database, worker=f"w{i}") for i in range(40)))
    claimed = [claim.job_id for claim in claims if claim is not None]
    assert sorted(claimed) == sorted(ids)  # every job once, none twice
    assert await job_queue.claim_next(database, worker="late") is None


async def test_a_reclaimed_job_cannot_be_completed_by_its_old_worker(database: Database) -> None:
    job_id = await enqueue_job(database)
    old = await job_queue.claim_next(database, worker="old")
    assert old is not None
    async with database.session() as session:  # the old worker went silent a minute ago
        await session.execute(text("UPDATE jobs SET heartbeat_at = now() - interval '60 seconds'"))
        await session.commit()
    assert await job_queue.reclaim_stalled(database, stalled_after_seconds=30) == [job_id]
    new = await job_queue.claim_next(database, worker="new")
    assert new is not None
    assert new.attempt == 2
    assert await job_queue.complete(database, new, payloads={"report": {"by": "new"}}, warnings=[])
    assert not await job_queue.complete(database, old, payloads={"report": {"by": "old"}}, warnings=[])
    job = await _job(database, job_id)
    assert job.status == "completed"
    assert job.report_payload == {"by": "new"}


async def test_heartbeats_keep_a_claim_alive(database: Database) -> None:
    await enqueue_job(database)
    claim = await job_queue.claim_next(database, worker="w")
    assert claim is not None
    async with database.session() as session:
        await session.execute(text("UPDATE jobs SET heartbeat_at = now() - interval '60 seconds'"))
        await session.commit()
    await job_queue.heartbeat(database, worker="w", job_ids=[claim.job_id])
    assert await job_queue.reclaim_stalled(database, stalled_after_seconds=30) == []


async def test_a_stalled_job_on_its_last_attempt_is_dead_lettered(database: Database) -> None:
    job_id = await enqueue_job(database, attempts=1)
    assert await job_queue.claim_next(database, worker="w") is not None
    async with database.session() as session:
        await session.execute(text("UPDATE jobs SET heartbeat_at = now() - interval '60 seconds'"))
        await session.commit()
    await job_queue.reclaim_stalled(database, stalled_after_seconds=30)
    job = await _job(database, job_id)
    assert job.status == "failed"
    assert job.dead_lettered_at is not None
    assert "stopped responding" in (job.error_message or "")


async def test_retry_later_waits_then_fail_dead_letters_then_requeue_runs_again(database: Database) -> None:
    job_id = await enqueue_job(database)
    claim = await job_queue.claim_next(database, worker="w")
    assert claim is not None
    assert await job_queue.retry_later(database, claim, error="TimeoutError", delay_seconds=3600)
    assert await job_queue.claim_next(database, worker="w") is None  # not runnable for an hour
    async with database.session() as session:
        await session.execute(text("UPDATE jobs SET run_after = now()"))
        await session.commit()
    claim = await job_queue.claim_next(database, worker="w")
    assert claim is not None
    assert claim.attempt == 2
    assert await job_queue.fail(database, claim, error="ValueError: broken")
    job = await _job(database, job_id)
    assert (job.status, job.error_message) == ("failed", "ValueError: broken")
    assert job.dead_lettered_at is not None
    async with database.session() as session:
        assert await job_queue.requeue(session, job_id=job_id)
    again = await job_queue.claim_next(database, worker="w")
    assert again is not None
    assert again.attempt == 1


async def test_release_gives_the_job_back_without_using_an_attempt(database: Database) -> None:
    job_id = await enqueue_job(database)
    claim = await job_queue.claim_next(database, worker="w")
    assert claim is not None
    assert await job_queue.release(database, claim)
    job = await _job(database, job_id)
    assert (job.status, job.attempts, job.locked_by) == ("pending", 0, None)


async def test_the_per_user_cap_counts_unfinished_jobs_only(database: Database) -> None:
    for _ in range(2):
        await enqueue_job(database, cap=2)
    with pytest.raises(job_queue.TooManyPendingJobsError):
        await enqueue_job(database, cap=2)
    await enqueue_job(database, "u2", cap=2)  # another user is not affected
    claim = await job_queue.claim_next(database, worker="w")
    assert claim is not None
    assert await job_queue.complete(database, claim, payloads={}, warnings=[])
    await enqueue_job(database, cap=2)  # a finished job frees a place


async def test_concurrent_enqueues_cannot_pass_the_cap(database: Database) -> None:
    async def attempt() -> bool:
        try:
            await enqueue_job(database, cap=3)
        except job_queue.TooManyPendingJobsError:
            return False
        return True

    results = await asyncio.gather(*(attempt() for _ in range(10)))
    assert results.count(True) == 3


async def test_an_outcome_event_is_written_only_with_the_outcome(database: Database) -> None:
    from alex.db import job_events

    job_id = await enqueue_job(database)
    old = await job_queue.claim_next(database, worker="old")
    assert old is not None
    async with database.session() as session:
        await session.execute(text("UPDATE jobs SET heartbeat_at = now() - interval '60 seconds'"))
        await session.commit()
    await job_queue.reclaim_stalled(database, stalled_after_seconds=30)
    new = await job_queue.claim_next(database, worker="new")
    assert new is not None
    stale = job_queue.OutcomeEvent("job_completed", "by the old worker")
    assert not await job_queue.complete(database, old, payloads={}, warnings=[], event=stale)
    assert not await job_queue.fail(
        database, old, error="late", event=job_queue.OutcomeEvent("job_failed", "late")
    )
    assert await job_queue.complete(
        database, new, payloads={}, warnings=[], event=job_queue.OutcomeEvent("job_completed", "ok")
    )
    recorded = await job_events.since(database, job_id=job_id, after_id=0)
    assert [(e.kind, e.message, e.attempt) for e in recorded] == [("job_completed", "ok", 2)]
