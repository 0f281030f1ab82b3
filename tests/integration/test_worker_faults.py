"""Faults with real processes: `alex worker` killed with -9, PostgreSQL restarted, random kills at volume.

Each test runs `alex worker` subprocesses against a real PostgreSQL and checks, from the
database itself, that every job ends completed exactly once: one result, one job_completed
event, and nothing written by a claim that was taken away.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.integration.processes import (
    AlexProcess,
    EmbeddedServer,
    dsn,
    enqueue_demo_jobs,
    prepare_database,
    start_worker,
    wait_until,
)
from tests.support.slow_model import SlowModel

WRITERS = ("reporter", "charter", "retirement")
PAYLOADS = ("summary_payload", "report_payload", "charts_payload", "retirement_payload")

# Fast failure detection: heart-beat every 0.3 s, reclaim after 1.5 s of silence.
FAST = {
    "ALEX_WORKER_HEARTBEAT_SECONDS": "0.3",
    "ALEX_WORKER_STALLED_SECONDS": "1.5",
    "ALEX_JOB_RETRY_BASE_SECONDS": "0.2",
    "ALEX_RETIREMENT_PATHS": "200",
}


class Workers:
    """The worker processes of one test, all killed at the end whatever happened."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.started: list[AlexProcess] = []

    def start(self, label: str, *, concurrency: int = 1, **settings: str) -> AlexProcess:
        worker = start_worker(
            self.data_dir, self.database_url, concurrency=concurrency, label=label, **{**FAST, **settings}
        )
        self.started.append(worker)
        return worker

    def close(self) -> None:
        for worker in self.started:
            worker.close()

    def transcripts(self) -> str:
        return "\n".join(worker.transcript() for worker in self.started)


@pytest.fixture
def workers(tmp_path: Path, database_url: str) -> Iterator[Workers]:
    started = Workers(tmp_path / "alex", database_url)
    try:
        yield started
    finally:
        started.close()


def _scalar(conn: psycopg.Connection[Any], sql: str, *params: Any) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def _counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return dict(conn.execute("SELECT status, count(*) FROM jobs GROUP BY status"))


def _completed_at_least(conn: psycopg.Connection[Any], count: int) -> Callable[[], bool]:
    return lambda: _counts(conn).get("completed", 0) >= count


def _running_on(conn: psycopg.Connection[Any], worker: AlexProcess) -> Callable[[], int]:
    return lambda: int(
        _scalar(conn, "SELECT count(*) FROM jobs WHERE status = 'running' AND locked_by = %s", worker.name)
    )


def _assert_each_completed_exactly_once(conn: psycopg.Connection[Any], job_ids: list[uuid.UUID]) -> None:
    """Completed with every payload, one job_completed event (of the final attempt), no failure."""
    jobs = {
        row[0]: row[1:]
        for row in conn.execute(
            f"SELECT id, status, attempts, {', '.join(PAYLOADS)} FROM jobs WHERE id = ANY(%s)", (job_ids,)
        )
    }
    assert len(jobs) == len(job_ids), "a job row disappeared"
    not_completed = {job: status for job, (status, *_) in jobs.items() if status != "completed"}
    assert not not_completed, f"jobs not completed: {not_completed}"
    missing = [job for job, (_, _, *payloads) in jobs.items() if any(p is None for p in payloads)]
    assert not missing, f"completed jobs without all four payloads: {missing}"
    completions = {
        job: (count, attempts)
        for job, count, attempts in conn.execute(
            "SELECT job_id, count(*), array_agg(attempt) FROM job_events "
            "WHERE kind = 'job_completed' AND job_id = ANY(%s) GROUP BY job_id",
            (job_ids,),
        )
    }
    wrong = {
        job: completions.get(job, (0, []))
        for job in job_ids
        if completions.get(job, (0, []))[0] != 1 or completions[job][1] != [jobs[job][1]]
    }
    assert not wrong, f"jobs without exactly one job_completed event of their last attempt: {wrong}"
    failed_events = _scalar(
        conn, "SELECT count(*) FROM job_events WHERE kind = 'job_failed' AND job_id = ANY(%s)", job_ids
    )
    assert failed_events == 0


def test_a_job_whose_worker_is_killed_mid_job_completes_once_on_another(
    workers: Workers, database_url: str, model: SlowModel
) -> None:
    [job] = enqueue_demo_jobs(database_url, users_and_counts=[("killed", 1)])
    with psycopg.connect(dsn(database_url), autocommit=True) as conn:
        # The writers' model answers in 3 s: the job is surely mid-job when A is killed.
        a = workers.start("worker A", concurrency=1, **model.settings(3))
        wait_until(
            lambda: _scalar(
                conn,
                "SELECT count(*) FROM job_events WHERE job_id = %s AND kind = 'step_started' "
                "AND step = ANY(%s)",
                job,
                list(WRITERS),
            ),
            timeout=30,
            what="worker A to start a writer",
        )
        a.kill()
        status, locked_by, attempts = conn.execute(
            "SELECT status, locked_by, attempts FROM jobs WHERE id = %s", (job,)
        ).fetchone() or (None, None, None)
        assert (status, locked_by, attempts) == ("running", a.name, 1)
        last_event_of_a = _scalar(conn, "SELECT max(id) FROM job_events WHERE job_id = %s", job)

        b = workers.start("worker B", concurrency=1, **model.settings(0.2))
        wait_until(
            lambda: _scalar(conn, "SELECT status IN ('completed', 'failed') FROM jobs WHERE id = %s", job),
            timeout=30,
            what="the job to finish on worker B",
            details=workers.transcripts,
        )
        assert b.alive
        b.wait_for("reclaimed stalled jobs", timeout=5)

        row = conn.execute(
            f"SELECT status, attempts, locked_by, {', '.join(PAYLOADS)} FROM jobs WHERE id = %s", (job,)
        ).fetchone()
        assert row is not None
        status, attempts, locked_by, *payloads = row
        assert (status, attempts, locked_by) == ("completed", 2, None)
        assert all(payload is not None for payload in payloads)
        summary, report, _, _ = payloads
        assert "## Executive Summary" in report["content"]
        assert summary["positions"]["count"] == 17
        _assert_each_completed_exactly_once(conn, [job])

        events = conn.execute(
            "SELECT id, attempt, kind, step, message FROM job_events WHERE job_id = %s ORDER BY id", (job,)
        ).fetchall()
        by_a = [event for event in events if event[1] == 1]
        by_b = [event for event in events if event[1] == 2]
        assert [event[1] for event in events] == [1] * len(by_a) + [2] * len(by_b)
        # A's claim wrote nothing once it was killed: no event after the kill, no writer finished,
        # no outcome; everything after is B's (attempt 2, on B).
        assert max(event[0] for event in by_a) == last_event_of_a
        assert not [e for e in by_a if e[2] in ("job_completed", "job_failed", "job_retrying")]
        assert not [e for e in by_a if e[2] == "step_finished" and e[3] in WRITERS]
        assert a.name in by_a[0][4]
        assert by_b[0][2] == "job_started"
        assert b.name in by_b[0][4]
        assert by_b[-1][2] == "job_completed"


