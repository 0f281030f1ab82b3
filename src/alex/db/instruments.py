"""The shared instrument catalogue, and each user's own prices and classifications beside it.

Like every module of ``db``, these functions read and write in the caller's transaction and never
commit: the service (or the workflow) that owns the unit of work commits it.

The catalogue is written by the seed, the price refresh and the tagger (only while a symbol is
unclassified); a user's own price or classification lives in its own table, wins for that user
only, and never changes what anyone else sees.

A symbol a user adds is *unconfirmed*: only the users who claim it (``instrument_claims``: those
who hold it) see it, so the catalogue does not tell anyone what others hold or let one user fill
everyone's list. A price from the market data provider or an operator confirms it; when its last
claimant stops holding an unconfirmed symbol, it is deleted with their own price and classification.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, TypeVarTuple

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import (
    Account,
    Instrument,
    InstrumentClaim,
    Position,
    UserInstrumentClassification,
    UserInstrumentPrice,
)
from alex.db.seed import SEED_SOURCE
from alex.domain.taxonomy import AssetClass, Region, Sector, check_allocation

YOU: Final = "you"
CATALOGUE: Final = "catalogue"
MODEL_PREFIX: Final = "model:"


@dataclass(frozen=True, slots=True)
class EffectiveClassification:
    """The classification one user's analysis uses for a symbol, and where it came from.

    ``source`` is ``"you"`` (the user's own), ``"model:<model id>"`` (the tagger wrote the
    catalogue row) or ``"catalogue"`` (the seed, or not classified yet).
    """

    instrument_type: str | None
    asset_class: dict[str, Any]
    regions: dict[str, Any]
    sectors: dict[str, Any]
    classified: bool
    source: str
    note: str | None = None
    set_at: datetime | None = None


def catalogue_source(instrument: Instrument) -> str:
    """Who classified a catalogue row, in the words the API uses."""
    source = instrument.classification_source
    if instrument.classification_status != "classified" or source in (None, SEED_SOURCE):
        return CATALOGUE
    return f"{MODEL_PREFIX}{source}"


def effective_classification(
    instrument: Instrument, mine: UserInstrumentClassification | None
) -> EffectiveClassification:
    """The user's own classification when there is one (its type falls back to the catalogue's)."""
    if mine is None:
        return EffectiveClassification(
            instrument_type=instrument.instrument_type,
            asset_class=instrument.allocation_asset_class,
            regions=instrument.allocation_regions,
            sectors=instrument.allocation_sectors,
            classified=instrument.classification_status == "classified",
            source=catalogue_source(instrument),
        )
    return EffectiveClassification(
        instrument_type=mine.instrument_type or instrument.instrument_type,
        asset_class=mine.allocation_asset_class,
        regions=mine.allocation_regions,
        sectors=mine.allocation_sectors,
        classified=True,
        source=YOU,
        note=mine.note,
        set_at=mine.updated_at,
    )


@dataclass(frozen=True, slots=True)
class PricedInstrument:
    """A catalogue row as one user sees it: with their own price and classification, when set."""

    instrument: Instrument
    user_price: Decimal | None
    user_classification: UserInstrumentClassification | None = None

    @property
    def effective_price(self) -> Decimal | None:
        """The user's own price wins for that user; else the catalogue's (``None`` when unknown)."""
        return self.user_price if self.user_price is not None else self.instrument.current_price

    @property
    def classification(self) -> EffectiveClassification:
        return effective_classification(self.instrument, self.user_classification)


Columns = TypeVarTuple("Columns")


def with_users_own(statement: Select[*Columns], user_id: str) -> Select[*Columns]:
    """``statement`` (which selects or joins ``Instrument``) joined with this user's own price and
    classification of each instrument, for selecting ``UserInstrumentPrice.price`` and
    ``UserInstrumentClassification`` beside it. The one place these joins are written."""
    return statement.outerjoin(
        UserInstrumentPrice,
        and_(UserInstrumentPrice.symbol == Instrument.symbol, UserInstrumentPrice.user_id == user_id),
    ).outerjoin(
        UserInstrumentClassification,
        and_(
            UserInstrumentClassification.symbol == Instrument.symbol,
            UserInstrumentClassification.user_id == user_id,
        ),
    )


def visible_to(user_id: str) -> ColumnElement[bool]:
    """Whether this user may see a catalogue row: confirmed, or unconfirmed and claimed by them.

    The one place the rule is written; another user's unconfirmed symbol is as missing as one
    that does not exist.
    """
    return or_(
        Instrument.confirmed,
        exists().where(InstrumentClaim.symbol == Instrument.symbol, InstrumentClaim.user_id == user_id),
    )


def _as_seen_by(user_id: str) -> Select[Instrument, Decimal, UserInstrumentClassification]:
    return with_users_own(
        select(Instrument, UserInstrumentPrice.price, UserInstrumentClassification), user_id
    ).where(visible_to(user_id))


async def list_for_user(session: AsyncSession, *, user_id: str) -> list[PricedInstrument]:
    result = await session.execute(_as_seen_by(user_id).order_by(Instrument.symbol))
    return [PricedInstrument(instrument, price, mine) for instrument, price, mine in result]


async def get_for_user(session: AsyncSession, *, user_id: str, symbol: str) -> PricedInstrument | None:
    result = await session.execute(_as_seen_by(user_id).where(Instrument.symbol == symbol))
    row = result.one_or_none()
    return None if row is None else PricedInstrument(row[0], row[1], row[2])


async def visible_symbols(session: AsyncSession, *, user_id: str, symbols: Collection[str]) -> frozenset[str]:
    """Those of ``symbols`` this user already sees (the others would be added by holding them)."""
    found = await session.scalars(
        select(Instrument.symbol).where(Instrument.symbol.in_(symbols), visible_to(user_id))
    )
    return frozenset(found)


async def known_symbols(session: AsyncSession) -> frozenset[str]:
    """Every confirmed catalogue symbol (the tickers a model may mention without having made them up).

    Unconfirmed symbols are left out: the grounding check of every user's report reads this set,
    and one user's invented symbols must not change it. A user's own holdings are allowed anyway.
    """
    return frozenset((await session.scalars(select(Instrument.symbol).where(Instrument.confirmed))).all())


async def count_added(session: AsyncSession, *, user_id: str) -> int:
    """How many unconfirmed symbols the user claims (the symbols-added quota counts these)."""
    statement = (
        select(func.count())
        .select_from(InstrumentClaim)
        .join(Instrument, Instrument.symbol == InstrumentClaim.symbol)
        .where(InstrumentClaim.user_id == user_id, ~Instrument.confirmed)
    )
    return await session.scalar(statement) or 0


_RACES: Final = 3
"""Attempts at adding a symbol that concurrent releases keep deleting (one is already unlikely)."""


async def ensure_exists(session: AsyncSession, *, symbol: str, user_id: str | ScalarSelect[str]) -> None:
    """Make ``symbol`` usable in a position of ``user_id`` (an id, or a subquery yielding one).

    An unknown symbol is added unconfirmed and unclassified, with no price and no allocations:
    nothing is invented (the tagger classifies it later; until a price is known the position is
    reported as unpriced). The user claims any unconfirmed symbol, whoever added it first, so they
    see it as their own and learn nothing of anyone else holding it.
    """
    confirmed: bool | None = None
    for _ in range(_RACES):
        await session.execute(
            insert(Instrument)
            .values(symbol=symbol, name=symbol, classification_status="unclassified", confirmed=False)
            .on_conflict_do_nothing(index_elements=[Instrument.symbol])
        )
        # Hold the row as the position's foreign key will, until this transaction ends, so that a
        # concurrent release cannot delete it under the claim; a row deleted by a release that
        # committed in between is simply gone here, and is added again.
        confirmed = await session.scalar(
            select(Instrument.confirmed)
            .where(Instrument.symbol == symbol)
            .with_for_update(read=True, key_share=True)
        )
        if confirmed is not None:
            break
    else:
        raise RuntimeError(f"{symbol} kept being deleted while being added")
    if not confirmed:
        await session.execute(
            insert(InstrumentClaim).values(symbol=symbol, user_id=user_id).on_conflict_do_nothing()
        )


def _claim_held(user_id: str) -> ColumnElement[bool]:
    """Whether the user still holds the symbol of the claim the statement reads."""
    return exists().where(
        Position.symbol == InstrumentClaim.symbol,
        Position.account_id == Account.id,
        Account.user_id == user_id,
    )


async def release_unheld(session: AsyncSession, *, user_id: str) -> frozenset[str]:
    """Drop the user's claims on symbols they no longer hold; return the unconfirmed ones released.

    Called after deleting positions (one, or an account's). Each unconfirmed symbol released
    takes the user's own price and classification of it along, so nothing of it is left to
    reappear if they add it again; and an unconfirmed symbol nobody claims or holds any more is
    deleted. Its rows are locked first (in symbol order, as every writer of several locks them)
    so two users releasing the same symbol at once cannot each leave it to the other.
    """
    released = frozenset(
        await session.scalars(
            select(Instrument.symbol)
            .join(InstrumentClaim, InstrumentClaim.symbol == Instrument.symbol)
            .where(
                InstrumentClaim.user_id == user_id,
                ~Instrument.confirmed,
                ~_claim_held(user_id),
            )
            .order_by(Instrument.symbol)
            .with_for_update(of=Instrument)
        )
    )
    # A claim on a symbol confirmed since is dropped too: it no longer hides anything.
    await session.execute(
        delete(InstrumentClaim).where(InstrumentClaim.user_id == user_id, ~_claim_held(user_id))
    )
    if not released:
        return released
    for table in (UserInstrumentPrice, UserInstrumentClassification):
        await session.execute(delete(table).where(table.user_id == user_id, table.symbol.in_(released)))
    await session.execute(
        delete(Instrument).where(
            Instrument.symbol.in_(released),
            ~exists().where(InstrumentClaim.symbol == Instrument.symbol),
            ~exists().where(Position.symbol == Instrument.symbol),
        )
    )
    return released


async def confirm(session: AsyncSession, *, symbols: Collection[str]) -> frozenset[str]:
    """Make these symbols visible to everyone (an operator vouches for them); returns those found."""
    result = await session.scalars(
        update(Instrument)
        .where(Instrument.symbol.in_(symbols))
        .values(confirmed=True)
        .returning(Instrument.symbol)
    )
    return frozenset(result)


async def set_catalogue_price(
    session: AsyncSession, *, symbol: str, price: Decimal, source: str, as_of: datetime
) -> None:
    """A provider's fresh price for a catalogue symbol (every user without a price of their own sees it).

    A price from the market data provider is the verified source that confirms a symbol a user
    added: it is a real, listed one, so everyone may see it. (A model's classification is not.)
    """
    await session.execute(
        update(Instrument)
        .where(Instrument.symbol == symbol)
        .values(current_price=price, price_source=source, price_updated_at=as_of, confirmed=True)
    )


async def set_user_price(session: AsyncSession, *, user_id: str, symbol: str, price: Decimal) -> None:
    statement = insert(UserInstrumentPrice).values(user_id=user_id, symbol=symbol, price=price)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[UserInstrumentPrice.user_id, UserInstrumentPrice.symbol],
            set_={"price": statement.excluded.price},
        )
    )


async def clear_user_price(session: AsyncSession, *, user_id: str, symbol: str) -> bool:
    return await _delete_own(session, UserInstrumentPrice, user_id=user_id, symbol=symbol)


async def _delete_own(
    session: AsyncSession,
    table: type[UserInstrumentPrice] | type[UserInstrumentClassification],
    *,
    user_id: str,
    symbol: str,
) -> bool:
    """Delete a user's own row for a symbol (price or classification); False if there was none."""
    result = await session.execute(
        delete(table).where(table.user_id == user_id, table.symbol == symbol).returning(table.symbol)
    )
    removed = result.first() is not None
    return removed


def _as_json(allocation: Mapping[str, Decimal | float]) -> dict[str, float]:
    # JSONB holds percentages as JSON numbers, as the seed writes them; they are weights, not money.
    return {key: float(value) for key, value in allocation.items()}


async def store_model_classification(
    session: AsyncSession,
    *,
    symbol: str,
    instrument_type: str,
    asset_class: Mapping[str, Decimal | float],
    regions: Mapping[str, Decimal | float],
    sectors: Mapping[str, Decimal | float],
    source: str,
) -> bool:
    """Write a tagger's classification into the shared catalogue.

    Only a row that is still unclassified is written, in one conditional UPDATE: a concurrent
    tagger (another user's job) that got there first wins, and the seed's or an earlier model's
    classification is never overwritten. Returns whether this call wrote the row. The maps are
    checked against the vocabularies again because every user sees this row.
    """
    result = await session.execute(
        update(Instrument)
        .where(Instrument.symbol == symbol, Instrument.classification_status == "unclassified")
        .values(
            instrument_type=instrument_type,
            allocation_asset_class=_as_json(check_allocation(asset_class, AssetClass, what="asset class")),
            allocation_regions=_as_json(check_allocation(regions, Region, what="region")),
            allocation_sectors=_as_json(check_allocation(sectors, Sector, what="sector")),
            classification_status="classified",
            classification_source=source,
        )
        .returning(Instrument.symbol)
    )
    return result.first() is not None


async def user_classification(
    session: AsyncSession, *, user_id: str, symbol: str
) -> UserInstrumentClassification | None:
    return await session.get(UserInstrumentClassification, (user_id, symbol))


async def set_user_classification(
    session: AsyncSession,
    *,
    user_id: str,
    symbol: str,
    instrument_type: str | None,
    asset_class: Mapping[str, Decimal | float],
    regions: Mapping[str, Decimal | float],
    sectors: Mapping[str, Decimal | float],
    note: str | None,
) -> None:
    """Set (or replace) the user's own classification of a symbol; the catalogue row is not touched.

    The caller validates the maps (the API against the taxonomy, where an empty sector map is
    allowed for a holding with no equity in it).
    """
    values = {
        "user_id": user_id,
        "symbol": symbol,
        "instrument_type": instrument_type,
        "allocation_asset_class": _as_json(asset_class),
        "allocation_regions": _as_json(regions),
        "allocation_sectors": _as_json(sectors),
        "note": note,
    }
    statement = insert(UserInstrumentClassification).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[UserInstrumentClassification.user_id, UserInstrumentClassification.symbol],
            set_={key: statement.excluded[key] for key in values if key not in ("user_id", "symbol")},
        )
    )


async def delete_user_classification(session: AsyncSession, *, user_id: str, symbol: str) -> bool:
    """Remove the user's own classification (the catalogue's applies again); False if there was none."""
    return await _delete_own(session, UserInstrumentClassification, user_id=user_id, symbol=symbol)
