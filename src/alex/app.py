"""The composition root: builds the ASGI app (the API and the web UI on one FastAPI app) and the job
worker with its handlers. Nothing imports this module but the command line (and the tests)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware

import alex
from alex import api, web
from alex.agents.team import Team
from alex.analysis.workflow import JOB_TYPE, AnalysisWorkflow
from alex.auth.configured import builtin_issuer
from alex.auth.keys import BuiltinIssuer
from alex.auth.tokens import BuiltinKeySource, RemoteJWKS, TokenVerifier
from alex.db.engine import Database, resolve_database_url
from alex.db.span_store import SPAN_STORE
from alex.http.context import AppContext
from alex.http.middleware import BodySizeLimitMiddleware, RequestContextMiddleware, SecurityHeadersMiddleware
from alex.jobs.worker import Worker, WorkerConfig
from alex.market import price_provider
from alex.observability import tracing
from alex.observability.logging import get_logger
from alex.settings import Settings, get_settings

log = get_logger("alex.app")

UNTRACED_PATHS: Final = frozenset({"/health", "/ready", "/metrics", "/favicon.ico"})
"""Probes and scrapes: every few seconds, forever, and of no interest in a trace backend."""


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    path = str(scope.get("path", ""))
    return path in UNTRACED_PATHS or path.startswith("/static/")


HTTP_TELEMETRY: TelemetryConfig = {
    "tracing": True,
    "operation_spans": False,
    "metrics": False,
    "logs": False,
    "auto_configure": False,
    "exclude": _untraced,
}
"""FastAPI's own OpenTelemetry support, as Alex uses it: a server span per request (named by its
route template, with its status) once ``tracing`` has installed the provider, and nothing else
(metrics are Prometheus's, logs structlog's; per-operation spans would triple the span count).
A caller's ``traceparent`` is continued, as a gateway's trace should be."""


def build_identity(settings: Settings) -> tuple[TokenVerifier, BuiltinIssuer | None, RemoteJWKS | None]:
    """The external issuer's JWKS when configured, else the built-in issuer's keys (no HTTP)."""
    if settings.auth_jwks_url is not None:
        remote = RemoteJWKS(settings.auth_jwks_url)
        return TokenVerifier(remote, issuer=settings.issuer, audience=settings.auth_audience), None, remote
    issuer = builtin_issuer(settings)
    verifier = TokenVerifier(
        BuiltinKeySource(issuer), issuer=settings.issuer, audience=settings.auth_audience
    )
    return verifier, issuer, None


def start_tracing(settings: Settings, *, database_url: str, role: str) -> None:
    """A serving process's tracing: configured (export when set up), keeping job spans in its
    database for the built-in trace view."""
    tracing.configure_tracing(settings, role=role, processors=[SPAN_STORE])
    if settings.trace_keep:
        SPAN_STORE.attach(database_url, retention_days=settings.trace_retention_days)


def stop_tracing() -> None:
    """Export and keep every span ended so far, then stop keeping: a process about to exit (on
    SIGTERM as on Ctrl-C, which both end the serving loop normally). Blocks up to the timeouts."""
    tracing.flush()
    SPAN_STORE.detach()


def worker_config(settings: Settings, *, concurrency: int | None = None) -> WorkerConfig:
    return WorkerConfig(
        concurrency=concurrency or settings.worker_concurrency,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
        stalled_after_seconds=settings.worker_stalled_seconds,
        shutdown_grace_seconds=settings.worker_shutdown_grace_seconds,
        retry_base_seconds=settings.job_retry_base_seconds,
    )


def build_worker(settings: Settings, database: Database, *, concurrency: int | None = None) -> Worker:
    """A worker that runs analyses: the workflow on the configured models and price provider."""
    key = settings.polygon_api_key
    prices = price_provider(
        None if key is None else key.get_secret_value(), base_url=settings.polygon_base_url
    )
    workflow = AnalysisWorkflow(database, settings=settings, prices=prices, team=Team(settings))
    return Worker(
        database,
        {JOB_TYPE: workflow.run},
        config=worker_config(settings, concurrency=concurrency),
        on_stop=workflow.aclose,
    )


def create_app(
    settings: Settings | None = None, *, database_url: str | None = None, run_worker: bool | None = None
) -> FastAPI:
    """Build the app. ``database_url`` overrides the configured/embedded database (tests use it);
    ``run_worker`` (default: ALEX_IN_PROCESS_WORKER) runs a job worker inside this process."""
    settings = settings or get_settings()
    settings.check_production()
    with_worker = settings.in_process_worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = (
            database_url
            if database_url is not None
            else await run_in_threadpool(resolve_database_url, settings)
        )
        database = Database(url, pool_size=settings.database_pool_size)
        start_tracing(settings, database_url=url, role="api")
        verifier, issuer, remote = await run_in_threadpool(build_identity, settings)
        app.state.context = AppContext.build(settings, database, verifier, issuer)
        log.info("api started", env=settings.env, issuer="external" if issuer is None else "built-in")
        job_worker = build_worker(settings, database) if with_worker else None
        worker_task = (
            None if job_worker is None else asyncio.create_task(job_worker.run(), name="in-process worker")
        )
        try:
            yield
        finally:
            if job_worker is not None and worker_task is not None:
                job_worker.stop()
                await worker_task
            if remote is not None:
                await remote.aclose()
            await run_in_threadpool(stop_tracing)
            await database.dispose()

    about = "A self-hostable, multi-agent AI financial advisor."
    # The docs pages come from the installed package (no CDN); ALEX_API_DOCS=false serves none.
    app = (
        FastAPIOffline(
            title="Alex",
            version=alex.__version__,
            description=about,
            lifespan=lifespan,
            telemetry=HTTP_TELEMETRY,
        )
        if settings.api_docs
        else FastAPI(
            title="Alex",
            version=alex.__version__,
            description=about,
            lifespan=lifespan,
            telemetry=HTTP_TELEMETRY,
            docs_url=None,
            redoc_url=None,
            openapi_url=None,
        )
    )
    api.install(app)
    web.install(app)
    _add_middleware(app, settings)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """What wraps every request, the API's and the pages' alike."""
    # Added innermost first: request context wraps everything, so even a 413 carries a request id.
    wildcard = "*" in settings.cors_origins
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=not wildcard,  # browsers forbid credentials with '*'; never combine them
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-CSRF-Token"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts=(settings.public_url or "").startswith("https://"))
    app.add_middleware(RequestContextMiddleware)
