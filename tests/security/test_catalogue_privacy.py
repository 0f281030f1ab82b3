"""Finding: the instrument catalogue was shared and writable by every user.

``GET /api/instruments/ZZASEC1`` answered 200 to a user who did not hold it (so someone did), any
user could fill everyone's catalogue with invented symbols, and they stayed after the accounts
holding them were deleted. Now a symbol a user adds is theirs alone until a market price or an
operator confirms it, and it goes when they no longer hold it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text

from alex.db import instruments, positions
from alex.db.engine import Database
from alex.db.models import Instrument, InstrumentClaim, UserInstrumentClassification, UserInstrumentPrice
from alex.db.seed import seed_catalogue
from alex.services import accounts
from alex.services import positions as position_service
from alex.services.accounts import AccountCreate
from alex.services.positions import PositionCreate
from alex.settings import Settings
from tests.support.api import add_position, create_account, ok
from tests.support.harness import ApiHarness

A, B = "alice", "bob"
SECRET = "ZZASEC1"
CLASSIFICATION = {
    "asset_class": {"equity": 100},
    "regions": {"north_america": 100},
    "sectors": {"technology": 100},
}


async def _get(api: ApiHarness, user: str, symbol: str) -> tuple[int, Any]:
    response = await api.client.get(f"/api/instruments/{symbol}", headers=api.auth(user))
    return response.status_code, response.json()


async def _listed(api: ApiHarness, user: str) -> set[str]:
    return {i["symbol"] for i in ok(await api.client.get("/api/instruments", headers=api.auth(user)))}


async def _rows(database: Database, symbol: str) -> dict[str, Any]:
    """What the database keeps of ``symbol``: the catalogue row, its claims, users' own rows."""
    async with database.session() as session:
        instrument = await session.get(Instrument, symbol)
        claims = await session.scalars(
            select(InstrumentClaim.user_id).where(InstrumentClaim.symbol == symbol)
        )
        prices = await session.scalars(
            select(UserInstrumentPrice.user_id).where(UserInstrumentPrice.symbol == symbol)
        )
        classifications = await session.scalars(
            select(UserInstrumentClassification.user_id).where(UserInstrumentClassification.symbol == symbol)
        )
        return {
            "confirmed": None if instrument is None else instrument.confirmed,
            "claims": set(claims),
            "prices": set(prices),
            "classifications": set(classifications),
        }


async def _hold(api: ApiHarness, user: str, symbol: str) -> tuple[str, dict[str, Any]]:
    """A new account of ``user`` holding ``symbol``: the account's id and the position."""
    account = await create_account(api, user)
    return account["id"], await add_position(api, user, account["id"], symbol, 1)


async def test_another_users_symbol_is_not_found_like_a_missing_one(api: ApiHarness) -> None:
    await _hold(api, A, SECRET)
    assert (await _get(api, A, SECRET))[0] == 200
    assert SECRET in await _listed(api, A)

    status, body = await _get(api, B, SECRET)
    assert (status, body) == await _get(api, B, "ZZNONE1")
    assert status == 404
    assert SECRET not in await _listed(api, B)
    # Nor can B attach a price or a classification of their own to it (which would tell it exists).
    price = await api.client.put(f"/api/instruments/{SECRET}/price", json={"price": "1"}, headers=api.auth(B))
    classified = await api.client.put(
        f"/api/instruments/{SECRET}/classification", json=CLASSIFICATION, headers=api.auth(B)
    )
    assert price.status_code == classified.status_code == 404
    assert (await _rows(api.context.database, SECRET))["claims"] == {A}


async def test_the_symbol_goes_with_the_last_position_holding_it(api: ApiHarness) -> None:
    _, position = await _hold(api, A, SECRET)
    ok(await api.client.put(f"/api/instruments/{SECRET}/price", json={"price": "12.5"}, headers=api.auth(A)))
    ok(
        await api.client.put(
            f"/api/instruments/{SECRET}/classification", json=CLASSIFICATION, headers=api.auth(A)
        )
    )

    ok(await api.client.delete(f"/api/positions/{position['id']}", headers=api.auth(A)))

    assert (await _get(api, A, SECRET))[0] == 404
    assert SECRET not in await _listed(api, A)
    assert await _rows(api.context.database, SECRET) == {
        "confirmed": None,
        "claims": set(),
        "prices": set(),
        "classifications": set(),
    }


