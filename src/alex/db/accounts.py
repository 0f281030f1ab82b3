"""Accounts, always looked up through their owner."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.engine import apply_changes
from alex.db.models import Account


async def count_for_user(session: AsyncSession, *, user_id: str) -> int:
    return (
        await session.scalar(select(func.count()).select_from(Account).where(Account.user_id == user_id)) or 0
    )


async def list_for_user(session: AsyncSession, *, user_id: str) -> list[Account]:
    result = await session.execute(
        select(Account).where(Account.user_id == user_id).order_by(Account.created_at.desc(), Account.id)
    )
    return list(result.scalars())


async def get_owned(session: AsyncSession, *, user_id: str, account_id: uuid.UUID) -> Account | None:
    result = await session.execute(
        select(Account).where(Account.id == account_id, Account.user_id == user_id)
    )
    return result.scalar_one_or_none()


async def create(session: AsyncSession, *, user_id: str, fields: dict[str, Any]) -> Account:
    account = Account(user_id=user_id, **fields)
    session.add(account)
    await session.flush()
    await session.refresh(account)
    return account


async def update(session: AsyncSession, *, account: Account, changes: dict[str, Any]) -> Account:
    return await apply_changes(session, account, changes)


async def remove(session: AsyncSession, *, account: Account) -> None:
    # Positions go with it (ON DELETE CASCADE), in one statement.
    await session.execute(delete(Account).where(Account.id == account.id))


async def remove_all_for_user(session: AsyncSession, *, user_id: str) -> int:
    result = await session.execute(delete(Account).where(Account.user_id == user_id).returning(Account.id))
    return len(result.all())
