"""Users: created on first sight of a token's subject, or by sign-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import User


async def get_or_create(
    session: AsyncSession, *, user_id: str, display_name: str, email: str | None
) -> tuple[User, bool]:
    """The user with this id, created with the defaults if new. Safe under concurrent first calls."""
    inserted = await session.execute(
        insert(User)
        .values(id=user_id, display_name=display_name, email=email)
        .on_conflict_do_nothing(index_elements=[User.id])
        .returning(User.id)
    )
    created = inserted.scalar_one_or_none() is not None
    if created:
        await session.commit()
    user = await session.get(User, user_id, populate_existing=True)
    assert user is not None  # inserted above or already there
    return user, created


async def find_by_email(session: AsyncSession, *, email: str) -> User | None:
    result = await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    return result.scalar_one_or_none()


async def update(session: AsyncSession, *, user: User, changes: dict[str, Any]) -> User:
    for field, value in changes.items():
        setattr(user, field, value)
    await session.commit()
    await session.refresh(user)
    return user
