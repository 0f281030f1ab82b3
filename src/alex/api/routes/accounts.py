"""Accounts of the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from alex.api.deps import CurrentUser, OwnedAccount, SessionDep
from alex.api.routes.positions import position_public
from alex.api.schemas import AccountCreate, AccountPublic, AccountUpdate, Message, PositionList
from alex.db import accounts, positions

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


@router.get("")
async def list_accounts(user: CurrentUser, session: SessionDep) -> list[AccountPublic]:
    """Your accounts, newest first."""
    return [AccountPublic.model_validate(a) for a in await accounts.list_for_user(session, user_id=user.id)]


@router.post("", status_code=201)
async def create_account(body: AccountCreate, user: CurrentUser, session: SessionDep) -> AccountPublic:
    account = await accounts.create(session, user_id=user.id, fields=body.model_dump())
    return AccountPublic.model_validate(account)


@router.get("/{account_id}")
async def get_account(account: OwnedAccount) -> AccountPublic:
    return AccountPublic.model_validate(account)


@router.put("/{account_id}")
async def update_account(body: AccountUpdate, account: OwnedAccount, session: SessionDep) -> AccountPublic:
    changes = body.model_dump(exclude_unset=True)
    nullable = {"account_purpose"}
    changes = {key: value for key, value in changes.items() if value is not None or key in nullable}
    return AccountPublic.model_validate(await accounts.update(session, account=account, changes=changes))


@router.delete("/{account_id}")
async def delete_account(account: OwnedAccount, session: SessionDep) -> Message:
    await accounts.remove(session, account=account)
    return Message(message="Account deleted successfully")


@router.get("/{account_id}/positions")
async def list_positions(account: OwnedAccount, session: SessionDep) -> PositionList:
    """The account's positions, each with its instrument (one query)."""
    views = await positions.list_for_account(session, user_id=account.user_id, account_id=account.id)
    return PositionList(positions=[position_public(view) for view in views])
