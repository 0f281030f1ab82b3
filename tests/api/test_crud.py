"""The CRUD round trip of PRODUCT.md §4: user, accounts, positions, instruments, demo data, jobs."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from alex.db.engine import libpq_url
from tests.support.api import DEMO_POSITIONS, SEED_ETFS, SEED_EXTRAS, add_position, create_account, ok
from tests.support.harness import ApiHarness

U = "crud-user"


def _is_decimal_string(value: object, expected: str) -> bool:
    """Money travels as a decimal string (never a float), equal to ``expected``."""
    return isinstance(value, str) and Decimal(value) == Decimal(expected)


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None  # timestamps carry their time zone
    return parsed


# --- accounts ----------------------------------------------------------------------------------


async def test_account_round_trip(api: ApiHarness) -> None:
    headers = api.auth(U)
    created = await create_account(
        api,
        U,
        account_name="Mom's 401(k)",
        account_purpose="Retirement, with employer match",
        account_type="roth_ira",
        cash_balance="1234.56",
        cash_interest="0.045",
    )
    assert uuid.UUID(created["id"])
    assert created["user_id"] == U
    assert created["clerk_user_id"] == U
    assert created["account_name"] == "Mom's 401(k)"
    assert created["account_purpose"] == "Retirement, with employer match"
    assert created["account_type"] == "roth_ira"
    assert _is_decimal_string(created["cash_balance"], "1234.56")
    assert _is_decimal_string(created["cash_interest"], "0.045")  # stored (the reference dropped it)

    fetched = ok(await api.client.get(f"/api/accounts/{created['id']}", headers=headers))
    assert fetched == created
    assert ok(await api.client.get("/api/accounts", headers=headers)) == [created]

    updated = ok(
        await api.client.put(
            f"/api/accounts/{created['id']}",
            json={"account_name": "Renamed", "cash_balance": "99.99", "cash_interest": "0.05"},
            headers=headers,
        )
    )
    assert updated["account_name"] == "Renamed"
    assert _is_decimal_string(updated["cash_balance"], "99.99")
    assert _is_decimal_string(updated["cash_interest"], "0.05")
    # Fields not sent are kept.
    assert updated["account_type"] == "roth_ira"
    assert updated["account_purpose"] == "Retirement, with employer match"
    assert updated["created_at"] == created["created_at"]
    assert _time(updated["updated_at"]) > _time(created["updated_at"])
    assert ok(await api.client.get(f"/api/accounts/{created['id']}", headers=headers)) == updated

    # A null purpose clears it; a null for a required field leaves it as is.
    cleared = ok(
        await api.client.put(
            f"/api/accounts/{created['id']}",
            json={"account_purpose": None, "account_name": None, "account_type": "taxable"},
            headers=headers,
        )
    )
    assert cleared["account_purpose"] is None
    assert cleared["account_name"] == "Renamed"
    assert cleared["account_type"] == "taxable"

    deleted = ok(await api.client.delete(f"/api/accounts/{created['id']}", headers=headers))
    assert deleted == {"message": "Account deleted successfully"}
    assert (await api.client.get(f"/api/accounts/{created['id']}", headers=headers)).status_code == 404
    assert ok(await api.client.get("/api/accounts", headers=headers)) == []


async def test_account_defaults(api: ApiHarness) -> None:
    created = await create_account(api, U, account_name="Plain")
    assert created["account_type"] == "other"
    assert created["account_purpose"] is None
    assert _is_decimal_string(created["cash_balance"], "0")
    assert _is_decimal_string(created["cash_interest"], "0")


async def test_accounts_are_listed_newest_first(api: ApiHarness) -> None:
    names = ["First", "Second", "Third"]
    for name in names:
        await create_account(api, U, account_name=name)
    listed = ok(await api.client.get("/api/accounts", headers=api.auth(U)))
    assert [a["account_name"] for a in listed] == names[::-1]


async def test_deleting_an_account_deletes_its_positions(api: ApiHarness) -> None:
    headers = api.auth(U)
    account = await create_account(api, U)
    position = await add_position(api, U, account["id"], "SPY", 3)
    ok(await api.client.delete(f"/api/accounts/{account['id']}", headers=headers))
    gone = await api.client.put(f"/api/positions/{position['id']}", json={"quantity": "1"}, headers=headers)
    assert gone.status_code == 404
    assert (
        await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers)
    ).status_code == 404


# --- positions ---------------------------------------------------------------------------------


async def test_position_round_trip(api: ApiHarness) -> None:
    headers = api.auth(U)
    account = await create_account(api, U, cash_balance="100")
    spy = ok(await api.client.get("/api/instruments/SPY", headers=headers))

    created = ok(
        await api.client.post(
            "/api/positions",
            json={
                "account_id": account["id"],
                "symbol": "spy",
                "quantity": "10.5",
                "as_of_date": "2025-01-31",
            },
            headers=headers,
        ),
        201,
    )
    assert created["symbol"] == "SPY"
    assert created["account_id"] == account["id"]
    assert _is_decimal_string(created["quantity"], "10.5")
    assert created["as_of_date"] == "2025-01-31"
    assert created["instrument_name"] == spy["name"]
    assert created["instrument_type"] == "etf"
    assert _is_decimal_string(created["current_price"], spy["current_price"])
    assert created["instrument"] == spy

    listed = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers))
    assert listed == {"positions": [created]}

    updated = ok(
        await api.client.put(f"/api/positions/{created['id']}", json={"quantity": "12.25"}, headers=headers)
    )
    assert _is_decimal_string(updated["quantity"], "12.25")
    assert updated["as_of_date"] == "2025-01-31"
    assert updated["instrument"] == spy
    assert _time(updated["updated_at"]) > _time(created["updated_at"])
    listed = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers))
    assert listed == {"positions": [updated]}

    deleted = ok(await api.client.delete(f"/api/positions/{created['id']}", headers=headers))
    assert deleted == {"message": "Position deleted"}
    listed = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers))
    assert listed == {"positions": []}
    again = await api.client.delete(f"/api/positions/{created['id']}", headers=headers)
    assert again.status_code == 404


async def test_posting_a_held_symbol_replaces_its_quantity(api: ApiHarness) -> None:
    """As the reference: one position per symbol and account, POST sets its quantity."""
    headers = api.auth(U)
    account = await create_account(api, U)
    first = await add_position(api, U, account["id"], "QQQ", 5)
    second = await add_position(api, U, account["id"], "qqq", 7)
    assert second["id"] == first["id"]
    assert _is_decimal_string(second["quantity"], "7")
    listed = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers))
    assert [(p["symbol"], Decimal(p["quantity"])) for p in listed["positions"]] == [("QQQ", Decimal(7))]


async def test_positions_come_with_their_instrument_sorted_by_symbol(api: ApiHarness) -> None:
    headers = api.auth(U)
    account = await create_account(api, U)
    for symbol in ("VTI", "AAPL", "BND"):
        await add_position(api, U, account["id"], symbol, 1)
    listed = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=headers))[
        "positions"
    ]
    assert [p["symbol"] for p in listed] == ["AAPL", "BND", "VTI"]
    for position in listed:
        instrument = position["instrument"]
        assert instrument["symbol"] == position["symbol"]
        assert instrument["classification_status"] == "classified"
        assert Decimal(instrument["current_price"]) > 0
        assert position["current_price"] == instrument["current_price"]
        assert sum(instrument["allocation_asset_class"].values()) == 100


async def test_unknown_symbols_are_unclassified_and_unpriced(api: ApiHarness) -> None:
    headers = api.auth(U)
    account = await create_account(api, U)
    brk = await add_position(api, U, account["id"], " brk.b ", 2)
    rds = await add_position(api, U, account["id"], "RDS-A", 3)

    assert brk["symbol"] == "BRK.B"
    assert rds["symbol"] == "RDS-A"
    for position in (brk, rds):
        instrument = position["instrument"]
        assert position["current_price"] is None
        assert instrument["current_price"] is None
        assert instrument["user_price"] is None
        assert instrument["classification_status"] == "unclassified"
        assert instrument["instrument_type"] is None  # not guessed
        assert instrument["allocation_asset_class"] == {}
        assert instrument["allocation_regions"] == {}
        assert instrument["allocation_sectors"] == {}
    catalogue = {i["symbol"]: i for i in ok(await api.client.get("/api/instruments", headers=headers))}
    assert catalogue["BRK.B"]["classification_status"] == "unclassified"
    assert catalogue["RDS-A"]["current_price"] is None


async def test_a_user_price_applies_to_that_users_positions_only(api: ApiHarness) -> None:
    mine = await create_account(api, U)
    theirs = await create_account(api, "other-user")
    await add_position(api, U, mine["id"], "brk.b", 2)
    await add_position(api, "other-user", theirs["id"], "BRK.B", 4)

    priced = ok(
        await api.client.put("/api/instruments/brk.b/price", json={"price": "412.5"}, headers=api.auth(U))
    )
    assert _is_decimal_string(priced["user_price"], "412.5")
    assert priced["current_price"] is None  # the catalogue still has no price

    my_positions = ok(await api.client.get(f"/api/accounts/{mine['id']}/positions", headers=api.auth(U)))
    assert _is_decimal_string(my_positions["positions"][0]["current_price"], "412.5")
    assert my_positions["positions"][0]["instrument"]["current_price"] is None

    other = ok(
        await api.client.get(f"/api/accounts/{theirs['id']}/positions", headers=api.auth("other-user"))
    )
    assert other["positions"][0]["current_price"] is None
    assert other["positions"][0]["instrument"]["user_price"] is None
    shared = ok(await api.client.get("/api/instruments/BRK.B", headers=api.auth("other-user")))
    assert shared["current_price"] is None
    assert shared["user_price"] is None


async def test_price_for_a_symbol_not_in_the_catalogue_is_404(api: ApiHarness) -> None:
    response = await api.client.put("/api/instruments/NOPE/price", json={"price": "1"}, headers=api.auth(U))
    assert response.status_code == 404
    assert (await api.client.get("/api/instruments/NOPE", headers=api.auth(U))).status_code == 404


# --- user --------------------------------------------------------------------------------------


async def test_new_user_defaults(api: ApiHarness) -> None:
    entry = ok(await api.client.get("/api/user", headers=api.auth(U)))
    assert entry["created"] is True
    user = entry["user"]
    assert user["id"] == user["clerk_user_id"] == U
    assert user["years_until_retirement"] == 20
    assert _is_decimal_string(user["target_retirement_income"], "60000")
    assert user["asset_class_targets"] == {"equity": 70, "fixed_income": 30}
    assert user["region_targets"] == {"north_america": 50, "international": 50}


async def test_concurrent_first_calls_create_the_user_once(api: ApiHarness) -> None:
    headers = api.auth("racing-user")
    replies = await asyncio.gather(*(api.client.get("/api/user", headers=headers) for _ in range(8)))
    entries = [ok(reply) for reply in replies]
    assert [e["created"] for e in entries].count(True) == 1
    assert {e["user"]["id"] for e in entries} == {"racing-user"}


async def test_display_name_comes_from_the_token(api: ApiHarness) -> None:
    token = api.token("named-user", name="Grace Hopper", email="grace@example.test")
    entry = ok(await api.client.get("/api/user", headers={"Authorization": f"Bearer {token}"}))
    assert entry["user"]["display_name"] == "Grace Hopper"
    assert entry["user"]["email"] == "grace@example.test"
    token = api.token("mailed-user", email="linus@example.test")
    entry = ok(await api.client.get("/api/user", headers={"Authorization": f"Bearer {token}"}))
    assert entry["user"]["display_name"] == "linus"


async def test_an_oversized_email_claim_is_dropped(api: ApiHarness) -> None:
    """An issuer's email claim longer than any real address does not break sign-in."""
    token = api.token("long-mail", name="Long Mail", email="a" * 400 + "@example.test")
    entry = ok(await api.client.get("/api/user", headers={"Authorization": f"Bearer {token}"}))
    assert entry["created"] is True
    assert entry["user"]["email"] is None
    assert entry["user"]["display_name"] == "Long Mail"


