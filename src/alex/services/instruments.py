"""The shared instrument catalogue as one person sees it, and their own prices and classifications.

A person sees the confirmed catalogue and the unconfirmed symbols they hold themselves; someone
else's unconfirmed symbol is "not found", exactly like one that does not exist, for reading it and
for setting a price or a classification of one's own.

A person's own price or classification applies to them only: their analysis, charts and checks
use it, the tagger no longer classifies the symbol for them, and the shared catalogue is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pydantic import Field, TypeAdapter, ValidationInfo, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import instruments
from alex.db.instruments import PricedInstrument
from alex.domain.taxonomy import AssetClass, InstrumentType, Region, Sector
from alex.services.errors import NotFoundError
from alex.services.fields import Input, Note, Percent, Price, Symbol, checked_targets, normalise_symbol
from alex.services.quotas import lock_user


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


async def _check_visible(session: AsyncSession, *, user_id: str, symbol: str) -> None:
    """Refuse a symbol the person does not see, and keep it theirs until the write commits: the lock
    waits for a release of theirs in progress, which would otherwise leave their own row behind
    on a symbol they no longer see (and see it again, telling that someone else still holds it)."""
    await lock_user(session, user_id)
    try:
        await get_instrument(session, user_id=user_id, symbol=symbol)
    except NotFoundError:
        await session.rollback()  # releases the lock at once
        raise


async def set_price(
    session: AsyncSession, *, user_id: str, symbol: str, form: UserPriceUpdate
) -> PricedInstrument:
    """Your own price for a symbol (e.g. one with no catalogue price). Only you see it."""
    symbol = _symbol(symbol)
    await _check_visible(session, user_id=user_id, symbol=symbol)
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
    await _check_visible(session, user_id=user_id, symbol=symbol)
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


_SYMBOLS = TypeAdapter(list[Symbol])


async def confirm_symbols(session: AsyncSession, *, symbols: Iterable[str]) -> tuple[list[str], list[str]]:
    """An operator vouches for symbols: everyone sees them from now on. Returns the symbols
    confirmed and those not in the catalogue (sorted); a malformed one is a ``ValidationError``.
    """
    wanted = set(_SYMBOLS.validate_python(list(symbols)))
    confirmed = await instruments.confirm(session, symbols=wanted)
    await session.commit()
    return sorted(confirmed), sorted(wanted - confirmed)
