"""`alex serve` as a user runs it: a real process, the embedded database, curl-like calls.

This is the issue's "done when": serve with no configuration, mint a token with `alex token`,
GET /api/user creates the user, the CRUD round trip works, Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ALEX = [sys.executable, "-m", "alex"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.env = {**os.environ, "ALEX_DATA_DIR": str(data_dir)}
        self.env.pop("ALEX_DATABASE_URL", None)
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [*ALEX, "serve", "--port", str(port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str) -> None:
        while True:
            line = self.lines.get(timeout=120)
            if line is None:
                pytest.fail("alex serve exited early:\n" + "".join(self.output))
            if text in line:
                return

    def token(self, user: str) -> str:
        result = subprocess.run(
            [*ALEX, "token", "--user", user], env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout.strip().splitlines()[-1]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "alex", _free_port())
    try:
        running.wait_for("Application startup complete")
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def test_serve_then_token_then_crud_round_trip(server: Server, tmp_path: Path) -> None:
    assert any("alex token --user" in line for line in server.output)
    headers = {"Authorization": f"Bearer {server.token('u1')}"}
    with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
        user = client.get("/api/user")
        assert user.status_code == 200
        assert user.json()["created"] is True
        assert user.json()["user"]["id"] == "u1"

        instruments = client.get("/api/instruments").json()
        assert len(instruments) >= 30  # the seeded catalogue

        account = client.post(
            "/api/accounts",
            json={
                "account_name": "Roth IRA",
                "cash_balance": "1000.50",
                "cash_interest": "0.04",
                "account_type": "roth_ira",
            },
        )
        assert account.status_code == 201
        account_id = account.json()["id"]
        assert account.json()["cash_interest"] == "0.040000"

        position = client.post(
            "/api/positions", json={"account_id": account_id, "symbol": "spy", "quantity": 10}
        )
        assert position.status_code == 201
        assert position.json()["symbol"] == "SPY"
        position_id = position.json()["id"]

        updated = client.put(f"/api/positions/{position_id}", json={"quantity": "12.5"})
        assert updated.json()["quantity"] == "12.50000000"
        listed = client.get(f"/api/accounts/{account_id}/positions").json()["positions"]
        assert [p["instrument"]["symbol"] for p in listed] == ["SPY"]

        assert client.delete(f"/api/positions/{position_id}").status_code == 200
        assert client.delete(f"/api/accounts/{account_id}").status_code == 200
        assert client.get(f"/api/accounts/{account_id}").status_code == 404

        # The demo, analysed by the worker inside `alex serve`, followed live over SSE.
        assert client.post("/api/populate-test-data").json()["positions_created"] == 17
        job_id = client.post("/api/analyze").json()["job_id"]
        stream = client.get(f"/api/jobs/{job_id}/events", timeout=120)  # ends when the job ends
        kinds = [line.split(": ", 1)[1] for line in stream.text.splitlines() if line.startswith("event: ")]
        assert kinds[0] == "job_started"
        assert kinds[-1] == "job_completed"
        job = client.get(f"/api/jobs/{job_id}").json()
        assert job["status"] == "completed"
        assert "## Executive Summary" in job["report_payload"]["content"]
        assert job["charts_payload"]["asset_allocation"]["data"]
        assert 0 <= job["retirement_payload"]["success_rate"] <= 100
        assert job["summary_payload"]["positions"]["count"] == 17

    assert server.stop() == 0
    # The embedded PostgreSQL was stopped with the last process using it.
    assert not (tmp_path / "alex" / "pgdata" / "postmaster.pid").exists()
