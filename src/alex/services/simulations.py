"""Retirement simulations on request: bounded per user, per process, and in time.

A simulation is CPU-bound (up to seconds at 100,000 paths) and holds hundreds of MB while it
runs, so: a user runs at most ``simulations_per_user`` at once (across processes), a process at
most ``simulations_per_process``, and each stops at ``simulation_time_limit_seconds``. No database
connection is held while it runs.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import suppress
from typing import Final

from fastapi.concurrency import run_in_threadpool

from alex.db.engine import Database
from alex.domain.retirement.models import RetirementParams, RetirementResult
from alex.domain.retirement.simulation import SimulationStoppedError, simulate_retirement
from alex.observability.metrics import REFUSALS
from alex.services import leases
from alex.services.errors import OverloadedError
from alex.settings import Settings

SLOT_WAIT_SECONDS: Final = 5.0
"""How long a request waits for one of this process's simulation slots before a 503."""


async def simulate(
    database: Database,
    *,
    settings: Settings,
    slots: asyncio.Semaphore,
    user_id: str,
    params: RetirementParams,
) -> RetirementResult:
    limit = settings.simulation_time_limit_seconds
    async with leases.held(
        database,
        user_id=user_id,
        kind="simulation",
        limit=settings.simulations_per_user,
        ttl_seconds=limit + 60,
        refusal=f"You already have {settings.simulations_per_user} simulations running: "
        "wait for one to finish.",
    ):
        try:
            await asyncio.wait_for(slots.acquire(), SLOT_WAIT_SECONDS)
        except TimeoutError:
            REFUSALS.labels("simulation_busy").inc()
            raise OverloadedError(
                "The server is busy with other simulations: try again shortly.", retry_after=5
            ) from None
        try:
            return await _within(limit, params)
        finally:
            slots.release()


async def _within(seconds: float, params: RetirementParams) -> RetirementResult:
    stop = threading.Event()
    work = asyncio.ensure_future(run_in_threadpool(simulate_retirement, params, stop=stop))
    # If the request is cancelled the thread still ends (stopped) later: nobody awaits it then.
    work.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        return await asyncio.wait_for(asyncio.shield(work), seconds)
    except TimeoutError:
        stop.set()
        with suppress(SimulationStoppedError):
            await work  # the thread has let go of its core and memory before the slot is freed
        REFUSALS.labels("simulation_time_limit").inc()
        raise OverloadedError(
            f"The simulation took longer than {seconds:g} s: try fewer paths, or again when the "
            "server is less busy.",
            retry_after=5,
        ) from None
    except asyncio.CancelledError:
        stop.set()
        raise