async def test_update_user(api: ApiHarness) -> None:
    headers = api.auth(U)
    before = ok(await api.client.get("/api/user", headers=headers))["user"]
    body: dict[str, Any] = {
        "display_name": "Ada L.",
        "years_until_retirement": 35,
        "target_retirement_income": "85000.50",
        "asset_class_targets": {"equity": 60, "fixed_income": 35, "cash": 5},
        "region_targets": {"north_america": 40, "europe": 30, "asia": 20.5, "global": 9.5},
    }
    updated = ok(await api.client.put("/api/user", json=body, headers=headers))
    assert updated["display_name"] == "Ada L."
    assert updated["years_until_retirement"] == 35
    assert _is_decimal_string(updated["target_retirement_income"], "85000.50")
    assert updated["asset_class_targets"] == {"equity": 60, "fixed_income": 35, "cash": 5}
    assert updated["region_targets"] == {"north_america": 40, "europe": 30, "asia": 20.5, "global": 9.5}
    assert _time(updated["updated_at"]) > _time(before["updated_at"])
    assert ok(await api.client.get("/api/user", headers=headers)) == {"user": updated, "created": False}

    # A partial update keeps everything else.
    partial = ok(await api.client.put("/api/user", json={"years_until_retirement": 0}, headers=headers))
    assert partial["years_until_retirement"] == 0
    assert partial["display_name"] == "Ada L."
    assert partial["asset_class_targets"] == updated["asset_class_targets"]


