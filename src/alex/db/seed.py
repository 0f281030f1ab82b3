"""The instrument catalogue seed: idempotent, validated, and never overwrites non-seed data."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import Instrument
from alex.domain.taxonomy import AssetClass, InstrumentType, Region, Sector, check_allocation

SEED_SOURCE = "seed"


def catalogue() -> list[dict[str, Any]]:
    """The seed instruments, validated: allocation keys from the vocabularies, each map sums to 100."""
    raw = json.loads(files("alex.db").joinpath("seed_data/instruments.json").read_text())
    rows: list[dict[str, Any]] = []
    for item in raw["instruments"]:
        symbol = item["symbol"]
        InstrumentType(item["instrument_type"])
        rows.append(
            {
                "symbol": symbol,
                "name": item["name"],
                "instrument_type": item["instrument_type"],
                "current_price": Decimal(item["current_price"]),
                "price_source": SEED_SOURCE,
                "expense_ratio": None if item["expense_ratio"] is None else Decimal(item["expense_ratio"]),
                "allocation_asset_class": _as_json(
                    check_allocation(item["allocation_asset_class"], AssetClass, what=f"{symbol} asset class")
                ),
                "allocation_regions": _as_json(
                    check_allocation(item["allocation_regions"], Region, what=f"{symbol} region")
                ),
                "allocation_sectors": _as_json(
                    check_allocation(item["allocation_sectors"], Sector, what=f"{symbol} sector")
                ),
                "classification_status": "classified",
                "classification_source": SEED_SOURCE,
            }
        )
    return rows


def _as_json(allocation: dict[str, Decimal]) -> dict[str, float]:
    # JSONB holds percentages as JSON numbers; they are weights, not money.
    return {key: float(value) for key, value in allocation.items()}


async def seed_catalogue(session: AsyncSession) -> int:
    """Insert or refresh the seed instruments; returns how many rows were written.

    Rows the tagger or an operator classified are left alone, and a price already known (e.g.
    refreshed by the market provider) is kept, so re-seeding never undoes their work. Every seed
    symbol ends confirmed (seen by every user).
    """
    rows = catalogue()
    statement = insert(Instrument).values(rows)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[Instrument.symbol],
        set_={
            "name": excluded.name,
            "instrument_type": excluded.instrument_type,
            "allocation_asset_class": excluded.allocation_asset_class,
            "allocation_regions": excluded.allocation_regions,
            "allocation_sectors": excluded.allocation_sectors,
            "expense_ratio": excluded.expense_ratio,
            "classification_status": excluded.classification_status,
            "classification_source": excluded.classification_source,
            "current_price": func.coalesce(Instrument.current_price, excluded.current_price),
            "price_source": func.coalesce(Instrument.price_source, excluded.price_source),
        },
        # A symbol a user added before the seed knew it is still unclassified: the seed may classify it.
        where=(Instrument.classification_source == SEED_SOURCE)
        | (Instrument.classification_status == "unclassified"),
    )
    result = await session.execute(statement)
    # The seed is the operator's own catalogue: a symbol in it is confirmed for everyone, even one
    # a user added (privately) before the seed knew it, and whatever classified it since.
    await session.execute(
        update(Instrument)
        .where(Instrument.symbol.in_([row["symbol"] for row in rows]), ~Instrument.confirmed)
        .values(confirmed=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)