async def test_deleting_accounts_releases_their_symbols(api: ApiHarness) -> None:
    first, _ = await _hold(api, A, SECRET)
    second, _ = await _hold(api, A, SECRET)
    ok(await api.client.delete(f"/api/accounts/{first}", headers=api.auth(A)))
    assert (await _get(api, A, SECRET))[0] == 200  # still held in the second account
    ok(await api.client.delete(f"/api/accounts/{second}", headers=api.auth(A)))
    assert (await _get(api, A, SECRET))[0] == 404
    assert (await _rows(api.context.database, SECRET))["confirmed"] is None

    await _hold(api, A, "ZZASEC2")
    ok(await api.client.delete("/api/reset-accounts", headers=api.auth(A)))
    assert (await _rows(api.context.database, "ZZASEC2"))["confirmed"] is None


async def test_a_second_holder_learns_nothing_of_the_first(api: ApiHarness) -> None:
    """B adding A's symbol gets what a brand-new symbol gives; A's own price stays A's."""
    await _hold(api, A, SECRET)
    ok(await api.client.put(f"/api/instruments/{SECRET}/price", json={"price": "12.5"}, headers=api.auth(A)))

    _, theirs = await _hold(api, B, SECRET)
    _, fresh = await _hold(api, B, "ZZFRESH")
    assert {**theirs["instrument"], "symbol": "", "name": ""} == {
        **fresh["instrument"],
        "symbol": "",
        "name": "",
    }
    assert theirs["current_price"] is None
    assert (await _get(api, B, SECRET))[0] == 200

    # B stops holding it: A still has it, and B's own price of it does not outlive B's claim
    # (were it kept, B would see it again on re-adding, and know that someone else holds it).
    ok(await api.client.put(f"/api/instruments/{SECRET}/price", json={"price": "99"}, headers=api.auth(B)))
    ok(await api.client.delete(f"/api/positions/{theirs['id']}", headers=api.auth(B)))
    assert (await _get(api, B, SECRET))[0] == 404
    assert (await _get(api, A, SECRET))[1]["user_price"] == "12.500000"
    assert await _rows(api.context.database, SECRET) == {
        "confirmed": False,
        "claims": {A},
        "prices": {A},
        "classifications": set(),
    }
    _, again = await _hold(api, B, SECRET)
    assert again["instrument"]["user_price"] is None


async def test_a_market_price_confirms_a_symbol_and_a_model_classification_does_not(api: ApiHarness) -> None:
    _, position = await _hold(api, A, SECRET)
    async with api.context.database.session() as session:
        assert await instruments.store_model_classification(
            session,
            symbol=SECRET,
            instrument_type="stock",
            asset_class={"equity": Decimal(100)},
            regions={"north_america": Decimal(100)},
            sectors={"technology": Decimal(100)},
            source="openai:gpt-test",
        )
        await session.commit()
    assert (await _get(api, B, SECRET))[0] == 404  # a model is not a verified source

    async with api.context.database.session() as session:
        await instruments.set_catalogue_price(
            session, symbol=SECRET, price=Decimal("41.5"), source="polygon", as_of=datetime.now(UTC)
        )
        await session.commit()
    status, seen = await _get(api, B, SECRET)
    assert (status, seen["current_price"]) == (200, "41.500000")
    assert SECRET in await _listed(api, B)
    # Confirmed, it is part of the catalogue and stays when its holder sells.
    ok(await api.client.delete(f"/api/positions/{position['id']}", headers=api.auth(A)))
    assert (await _get(api, B, SECRET))[0] == 200
    assert await _rows(api.context.database, SECRET) == {
        "confirmed": True,
        "claims": set(),
        "prices": set(),
        "classifications": set(),
    }


