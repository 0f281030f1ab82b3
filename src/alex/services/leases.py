"""Per-user limits on work that stays open: a user holds at most N leases of a kind at once.

Kept in PostgreSQL so the limit holds across processes; each lease has an expiry, so the slots of
a process that died free themselves. A stream renews its lease while it runs.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from alex.db import leases
from alex.db.engine import Database
from alex.observability.metrics import REFUSALS
from alex.services.errors import TooManyRequestsError


@dataclass(frozen=True, slots=True)
class Lease:
    id: uuid.UUID
    database: Database
    ttl_seconds: float

    async def renew(self) -> None:
        async with self.database.session() as session:
            await leases.renew(session, lease_id=self.id, ttl_seconds=self.ttl_seconds)
            await session.commit()

    async def release(self) -> None:
        async with self.database.session() as session:
            await leases.release(session, lease_id=self.id)
            await session.commit()


async def take(
    database: Database, *, user_id: str, kind: str, limit: int, ttl_seconds: float, refusal: str
) -> Lease:
    """One of the user's ``limit`` leases of ``kind`` (release it when done); ``TooManyRequestsError``
    with ``refusal`` when all are taken. No connection is held while the lease is."""
    async with database.session() as session:
        lease_id = await leases.take(
            session, user_id=user_id, kind=kind, limit=limit, ttl_seconds=ttl_seconds
        )
        await session.commit()
    if lease_id is None:
        REFUSALS.labels(f"concurrency_{kind}").inc()
        raise TooManyRequestsError(refusal, retry_after=5)
    return Lease(lease_id, database, ttl_seconds)


@asynccontextmanager
async def held(
    database: Database, *, user_id: str, kind: str, limit: int, ttl_seconds: float, refusal: str
) -> AsyncIterator[Lease]:
    """A lease (see ``take``) for the block."""
    lease = await take(
        database, user_id=user_id, kind=kind, limit=limit, ttl_seconds=ttl_seconds, refusal=refusal
    )
    try:
        yield lease
    finally:
        await lease.release()
