"""The instrument catalogue (shared) and the signed-in user's own prices and classifications (private)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from alex.api.deps import CurrentUser, SessionDep
from alex.api.schemas import (
    ClassificationPublic,
    ClassificationUpdate,
    InstrumentPublic,
    Message,
    UserPriceUpdate,
    normalise_symbol,
)
from alex.db import instruments
from alex.db.instruments import EffectiveClassification, PricedInstrument

router = APIRouter(prefix="/api/instruments", tags=["instruments"])

SymbolPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,9}$")]


def classification_public(classification: EffectiveClassification) -> ClassificationPublic:
    return ClassificationPublic(
        instrument_type=classification.instrument_type,
        allocation_asset_class=classification.asset_class,
        allocation_regions=classification.regions,
        allocation_sectors=classification.sectors,
        status="classified" if classification.classified else "unclassified",
        source=classification.source,
        note=classification.note,
        set_at=classification.set_at,
    )


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
        classification=classification_public(priced.classification),
    )


async def _instrument_or_404(session: SessionDep, *, user_id: str, symbol: str) -> PricedInstrument:
    priced = await instruments.get_for_user(session, user_id=user_id, symbol=symbol)
    if priced is None:
        raise HTTPException(status_code=404, detail="Instrument not found.")
    return priced


@router.get("")
async def list_instruments(user: CurrentUser, session: SessionDep) -> list[InstrumentPublic]:
    """The catalogue, for autocomplete; with your own prices and classifications where you set them."""
    return [instrument_public(p) for p in await instruments.list_for_user(session, user_id=user.id)]


@router.get("/{symbol}")
async def get_instrument(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> InstrumentPublic:
    """One symbol as you see it: ``classification`` is the one your analysis uses, and says whose it is."""
    return instrument_public(
        await _instrument_or_404(session, user_id=user.id, symbol=str(normalise_symbol(symbol)))
    )


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


@router.put("/{symbol}/classification")
async def set_my_classification(
    symbol: SymbolPath, body: ClassificationUpdate, user: CurrentUser, session: SessionDep
) -> InstrumentPublic:
    """Classify a symbol yourself (e.g. one the tagger got wrong, or cannot know). Only you see it.

    Your analysis, charts and checks use it instead of the catalogue's, and the tagger no longer
    classifies the symbol for you; the shared catalogue is unchanged.
    """
    symbol = str(normalise_symbol(symbol))
    await _instrument_or_404(session, user_id=user.id, symbol=symbol)
    await instruments.set_user_classification(
        session,
        user_id=user.id,
        symbol=symbol,
        instrument_type=None if body.instrument_type is None else body.instrument_type.value,
        asset_class=body.asset_class,
        regions=body.regions,
        sectors=body.sectors,
        note=body.note or None,
    )
    session.expunge_all()
    return instrument_public(await _instrument_or_404(session, user_id=user.id, symbol=symbol))


@router.delete(
    "/{symbol}/classification",
    status_code=204,
    response_class=Response,
    responses={404: {"description": "you have no classification of your own for this symbol"}},
)
async def clear_my_classification(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> Response:
    """Remove your own classification; the catalogue's applies again."""
    symbol = str(normalise_symbol(symbol))
    if not await instruments.delete_user_classification(session, user_id=user.id, symbol=symbol):
        raise HTTPException(status_code=404, detail="You have no classification set for this symbol.")
    return Response(status_code=204)
