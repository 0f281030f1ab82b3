"""The ownership matrix: user B calls every object route with user A's ids.

Every one must answer 404, exactly as for an id that does not exist (so B learns nothing, not
even that the id is in use), with none of A's data in the body; afterwards everything A can read
is unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.support.api import DEMO_POSITIONS, ok, snapshot
from tests.support.harness import ApiHarness

A = "user-a"
B = "user-b"


@dataclass(frozen=True)
class Owned:
    """A's ids, and every string that would give A's data away if B saw it."""

    account_id: str
    position_id: str
    job_id: str
    secrets: tuple[str, ...]


async def populate(api: ApiHarness, user: str) -> Owned:
    headers = api.auth(user)
    ok(await api.client.post("/api/populate-test-data", headers=headers))
    job_id = ok(await api.client.post("/api/analyze", json={}, headers=headers), 202)["job_id"]
    accounts = ok(await api.client.get("/api/accounts", headers=headers))
    account = next(a for a in accounts if a["account_name"] == "401k Long-term")
    positions = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers))
    position = positions["positions"][0]
    secrets = (
        user,
        job_id,
        *(a["id"] for a in accounts),
        *(p["id"] for p in positions["positions"]),
        *DEMO_POSITIONS,  # the account names
        "Primary retirement savings",
    )
    return Owned(account["id"], position["id"], job_id, secrets)


@pytest.fixture
async def owned(api: ApiHarness) -> Owned:
    """A's demo portfolio and one job; B has a portfolio and a job of their own too."""
    a = await populate(api, A)
    await populate(api, B)
    return a


def _route(method: str, path: str, body: dict[str, Any] | None = None, note: str = "") -> Any:
    return pytest.param(method, path, body, id=f"{method} {path}{note}")


# {account}, {position} and {job} are replaced by A's ids (or by fresh random ids for the control).
OBJECT_ROUTES = [
    _route("GET", "/api/accounts/{account}"),
    _route("PUT", "/api/accounts/{account}", {"account_name": "Taken over", "cash_balance": "0.00"}),
    _route("DELETE", "/api/accounts/{account}"),
    _route("GET", "/api/accounts/{account}/positions"),
    # SPY is already in A's 401k, so a successful upsert would silently replace A's quantity.
    _route(
        "POST", "/api/positions", {"account_id": "{account}", "symbol": "SPY", "quantity": "1"}, " held SPY"
    ),
    _route(
        "POST",
        "/api/positions",
        {"account_id": "{account}", "symbol": "NEWCO", "quantity": "1"},
        " new symbol",
    ),
    _route("PUT", "/api/positions/{position}", {"quantity": "1"}),
    _route("DELETE", "/api/positions/{position}"),
    _route("GET", "/api/jobs/{job}"),
]


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ROUTES)
async def test_other_users_ids_are_not_found(
    api: ApiHarness, owned: Owned, method: str, path: str, body: dict[str, Any] | None
) -> None:
    before = await snapshot(api, A)
    a_ids = {"account": owned.account_id, "position": owned.position_id, "job": owned.job_id}

    response = await api.client.request(
        method, _fill(path, a_ids), json=_fill(body, a_ids), headers=api.auth(B)
    )

    assert response.status_code == 404, response.text
    for secret in owned.secrets:
        assert secret not in response.text
    # Indistinguishable from an id that exists nowhere: same status, same body.
    random_ids = {key: str(uuid.uuid4()) for key in a_ids}
    control = await api.client.request(
        method, _fill(path, random_ids), json=_fill(body, random_ids), headers=api.auth(B)
    )
    assert (control.status_code, control.json()) == (404, response.json())
    # A's view of everything is exactly as before.
    assert await snapshot(api, A) == before


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ROUTES)
async def test_owner_can_use_the_same_routes(
    api: ApiHarness, owned: Owned, method: str, path: str, body: dict[str, Any] | None
) -> None:
    """The control for the matrix: the 404s above are about ownership, not broken routes."""
    a_ids = {"account": owned.account_id, "position": owned.position_id, "job": owned.job_id}
    response = await api.client.request(
        method, _fill(path, a_ids), json=_fill(body, a_ids), headers=api.auth(A)
    )
    assert response.status_code in (200, 201), response.text


