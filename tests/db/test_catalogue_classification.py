"""The tagger's write into the shared catalogue: only while a symbol is unclassified, first writer wins.

Uses the shared ``database`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text

from alex.db import instruments
from alex.db.engine import Database
from alex.db.models import Instrument
from alex.domain.taxonomy import AllocationError
from tests.support.api import SEED_ETFS, SEED_EXTRAS

CLASSIFICATION: dict[str, Any] = {
    "instrument_type": "etf",
    "asset_class": {"equity": Decimal("100")},
    "regions": {"north_america": Decimal("60.5"), "europe": Decimal("39.5")},
    "sectors": {"technology": Decimal("100")},
}


async def _row(database: Database, symbol: str) -> Instrument:
    async with database.session() as session:
        return (await session.execute(select(Instrument).where(Instrument.symbol == symbol))).scalar_one()


async def _add_unknown(database: Database, symbol: str) -> None:
    async with database.session() as session:
        await instruments.ensure_exists(session, symbol=symbol, user_id="u1")
        await session.commit()


async def _store(database: Database, symbol: str, source: str, **changes: Any) -> bool:
    async with database.session() as session:
        wrote = await instruments.store_model_classification(
            session, symbol=symbol, source=source, **{**CLASSIFICATION, **changes}
        )
        await session.commit()
        return wrote


async def test_an_unclassified_symbol_is_written_once(database: Database) -> None:
    await _add_unknown(database, "ZZQX")

    assert await _store(database, "ZZQX", "openai:gpt-test") is True

    stored = await _row(database, "ZZQX")
    assert stored.classification_status == "classified"
    assert stored.classification_source == "openai:gpt-test"
    assert stored.instrument_type == "etf"
    # JSON numbers, as the seed stores them.
    assert stored.allocation_asset_class == {"equity": 100.0}
    assert stored.allocation_regions == {"north_america": 60.5, "europe": 39.5}
    assert stored.allocation_sectors == {"technology": 100.0}
    # A second model (or a re-run) does not overwrite the first classification.
    assert await _store(database, "ZZQX", "other:model", instrument_type="stock") is False
    again = await _row(database, "ZZQX")
    assert (again.classification_source, again.instrument_type) == ("openai:gpt-test", "etf")


async def test_a_seeded_or_unknown_symbol_is_not_written(database: Database) -> None:
    before = await _row(database, "SPY")

    assert await _store(database, "SPY", "openai:gpt-test", instrument_type="stock") is False
    assert await _store(database, "NOT-THERE", "openai:gpt-test") is False

    after = await _row(database, "SPY")
    assert after.classification_source == "seed"
    assert after.instrument_type == before.instrument_type
    assert after.allocation_sectors == before.allocation_sectors


async def test_concurrent_taggers_write_once(database: Database) -> None:
    """Two jobs classify the same new symbol at once: the second waits, then finds it classified."""
    await _add_unknown(database, "ZZQY")
    async with database.session() as first, database.session() as watcher:
        assert await instruments.store_model_classification(
            first, symbol="ZZQY", source="model:first", **CLASSIFICATION
        )
        second = asyncio.create_task(_store(database, "ZZQY", "model:second"))
        # The second UPDATE is blocked on the first one's row lock until the first commits.
        for _ in range(200):
            waiting = await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            await watcher.rollback()
            if waiting:
                break
            await asyncio.sleep(0.01)
        assert waiting == 1
        assert not second.done()
        await first.commit()
        assert await second is False
    assert (await _row(database, "ZZQY")).classification_source == "model:first"


async def test_a_malformed_classification_never_reaches_the_catalogue(database: Database) -> None:
    await _add_unknown(database, "ZZQZ")
    with pytest.raises(AllocationError):
        await _store(database, "ZZQZ", "m", regions={"mars": Decimal(100)})
    with pytest.raises(AllocationError):
        await _store(database, "ZZQZ", "m", asset_class={"equity": Decimal(90)})
    assert (await _row(database, "ZZQZ")).classification_status == "unclassified"


async def test_known_symbols_are_the_confirmed_catalogue(database: Database) -> None:
    """A symbol one user added does not change the tickers every user's report is checked against."""
    await _add_unknown(database, "BRK.B")
    async with database.session() as session:
        assert await instruments.known_symbols(session) == frozenset({*SEED_ETFS, *SEED_EXTRAS})
        assert await instruments.confirm(session, symbols=["BRK.B"]) == {"BRK.B"}
        assert await instruments.known_symbols(session) == frozenset({*SEED_ETFS, *SEED_EXTRAS, "BRK.B"})
