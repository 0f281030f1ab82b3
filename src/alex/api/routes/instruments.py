"""The instrument catalogue (shared) and the signed-in user's own prices (private)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from alex.api.deps import CurrentUser, SessionDep
from alex.api.schemas import InstrumentPublic, Message, UserPriceUpdate, normalise_symbol
from alex.db import instruments
from alex.db.instruments import PricedInstrument

router = APIRouter(prefix="/api/instruments", tags=["instruments"])

SymbolPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,9}$")]


def instrument_public(priced: PricedInstrument) -> InstrumentPublic:
    instrument = priced.instrument
    return InstrumentPublic(
        symbol=instrument.symbol,
        name=instrument.name,
        instrument_type=instrument.instrument_type,
        current_price=instrument.current_price,
        price_source=instrument.price_source,
        user_price=priced.user_price,
        expense_ratio=instrument.expense_ratio,
        allocation_asset_class=instrument.allocation_asset_class,
        allocation_regions=instrument.allocation_regions,
        allocation_sectors=instrument.allocation_sectors,
        classification_status=instrument.classification_status,
    )


@router.get("")
async def list_instruments(user: CurrentUser, session: SessionDep) -> list[InstrumentPublic]:
    """The catalogue, for autocomplete; with your own prices where you set them."""
    return [instrument_public(p) for p in await instruments.list_for_user(session, user_id=user.id)]


@router.get("/{symbol}")
async def get_instrument(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> InstrumentPublic:
    priced = await instruments.get_for_user(session, user_id=user.id, symbol=str(normalise_symbol(symbol)))
    if priced is None:
        raise HTTPException(status_code=404, detail="Instrument not found.")
    return instrument_public(priced)


@router.put("/{symbol}/price")
async def set_my_price(
    symbol: SymbolPath, body: UserPriceUpdate, user: CurrentUser, session: SessionDep
) -> InstrumentPublic:
    """Set your own price for a symbol (e.g. one with no catalogue price). Only you see it."""
    symbol = str(normalise_symbol(symbol))
    if await instruments.get_for_user(session, user_id=user.id, symbol=symbol) is None:
        raise HTTPException(status_code=404, detail="Instrument not found.")
    await instruments.set_user_price(session, user_id=user.id, symbol=symbol, price=body.price)
    session.expunge_all()
    priced = await instruments.get_for_user(session, user_id=user.id, symbol=symbol)
    assert priced is not None
    return instrument_public(priced)


@router.delete("/{symbol}/price")
async def clear_my_price(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> Message:
    if not await instruments.clear_user_price(session, user_id=user.id, symbol=str(normalise_symbol(symbol))):
        raise HTTPException(status_code=404, detail="You have no price set for this symbol.")
    return Message(message="Your price was removed; the catalogue price applies again")
