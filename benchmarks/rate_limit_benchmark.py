"""What the rate limits cost a request: the same app with limits on and off, side by side.

Run: ``.venv/bin/python benchmarks/rate_limit_benchmark.py``

Two apps on one embedded PostgreSQL database, driven in-process (no sockets, so the figures are
the app's own work): ``GET /api/user`` with a bearer token, the cheapest signed-in route, where
the limit's share is largest. With limits on, each request also updates two buckets (the user's
"reads" and its address's) in PostgreSQL. The runs alternate in blocks so that whatever else the
machine does weighs on both alike.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import make_url

from alex.app import create_app
from alex.db import migrate
from alex.db.embedded import start_embedded, stop_embedded
from alex.db.engine import libpq_url
from alex.observability.logging import configure_logging
from alex.settings import Settings

REQUESTS = 2000
BLOCK = 100
USERS = 20


async def _timings(data_dir: Path, url: str) -> dict[bool, list[float]]:
    apps = {
        enabled: create_app(
            # Limits high enough never to refuse: the cost of counting is what is measured.
            Settings(
                data_dir=data_dir,
                rate_limits_enabled=enabled,
                rate_limit_reads="1000000/60",
                rate_limit_per_address="1000000/60",
            ),
            database_url=url,
        )
        for enabled in (True, False)
    }
    timings: dict[bool, list[float]] = {True: [], False: []}
    async with (
        apps[True].router.lifespan_context(apps[True]),
        apps[False].router.lifespan_context(apps[False]),
    ):
        clients = {
            enabled: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
            for enabled, app in apps.items()
        }
        issuer = apps[True].state.context.issuer
        tokens = [f"Bearer {issuer.mint(subject=f'bench-{n}')}" for n in range(USERS)]
        for client in clients.values():  # first sight creates the users: not part of the figures
            for token in tokens:
                await client.get("/api/user", headers={"Authorization": token})
        for block in range(REQUESTS // BLOCK):
            for enabled in (True, False) if block % 2 else (False, True):
                for n in range(BLOCK):
                    headers = {"Authorization": tokens[n % USERS]}
                    started = time.perf_counter()
                    answer = await clients[enabled].get("/api/user", headers=headers)
                    timings[enabled].append((time.perf_counter() - started) * 1000)
                    assert answer.status_code == 200, answer.text
        for client in clients.values():
            await client.aclose()
    return timings


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    configure_logging(level="WARNING")  # not a line per request
    with tempfile.TemporaryDirectory(prefix="alex-ratelimit-bench-") as tmp:
        data_dir = Path(tmp) / "alex"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            url = start_embedded(data_dir)
        dsn = libpq_url(url)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench")
            conn.execute("CREATE DATABASE bench")
        bench_url = make_url(url).set(database="bench").render_as_string(hide_password=False)
        migrate.upgrade(bench_url)
        timings = asyncio.run(_timings(data_dir, bench_url))
        stop_embedded(data_dir)  # before the temporary directory goes
    on, off = timings[True], timings[False]
    print(f"Rate-limit overhead: GET /api/user, {REQUESTS} requests each, {os.cpu_count()} CPU(s)\n")
    print(f"{'':18}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")
    for label, values in (("limits off", off), ("limits on", on)):
        p50, p90, p99 = statistics.median(values), _percentile(values, 90), _percentile(values, 99)
        print(f"{label:18}{p50:>10.2f}{p90:>10.2f}{p99:>10.2f}")
    p50_on, p50_off = statistics.median(on), statistics.median(off)
    print(f"\np50 added by the limits: {p50_on - p50_off:.2f} ms ({p50_on / p50_off:.2f}× the request)")


if __name__ == "__main__":
    main()
