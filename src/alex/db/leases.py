"""Leases: work a request holds open, counted per user and kind (simulations, progress streams)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import Lease


async def take(
    session: AsyncSession, *, user_id: str, kind: str, limit: int, ttl_seconds: float
) -> uuid.UUID | None:
    """A new lease unless the user already holds ``limit`` live ones of ``kind`` (no commit).

    An advisory lock on (user, kind) makes the count and the insert one step, so two requests
    racing for the last slot cannot both get it; other users are never held.
    """
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(f"lease:{kind}:{user_id}", 0)))
    )
    live = await session.scalar(
        select(func.count())
        .select_from(Lease)
        .where(Lease.user_id == user_id, Lease.kind == kind, Lease.expires_at > func.now())
    )
    if (live or 0) >= limit:
        return None
    lease_id = uuid.uuid4()
    session.add(
        Lease(id=lease_id, user_id=user_id, kind=kind, expires_at=func.now() + timedelta(seconds=ttl_seconds))
    )
    await session.flush()
    return lease_id


async def renew(session: AsyncSession, *, lease_id: uuid.UUID, ttl_seconds: float) -> None:
    await session.execute(
        update(Lease)
        .where(Lease.id == lease_id)
        .values(expires_at=func.now() + timedelta(seconds=ttl_seconds))
    )


async def release(session: AsyncSession, *, lease_id: uuid.UUID) -> None:
    await session.execute(delete(Lease).where(Lease.id == lease_id))
    # Leases of processes that died are only skipped by take(); sweep them here.
    await session.execute(delete(Lease).where(Lease.expires_at < func.now() - timedelta(hours=1)))
