"""Finding 1: one user holding simulations and progress streams open must not starve anyone else.

On the old main every request kept its database connection to the end, a stream included: 25
streams by one user took the whole pool and everybody else got 503 after the pool's timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import httpx
import psycopg

from alex.app import create_app
from alex.db.engine import libpq_url
from alex.settings import Settings
from tests.support.live_app import serve

SIMULATION = {
    "current_value": "500000",
    "allocation": {"equity": 60, "fixed_income": 40},
    "years_until_retirement": 40,
    "retirement_years": 60,
    "paths": 100_000,
}


def _never_runs(database_url: str, user: str) -> str:
    """A pending job of ``user`` that no worker will claim today: its stream stays open."""
    dsn = libpq_url(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO jobs (user_id, job_type, request_payload, run_after) "
            "VALUES (%s, 'portfolio_analysis', '{}', now() + interval '1 day') RETURNING id",
            (user,),
        ).fetchone()
    assert row is not None
    return str(row[0])


async def _open_stream(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], held: list[object]
) -> int:
    """Open a progress stream and keep it open (in ``held``); its status."""
    stack = contextlib.AsyncExitStack()
    response = await stack.enter_async_context(client.stream("GET", path, headers=headers))
    if response.status_code == 200:
        first = await anext(response.aiter_lines())
        assert first.startswith("retry:")
        held.append(stack)
    else:
        await response.aread()
        await stack.aclose()
    return response.status_code


async def test_a_user_with_many_streams_and_simulations_starves_nobody(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "alex",
        database_pool_size=2,  # four connections in all, overflow included
        retirement_paths=500,
        job_retry_base_seconds=0,
    )
    app = create_app(settings, database_url=database_url, run_worker=True)
    with serve(app) as live:
        url = live.url
        issuer = app.state.context.issuer
        greedy = {"Authorization": f"Bearer {issuer.mint(subject='greedy')}"}
        bystander = {"Authorization": f"Bearer {issuer.mint(subject='bystander')}"}
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
            for headers in (greedy, bystander):
                assert (await client.get("/api/user", headers=headers)).status_code == 200
            job = _never_runs(database_url, "greedy")
            held: list[object] = []
            try:
                streams = await asyncio.gather(
                    *(_open_stream(client, f"/api/jobs/{job}/events", greedy, held) for _ in range(25))
                )
                simulations = [
                    asyncio.create_task(
                        client.post("/api/retirement/simulate", json=SIMULATION, headers=greedy)
                    )
                    for _ in range(20)
                ]
                bystander_statuses = [
                    (await client.get("/api/user", headers=bystander)).status_code for _ in range(20)
                ]
                started = await client.post("/api/analyze", headers=bystander)
                assert started.status_code == 202, started.text
                bystander_job = started.json()["job_id"]
                # The worker still claims and finishes jobs: the bystander's stream ends with it.
                async with client.stream(
                    "GET", f"/api/jobs/{bystander_job}/events", headers=bystander
                ) as events:
                    kinds = [
                        line.removeprefix("event: ")
                        async for line in events.aiter_lines()
                        if line.startswith("event:")
                    ]
                finished = await client.get(f"/api/jobs/{bystander_job}", headers=bystander)
                simulated = [(await task).status_code for task in simulations]
            finally:
                for stack in held:
                    await stack.aclose()  # type: ignore[attr-defined]
    assert bystander_statuses == [200] * 20
    assert streams.count(200) == settings.event_streams_per_user
    assert streams.count(429) == 25 - settings.event_streams_per_user
    assert kinds, "the bystander's job sent no progress"
    assert finished.json()["status"] == "completed", json.dumps(finished.json())[:500]
    assert set(simulated) <= {200, 429}, simulated
    assert 1 <= simulated.count(200) <= 20
    assert simulated.count(429) >= 20 - 2 * settings.simulations_per_user
