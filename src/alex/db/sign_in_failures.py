"""Failed sign-ins per key, shared by every process: how many lately, and when the next try is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import SignInFailure

_RECORD = text(
    """
    INSERT INTO sign_in_failures AS f (key, failures, last_failed_at, next_allowed_at)
    VALUES (:key, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN f.last_failed_at < now() - :memory THEN 1 ELSE f.failures + 1 END,
        last_failed_at = now()
    RETURNING failures
    """
)
_DELAY = text("UPDATE sign_in_failures SET next_allowed_at = now() + :delay WHERE key = :key")
_WAIT = text(
    "SELECT max(ceil(extract(epoch FROM next_allowed_at - now())))::int "
    "FROM sign_in_failures WHERE key = ANY(:keys) AND next_allowed_at > now()"
)
_FORGET_OLD = text("DELETE FROM sign_in_failures WHERE last_failed_at < now() - :memory")


@dataclass(frozen=True, slots=True)
class Delays:
    free: int
    """Failures allowed before delays start."""
    first_delay: timedelta
    max_delay: timedelta
    memory: timedelta
    """Failures older than this are forgotten."""

    def after(self, failures: int) -> timedelta:
        """The wait before the next try: none for the free failures, then the first delay,
        doubling with each further failure, capped."""
        if failures <= self.free:
            return timedelta(0)
        doublings = min(failures - self.free - 1, 30)
        return min(self.max_delay, self.first_delay * (1 << doublings))


async def wait_seconds(session: AsyncSession, *, keys: list[str]) -> int | None:
    """Seconds until every one of ``keys`` may try again, or None when all may try now."""
    wait: int | None = await session.scalar(_WAIT, {"keys": keys})
    return wait


async def record(session: AsyncSession, *, key: str, delays: Delays) -> int:
    """Count a failure for ``key`` and set when it may try again; its recent failures (no commit)."""
    failures: int = (await session.execute(_RECORD, {"key": key, "memory": delays.memory})).scalar_one()
    await session.execute(_DELAY, {"key": key, "delay": delays.after(failures)})
    if failures == 1:
        # A new key: sweep the forgotten ones now and then, so the table stays small.
        await session.execute(_FORGET_OLD, {"memory": delays.memory})
    return failures


async def forget(session: AsyncSession, *, key: str) -> None:
    await session.execute(delete(SignInFailure).where(SignInFailure.key == key))
