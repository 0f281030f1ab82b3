"""Accounts of the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from alex.api.schemas import AccountPublic, Message, PositionList, position_public
from alex.http.deps import ContextDep, CurrentUser, OwnedAccount, SessionDep
from alex.services import accounts, positions
from alex.services.accounts import AccountCreate, AccountUpdate

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


@router.get("")
async def list_accounts(user: CurrentUser, session: SessionDep) -> list[AccountPublic]:
    """Your accounts, newest first."""
    return [AccountPublic.model_validate(a) for a in await accounts.list_accounts(session, user_id=user.id)]


@router.post("", status_code=201, responses={429: {"description": "the quota of accounts is reached"}})
async def create_account(
    body: AccountCreate, user: CurrentUser, session: SessionDep, context: ContextDep
) -> AccountPublic:
    created = await accounts.create_account(session, user_id=user.id, form=body, settings=context.settings)
    return AccountPublic.model_validate(created)


@router.get("/{account_id}")
async def get_account(account: OwnedAccount) -> AccountPublic:
    return AccountPublic.model_validate(account)


@router.put("/{account_id}")
async def update_account(body: AccountUpdate, account: OwnedAccount, session: SessionDep) -> AccountPublic:
    return AccountPublic.model_validate(await accounts.update_account(session, account=account, changes=body))


@router.delete("/{account_id}")
async def delete_account(account: OwnedAccount, session: SessionDep) -> Message:
    await accounts.delete_account(session, account=account)
    return Message(message="Account deleted successfully")


@router.get("/{account_id}/positions")
async def list_positions(account: OwnedAccount, session: SessionDep) -> PositionList:
    """The account's positions, each with its instrument (one query)."""
    views = await positions.list_positions(session, user_id=account.user_id, account_id=account.id)
    return PositionList(positions=[position_public(view) for view in views])
