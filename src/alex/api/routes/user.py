"""The signed-in user's profile and goals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from alex.api.deps import CurrentUser, SessionDep, UserEntry, get_user_entry
from alex.api.schemas import UserEnvelope, UserPublic, UserUpdate, rule_overrides
from alex.db import users

router = APIRouter(prefix="/api", tags=["user"])


@router.get("/user")
async def get_user(entry: Annotated[UserEntry, Depends(get_user_entry)]) -> UserEnvelope:
    """The user behind the token, created with defaults on the first call."""
    return UserEnvelope(user=UserPublic.model_validate(entry.user), created=entry.created)


@router.put("/user")
async def update_user(body: UserUpdate, user: CurrentUser, session: SessionDep) -> UserPublic:
    changes = body.model_dump(exclude_unset=True, mode="json")
    # A null means "leave as is" for these required fields.
    changes = {key: value for key, value in changes.items() if value is not None}
    if "target_retirement_income" in changes:
        changes["target_retirement_income"] = body.target_retirement_income
    # JSONB holds percentages as JSON numbers (as the defaults and the seed), not the strings
    # mode="json" makes of Decimals.
    for key in ("asset_class_targets", "region_targets"):
        targets = getattr(body, key)
        if key in changes and targets is not None:
            changes[key] = {name: float(weight) for name, weight in targets.items()}
    if "rule_thresholds" in changes and body.rule_thresholds is not None:
        changes["rule_thresholds"] = rule_overrides(body.rule_thresholds)
    updated = await users.update(session, user=user, changes=changes)
    return UserPublic.model_validate(updated)