def test_jobs_survive_a_database_restart_and_workers_reconnect(tmp_path: Path, model: SlowModel) -> None:
    server = EmbeddedServer(tmp_path / "pg")
    started: list[AlexProcess] = []
    try:
        prepare_database(server.url)
        job_ids = enqueue_demo_jobs(
            server.url, users_and_counts=[(f"user{n}", 10) for n in range(3)], max_attempts=3
        )
        settings = {**FAST, **model.settings(0.2)}
        for label in ("worker 1", "worker 2"):
            started.append(
                start_worker(tmp_path / "alex", server.url, concurrency=2, label=label, **settings)
            )
        with psycopg.connect(dsn(server.url), autocommit=True) as conn:
            wait_until(_completed_at_least(conn, 6), timeout=30, what="the first jobs to complete")
            before = _counts(conn)
        assert before.get("pending", 0) > 0, f"no job left queued to restart under: {before}"

        server.stop()
        for worker in started:  # each saw the outage
            worker.wait_for("heartbeat failed", timeout=30)
        server.start()

        with psycopg.connect(dsn(server.url), autocommit=True) as conn:
            restarted_at = _scalar(conn, "SELECT now()")
            wait_until(
                _completed_at_least(conn, len(job_ids)),
                timeout=90,
                what="every job to complete after the restart",
                details=lambda: "\n".join(worker.transcript() for worker in started),
            )
            assert _counts(conn) == {"completed": len(job_ids)}, "a job was lost or duplicated"
            _assert_each_completed_exactly_once(conn, job_ids)
            # Both workers reconnected: each finished jobs it claimed after the restart.
            finishers = {
                message.rsplit(" on ", 1)[1]
                for (message,) in conn.execute(
                    "SELECT e.message FROM job_events e JOIN jobs j ON j.id = e.job_id "
                    "WHERE e.kind = 'job_started' AND e.attempt = j.attempts AND e.created_at > %s",
                    (restarted_at,),
                )
            }
        assert {worker.name for worker in started} <= finishers
        assert all(worker.alive for worker in started)
    finally:
        for worker in started:
            worker.close()
        server.close()


def test_200_jobs_through_2_workers_with_random_kills_all_complete_once(
    workers: Workers, database_url: str, model: SlowModel
) -> None:
    rng = random.Random(20240604)
    kills = 4
    # A job loses at most one attempt per kill, so it cannot run out of attempts because of them.
    job_ids = enqueue_demo_jobs(
        database_url, users_and_counts=[(f"user{n:02}", 20) for n in range(10)], max_attempts=kills + 2
    )
    assert len(job_ids) == 200
    settings = model.settings(0.05)
    pool = [workers.start(f"worker {n}", concurrency=4, **settings) for n in (1, 2)]
    generation = 1
    killed_holding: list[int] = []
    with psycopg.connect(dsn(database_url), autocommit=True) as conn:
        for threshold in sorted(rng.sample(range(20, 170), kills)):
            wait_until(
                _completed_at_least(conn, threshold),
                timeout=60,
                what=f"{threshold} completed jobs",
                details=workers.transcripts,
            )
            slot = rng.randrange(len(pool))
            victim = pool[slot]
            # Kill it while it holds jobs, so the kill really interrupts work.
            holding: int = wait_until(
                _running_on(conn, victim),
                timeout=30,
                what=f"{victim.label} to hold a job",
                details=workers.transcripts,
            )
            victim.kill()
            killed_holding.append(holding)
            generation += 1
            pool[slot] = workers.start(f"worker {slot + 1}.{generation}", concurrency=4, **settings)
        wait_until(
            _completed_at_least(conn, len(job_ids)),
            timeout=60,
            what="all 200 jobs to complete",
            details=workers.transcripts,
        )
        assert _counts(conn) == {"completed": 200}
        _assert_each_completed_exactly_once(conn, job_ids)
        reclaimed = _scalar(conn, "SELECT count(*) FROM jobs WHERE attempts > 1")
    assert all(worker.alive for worker in pool)
    # The kills interrupted running jobs, and those were finished by another claim.
    assert reclaimed >= 1, f"no job was interrupted (held at each kill: {killed_holding})"
