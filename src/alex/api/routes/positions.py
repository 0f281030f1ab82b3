"""Positions in the signed-in user's accounts."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException

from alex.api.deps import CurrentUser, OwnedPosition, SessionDep
from alex.api.routes.instruments import instrument_public
from alex.api.schemas import Message, PositionCreate, PositionPublic, PositionUpdate
from alex.db import accounts, positions
from alex.db.positions import PositionView

router = APIRouter(prefix="/api/positions", tags=["positions"])


def position_public(view: PositionView) -> PositionPublic:
    position, priced = view.position, view.priced
    return PositionPublic(
        id=position.id,
        account_id=position.account_id,
        symbol=position.symbol,
        quantity=position.quantity,
        as_of_date=position.as_of_date,
        created_at=position.created_at,
        updated_at=position.updated_at,
        instrument_name=priced.instrument.name,
        instrument_type=priced.instrument.instrument_type,
        current_price=priced.effective_price,
        instrument=instrument_public(priced),
    )


async def _reload(session: SessionDep, *, user_id: str, position_id: uuid.UUID) -> PositionPublic:
    session.expunge_all()  # read the row as committed, with its instrument
    view = await positions.get_owned(session, user_id=user_id, position_id=position_id)
    assert view is not None
    return position_public(view)


@router.post("", status_code=201)
async def create_position(body: PositionCreate, user: CurrentUser, session: SessionDep) -> PositionPublic:
    """Hold a quantity of a symbol in one of your accounts. An unknown symbol is added to the
    catalogue as unclassified, with no price, for the tagger; nothing about it is invented."""
    account = await accounts.get_owned(session, user_id=user.id, account_id=body.account_id)
    if account is None:
        raise HTTPException(status_code=404, detail="Account not found.")
    position_id = await positions.upsert(
        session, account_id=account.id, symbol=body.symbol, quantity=body.quantity, as_of_date=body.as_of_date
    )
    return await _reload(session, user_id=user.id, position_id=position_id)


@router.put("/{position_id}")
async def update_position(
    body: PositionUpdate, view: OwnedPosition, user: CurrentUser, session: SessionDep
) -> PositionPublic:
    changes = {key: value for key, value in body.model_dump(exclude_unset=True).items() if value is not None}
    await positions.update(session, position=view.position, changes=changes)
    return await _reload(session, user_id=user.id, position_id=view.position.id)


@router.delete("/{position_id}")
async def delete_position(view: OwnedPosition, session: SessionDep) -> Message:
    await positions.remove(session, position=view.position)
    return Message(message="Position deleted")
