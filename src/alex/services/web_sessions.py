"""Browser sessions kept on the server: the cookie holds a random token, the table its SHA-256.

Signing out ends the session at once (the cookie is worthless afterwards, wherever it was
copied); a session unused for ``session_idle_timeout_seconds`` ends on its own; each session has
its own CSRF token, so a token planted in the browser by someone else does not pass.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import web_sessions
from alex.db.models import User
from alex.db.web_sessions import LiveSession
from alex.settings import Settings


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    """The cookie's value; never stored."""
    csrf: str


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start(session: AsyncSession, *, user: User, settings: Settings) -> NewSession:
    """A new session for ``user``, committed."""
    new = NewSession(token=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32))
    await web_sessions.create(
        session,
        token_sha256=token_sha256(new.token),
        user_id=user.id,
        csrf=new.csrf,
        lifetime=timedelta(seconds=settings.token_ttl_seconds),
    )
    if secrets.randbelow(100) == 0:
        await web_sessions.forget_ended(session)  # now and then, so the table stays small
    await session.commit()
    return new


async def resume(session: AsyncSession, *, token: str, settings: Settings) -> LiveSession | None:
    """The live session behind a cookie's token (noting its use, committed), or None."""
    if not 20 <= len(token) <= 100:
        return None
    live = await web_sessions.use(
        session,
        token_sha256=token_sha256(token),
        idle=timedelta(seconds=settings.session_idle_timeout_seconds),
    )
    await session.commit()
    return live


async def end(session: AsyncSession, *, token: str) -> None:
    """End the session behind this token (signing out), committed."""
    await web_sessions.end(session, token_sha256=token_sha256(token))
    await session.commit()
