"""`alex worker` stops gracefully on SIGTERM: no new jobs, the running one finishes (or is handed back)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg

from alex.db.engine import libpq_url
from tests.support.slow_model import SlowModel


def _dsn(database_url: str) -> str:
    return libpq_url(database_url)


def _enqueue(conn: psycopg.Connection) -> uuid.UUID:
    row = conn.execute("INSERT INTO jobs (user_id) VALUES ('u1') RETURNING id").fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _worker(tmp_path: Path, database_url: str, **env: str) -> subprocess.Popen[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ALEX_")}
    environment.update(
        ALEX_DATA_DIR=str(tmp_path),
        ALEX_DATABASE_URL=database_url,
        ALEX_RETIREMENT_PATHS="200",
        ALEX_LOG_FORMAT="json",
        **env,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "alex", "worker", "--concurrency", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _read_until(process: subprocess.Popen[str], text: str, seen: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"the worker exited before printing {text!r}:\n" + "".join(seen))


def test_sigterm_lets_the_running_job_finish_and_takes_no_new_one(
    tmp_path: Path, database_url: str, model: SlowModel
) -> None:
    with psycopg.connect(_dsn(database_url), autocommit=True) as conn:
        conn.execute("INSERT INTO users (id, display_name) VALUES ('u1', 'U')")
        first = _enqueue(conn)
        # The writers' model answers in 1.5 s: long enough to be stopped mid-job.
        worker = _worker(tmp_path, database_url, **model.settings(1.5))
        seen: list[str] = []
        try:
            _read_until(worker, "worker started", seen)
            # Wait (bounded) until the worker holds the job.
            for _ in range(600):
                row = conn.execute("SELECT status FROM jobs WHERE id = %s", (first,)).fetchone()
                if row is not None and row[0] == "running":
                    break
                conn.execute("SELECT pg_sleep(0.05)")
            else:
                raise AssertionError("the worker never claimed the job")
            second = _enqueue(conn)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            assert worker.stdout is not None
            worker.stdout.close()
        statuses: dict[Any, str] = dict(conn.execute("SELECT id, status FROM jobs").fetchall())
    assert statuses[first] == "completed"
    assert statuses[second] == "pending"  # not taken after the stop request
