"""Positions, looked up through the account's owner, loaded with their instrument in one query.

Holding a symbol claims it for the account's owner when it is unconfirmed (``instruments``); the
service that deletes positions releases what its user no longer holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from alex.db import instruments
from alex.db.engine import apply_changes
from alex.db.models import Account, Position, UserInstrumentClassification, UserInstrumentPrice


@dataclass(frozen=True, slots=True)
class PositionView:
    position: Position
    priced: instruments.PricedInstrument


def _with_instrument(user_id: str) -> Select[Position, Decimal, UserInstrumentClassification]:
    """Positions with their instrument as this user sees it: their own price and classification."""
    statement = (
        select(Position, UserInstrumentPrice.price, UserInstrumentClassification)
        .join(Position.account)
        .join(Position.instrument)
    )
    return (
        instruments.with_users_own(statement, user_id)
        .options(contains_eager(Position.instrument))
        .where(Account.user_id == user_id)
    )


def _views(rows: Any) -> list[PositionView]:
    return [
        PositionView(position, instruments.PricedInstrument(position.instrument, price, mine))
        for position, price, mine in rows
    ]


async def list_for_account(
    session: AsyncSession, *, user_id: str, account_id: uuid.UUID
) -> list[PositionView]:
    result = await session.execute(
        _with_instrument(user_id).where(Position.account_id == account_id).order_by(Position.symbol)
    )
    return _views(result)


async def get_owned(session: AsyncSession, *, user_id: str, position_id: uuid.UUID) -> PositionView | None:
    result = await session.execute(_with_instrument(user_id).where(Position.id == position_id))
    views = _views(result)
    return views[0] if views else None


async def count_for_user(session: AsyncSession, *, user_id: str) -> int:
    """All of the user's positions, in every account (the positions quota counts these)."""
    statement = (
        select(func.count()).select_from(Position).join(Position.account).where(Account.user_id == user_id)
    )
    return await session.scalar(statement) or 0


async def existing(
    session: AsyncSession, *, user_id: str, keys: Collection[tuple[uuid.UUID, str]]
) -> frozenset[tuple[uuid.UUID, str]]:
    """Those (account id, symbol) pairs the user already holds: upserting one adds no position."""
    if not keys:
        return frozenset()
    result = await session.execute(
        select(Position.account_id, Position.symbol)
        .join(Position.account)
        .where(Account.user_id == user_id, tuple_(Position.account_id, Position.symbol).in_(list(keys)))
    )
    return frozenset((account_id, symbol) for account_id, symbol in result)


async def upsert(
    session: AsyncSession, *, account_id: uuid.UUID, symbol: str, quantity: Decimal, as_of_date: date | None
) -> uuid.UUID:
    """Hold ``quantity`` of ``symbol`` in the account (replacing an existing quantity, as the reference).

    An unconfirmed symbol is claimed by the account's owner, read in the same statement so no
    caller can claim it for anyone else.
    """
    owner = select(Account.user_id).where(Account.id == account_id).scalar_subquery()
    await instruments.ensure_exists(session, symbol=symbol, user_id=owner)
    values: dict[str, Any] = {"account_id": account_id, "symbol": symbol, "quantity": quantity}
    if as_of_date is not None:
        values["as_of_date"] = as_of_date
    statement = insert(Position).values(**values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Position.account_id, Position.symbol],
            set_={key: statement.excluded[key] for key in values if key in ("quantity", "as_of_date")},
        ).returning(Position.id)
    )
    position_id: uuid.UUID = result.scalar_one()
    return position_id


async def update(session: AsyncSession, *, position: Position, changes: dict[str, Any]) -> None:
    await apply_changes(session, position, changes)


async def remove(session: AsyncSession, *, position: Position) -> None:
    await session.execute(delete(Position).where(Position.id == position.id))
