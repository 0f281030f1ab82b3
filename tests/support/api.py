"""Helpers shared by the API tests: harness construction and whole-state snapshots."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from typing import Any

import httpx
import psycopg

from alex.settings import Settings
from tests.support.harness import TEMPLATE, ApiHarness, PostgresServer

MakeApi = Callable[[Settings], AbstractAsyncContextManager[ApiHarness]]
"""The type of the ``make_api`` fixture."""

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/alex"
"""Port 1 on loopback: nothing listens there, so every connection is refused at once."""

SEED_ETFS = (
    *("SPY", "QQQ", "IWM", "VEA", "VWO", "EFA", "AGG", "BND", "TLT", "HYG", "XLK"),
    *("XLV", "XLF", "XLE", "VNQ", "GLD", "SLV", "AOR", "AOA", "VUG", "VTV", "VIG"),
)
"""The reference's 22 ETFs (inventory §1.5)."""
SEED_EXTRAS = ("VTI", "VXUS", "TSLA", "AAPL", "AMZN", "NVDA", "MSFT", "GOOGL")
"""The symbols the demo portfolio uses beyond the 22 ETFs (the reference lost VTI, VXUS and TSLA)."""

DEMO_POSITIONS = {
    "401k Long-term": {"SPY": 150, "VTI": 100, "BND": 200, "QQQ": 75, "IWM": 50},
    "Roth IRA": {"VTI": 80, "VXUS": 60, "VNQ": 40, "GLD": 25, "TLT": 30, "VIG": 45},
    "Brokerage Account": {"TSLA": 15, "AAPL": 50, "AMZN": 10, "NVDA": 25, "MSFT": 30, "GOOGL": 20},
}


_databases = itertools.count()


@contextmanager
def fresh_database(postgres: PostgresServer) -> Iterator[str]:
    """A migrated and seeded database of its own (for fixtures wider than one test)."""
    name = f"api_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    try:
        yield postgres.database_url(name)
    finally:
        with psycopg.connect(postgres.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The JSON body of a response that must have this status (the body is shown if not)."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


async def snapshot(api: ApiHarness, user: str) -> dict[str, Any]:
    """Everything ``user`` can read through the API: profile, accounts with positions, jobs."""
    headers = api.auth(user)
    accounts = ok(await api.client.get("/api/accounts", headers=headers))
    state: dict[str, Any] = {
        "user": ok(await api.client.get("/api/user", headers=headers))["user"],
        "accounts": accounts,
        "account_details": {},
        "positions": {},
        "jobs": ok(await api.client.get("/api/jobs", headers=headers))["jobs"],
        "job_details": {},
    }
    for account in accounts:
        account_id = account["id"]
        state["account_details"][account_id] = ok(
            await api.client.get(f"/api/accounts/{account_id}", headers=headers)
        )
        state["positions"][account_id] = ok(
            await api.client.get(f"/api/accounts/{account_id}/positions", headers=headers)
        )["positions"]
    for job in state["jobs"]:
        state["job_details"][job["id"]] = ok(await api.client.get(f"/api/jobs/{job['id']}", headers=headers))
    return state


async def create_account(api: ApiHarness, user: str, **fields: Any) -> dict[str, Any]:
    body = {"account_name": "Test Account", **fields}
    created: dict[str, Any] = ok(
        await api.client.post("/api/accounts", json=body, headers=api.auth(user)), 201
    )
    return created


async def add_position(
    api: ApiHarness, user: str, account_id: str, symbol: str, quantity: str | int
) -> dict[str, Any]:
    body = {"account_id": account_id, "symbol": symbol, "quantity": str(quantity)}
    created: dict[str, Any] = ok(
        await api.client.post("/api/positions", json=body, headers=api.auth(user)), 201
    )
    return created
