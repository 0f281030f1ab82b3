"""Positions in the signed-in user's accounts."""

from __future__ import annotations

from fastapi import APIRouter

from alex.api.schemas import Message, PositionPublic, position_public
from alex.http.deps import ContextDep, CurrentUser, OwnedPosition, SessionDep
from alex.services import positions
from alex.services.positions import PositionCreate, PositionUpdate

router = APIRouter(prefix="/api/positions", tags=["positions"])


@router.post(
    "",
    status_code=201,
    responses={429: {"description": "the quota of positions or of symbols added is reached"}},
)
async def create_position(
    body: PositionCreate, user: CurrentUser, session: SessionDep, context: ContextDep
) -> PositionPublic:
    """Hold a quantity of a symbol in one of your accounts. An unknown symbol is added to the
    catalogue as unclassified, with no price, for the tagger; nothing about it is invented. It
    is yours alone (nobody else sees it) until a market price or an operator confirms it, and it
    goes when you no longer hold it."""
    view = await positions.add_position(session, user_id=user.id, form=body, settings=context.settings)
    return position_public(view)


@router.put("/{position_id}")
async def update_position(
    body: PositionUpdate, view: OwnedPosition, user: CurrentUser, session: SessionDep
) -> PositionPublic:
    return position_public(await positions.update_position(session, user_id=user.id, view=view, changes=body))


@router.delete("/{position_id}")
async def delete_position(view: OwnedPosition, user: CurrentUser, session: SessionDep) -> Message:
    await positions.delete_position(session, user_id=user.id, view=view)
    return Message(message="Position deleted")
