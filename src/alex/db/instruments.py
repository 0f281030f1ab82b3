"""The shared instrument catalogue, and each user's own prices beside it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import Instrument, UserInstrumentPrice


@dataclass(frozen=True, slots=True)
class PricedInstrument:
    """A catalogue row as one user sees it: with their own price, when they set one."""

    instrument: Instrument
    user_price: Decimal | None

    @property
    def effective_price(self) -> Decimal | None:
        return self.user_price if self.user_price is not None else self.instrument.current_price


def _user_price_join(user_id: str):  # type: ignore[no-untyped-def]  # a SQL expression
    return and_(UserInstrumentPrice.symbol == Instrument.symbol, UserInstrumentPrice.user_id == user_id)


async def list_for_user(session: AsyncSession, *, user_id: str) -> list[PricedInstrument]:
    result = await session.execute(
        select(Instrument, UserInstrumentPrice.price)
        .outerjoin(UserInstrumentPrice, _user_price_join(user_id))
        .order_by(Instrument.symbol)
    )
    return [PricedInstrument(instrument, price) for instrument, price in result]


async def get_for_user(session: AsyncSession, *, user_id: str, symbol: str) -> PricedInstrument | None:
    result = await session.execute(
        select(Instrument, UserInstrumentPrice.price)
        .outerjoin(UserInstrumentPrice, _user_price_join(user_id))
        .where(Instrument.symbol == symbol)
    )
    row = result.one_or_none()
    return None if row is None else PricedInstrument(row[0], row[1])


async def ensure_exists(session: AsyncSession, *, symbol: str) -> None:
    """Add an unknown symbol as unclassified, with no price and no allocations.

    Nothing is invented: the tagger classifies it later, and until a price is known the
    position is reported as unpriced rather than valued at a made-up number.
    """
    await session.execute(
        insert(Instrument)
        .values(symbol=symbol, name=symbol, classification_status="unclassified")
        .on_conflict_do_nothing(index_elements=[Instrument.symbol])
    )


async def set_user_price(session: AsyncSession, *, user_id: str, symbol: str, price: Decimal) -> None:
    statement = insert(UserInstrumentPrice).values(user_id=user_id, symbol=symbol, price=price)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[UserInstrumentPrice.user_id, UserInstrumentPrice.symbol],
            set_={"price": statement.excluded.price},
        )
    )
    await session.commit()


async def clear_user_price(session: AsyncSession, *, user_id: str, symbol: str) -> bool:
    result = await session.execute(
        delete(UserInstrumentPrice)
        .where(UserInstrumentPrice.user_id == user_id, UserInstrumentPrice.symbol == symbol)
        .returning(UserInstrumentPrice.symbol)
    )
    removed = result.first() is not None
    await session.commit()
    return removed
