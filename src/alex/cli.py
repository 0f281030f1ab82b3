"""The ``alex`` command line. Thin: it parses, then calls the services."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Annotated, Any, Final

import typer
from pydantic import ValidationError

from alex.settings import OFFLINE_MODEL, Settings, UnsafeConfigurationError, get_settings

app = typer.Typer(help="Alex: a self-hostable, multi-agent AI financial advisor.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema and seed data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
jobs_app = typer.Typer(help="Inspect and re-run analysis jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


def _settings() -> Settings:
    try:
        settings = get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"ALEX_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" if e["loc"] else e["msg"]
            for e in exc.errors()
        )
        typer.echo(f"error: invalid configuration: {problems}", err=True)
        raise typer.Exit(2) from None
    try:
        settings.check_production()
    except UnsafeConfigurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    return settings


def _models(settings: Settings) -> str:
    """The agents' models, checked: a misconfigured model stops the start, not every job."""
    from alex.agents.llm import ModelConfigurationError, check_models

    try:
        models = check_models(settings)
    except ModelConfigurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if set(models.values()) == {OFFLINE_MODEL}:
        return "offline (deterministic writers; set ALEX_MODEL to use a language model)"
    return ", ".join(f"{agent} {model}" for agent, model in models.items())


def _database_url(settings: Settings) -> str:
    from alex.db.embedded import EmbeddedPostgresError
    from alex.db.engine import resolve_database_url

    try:
        return resolve_database_url(settings)
    except (EmbeddedPostgresError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _upgrade(url: str) -> None:
    from alex.db import migrate

    migrate.upgrade(url)


def _seed(url: str) -> int:
    from alex.db.engine import run_with_session
    from alex.db.seed import seed_catalogue

    return run_with_session(url, seed_catalogue)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations (to head)."""
    settings = _settings()
    _upgrade(_database_url(settings))
    typer.echo("database schema is at head")


@db_app.command("seed")
def db_seed() -> None:
    """Insert or refresh the instrument catalogue (idempotent)."""
    settings = _settings()
    count = _seed(_database_url(settings))
    typer.echo(f"instrument catalogue seeded ({count} instruments written)")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="API processes")] = 1,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="do not run a job worker in-process")
    ] = False,
) -> None:
    """Serve the API (and, in development, migrate and seed first)."""
    import uvicorn

    from alex.observability.logging import configure_logging

    settings = _settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    host = host or settings.host
    port = port or settings.port
    url = _database_url(settings)
    if settings.env == "development":
        # Production runs `alex db upgrade` as a deliberate release step instead.
        _upgrade(url)
        _seed(url)
    base = settings.public_url or f"http://{host}:{port}"
    typer.echo(f"Alex is starting: open {base}/ in your browser  (API docs: {base}/docs)")
    if not no_worker:
        typer.echo(f"Models: {_models(settings)}")
    if settings.external_issuer:
        typer.echo("Sign in with your identity provider; send its token as Authorization: Bearer <token>.")
    else:
        typer.echo(
            "Get a token:  .venv/bin/alex token --user demo   then send  Authorization: Bearer <token>"
        )
    if workers == 1:
        from alex.app import create_app

        app_ = create_app(settings, database_url=url, run_worker=not no_worker)
        uvicorn.run(app_, host=host, port=port, log_config=None, **_UVICORN_SAFETY)
    else:
        # Child processes attach to the same database (and the embedded server this process holds).
        os.environ["ALEX_DATABASE_URL"] = url
        os.environ["ALEX_IN_PROCESS_WORKER"] = "false" if no_worker else "true"
        uvicorn.run(
            "alex.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            **_UVICORN_SAFETY,
        )


# Alex reads X-Forwarded-For itself, only from ALEX_TRUSTED_PROXIES (uvicorn would trust it from
# 127.0.0.1 by default, letting any local process pick its address); and no Server header.
_UVICORN_SAFETY: Final[dict[str, Any]] = {"proxy_headers": False, "server_header": False}


@app.command()
def token(
    user: Annotated[str, typer.Option("--user", help="the user id (the token's sub)")],
    name: Annotated[str | None, typer.Option(help="display name claim")] = None,
    email: Annotated[str | None, typer.Option(help="email claim")] = None,
    ttl: Annotated[
        int | None, typer.Option(help="lifetime in seconds (default: ALEX_TOKEN_TTL_SECONDS)")
    ] = None,
) -> None:
    """Print an access token from the built-in issuer; the token alone is the last line."""
    from alex.auth.configured import builtin_issuer

    settings = _settings()
    if settings.external_issuer:
        typer.echo(
            "error: an external issuer is configured (ALEX_AUTH_JWKS_URL); get tokens from it", err=True
        )
        raise typer.Exit(2)
    issuer = builtin_issuer(settings)
    try:
        minted = issuer.mint(subject=user, name=name, email=email, ttl_seconds=ttl)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"# token for {user}, valid {ttl or settings.token_ttl_seconds} s", err=True)
    sys.stdout.write(minted + "\n")


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(min=1, max=256, help="jobs run at once")] = None,
) -> None:
    """Run a job worker (any number may run, on any number of machines). Stops on SIGTERM/Ctrl-C:
    no new jobs, running ones finish or are handed back."""
    import signal

    from alex.app import build_worker, start_tracing, stop_tracing
    from alex.db.engine import Database
    from alex.observability.logging import configure_logging

    settings = _settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    typer.echo(f"Models: {_models(settings)}", err=True)
    url = _database_url(settings)

    async def run() -> None:
        database = Database(url, pool_size=settings.database_pool_size)
        start_tracing(settings, database_url=url, role="worker")
        job_worker = build_worker(settings, database, concurrency=concurrency)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, job_worker.stop)
        try:
            await job_worker.run()
        finally:
            await asyncio.to_thread(stop_tracing)
            await database.dispose()

    asyncio.run(run())


def _job_line(job: object) -> str:
    from alex.db.models import Job

    assert isinstance(job, Job)
    error = f"  {job.error_message}" if job.error_message else ""
    return (
        f"{job.id}  {job.status:<9}  {job.user_id:<24}  attempts {job.attempts}/{job.max_attempts}  "
        f"{job.created_at:%Y-%m-%d %H:%M:%S}{error}"
    )


def _with_session(work: Any) -> Any:
    from alex.db.engine import run_with_session

    return run_with_session(_database_url(_settings()), work)


@jobs_app.command("list")
def jobs_list(
    status: Annotated[str | None, typer.Option(help="pending, running, completed or failed")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The newest jobs of every user."""
    from alex.db import jobs
    from alex.db.models import JobStatus

    if status is not None and status not in set(JobStatus):
        typer.echo("error: --status must be pending, running, completed or failed", err=True)
        raise typer.Exit(2)
    wanted = None if status is None else JobStatus(status)
    found = _with_session(
        lambda session: jobs.list_by_status(session, status=wanted, dead_only=False, limit=limit)
    )
    for job in found:
        typer.echo(_job_line(job))
    typer.echo(f"{len(found)} job(s)", err=True)


@jobs_app.command("dead")
def jobs_dead(limit: Annotated[int, typer.Option(min=1, max=1000)] = 50) -> None:
    """Jobs that failed for good (dead-lettered), with their reasons."""
    from alex.db import jobs
    from alex.db.models import JobStatus

    found = _with_session(
        lambda session: jobs.list_by_status(session, status=JobStatus.FAILED, dead_only=True, limit=limit)
    )
    for job in found:
        typer.echo(_job_line(job))
    typer.echo(f"{len(found)} dead-lettered job(s)", err=True)


@jobs_app.command("retry")
def jobs_retry(job_id: Annotated[str, typer.Argument(help="the job's id")]) -> None:
    """Run a failed job again, with a fresh set of attempts."""
    import uuid

    from alex.db import job_queue

    try:
        parsed = uuid.UUID(job_id)
    except ValueError:
        typer.echo("error: not a job id", err=True)
        raise typer.Exit(2) from None
    if not _with_session(lambda session: job_queue.requeue(session, job_id=parsed)):
        typer.echo(f"error: no failed job {parsed}", err=True)
        raise typer.Exit(1)
    typer.echo(f"job {parsed} queued again")


catalogue_app = typer.Typer(help="The shared instrument catalogue.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.command("confirm")
def catalogue_confirm(
    symbols: Annotated[list[str], typer.Argument(help="symbols users added, to show to everyone")],
) -> None:
    """Confirm symbols users added: every user sees them, and they stay when their holders sell."""
    # (A price from the market data provider confirms a symbol without this.)
    from alex.services import instruments

    try:
        confirmed, missing = _with_session(
            lambda session: instruments.confirm_symbols(session, symbols=symbols)
        )
    except ValidationError:
        typer.echo("error: a symbol is 1-10 characters A-Z, 0-9, '.' or '-'", err=True)
        raise typer.Exit(2) from None
    if confirmed:
        typer.echo(f"confirmed: {' '.join(confirmed)}")
    if missing:
        typer.echo(f"error: not in the catalogue: {' '.join(missing)}", err=True)
        raise typer.Exit(1)


@app.command()
def watch(
    lookback: Annotated[
        int, typer.Option(min=0, metavar="MIN", help="first show what happened in the last MIN minutes")
    ] = 10,
    interval: Annotated[
        float,
        typer.Option(min=0.05, metavar="S", help="poll every S seconds (a new event wakes it at once)"),
    ] = 1.0,
    job: Annotated[str | None, typer.Option(metavar="ID", help="only this job")] = None,
    user: Annotated[str | None, typer.Option(metavar="ID", help="only this user's jobs")] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            metavar="NAME", help="only this agent's steps and runs: tagger, reporter, charter or retirement"
        ),
    ] = None,
) -> None:
    """Follow every worker's jobs, workflow steps, agent runs and guardrails live, until Ctrl-C.

    Colour-coded on a terminal (failures in red), plain text in a pipe or with NO_COLOR set."""
    import uuid

    from alex.db.models import AgentName
    from alex.db.watch_feed import Filters
    from alex.watch import WatchError, run

    try:
        job_id = None if job is None else uuid.UUID(job)
    except ValueError:
        typer.echo("error: --job is not a job id", err=True)
        raise typer.Exit(2) from None
    if agent is not None and agent not in set(AgentName):
        typer.echo("error: --agent must be tagger, reporter, charter or retirement", err=True)
        raise typer.Exit(2)
    url = _database_url(_settings())
    try:
        run(
            url,
            filters=Filters(job_id=job_id, user_id=user, agent=agent),
            lookback_minutes=lookback,
            interval=interval,
        )
    except WatchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def main() -> None:
    app()
