"""Quotas per user: how much one person may store or use (the limits are settings).

A quota reached is a ``QuotaExceededError`` (a 429) saying which quota, its limit, and when it
frees up: at midnight UTC for the daily ones, when something is deleted for the others. The
caller checks inside the transaction that adds, after ``lock_user`` so two concurrent requests of
one user cannot both take the last place.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from alex.observability.metrics import REFUSALS
from alex.services.errors import TooManyRequestsError


class QuotaExceededError(TooManyRequestsError):
    def __init__(self, message: str, *, quota: str, retry_after: int | None) -> None:
        super().__init__(message, retry_after=retry_after)
        self.quota = quota
        REFUSALS.labels(f"quota_{quota}").inc()


def next_midnight(now: datetime | None = None) -> datetime:
    """When the daily quotas start again (midnight UTC)."""
    now = now or datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def today_start(now: datetime | None = None) -> datetime:
    return next_midnight(now) - timedelta(days=1)


async def lock_user(session: AsyncSession, user_id: str) -> None:
    """Serialise this user's quota checks until the transaction ends (other users are not held)."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended("quota:" + user_id, 0))))


def require_room(*, quota: str, what: str, used: int, limit: int, adding: int = 1) -> None:
    """Refuse when ``adding`` more of ``what`` would take ``used`` past ``limit`` (a count kept)."""
    if used + adding > limit:
        raise QuotaExceededError(
            f"Quota reached: you can have at most {limit:,} {what} (you have {used:,}). "
            f"Delete some to add more.",
            quota=quota,
            retry_after=None,
        )


def require_daily_room(*, quota: str, what: str, used: int, limit: int, adding: int = 1) -> None:
    """Refuse when today's ``used`` (UTC) plus ``adding`` passes the daily ``limit``."""
    if used + adding > limit:
        resets = next_midnight()
        wait = math.ceil((resets - datetime.now(UTC)).total_seconds())
        raise QuotaExceededError(
            f"Daily quota reached: at most {limit:,} {what} a day (used today: {used:,}). "
            f"It resets at {resets:%Y-%m-%d %H:%M} UTC.",
            quota=quota,
            retry_after=max(1, wait),
        )