async def test_targets_are_stored_as_json_numbers(api: ApiHarness, database_url: str) -> None:
    """Consumers of the users row (analysis, drift) get numbers, as for the defaults and the seed."""
    body = {"asset_class_targets": {"equity": 60.5, "fixed_income": 39.5}, "region_targets": {"global": 100}}
    ok(await api.client.put("/api/user", json=body, headers=api.auth(U)))
    dsn = libpq_url(database_url)
    async with await psycopg.AsyncConnection.connect(dsn) as connection:
        cursor = await connection.execute(
            "SELECT asset_class_targets, region_targets,"
            " (SELECT array_agg(DISTINCT jsonb_typeof(v))"
            "  FROM jsonb_each(asset_class_targets || region_targets) AS t(k, v))"
            " FROM users WHERE id = %s",
            (U,),
        )
        row = await cursor.fetchone()
    assert row is not None
    assert row[0] == {"equity": 60.5, "fixed_income": 39.5}
    assert row[1] == {"global": 100}
    assert row[2] == ["number"]


async def test_update_user_accepts_the_edges_of_every_range(api: ApiHarness) -> None:
    headers = api.auth(U)
    edges: list[dict[str, Any]] = [
        {"years_until_retirement": 0},
        {"years_until_retirement": 70},
        {"target_retirement_income": "0"},
        {"target_retirement_income": "999999999999.99"},  # the largest that fits NUMERIC(14, 2)
        {"asset_class_targets": {"equity": 100}},
        {"asset_class_targets": {"equity": 50, "fixed_income": 50.05}},  # within 100 ± 0.05
        {"asset_class_targets": {"equity": 50, "fixed_income": 49.95}},
        {"region_targets": {"global": 100, "asia": 0}},
    ]
    for body in edges:
        updated = ok(await api.client.put("/api/user", json=body, headers=headers))
        key, value = next(iter(body.items()))
        if isinstance(value, dict):
            assert {k: Decimal(str(v)) for k, v in updated[key].items()} == {
                k: Decimal(str(v)) for k, v in value.items()
            }
        elif isinstance(value, str):
            assert _is_decimal_string(updated[key], value)
        else:
            assert updated[key] == value


