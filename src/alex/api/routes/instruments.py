"""The instrument catalogue (shared) and the signed-in user's own prices and classifications (private).

The catalogue a user sees is the confirmed one plus the unconfirmed symbols they hold; another
user's unconfirmed symbol answers 404, like a symbol that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from alex.api.schemas import InstrumentPublic, Message, instrument_public
from alex.http.deps import CurrentUser, SessionDep
from alex.services import instruments
from alex.services.instruments import ClassificationUpdate, UserPriceUpdate

router = APIRouter(prefix="/api/instruments", tags=["instruments"])

SymbolPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,9}$")]


@router.get("")
async def list_instruments(user: CurrentUser, session: SessionDep) -> list[InstrumentPublic]:
    """The catalogue, for autocomplete: confirmed symbols and the ones you added; with your own prices
    and classifications where you set them."""
    return [instrument_public(p) for p in await instruments.list_instruments(session, user_id=user.id)]


@router.get("/{symbol}")
async def get_instrument(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> InstrumentPublic:
    """One symbol as you see it: ``classification`` is the one your analysis uses, and says whose it is."""
    return instrument_public(await instruments.get_instrument(session, user_id=user.id, symbol=symbol))


@router.put("/{symbol}/price")
async def set_my_price(
    symbol: SymbolPath, body: UserPriceUpdate, user: CurrentUser, session: SessionDep
) -> InstrumentPublic:
    """Set your own price for a symbol (e.g. one with no catalogue price). Only you see it."""
    return instrument_public(await instruments.set_price(session, user_id=user.id, symbol=symbol, form=body))


@router.delete("/{symbol}/price")
async def clear_my_price(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> Message:
    await instruments.clear_price(session, user_id=user.id, symbol=symbol)
    return Message(message="Your price was removed; the catalogue price applies again")


@router.put("/{symbol}/classification")
async def set_my_classification(
    symbol: SymbolPath, body: ClassificationUpdate, user: CurrentUser, session: SessionDep
) -> InstrumentPublic:
    """Classify a symbol yourself (e.g. one the tagger got wrong, or cannot know). Only you see it.

    Your analysis, charts and checks use it instead of the catalogue's, and the tagger no longer
    classifies the symbol for you; the shared catalogue is unchanged.
    """
    return instrument_public(
        await instruments.set_classification(session, user_id=user.id, symbol=symbol, form=body)
    )


@router.delete(
    "/{symbol}/classification",
    status_code=204,
    response_class=Response,
    responses={404: {"description": "you have no classification of your own for this symbol"}},
)
async def clear_my_classification(symbol: SymbolPath, user: CurrentUser, session: SessionDep) -> Response:
    """Remove your own classification; the catalogue's applies again."""
    await instruments.clear_classification(session, user_id=user.id, symbol=symbol)
    return Response(status_code=204)
