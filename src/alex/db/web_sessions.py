"""Web sessions: created at sign-in, touched while used, ended by sign-out or idleness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import WebSession

# One statement finds a live session and notes its use; `last_seen_at` is written at most once a
# minute, so a busy page does not write on every request.
_TOUCH = text(
    """
    WITH live AS (
        SELECT id, user_id, csrf, last_seen_at FROM web_sessions
        WHERE id = :id AND ended_at IS NULL AND expires_at > now() AND last_seen_at > now() - :idle
    ), touched AS (
        UPDATE web_sessions SET last_seen_at = now()
        WHERE id = (SELECT id FROM live WHERE last_seen_at < now() - interval '1 minute')
    )
    SELECT user_id, csrf FROM live
    """
)


@dataclass(frozen=True, slots=True)
class LiveSession:
    user_id: str
    csrf: str


async def create(
    session: AsyncSession, *, token_sha256: str, user_id: str, csrf: str, lifetime: timedelta
) -> None:
    session.add(WebSession(id=token_sha256, user_id=user_id, csrf=csrf, expires_at=func.now() + lifetime))
    await session.flush()


async def use(session: AsyncSession, *, token_sha256: str, idle: timedelta) -> LiveSession | None:
    """The live session with this token hash, noting that it was used; None when it has ended,
    expired or been idle longer than ``idle`` (no commit)."""
    row = (await session.execute(_TOUCH, {"id": token_sha256, "idle": idle})).one_or_none()
    return None if row is None else LiveSession(user_id=row.user_id, csrf=row.csrf)


async def end(session: AsyncSession, *, token_sha256: str) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.id == token_sha256, WebSession.ended_at.is_(None))
        .values(ended_at=func.now())
    )


async def end_all(session: AsyncSession, *, user_id: str) -> int:
    """End every session of a user (e.g. after a password change); how many were live."""
    result = await session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=func.now())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_ended(session: AsyncSession) -> None:
    """Drop sessions that ended or expired over a day ago."""
    cutoff = func.now() - timedelta(days=1)
    await session.execute(
        delete(WebSession).where((WebSession.expires_at < cutoff) | (WebSession.ended_at < cutoff))
    )
