"""Several Alex processes share one embedded server; the last one out stops it, even after a kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg

from alex.db.engine import libpq_url

_ATTACH = (
    "import sys; from pathlib import Path; from alex.db.embedded import start_embedded; "
    "print(start_embedded(Path(sys.argv[1])), flush=True); sys.stdin.readline()"
)


class Attached:
    """A process attached to the embedded server, holding it until told to exit."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _ATTACH, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        assert self.url.startswith("postgresql+psycopg://"), self.url

    def exit(self) -> int:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self.process.stdout.close()
        return code


def _query(url: str) -> int:
    dsn = libpq_url(url)
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT 1").fetchone()
    assert row is not None
    return int(row[0])


def _running(data_dir: Path) -> bool:
    return (data_dir / "pgdata" / "postmaster.pid").exists()


def test_processes_share_the_server_and_the_last_one_stops_it(tmp_path: Path) -> None:
    first = Attached(tmp_path)
    second = Attached(tmp_path)
    assert first.url == second.url
    assert first.exit() == 0
    assert _running(tmp_path)
    assert _query(second.url) == 1  # still served for the remaining process
    assert second.exit() == 0
    assert not _running(tmp_path)


def test_a_killed_process_does_not_keep_the_server_alive(tmp_path: Path) -> None:
    killed = Attached(tmp_path)
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.wait(timeout=60)
    for pipe in (killed.process.stdin, killed.process.stdout):
        assert pipe is not None
        pipe.close()
    survivor = Attached(tmp_path)
    assert _query(survivor.url) == 1
    assert survivor.exit() == 0
    assert not _running(tmp_path)


def test_data_survives_a_restart(tmp_path: Path) -> None:
    first = Attached(tmp_path)
    dsn = libpq_url(first.url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (value int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    assert first.exit() == 0
    again = Attached(tmp_path)
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT value FROM kept").fetchone()
    assert row == (42,)
    assert again.exit() == 0