# --- demo data ---------------------------------------------------------------------------------


async def test_populate_test_data(api: ApiHarness) -> None:
    headers = api.auth(U)
    result = ok(await api.client.post("/api/populate-test-data", headers=headers))
    assert result["accounts_created"] == 3
    assert result["positions_created"] == 17
    assert {a["account_name"] for a in result["accounts"]} == set(DEMO_POSITIONS)
    assert sum(len(a["positions"]) for a in result["accounts"]) == 17

    accounts = ok(await api.client.get("/api/accounts", headers=headers))
    assert len(accounts) == 3
    by_name = {a["account_name"]: a for a in accounts}
    assert _is_decimal_string(by_name["401k Long-term"]["cash_interest"], "0.045")
    assert by_name["401k Long-term"]["account_type"] == "401k"
    assert by_name["Roth IRA"]["account_type"] == "roth_ira"
    assert by_name["Brokerage Account"]["account_type"] == "taxable"
    assert _is_decimal_string(by_name["Brokerage Account"]["cash_balance"], "10000.00")

    symbols: list[str] = []
    for name, expected in DEMO_POSITIONS.items():
        positions = ok(
            await api.client.get(f"/api/accounts/{by_name[name]['id']}/positions", headers=headers)
        )
        held = {p["symbol"]: p for p in positions["positions"]}
        assert {s: Decimal(p["quantity"]) for s, p in held.items()} == {
            s: Decimal(q) for s, q in expected.items()
        }
        for position in held.values():
            assert position["current_price"] is not None
            assert Decimal(position["current_price"]) > 0
            assert position["instrument"]["classification_status"] == "classified"
        symbols.extend(held)
    assert len(symbols) == 17
    assert {"VTI", "VXUS", "TSLA"} <= set(symbols)  # the three the reference silently lost

    second = ok(await api.client.post("/api/populate-test-data", headers=headers))
    assert second["accounts_created"] == 0
    assert second["positions_created"] == 0
    assert second["accounts"] == []
    assert ok(await api.client.get("/api/accounts", headers=headers)) == accounts


