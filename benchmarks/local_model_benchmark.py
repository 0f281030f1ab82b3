"""Analyses on a slow local model: every one completes, in bounded time, next to the offline path.

Run: ``.venv/bin/python benchmarks/local_model_benchmark.py``   (about four minutes; prints figures only)

20 analyses, each of the demo portfolio plus 8 symbols the catalogue has never seen, queued at
once on one worker (concurrency 20) against the loopback server behaving like llama-cpp-python
with a small model: one request at a time (``interrupt_requests``), an 8k context, no usage in
streams, 0.2 s per generated token, answering as a capable model would. The same 20 analyses are
then run offline. Printed side by side: median and worst time from enqueue to completed, model
requests, sections written by the model or by the offline writers, instruments classified, and
how many analyses failed. Target (issue): none failed; worst case under 3 minutes.

Everything is real: an embedded PostgreSQL in a temporary directory, the job queue and worker,
the agents over HTTP to the loopback server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select, text

from alex.agents.team import Team
from alex.analysis.workflow import JOB_TYPE, AnalysisWorkflow
from alex.db import accounts, demo, job_queue, migrate, positions
from alex.db.embedded import start_embedded, stop_embedded
from alex.db.engine import Database, run_with_session
from alex.db.models import Instrument, Job
from alex.db.seed import seed_catalogue
from alex.jobs.worker import Worker, WorkerConfig
from alex.market.prices import CataloguePrices
from alex.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test suite's loopback server
from tests.support.loopback_agents import json_answer, settings_for
from tests.support.openai_server import LocalServer, OpenAIServer

ANALYSES = 20
UNKNOWN = 8
SECONDS_PER_TOKEN = 0.2
SMALL_MODEL = LocalServer(
    slots=1,
    interrupt_requests=True,
    context_window=8192,
    stream_usage=False,
    seconds_per_token=SECONDS_PER_TOKEN,
)


@dataclass(frozen=True)
class Figures:
    label: str
    seconds: list[float]
    failed: int
    requests: int
    by_model: int
    offline: int
    classified: int


async def _enqueue(database: Database, user: str, tag: str) -> uuid.UUID:
    async with database.session() as session:
        await session.execute(
            text("INSERT INTO users (id, display_name) VALUES (:id, :id) ON CONFLICT DO NOTHING"),
            {"id": user},
        )
        await demo.populate(session, user_id=user)
        account = await accounts.create(session, user_id=user, fields={"account_name": "New ideas"})
        for n in range(UNKNOWN):
            symbol = f"Z{tag}{chr(65 + n)}"  # unknown to the catalogue, different in each run
            await positions.upsert(
                session, account_id=account.id, symbol=symbol, quantity=Decimal(3), as_of_date=None
            )
        job = await job_queue.enqueue(
            session, user_id=user, job_type=JOB_TYPE, request_payload={}, max_unfinished=10, max_attempts=3
        )
        await session.commit()
        return job.id


async def _run(database: Database, settings: Settings, label: str, tag: str) -> list[Job]:
    workflow = AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings))
    worker = Worker(
        database,
        {JOB_TYPE: workflow.run},
        config=WorkerConfig(
            concurrency=ANALYSES, heartbeat_seconds=5, poll_seconds=0.2, retry_base_seconds=0
        ),
        on_stop=workflow.aclose,
    )
    ids = [await _enqueue(database, f"{label}-{i}", f"{tag}{chr(65 + i)}") for i in range(ANALYSES)]
    running = asyncio.create_task(worker.run())
    try:
        while True:
            async with database.session() as session:
                jobs = list((await session.scalars(select(Job).where(Job.id.in_(ids)))).all())
            if all(job.status in ("completed", "failed") for job in jobs):
                return jobs
            await asyncio.sleep(0.5)
    finally:
        worker.stop()
        await running


async def _classified(database: Database, tag: str) -> int:
    """The run's unknown symbols the model classified (the catalogue keeps the model as source)."""
    async with database.session() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(Instrument)
            .where(Instrument.symbol.like(f"Z{tag}%"), Instrument.classification_source.is_not(None))
        )
    return int(found or 0)


def _figures(label: str, jobs: list[Job], requests: int, classified: int) -> Figures:
    seconds = [
        (job.completed_at - job.created_at).total_seconds()
        for job in jobs
        if job.completed_at is not None and job.status == "completed"
    ]
    by_model = offline = 0
    for job in jobs:
        for section in ((job.summary_payload or {}).get("agents") or {}).values():
            if section.get("fallback") or section.get("model") == "offline":
                offline += 1
            else:
                by_model += 1
    return Figures(
        label=label,
        seconds=seconds,
        failed=sum(job.status != "completed" for job in jobs),
        requests=requests,
        by_model=by_model,
        offline=offline,
        classified=classified,
    )


def _print(rows: list[Figures]) -> None:
    print(
        f"{ANALYSES} analyses × {UNKNOWN} unknown symbols; "
        f"model: one slot, {SECONDS_PER_TOKEN} s per token, 8k context"
    )
    print(f"{'':24}" + "".join(f"{row.label:>16}" for row in rows))
    lines = {
        "median to completed (s)": [
            f"{statistics.median(r.seconds):.1f}" if r.seconds else "-" for r in rows
        ],
        "worst to completed (s)": [f"{max(r.seconds):.1f}" if r.seconds else "-" for r in rows],
        "failed": [str(r.failed) for r in rows],
        "model requests": [str(r.requests) for r in rows],
        "sections by the model": [str(r.by_model) for r in rows],
        "sections offline": [str(r.offline) for r in rows],
        "symbols classified": [f"{r.classified} of {ANALYSES * UNKNOWN}" for r in rows],
    }
    for name, values in lines.items():
        print(f"{name:24}" + "".join(f"{value:>16}" for value in values))
    model, offline = rows
    if model.seconds and offline.seconds:
        print(
            f"worst case: {max(model.seconds):.1f} s (target < 180 s); ratio to offline worst: "
            f"{max(model.seconds) / max(offline.seconds):.1f}×"
        )


async def _bench(url: str, data_dir: Path) -> None:
    tag = uuid.uuid4().hex[:2].upper()
    database = Database(url, pool_size=10)
    try:
        with OpenAIServer(model="small-model", local=SMALL_MODEL) as server:
            server.default = json_answer
            settings = settings_for(server, data_dir, retirement_paths=10_000, model_timeout_seconds=60)
            started = time.perf_counter()
            model_jobs = await _run(database, settings, "model", tag)
            print(f"(model run: {time.perf_counter() - started:.0f} s)")
            requests = len(server.chat_requests)
        offline_settings = Settings(data_dir=data_dir, retirement_paths=10_000)
        offline_jobs = await _run(database, offline_settings, "offline", "O" + tag)
        _print(
            [
                _figures("local model", model_jobs, requests, await _classified(database, tag)),
                _figures("offline", offline_jobs, 0, await _classified(database, "O" + tag)),
            ]
        )
    finally:
        await database.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        url = start_embedded(data_dir)
        try:
            migrate.upgrade(url)
            run_with_session(url, seed_catalogue)
            asyncio.run(_bench(url, data_dir))
        finally:
            stop_embedded(data_dir)


if __name__ == "__main__":
    main()
