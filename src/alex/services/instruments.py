"""The shared instrument catalogue as one person sees it, and their own prices and classifications.

A person's own price or classification applies to them only: their analysis, charts and checks
use it, the tagger no longer classifies the symbol for them, and the shared catalogue is unchanged.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, ValidationInfo, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import instruments
from alex.db.instruments import PricedInstrument
from alex.domain.taxonomy import AssetClass, InstrumentType, Region, Sector
from alex.services.errors import NotFoundError
from alex.services.fields import Input, Note, Percent, Price, checked_targets, normalise_symbol


class UserPriceUpdate(Input):
    price: Price


class ClassificationUpdate(Input):
    """Your own classification of a symbol: your analysis uses it, the shared catalogue is unchanged.

    Each map is percent by key, from the taxonomy's vocabulary, summing to 100.
    """

    instrument_type: InstrumentType | None = Field(default=None, description="null keeps the catalogue's")
    asset_class: dict[str, Percent] = Field(max_length=len(AssetClass))
    regions: dict[str, Percent] = Field(max_length=len(Region))
    sectors: dict[str, Percent] = Field(
        max_length=len(Sector), description="may be empty when asset_class has no equity in it"
    )
    note: Note | None = Field(default=None, description="why you changed it")

    @field_validator("asset_class")
    @classmethod
    def _asset_class(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        return checked_targets(value, AssetClass, "asset class")

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        return checked_targets(value, Region, "region")

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, value: dict[str, Decimal], info: ValidationInfo) -> dict[str, Decimal]:
        # Bonds, gold or cash have no industry sector; a holding with equity in it always does.
        # (asset_class is validated first; when it failed, its own error is the one to show.)
        if not value:
            if info.data.get("asset_class", {}).get(AssetClass.EQUITY.value, 0) > 0:
                raise ValueError("sectors must not be empty when the asset class includes equity")
            return value
        return checked_targets(value, Sector, "sector")


def _symbol(symbol: str) -> str:
    return str(normalise_symbol(symbol))


async def list_instruments(session: AsyncSession, *, user_id: str) -> list[PricedInstrument]:
    return await instruments.list_for_user(session, user_id=user_id)


async def get_instrument(session: AsyncSession, *, user_id: str, symbol: str) -> PricedInstrument:
    priced = await instruments.get_for_user(session, user_id=user_id, symbol=_symbol(symbol))
    if priced is None:
        raise NotFoundError("instrument")
    return priced


async def set_price(
    session: AsyncSession, *, user_id: str, symbol: str, form: UserPriceUpdate
) -> PricedInstrument:
    """Your own price for a symbol (e.g. one with no catalogue price). Only you see it."""
    symbol = _symbol(symbol)
    await get_instrument(session, user_id=user_id, symbol=symbol)
    await instruments.set_user_price(session, user_id=user_id, symbol=symbol, price=form.price)
    await session.commit()
    session.expunge_all()
    return await get_instrument(session, user_id=user_id, symbol=symbol)


async def clear_price(session: AsyncSession, *, user_id: str, symbol: str) -> None:
    """Remove your own price; the catalogue price applies again."""
    removed = await instruments.clear_user_price(session, user_id=user_id, symbol=_symbol(symbol))
    await session.commit()
    if not removed:
        raise NotFoundError("price", "You have no price set for this symbol.")


async def set_classification(
    session: AsyncSession, *, user_id: str, symbol: str, form: ClassificationUpdate
) -> PricedInstrument:
    symbol = _symbol(symbol)
    await get_instrument(session, user_id=user_id, symbol=symbol)
    await instruments.set_user_classification(
        session,
        user_id=user_id,
        symbol=symbol,
        instrument_type=None if form.instrument_type is None else form.instrument_type.value,
        asset_class=form.asset_class,
        regions=form.regions,
        sectors=form.sectors,
        note=form.note or None,
    )
    await session.commit()
    session.expunge_all()
    return await get_instrument(session, user_id=user_id, symbol=symbol)


async def clear_classification(session: AsyncSession, *, user_id: str, symbol: str) -> None:
    """Remove your own classification; the catalogue's applies again."""
    removed = await instruments.delete_user_classification(session, user_id=user_id, symbol=_symbol(symbol))
    await session.commit()
    if not removed:
        raise NotFoundError("classification", "You have no classification set for this symbol.")
