"""Rate-limit state shared by every API process: one row per key, updated in one statement.

The algorithm is GCRA (a token bucket kept as one timestamp): ``tat`` is when the bucket would be
full again. A hit is allowed while that lies at most the policy's window ahead of now, and moves
it on by window/count. The database clock is the only clock, so processes and machines agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_HIT = text(
    """
    INSERT INTO rate_limits AS r (key, tat) VALUES (:key, now() + :interval)
    ON CONFLICT (key) DO UPDATE SET tat = GREATEST(r.tat, now()) + :interval
        WHERE GREATEST(r.tat, now()) + :interval <= now() + :window
    RETURNING tat, now() AS now
    """
)
_STATE = text("SELECT tat, now() AS now FROM rate_limits WHERE key = :key")
_FORGET_IDLE = text("DELETE FROM rate_limits WHERE tat < now() - interval '1 hour'")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    remaining: int
    """Requests still allowed right now (after this one, when it was allowed)."""
    reset_seconds: int
    """Seconds until the full allowance is back; when refused, until the next request is allowed."""


async def hit(session: AsyncSession, *, key: str, count: int, seconds: int) -> Verdict:
    """Count one request against ``count`` per ``seconds`` for ``key`` (no commit)."""
    interval = timedelta(seconds=seconds / count)
    window = timedelta(seconds=seconds)
    params = {"key": key, "interval": interval, "window": window}
    row = (await session.execute(_HIT, params)).one_or_none()
    if row is not None:
        return _verdict(True, tat=row.tat, now=row.now, interval=interval, window=window)
    state = (await session.execute(_STATE, {"key": key})).one()
    return _verdict(False, tat=state.tat, now=state.now, interval=interval, window=window)


def _verdict(
    allowed: bool, *, tat: datetime, now: datetime, interval: timedelta, window: timedelta
) -> Verdict:
    ahead = tat - now
    remaining = max(0, math.floor((window - ahead) / interval))
    if allowed:
        return Verdict(True, remaining, max(0, math.ceil(ahead.total_seconds())))
    wait = (ahead + interval - window).total_seconds()
    return Verdict(False, 0, max(1, math.ceil(wait)))


async def forget_idle(session: AsyncSession) -> None:
    """Drop rows that hold nothing any more (their bucket refilled an hour ago)."""
    await session.execute(_FORGET_IDLE)
