"""The instrument catalogue seed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alex.db.demo import DEMO_ACCOUNTS
from alex.db.engine import Database
from alex.db.seed import catalogue, seed_catalogue
from alex.domain.taxonomy import ALLOCATION_TOLERANCE

REFERENCE_ETFS = {
    "SPY",
    "QQQ",
    "IWM",
    "VEA",
    "VWO",
    "EFA",
    "AGG",
    "BND",
    "TLT",
    "HYG",
    "XLK",
    "XLV",
    "XLF",
    "XLE",
    "VNQ",
    "GLD",
    "SLV",
    "AOR",
    "AOA",
    "VUG",
    "VTV",
    "VIG",
}
ADDED = {"VTI", "VXUS", "TSLA", "AAPL", "AMZN", "NVDA", "MSFT", "GOOGL"}


def test_catalogue_has_the_reference_etfs_and_the_demo_symbols() -> None:
    symbols = {row["symbol"] for row in catalogue()}
    assert symbols == REFERENCE_ETFS | ADDED
    demo_symbols = {symbol for account in DEMO_ACCOUNTS for symbol in account["positions"]}
    assert demo_symbols <= symbols


@pytest.mark.parametrize("row", catalogue(), ids=lambda row: row["symbol"])
def test_every_seed_row_is_priced_and_its_maps_sum_to_100(row: dict[str, object]) -> None:
    price = row["current_price"]
    assert isinstance(price, Decimal)
    assert price > 0
    for key in ("allocation_asset_class", "allocation_regions", "allocation_sectors"):
        allocation = row[key]
        assert isinstance(allocation, dict)
        assert allocation
        assert abs(Decimal(str(sum(allocation.values()))) - 100) <= ALLOCATION_TOLERANCE


async def test_seeding_twice_changes_nothing_and_keeps_newer_prices(database_url: str) -> None:
    from sqlalchemy import select, update

    from alex.db.models import Instrument

    database = Database(database_url, pool_size=1)
    try:
        async with database.session() as session:
            await session.execute(
                update(Instrument).where(Instrument.symbol == "SPY").values(current_price=Decimal("500.5"))
            )
            await session.commit()
            await seed_catalogue(session)
            await seed_catalogue(session)
            rows = (await session.execute(select(Instrument))).scalars().all()
    finally:
        await database.dispose()
    assert len(rows) == len(REFERENCE_ETFS | ADDED)
    spy = next(row for row in rows if row.symbol == "SPY")
    assert spy.current_price == Decimal("500.5")
    assert all(row.classification_status == "classified" for row in rows)
