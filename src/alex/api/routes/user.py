"""The signed-in user's profile and goals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from alex.api.schemas import UserEnvelope, UserPublic
from alex.http.deps import CurrentUser, SessionDep, UserEntry, get_user_entry
from alex.services import identity
from alex.services.identity import UserUpdate

router = APIRouter(prefix="/api", tags=["user"])


@router.get("/user")
async def get_user(entry: Annotated[UserEntry, Depends(get_user_entry)]) -> UserEnvelope:
    """The user behind the token, created with defaults on the first call."""
    return UserEnvelope(user=UserPublic.model_validate(entry.user), created=entry.created)


@router.put("/user")
async def update_user(body: UserUpdate, user: CurrentUser, session: SessionDep) -> UserPublic:
    return UserPublic.model_validate(await identity.update_profile(session, user=user, changes=body))
