"""Users: created on first sight of a token's subject, or by sign-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.engine import apply_changes
from alex.db.models import User


async def get_or_create(
    session: AsyncSession, *, user_id: str, display_name: str, email: str | None
) -> tuple[User, bool]:
    """The user with this id, created with the defaults if new. Safe under concurrent first calls.

    Emails are unique (case-insensitively). If another user already has this one (say, someone who
    signed up with a password, or another subject of the issuer), the new user is created without
    it: users are never merged by email.
    """
    existing = await session.get(User, user_id)
    if existing is not None:  # every request after the first: a read, no write
        return existing, False
    created = await _insert(session, user_id=user_id, display_name=display_name, email=email)
    user = await session.get(User, user_id, populate_existing=True)
    if user is None and email is not None:  # not inserted because the email is taken
        created = await _insert(session, user_id=user_id, display_name=display_name, email=None)
        user = await session.get(User, user_id, populate_existing=True)
    assert user is not None  # inserted above or already there
    return user, created


async def _insert(session: AsyncSession, *, user_id: str, display_name: str, email: str | None) -> bool:
    inserted = await session.execute(
        insert(User)
        .values(id=user_id, display_name=display_name, email=email)
        .on_conflict_do_nothing()  # on the id or on the email
        .returning(User.id)
    )
    return inserted.scalar_one_or_none() is not None


async def create(
    session: AsyncSession, *, user_id: str, email: str, display_name: str, password_hash: str
) -> User:
    """A user who signed up with a password; ``IntegrityError`` when the email is taken."""
    user = User(id=user_id, email=email, display_name=display_name, password_hash=password_hash)
    session.add(user)
    await session.flush()
    await session.refresh(user)
    return user


async def find_by_email(session: AsyncSession, *, email: str) -> User | None:
    result = await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    return result.scalar_one_or_none()


async def update(session: AsyncSession, *, user: User, changes: dict[str, Any]) -> User:
    return await apply_changes(session, user, changes)