async def test_reset_accounts(api: ApiHarness) -> None:
    headers = api.auth(U)
    ok(await api.client.post("/api/populate-test-data", headers=headers))
    reset = ok(await api.client.delete("/api/reset-accounts", headers=headers))
    assert reset == {"message": "Deleted 3 account(s)", "accounts_deleted": 3}
    assert ok(await api.client.get("/api/accounts", headers=headers)) == []
    # Populating again starts afresh.
    assert ok(await api.client.post("/api/populate-test-data", headers=headers))["accounts_created"] == 3


# --- instruments -------------------------------------------------------------------------------


async def test_instrument_catalogue(api: ApiHarness) -> None:
    catalogue = ok(await api.client.get("/api/instruments", headers=api.auth(U)))
    by_symbol = {i["symbol"]: i for i in catalogue}
    assert set(SEED_ETFS) | set(SEED_EXTRAS) <= set(by_symbol)
    assert len(SEED_ETFS) == 22
    assert [i["symbol"] for i in catalogue] == sorted(by_symbol)
    for symbol in (*SEED_ETFS, *SEED_EXTRAS):
        instrument = by_symbol[symbol]
        assert instrument["name"]
        assert isinstance(instrument["current_price"], str)
        assert Decimal(instrument["current_price"]) > 0
        assert instrument["classification_status"] == "classified"
        assert instrument["user_price"] is None
        for key in ("allocation_asset_class", "allocation_regions", "allocation_sectors"):
            assert abs(sum(instrument[key].values()) - 100) <= 0.05, (symbol, key)
    assert by_symbol["BND"]["instrument_type"] == "bond_fund"
    assert by_symbol["TSLA"]["instrument_type"] == "stock"


# --- jobs --------------------------------------------------------------------------------------


async def test_analyze_creates_pending_jobs_listed_newest_first(api: ApiHarness) -> None:
    headers = api.auth(U)
    created = []
    for body in (None, {}, {"analysis_type": "portfolio", "options": {"depth": 2}}):
        response = await api.client.post("/api/analyze", json=body, headers=headers)
        reply = ok(response, 202)
        assert set(reply) == {"job_id", "message"}
        assert uuid.UUID(reply["job_id"])
        assert reply["message"]
        created.append(reply["job_id"])

    jobs = ok(await api.client.get("/api/jobs", headers=headers))["jobs"]
    assert [j["id"] for j in jobs] == created[::-1]
    stamps = [_time(j["created_at"]) for j in jobs]
    assert stamps == sorted(stamps, reverse=True)
    limited = ok(await api.client.get("/api/jobs", params={"limit": 1}, headers=headers))["jobs"]
    assert [j["id"] for j in limited] == created[-1:]

    job = ok(await api.client.get(f"/api/jobs/{created[-1]}", headers=headers))
    assert job == jobs[0]
    assert job["status"] == "pending"
    assert job["job_type"] == "portfolio_analysis"
    assert job["user_id"] == job["clerk_user_id"] == U
    assert job["request_payload"] == {"analysis_type": "portfolio", "options": {"depth": 2}}
    for payload in ("summary_payload", "report_payload", "charts_payload", "retirement_payload"):
        assert job[payload] is None
    assert job["started_at"] is None
    assert job["completed_at"] is None
    assert job["error_message"] is None


async def test_unknown_job_is_404(api: ApiHarness) -> None:
    response = await api.client.get(f"/api/jobs/{uuid.uuid4()}", headers=api.auth(U))
    assert response.status_code == 404
    assert response.json() == {"detail": "Job not found."}
