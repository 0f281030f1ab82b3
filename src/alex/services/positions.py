"""Positions in a person's accounts: one at a time, or a whole CSV file all-or-nothing.

A symbol held again in the same account gets the new quantity (as the reference). An unknown
symbol is added to the catalogue as unclassified, with no price, for the tagger; nothing about it
is invented.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import positions
from alex.db.positions import PositionView
from alex.services.accounts import get_account, list_accounts
from alex.services.csv_import import ImportRow
from alex.services.errors import NotFoundError
from alex.services.fields import Input, Quantity, Symbol, changed_fields


class PositionCreate(Input):
    account_id: uuid.UUID
    symbol: Symbol
    quantity: Quantity
    as_of_date: date | None = None


class PositionUpdate(Input):
    quantity: Quantity | None = None
    as_of_date: date | None = None


async def list_positions(session: AsyncSession, *, user_id: str, account_id: uuid.UUID) -> list[PositionView]:
    """The account's positions, each with its instrument as this person sees it (one query)."""
    return await positions.list_for_account(session, user_id=user_id, account_id=account_id)


async def get_position(
    session: AsyncSession, *, user_id: str, position_id: uuid.UUID, account_id: uuid.UUID | None = None
) -> PositionView:
    """One of the person's positions (``account_id``: and in that account)."""
    view = await positions.get_owned(session, user_id=user_id, position_id=position_id)
    if view is None or (account_id is not None and view.position.account_id != account_id):
        raise NotFoundError("position")
    return view


async def _reloaded(session: AsyncSession, *, user_id: str, position_id: uuid.UUID) -> PositionView:
    session.expunge_all()  # read the row as committed, with its instrument
    return await get_position(session, user_id=user_id, position_id=position_id)


async def add_position(session: AsyncSession, *, user_id: str, form: PositionCreate) -> PositionView:
    account = await get_account(session, user_id=user_id, account_id=form.account_id)
    position_id = await positions.upsert(
        session, account_id=account.id, symbol=form.symbol, quantity=form.quantity, as_of_date=form.as_of_date
    )
    await session.commit()
    return await _reloaded(session, user_id=user_id, position_id=position_id)


async def update_position(
    session: AsyncSession, *, user_id: str, view: PositionView, changes: PositionUpdate
) -> PositionView:
    """Apply the fields sent (a null leaves a field as is)."""
    await positions.update(session, position=view.position, changes=changed_fields(changes))
    await session.commit()
    return await _reloaded(session, user_id=user_id, position_id=view.position.id)


async def delete_position(session: AsyncSession, *, view: PositionView) -> None:
    await positions.remove(session, position=view.position)
    await session.commit()


async def import_positions(session: AsyncSession, *, user_id: str, rows: tuple[ImportRow, ...]) -> int:
    """Every row of a checked import in one transaction: all are written, or (on any failure) none."""
    owned = {account.id for account in await list_accounts(session, user_id=user_id)}
    try:
        for row in rows:
            if row.account_id not in owned or row.quantity is None:
                raise NotFoundError("account")
            await positions.upsert(
                session, account_id=row.account_id, symbol=row.symbol, quantity=row.quantity, as_of_date=None
            )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return len(rows)