async def test_lists_show_only_your_own_rows(api: ApiHarness, owned: Owned) -> None:
    b_accounts = ok(await api.client.get("/api/accounts", headers=api.auth(B)))
    b_jobs = ok(await api.client.get("/api/jobs", headers=api.auth(B)))["jobs"]

    assert len(b_accounts) == 3
    assert {a["user_id"] for a in b_accounts} == {B}
    assert len(b_jobs) == 1
    assert {j["user_id"] for j in b_jobs} == {B}
    listed = {a["id"] for a in b_accounts} | {j["id"] for j in b_jobs}
    assert owned.account_id not in listed
    assert owned.job_id not in listed
    for account in b_accounts:
        positions = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=api.auth(B)))
        assert owned.position_id not in {p["id"] for p in positions["positions"]}


async def test_reset_accounts_deletes_only_your_own(api: ApiHarness, owned: Owned) -> None:
    before = await snapshot(api, A)

    reset = ok(await api.client.delete("/api/reset-accounts", headers=api.auth(B)))

    assert reset["accounts_deleted"] == 3
    assert ok(await api.client.get("/api/accounts", headers=api.auth(B))) == []
    assert await snapshot(api, A) == before
    assert len(before["accounts"]) == 3


async def test_populate_for_one_user_does_not_touch_another(api: ApiHarness, owned: Owned) -> None:
    before = await snapshot(api, A)
    again = ok(await api.client.post("/api/populate-test-data", headers=api.auth("user-c")))
    assert again["accounts_created"] == 3
    assert await snapshot(api, A) == before


async def test_a_users_own_price_is_invisible_to_others(api: ApiHarness, owned: Owned) -> None:
    catalogue = ok(await api.client.get("/api/instruments/SPY", headers=api.auth(B)))
    catalogue_price = Decimal(catalogue["current_price"])
    assert catalogue["user_price"] is None

    mine = ok(await api.client.put("/api/instruments/spy/price", json={"price": "1.23"}, headers=api.auth(A)))

    assert Decimal(mine["user_price"]) == Decimal("1.23")
    assert Decimal(mine["current_price"]) == catalogue_price  # the shared catalogue is untouched
    # A's SPY position is valued at A's price ...
    a_positions = ok(await api.client.get(f"/api/accounts/{owned.account_id}/positions", headers=api.auth(A)))
    a_spy = next(p for p in a_positions["positions"] if p["symbol"] == "SPY")
    assert Decimal(a_spy["current_price"]) == Decimal("1.23")
    assert Decimal(a_spy["instrument"]["user_price"]) == Decimal("1.23")
    # ... B sees the catalogue price everywhere, and no trace of A's.
    b_instrument = ok(await api.client.get("/api/instruments/SPY", headers=api.auth(B)))
    assert b_instrument["user_price"] is None
    assert Decimal(b_instrument["current_price"]) == catalogue_price
    b_list = ok(await api.client.get("/api/instruments", headers=api.auth(B)))
    assert all(item["user_price"] is None for item in b_list)
    b_accounts = ok(await api.client.get("/api/accounts", headers=api.auth(B)))
    b_401k = next(a for a in b_accounts if a["account_name"] == "401k Long-term")
    b_positions = ok(await api.client.get(f"/api/accounts/{b_401k['id']}/positions", headers=api.auth(B)))
    b_spy = next(p for p in b_positions["positions"] if p["symbol"] == "SPY")
    assert Decimal(b_spy["current_price"]) == catalogue_price
    assert b_spy["instrument"]["user_price"] is None
    # B cannot remove A's price either: B has none of their own.
    assert (await api.client.delete("/api/instruments/SPY/price", headers=api.auth(B))).status_code == 404
    still = ok(await api.client.get("/api/instruments/SPY", headers=api.auth(A)))
    assert Decimal(still["user_price"]) == Decimal("1.23")
    # Removing it brings A back to the catalogue price.
    ok(await api.client.delete("/api/instruments/SPY/price", headers=api.auth(A)))
    assert ok(await api.client.get("/api/instruments/SPY", headers=api.auth(A)))["user_price"] is None
