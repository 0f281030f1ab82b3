"""The job worker: claims jobs, runs N at once, heart-beats, reclaims stalled jobs, stops gracefully.

Any number of workers may run on any number of machines against one database. Each wakes on
NOTIFY (and polls as a fallback), claims with SKIP LOCKED, keeps a heartbeat on its running
jobs, and periodically hands back jobs whose worker stopped heart-beating (kill -9, a lost
machine). On stop it takes no new jobs, lets the running ones finish within a grace period and
releases the rest untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg
import structlog
from opentelemetry import trace

from alex.db import job_events, job_queue
from alex.db.engine import Database, libpq_url
from alex.db.job_queue import Claim
from alex.failures import PermanentError, backoff_seconds, describe, is_transient
from alex.observability import tracing
from alex.observability.logging import get_logger

log = get_logger("alex.worker")


@dataclass(frozen=True, slots=True)
class JobResult:
    payloads: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


Handler = Callable[[Claim], Awaitable[JobResult]]
"""Runs one claimed job to its result; raising fails the attempt (retried when transient)."""


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    concurrency: int = 4
    heartbeat_seconds: float = 5.0
    stalled_after_seconds: float = 30.0
    poll_seconds: float = 2.0
    shutdown_grace_seconds: float = 30.0
    retry_base_seconds: float = 2.0
    retry_cap_seconds: float = 60.0


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        database: Database,
        handlers: Mapping[str, Handler],
        *,
        config: WorkerConfig,
        name: str | None = None,
        on_stop: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.database = database
        self.handlers = dict(handlers)
        self.on_stop = on_stop
        self.config = config
        self.name = name or default_worker_name()
        self._running: dict[asyncio.Task[None], Claim] = {}
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Take no new jobs; run() returns once the running ones finished or were released."""
        self._stopping.set()
        self._wake.set()

    @property
    def running_jobs(self) -> list[uuid.UUID]:
        return [claim.job_id for claim in self._running.values()]

    async def run(self) -> None:
        log.info("worker started", worker=self.name, concurrency=self.config.concurrency)
        side_tasks = [
            asyncio.create_task(self._listen(), name="listen"),
            asyncio.create_task(self._keep_alive(), name="heartbeat"),
        ]
        try:
            await self._claim_loop()
        finally:
            for task in side_tasks:
                task.cancel()
            for task in side_tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await self._drain()
            if self.on_stop is not None:
                await self.on_stop()
            log.info("worker stopped", worker=self.name)

    async def _claim_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                while len(self._running) < self.config.concurrency and not self._stopping.is_set():
                    claim = await job_queue.claim_next(self.database, worker=self.name)
                    if claim is None:
                        break
                    task = asyncio.create_task(self._execute(claim), name=f"job {claim.job_id}")
                    self._running[task] = claim
                    task.add_done_callback(self._finished)
                failures = 0
            except Exception as exc:  # the database is down: keep trying, never die
                failures += 1
                log.warning("cannot claim jobs", worker=self.name, error=describe(exc))
                await self._pause(min(30.0, self.config.poll_seconds * failures))
                continue
            await self._pause(self.config.poll_seconds)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._wake.set()  # a slot is free

    async def _execute(self, claim: Claim) -> None:
        # Every log line of this job (its handler, prices, outcome) carries its ids; the binding is
        # local to this task's context, so concurrent jobs do not mix.
        with (
            structlog.contextvars.bound_contextvars(
                job_id=str(claim.job_id), user_id=claim.user_id, attempt=claim.attempt, worker=self.name
            ),
            tracing.job_span(
                job_id=str(claim.job_id),
                job_type=claim.job_type,
                user_id=claim.user_id,
                attempt=claim.attempt,
                worker=self.name,
                traceparent=claim.trace_parent,
            ),
        ):
            await self._execute_bound(claim)

    async def _execute_bound(self, claim: Claim) -> None:
        started = asyncio.get_running_loop().time()
        await self._event(
            claim, "job_started", f"attempt {claim.attempt} of {claim.max_attempts} on {self.name}"
        )
        try:
            result = await self._handler(claim)(claim)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            tracing.set_error(trace.get_current_span(), describe(exc))
            await self._handle_failure(claim, exc)
            return
        seconds = round(asyncio.get_running_loop().time() - started, 3)
        message = "completed" + (f" with {len(result.warnings)} warning(s)" if result.warnings else "")
        published = await _retrying(
            lambda: job_queue.complete(
                self.database,
                claim,
                payloads=result.payloads,
                warnings=result.warnings,
                event=job_queue.OutcomeEvent(
                    "job_completed", message, {"seconds": seconds, "warnings": result.warnings}
                ),
            )
        )
        if published:
            log.info(
                "job completed", job_id=str(claim.job_id), seconds=seconds, warnings=len(result.warnings)
            )
        else:
            log.warning("job result discarded: the claim was taken over", job_id=str(claim.job_id))

    def _handler(self, claim: Claim) -> Handler:
        handler = self.handlers.get(claim.job_type)
        if handler is None:
            raise PermanentError(f"this worker has no handler for {claim.job_type!r} jobs")
        return handler

    async def _handle_failure(self, claim: Claim, exc: Exception) -> None:
        reason = describe(exc)
        if is_transient(exc) and not claim.last_attempt:
            delay = backoff_seconds(
                claim.attempt, base=self.config.retry_base_seconds, cap=self.config.retry_cap_seconds
            )
            retrying = job_queue.OutcomeEvent(
                "job_retrying", f"{reason}; retrying in {delay:.1f} s", {"delay_seconds": round(delay, 3)}
            )
            if await _retrying(
                lambda: job_queue.retry_later(
                    self.database, claim, error=reason, delay_seconds=delay, event=retrying
                )
            ):
                log.warning("job will be retried", job_id=str(claim.job_id), error=reason, delay=delay)
            return
        why = f"gave up after {claim.attempt} attempts: {reason}" if is_transient(exc) else reason
        failed = job_queue.OutcomeEvent("job_failed", why)
        if await _retrying(lambda: job_queue.fail(self.database, claim, error=why, event=failed)):
            log.error("job failed", job_id=str(claim.job_id), error=why, transient=is_transient(exc))

    async def _event(self, claim: Claim, kind: job_events.EventKind, message: str) -> None:
        await job_events.record_best_effort(
            self.database, job_id=claim.job_id, attempt=claim.attempt, kind=kind, message=message
        )

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.config.heartbeat_seconds)
            try:
                await job_queue.heartbeat(self.database, worker=self.name, job_ids=self.running_jobs)
                reclaimed = await job_queue.reclaim_stalled(
                    self.database, stalled_after_seconds=self.config.stalled_after_seconds
                )
                if reclaimed:
                    log.warning("reclaimed stalled jobs", jobs=[str(job) for job in reclaimed])
                    self._wake.set()
            except Exception as exc:
                log.warning("heartbeat failed", worker=self.name, error=describe(exc))

    async def _listen(self) -> None:
        """Wake on NOTIFY; reconnect after the database restarts (polling covers the gap)."""
        dsn = libpq_url(self.database.url)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {job_queue.JOBS_CHANNEL}")
                    async for _ in connection.notifies():
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.info("job notifications unavailable; polling", error=describe(exc))
                await asyncio.sleep(self.config.poll_seconds)

    async def _drain(self) -> None:
        if not self._running:
            return
        log.info("waiting for running jobs", count=len(self._running))
        _, pending = await asyncio.wait(list(self._running), timeout=self.config.shutdown_grace_seconds)
        for task in pending:
            claim = self._running.get(task)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            if claim is not None:
                with contextlib.suppress(Exception):
                    await job_queue.release(self.database, claim)
                    log.info("released job", job_id=str(claim.job_id))


async def _retrying(write: Callable[[], Awaitable[bool]], attempts: int = 5) -> bool:
    """Publishing an outcome survives a short database outage; after that the claim simply
    goes stale and the job is reclaimed, so nothing is lost either way."""
    for attempt in range(1, attempts + 1):
        try:
            return await write()
        except Exception as exc:
            if attempt == attempts or not is_transient(exc):
                log.error("could not record job outcome", error=describe(exc))
                return False
            await asyncio.sleep(backoff_seconds(attempt, base=0.5, cap=5.0))
    return False
