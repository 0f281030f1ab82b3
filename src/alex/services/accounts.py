"""A person's accounts: list, open, change, close; and the demo portfolio to try Alex with."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import accounts, demo, instruments, positions
from alex.db.models import Account
from alex.domain.taxonomy import AccountType
from alex.services.errors import NotFoundError
from alex.services.fields import Input, InterestRate, Money, Name, PlainText, changed_fields
from alex.services.quotas import lock_user, require_room
from alex.settings import Settings


class AccountCreate(Input):
    account_name: Name
    account_purpose: PlainText | None = None
    account_type: AccountType = AccountType.OTHER
    cash_balance: Money = Decimal(0)
    cash_interest: InterestRate = Decimal(0)


class AccountUpdate(Input):
    account_name: Name | None = None
    account_purpose: PlainText | None = None
    account_type: AccountType | None = None
    cash_balance: Money | None = None
    cash_interest: InterestRate | None = None


async def list_accounts(session: AsyncSession, *, user_id: str) -> list[Account]:
    """Newest first."""
    return await accounts.list_for_user(session, user_id=user_id)


async def has_accounts(session: AsyncSession, *, user_id: str) -> bool:
    return await accounts.count_for_user(session, user_id=user_id) > 0


async def get_account(session: AsyncSession, *, user_id: str, account_id: uuid.UUID) -> Account:
    account = await accounts.get_owned(session, user_id=user_id, account_id=account_id)
    if account is None:
        raise NotFoundError("account")
    return account


async def create_account(
    session: AsyncSession, *, user_id: str, form: AccountCreate, settings: Settings
) -> Account:
    """Open an account, within the quota of accounts (``QuotaExceededError`` when it is full)."""
    try:
        await lock_user(session, user_id)
        used = await accounts.count_for_user(session, user_id=user_id)
        require_room(quota="accounts", what="accounts", used=used, limit=settings.quota_accounts)
        account = await accounts.create(session, user_id=user_id, fields=form.model_dump())
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return account


async def update_account(session: AsyncSession, *, account: Account, changes: AccountUpdate) -> Account:
    """Apply the fields sent; a null leaves a field as is, except the purpose, which it clears."""
    fields = changed_fields(changes, nullable=frozenset({"account_purpose"}))
    updated = await accounts.update(session, account=account, changes=fields)
    await session.commit()
    return updated


async def delete_account(session: AsyncSession, *, account: Account) -> None:
    """The account and its positions, and the symbols of the person's own no longer held."""
    user_id = account.user_id
    await lock_user(session, user_id)  # no add of this person's may claim a symbol being released
    await accounts.remove(session, account=account)
    await instruments.release_unheld(session, user_id=user_id)
    await session.commit()


async def delete_all_accounts(session: AsyncSession, *, user_id: str) -> int:
    """Every account, every position, and so every symbol of the person's own."""
    await lock_user(session, user_id)
    count = await accounts.remove_all_for_user(session, user_id=user_id)
    await instruments.release_unheld(session, user_id=user_id)
    await session.commit()
    return count


async def load_demo(session: AsyncSession, *, user_id: str, settings: Settings) -> list[tuple[Account, int]]:
    """The demo accounts (3 accounts, 17 positions) the person does not already have, with their
    number of positions; within the quotas of accounts and positions, or nothing is added."""
    try:
        await lock_user(session, user_id)
        accounts_before = await accounts.count_for_user(session, user_id=user_id)
        positions_before = await positions.count_for_user(session, user_id=user_id)
        created = await demo.populate(session, user_id=user_id)
        require_room(
            quota="accounts",
            what="accounts",
            used=accounts_before,
            adding=len(created),
            limit=settings.quota_accounts,
        )
        require_room(
            quota="positions",
            what="positions",
            used=positions_before,
            adding=sum(count for _, count in created),
            limit=settings.quota_positions,
        )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return created
