"""The reference's helpers for trying Alex: load the demo portfolio, or start again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alex.api.schemas import AccountPublic, position_public
from alex.http.deps import ContextDep, CurrentUser, SessionDep
from alex.services import accounts, positions

router = APIRouter(prefix="/api", tags=["demo"])


@router.post("/populate-test-data")
async def populate_test_data(user: CurrentUser, session: SessionDep, context: ContextDep) -> dict[str, Any]:
    """Create the demo accounts (3 accounts, 17 positions) you do not already have."""
    created = await accounts.load_demo(session, user_id=user.id, settings=context.settings)
    session.expunge_all()
    shaped = []
    for account, _ in created:
        views = await positions.list_positions(session, user_id=user.id, account_id=account.id)
        shaped.append(
            {
                **AccountPublic.model_validate(account).model_dump(mode="json"),
                "positions": [position_public(view).model_dump(mode="json") for view in views],
            }
        )
    return {
        "message": "Test data populated successfully" if created else "The demo accounts already exist",
        "accounts_created": len(created),
        "positions_created": sum(count for _, count in created),
        "accounts": shaped,
    }


@router.delete("/reset-accounts")
async def reset_accounts(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Delete all your accounts and their positions."""
    count = await accounts.delete_all_accounts(session, user_id=user.id)
    return {"message": f"Deleted {count} account(s)", "accounts_deleted": count}
