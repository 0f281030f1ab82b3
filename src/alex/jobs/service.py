"""Assemble a worker from the settings: the queue, the planner workflow, the price provider."""

from __future__ import annotations

from alex.agents.planner import Planner
from alex.db.engine import Database
from alex.jobs.worker import Worker, WorkerConfig
from alex.market import price_provider
from alex.settings import Settings


def worker_config(settings: Settings, *, concurrency: int | None = None) -> WorkerConfig:
    return WorkerConfig(
        concurrency=concurrency or settings.worker_concurrency,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
        stalled_after_seconds=settings.worker_stalled_seconds,
        shutdown_grace_seconds=settings.worker_shutdown_grace_seconds,
        retry_base_seconds=settings.job_retry_base_seconds,
    )


def build_worker(settings: Settings, database: Database, *, concurrency: int | None = None) -> Worker:
    key = settings.polygon_api_key
    prices = price_provider(
        None if key is None else key.get_secret_value(), base_url=settings.polygon_base_url
    )
    planner = Planner(database, settings=settings, prices=prices)
    return Worker(
        database, planner.run, config=worker_config(settings, concurrency=concurrency), on_stop=planner.aclose
    )