async def test_the_seed_confirms_a_symbol_a_user_added_before_it_knew_it(api: ApiHarness) -> None:
    async with api.context.database.session() as session:  # a catalogue from before XLE was seeded
        await session.execute(delete(Instrument).where(Instrument.symbol == "XLE"))
        await session.commit()
    await _hold(api, A, "XLE")
    assert (await _get(api, B, "XLE"))[0] == 404

    async with api.context.database.session() as session:
        await seed_catalogue(session)
        await session.commit()

    status, seen = await _get(api, B, "XLE")
    assert (status, seen["classification"]["source"]) == (200, "catalogue")


def _alex(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ALEX_")}
    env |= {"ALEX_DATA_DIR": str(tmp_path / "alex"), "ALEX_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "alex", *args], env=env, capture_output=True, text=True, check=False
    )


async def test_an_operator_confirms_symbols_for_everyone(
    api: ApiHarness, database_url: str, tmp_path: Path
) -> None:
    await _hold(api, A, SECRET)
    assert (await _get(api, B, SECRET))[0] == 404

    result = _alex(
        "catalogue", "confirm", SECRET.lower(), "ZZNONE1", database_url=database_url, tmp_path=tmp_path
    )

    assert result.returncode == 1  # one of the two is not in the catalogue
    assert result.stdout.strip() == f"confirmed: {SECRET}"
    assert "not in the catalogue: ZZNONE1" in result.stderr
    assert (await _get(api, B, SECRET))[0] == 200
    assert SECRET in await _listed(api, B)
    bad = _alex("catalogue", "confirm", "$$$", database_url=database_url, tmp_path=tmp_path)
    assert bad.returncode == 2


# --- a release and an add of the same symbol at once ---------------------------------------------


async def _blocked(database: Database) -> None:
    """Return once one session of this database waits for a lock (the other's transaction)."""
    async with database.session() as watcher:
        for _ in range(2000):
            waiting = await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            await watcher.rollback()
            if waiting:
                return
    raise AssertionError("nobody waited")


async def _holding(database: Database, user: str, symbol: str) -> uuid.UUID:
    """An account of ``user`` holding ``symbol`` (committed); the position's id."""
    settings = Settings()
    async with database.session() as session:
        account = await accounts.create_account(
            session, user_id=user, form=AccountCreate(account_name="Brokerage"), settings=settings
        )
        form = PositionCreate(account_id=account.id, symbol=symbol, quantity=Decimal(1))
        view = await position_service.add_position(session, user_id=user, form=form, settings=settings)
        return view.position.id


async def _delete(database: Database, user: str, position_id: uuid.UUID) -> None:
    async with database.session() as session:
        view = await position_service.get_position(session, user_id=user, position_id=position_id)
        await position_service.delete_position(session, user_id=user, view=view)


async def test_a_release_waits_for_an_add_of_the_same_symbol(database: Database) -> None:
    """u1 sells their last ZZR while u2's add of ZZR is not yet committed: ZZR stays, u2's."""
    position_id = await _holding(database, "u1", "ZZR")
    async with database.session() as adding:
        account = await accounts.create_account(
            adding, user_id="u2", form=AccountCreate(account_name="Other"), settings=Settings()
        )
        await positions.upsert(
            adding, account_id=account.id, symbol="ZZR", quantity=Decimal(2), as_of_date=None
        )
        release = asyncio.create_task(_delete(database, "u1", position_id))
        await _blocked(database)
        await adding.commit()
    await release
    assert await _rows(database, "ZZR") == {
        "confirmed": False,
        "claims": {"u2"},
        "prices": set(),
        "classifications": set(),
    }


async def test_an_add_waits_for_a_release_of_the_same_symbol(database: Database) -> None:
    """u2 adds ZZR while u1's release of it is not yet committed: u2 gets a fresh ZZR of their own."""
    position_id = await _holding(database, "u1", "ZZR")
    async with database.session() as releasing:
        view = await position_service.get_position(releasing, user_id="u1", position_id=position_id)
        await positions.remove(releasing, position=view.position)
        assert await instruments.release_unheld(releasing, user_id="u1") == {"ZZR"}
        add = asyncio.create_task(_holding(database, "u2", "ZZR"))
        await _blocked(database)
        await releasing.commit()
    await add
    assert await _rows(database, "ZZR") == {
        "confirmed": False,
        "claims": {"u2"},
        "prices": set(),
        "classifications": set(),
    }
