"""Positions in a person's accounts: one at a time, or a whole CSV file all-or-nothing.

A symbol held again in the same account gets the new quantity (as the reference). An unknown
symbol is added to the catalogue as unclassified, with no price, for the tagger; nothing about it
is invented. Until a price from the market data provider or an operator confirms it, it is the
person's own: nobody else sees it, and it goes when they no longer hold it.

Adding is bounded by two quotas: positions (in all accounts together) and symbols added (the
unconfirmed ones the person holds). Each is checked in the transaction that adds, after
``lock_user``, so two requests of one person cannot both take the last place; a refusal stores
nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import instruments, positions
from alex.db.positions import PositionView
from alex.services.accounts import get_account, list_accounts
from alex.services.csv_import import ImportRow
from alex.services.errors import NotFoundError
from alex.services.fields import Input, Quantity, Symbol, changed_fields
from alex.services.quotas import lock_user, require_room
from alex.settings import Settings


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


async def _require_room(
    session: AsyncSession, *, user_id: str, keys: frozenset[tuple[uuid.UUID, str]], settings: Settings
) -> None:
    """Refuse (``QuotaExceededError``) unless holding ``keys`` (account id, symbol) fits both quotas.

    A pair already held only changes its quantity, and a symbol the person already sees (in the
    catalogue, or their own) is not added; only the rest count. A symbol someone else added and
    nobody confirmed counts as new, exactly as if it did not exist.
    """
    new_positions = len(keys - await positions.existing(session, user_id=user_id, keys=keys))
    if new_positions:
        require_room(
            quota="positions",
            what="positions",
            used=await positions.count_for_user(session, user_id=user_id),
            limit=settings.quota_positions,
            adding=new_positions,
        )
    symbols = {symbol for _, symbol in keys}
    new_symbols = len(symbols - await instruments.visible_symbols(session, user_id=user_id, symbols=symbols))
    if new_symbols:
        require_room(
            quota="symbols_added",
            what="symbols of your own, not yet confirmed",
            used=await instruments.count_added(session, user_id=user_id),
            limit=settings.quota_symbols_added,
            adding=new_symbols,
        )


async def add_position(
    session: AsyncSession, *, user_id: str, form: PositionCreate, settings: Settings
) -> PositionView:
    try:
        account = await get_account(session, user_id=user_id, account_id=form.account_id)
        await lock_user(session, user_id)
        await _require_room(
            session, user_id=user_id, keys=frozenset({(account.id, form.symbol)}), settings=settings
        )
        position_id = await positions.upsert(
            session,
            account_id=account.id,
            symbol=form.symbol,
            quantity=form.quantity,
            as_of_date=form.as_of_date,
        )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return await _reloaded(session, user_id=user_id, position_id=position_id)


async def update_position(
    session: AsyncSession, *, user_id: str, view: PositionView, changes: PositionUpdate
) -> PositionView:
    """Apply the fields sent (a null leaves a field as is)."""
    await positions.update(session, position=view.position, changes=changed_fields(changes))
    await session.commit()
    return await _reloaded(session, user_id=user_id, position_id=view.position.id)


async def delete_position(session: AsyncSession, *, user_id: str, view: PositionView) -> None:
    """The position; a symbol of the person's own they no longer hold goes with it."""
    await lock_user(session, user_id)  # no add of theirs may claim a symbol being released
    await positions.remove(session, position=view.position)
    await instruments.release_unheld(session, user_id=user_id)
    await session.commit()


async def import_positions(
    session: AsyncSession, *, user_id: str, rows: tuple[ImportRow, ...], settings: Settings
) -> int:
    """Every row of a checked import in one transaction: all are written, or (on any failure,
    a quota reached included) none."""
    try:
        owned = {account.id for account in await list_accounts(session, user_id=user_id)}
        holdings: list[tuple[str, uuid.UUID, Decimal]] = []
        for row in rows:
            if row.account_id is None or row.account_id not in owned or row.quantity is None:
                raise NotFoundError("account")
            holdings.append((row.symbol, row.account_id, row.quantity))
        await lock_user(session, user_id)
        keys = frozenset((account_id, symbol) for symbol, account_id, _ in holdings)
        await _require_room(session, user_id=user_id, keys=keys, settings=settings)
        # In symbol order, as releases lock symbols, so an import and another person's release of
        # the same two symbols cannot each wait for the other.
        for symbol, account_id, quantity in sorted(holdings):
            await positions.upsert(
                session, account_id=account_id, symbol=symbol, quantity=quantity, as_of_date=None
            )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return len(rows)
