"""Simulations on request are bounded: in time (the thread really stops), and per user."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from alex.db.engine import Database
from alex.domain.retirement.models import RetirementParams
from alex.domain.retirement.simulation import SimulationStoppedError, simulate_retirement
from alex.services import leases, simulations
from alex.services.errors import OverloadedError, TooManyRequestsError
from alex.settings import Settings

BIG = RetirementParams(
    current_value=Decimal(500_000),
    allocation={"equity": 60.0, "fixed_income": 40.0},
    years_until_retirement=40,
    retirement_years=30,
    paths=100_000,
    seed=7,
)


def test_a_stopped_simulation_stops() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(SimulationStoppedError):
        simulate_retirement(BIG, stop=stop)


async def test_a_simulation_past_its_time_limit_is_a_503(database: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, simulation_time_limit_seconds=0.001)
    slots = asyncio.Semaphore(1)
    with pytest.raises(OverloadedError, match=r"took longer than 0\.001 s") as refused:
        await simulations.simulate(database, settings=settings, slots=slots, user_id="u1", params=BIG)
    assert refused.value.retry_after > 0
    assert not slots.locked()  # the slot is free again (the thread was waited for)
    # and the user's lease went with it: a new simulation may start.
    small = dataclasses.replace(BIG, paths=100)
    result = await simulations.simulate(
        database, settings=Settings(data_dir=tmp_path), slots=slots, user_id="u1", params=small
    )
    assert result.paths == small.paths


async def test_a_user_runs_a_bounded_number_at_once(database: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, simulations_per_user=1)
    slots = asyncio.Semaphore(4)
    small = dataclasses.replace(BIG, paths=100)
    # One simulation of u1's in flight (in this process or another: the lease is what counts).
    in_flight = await leases.take(
        database, user_id="u1", kind="simulation", limit=1, ttl_seconds=60, refusal="-"
    )
    with pytest.raises(TooManyRequestsError, match="already have 1 simulations running"):
        await simulations.simulate(database, settings=settings, slots=slots, user_id="u1", params=small)
    other = await simulations.simulate(database, settings=settings, slots=slots, user_id="u2", params=small)
    await in_flight.release()
    again = await simulations.simulate(database, settings=settings, slots=slots, user_id="u1", params=small)
    assert other.paths == again.paths == 100
