"""Quotas of accounts, positions and symbols added: what counts, what a refusal leaves, races.

A refusal is a ``QuotaExceededError`` (a 429 from the API, the form's error on a page) naming the
quota, and it stores nothing: not an account, not one row of an import, not a catalogue symbol.
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from alex.db.engine import Database
from alex.db.models import Account, Instrument, Position
from alex.services import accounts, instruments, positions
from alex.services.accounts import AccountCreate
from alex.services.csv_import import ImportRow
from alex.services.positions import PositionCreate
from alex.services.quotas import QuotaExceededError, lock_user
from alex.settings import Settings
from tests.support.api import MakeApi, create_account, ok
from tests.support.web import csrf, csrf_of, sign_up


def _settings(
    tmp_path: Path, *, quota_accounts: int = 50, quota_positions: int = 2000, quota_symbols_added: int = 200
) -> Settings:
    return Settings(
        data_dir=tmp_path / "alex",
        log_format="json",
        quota_accounts=quota_accounts,
        quota_positions=quota_positions,
        quota_symbols_added=quota_symbols_added,
    )


async def _account(database: Database, settings: Settings, user: str = "u1") -> uuid.UUID:
    async with database.session() as session:
        created = await accounts.create_account(
            session, user_id=user, form=AccountCreate(account_name="Brokerage"), settings=settings
        )
        return created.id


async def _add(
    database: Database, settings: Settings, account_id: uuid.UUID, symbol: str, user: str = "u1"
) -> None:
    form = PositionCreate(account_id=account_id, symbol=symbol, quantity=Decimal(1))
    async with database.session() as session:
        await positions.add_position(session, user_id=user, form=form, settings=settings)


async def _import(
    database: Database, settings: Settings, holdings: list[tuple[uuid.UUID, str, int]], user: str = "u1"
) -> int:
    rows = tuple(
        ImportRow(
            line=line,
            symbol=symbol,
            quantity_text=str(quantity),
            account_name="",
            quantity=Decimal(quantity),
            account_id=account_id,
        )
        for line, (account_id, symbol, quantity) in enumerate(holdings, start=1)
    )
    async with database.session() as session:
        return await positions.import_positions(session, user_id=user, rows=rows, settings=settings)


async def _held(database: Database, user: str = "u1") -> dict[tuple[uuid.UUID, str], Decimal]:
    async with database.session() as session:
        result = await session.execute(
            select(Position.account_id, Position.symbol, Position.quantity)
            .join(Position.account)
            .where(Account.user_id == user)
        )
        return {(account_id, symbol): quantity for account_id, symbol, quantity in result}


async def _catalogued(database: Database, *symbols: str) -> set[str]:
    async with database.session() as session:
        return set(await session.scalars(select(Instrument.symbol).where(Instrument.symbol.in_(symbols))))


# --- accounts ----------------------------------------------------------------------------------


async def test_the_account_past_the_quota_is_a_429_naming_it(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, quota_accounts=2)) as api:
        for _ in range(2):
            await create_account(api, "ada")
        refused = await api.client.post(
            "/api/accounts", json={"account_name": "Third"}, headers=api.auth("ada")
        )
        assert refused.status_code == 429
        assert refused.json()["detail"].startswith(
            "Quota reached: you can have at most 2 accounts (you have 2)."
        )
        assert "retry-after" not in refused.headers  # waiting does not help; deleting does
        listed = ok(await api.client.get("/api/accounts", headers=api.auth("ada")))
        assert len(listed) == 2
        # Another person has quota of their own; and a deleted account frees a place.
        await create_account(api, "bob")
        ok(await api.client.delete(f"/api/accounts/{listed[0]['id']}", headers=api.auth("ada")))
        await create_account(api, "ada")


async def test_two_creates_at_the_limit_at_once_make_one_account(database: Database, tmp_path: Path) -> None:
    settings = _settings(tmp_path, quota_accounts=2)
    await _account(database, settings)
    async with database.session() as holder, database.session() as watcher:
        await lock_user(holder, "u1")  # both creates queue behind it, then run one after the other
        racing = [asyncio.create_task(_account(database, settings)) for _ in range(2)]
        waiting = 0
        for _ in range(2000):
            waiting = await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
            await watcher.rollback()
            if waiting == 2:
                break
        assert waiting == 2
        await holder.rollback()
        outcomes = await asyncio.gather(*racing, return_exceptions=True)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["QuotaExceededError", "UUID"]
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == 2


# --- positions ---------------------------------------------------------------------------------


async def test_the_positions_quota_counts_every_account_and_not_a_replaced_quantity(
    database: Database, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, quota_positions=2)
    first, second = await _account(database, settings), await _account(database, settings)
    await _add(database, settings, first, "SPY")
    await _add(database, settings, second, "SPY")
    await _add(database, settings, first, "SPY")  # a new quantity, not a new position
    with pytest.raises(QuotaExceededError, match="at most 2 positions") as refused:
        await _add(database, settings, first, "VTI")
    assert refused.value.quota == "positions"
    assert set(await _held(database)) == {(first, "SPY"), (second, "SPY")}


async def test_an_import_past_the_positions_quota_stores_nothing(database: Database, tmp_path: Path) -> None:
    settings = _settings(tmp_path, quota_positions=3)
    account = await _account(database, settings)
    await _import(database, settings, [(account, "SPY", 1), (account, "BND", 1)])

    # SPY is held already (1 new position, not 2) but VTI and ZZNEW1 are two more: 4 > 3.
    with pytest.raises(QuotaExceededError, match="at most 3 positions"):
        await _import(database, settings, [(account, "SPY", 5), (account, "VTI", 1), (account, "ZZNEW1", 1)])
    assert await _held(database) == {(account, "SPY"): Decimal(1), (account, "BND"): Decimal(1)}
    assert await _catalogued(database, "ZZNEW1") == set()

    assert await _import(database, settings, [(account, "SPY", 5), (account, "VTI", 1)]) == 2
    assert await _held(database) == {
        (account, "SPY"): Decimal(5),
        (account, "BND"): Decimal(1),
        (account, "VTI"): Decimal(1),
    }


# --- symbols added -----------------------------------------------------------------------------


async def test_the_symbols_quota_counts_only_unconfirmed_symbols_of_ones_own(
    database: Database, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, quota_symbols_added=2)
    mine, other = await _account(database, settings), await _account(database, settings)
    for symbol in ("ZZA1", "ZZA2", "SPY"):  # SPY is in the catalogue: it does not count
        await _add(database, settings, mine, symbol)
    await _add(database, settings, other, "ZZA1")  # already mine: not added again
    with pytest.raises(QuotaExceededError, match="at most 2 symbols of your own") as refused:
        await _add(database, settings, mine, "ZZA3")
    assert refused.value.quota == "symbols_added"
    assert await _catalogued(database, "ZZA3") == set()

    # Another person's unconfirmed symbol counts for u2 exactly as a new one would.
    theirs = await _account(database, settings, "u2")
    await _add(database, settings, theirs, "ZZA1", user="u2")
    await _add(database, settings, theirs, "ZZB1", user="u2")
    with pytest.raises(QuotaExceededError):
        await _add(database, settings, theirs, "ZZA2", user="u2")

    # A confirmed symbol is the catalogue's, no longer u1's own: it frees a place.
    async with database.session() as session:
        await instruments.confirm_symbols(session, symbols=["ZZA1"])
    await _add(database, settings, mine, "ZZA3")


async def test_an_import_with_too_many_new_symbols_adds_none(database: Database, tmp_path: Path) -> None:
    settings = _settings(tmp_path, quota_symbols_added=3)
    account = await _account(database, settings)
    await _add(database, settings, account, "ZZA1")
    with pytest.raises(
        QuotaExceededError, match=r"at most 3 symbols of your own, not yet confirmed \(you have 1\)"
    ):
        await _import(
            database,
            settings,
            [(account, "ZZA1", 2), (account, "ZZA2", 1), (account, "ZZA3", 1), (account, "ZZA4", 1)],
        )
    assert await _catalogued(database, "ZZA2", "ZZA3", "ZZA4") == set()
    assert await _held(database) == {(account, "ZZA1"): Decimal(1)}


# --- the pages ---------------------------------------------------------------------------------


async def test_the_pages_show_a_quota_in_the_forms_error_area(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, quota_accounts=1, quota_positions=1)) as api:
        await sign_up(api)
        token = await csrf(api, "/accounts")
        form = {"csrf_token": token, "account_name": "Brokerage", "account_type": "taxable"}
        made = await api.client.post("/accounts", data=form)
        assert made.status_code == 303, made.text
        account_page = made.headers["location"].split("?")[0]

        refused = await api.client.post("/accounts", data={**form, "account_name": "Second"})
        assert refused.status_code == 429
        assert 'id="account-errors"' in refused.text
        assert "at most 1 accounts" in refused.text
        assert 'value="Second"' in refused.text  # the form keeps what was typed

        page = await api.client.get(account_page)
        added = await api.client.post(
            f"{account_page}/positions",
            data={"csrf_token": csrf_of(page.text), "symbol": "VTI", "quantity": "1"},
        )
        assert added.status_code == 303, added.text
        refused = await api.client.post(
            f"{account_page}/positions",
            data={"csrf_token": csrf_of(page.text), "symbol": "BND", "quantity": "2"},
        )
        assert refused.status_code == 429
        assert 'id="position-errors"' in refused.text
        assert "at most 1 positions" in refused.text

        imported = await api.client.post(
            f"{account_page}/import",
            data={"csrf_token": csrf_of(page.text), "action": "confirm", "csv_text": "VTI,3\nBND,2\n"},
        )
        assert imported.status_code == 429
        assert 'id="import-file-errors"' in imported.text
        assert "at most 1 positions" in imported.text
        assert "Nothing has been imported" in imported.text
        listed = await api.client.get(f"/api{account_page}/positions")
        assert [(p["symbol"], p["quantity"]) for p in listed.json()["positions"]] == [("VTI", "1.00000000")]
