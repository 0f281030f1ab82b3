"""Analysis jobs, always looked up through their owner."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import Job, JobStatus


async def list_for_user(session: AsyncSession, *, user_id: str, limit: int) -> list[Job]:
    result = await session.execute(
        select(Job).where(Job.user_id == user_id).order_by(Job.created_at.desc(), Job.id).limit(limit)
    )
    return list(result.scalars())


async def get_owned(session: AsyncSession, *, user_id: str, job_id: uuid.UUID) -> Job | None:
    result = await session.execute(select(Job).where(Job.id == job_id, Job.user_id == user_id))
    return result.scalar_one_or_none()


async def status_of(session: AsyncSession, *, job_id: uuid.UUID) -> JobStatus | None:
    status: str | None = await session.scalar(select(Job.status).where(Job.id == job_id))
    return None if status is None else JobStatus(status)


async def list_by_status(
    session: AsyncSession, *, status: JobStatus | None, dead_only: bool, limit: int
) -> list[Job]:
    """For operators (the CLI): every user's jobs, newest first."""
    statement = select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit)
    if status is not None:
        statement = statement.where(Job.status == status)
    if dead_only:
        statement = statement.where(Job.dead_lettered_at.is_not(None))
    return list((await session.execute(statement)).scalars())


async def count_created_since(session: AsyncSession, *, user_id: str, since: datetime) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Job).where(Job.user_id == user_id, Job.created_at >= since)
    )
    return int(count or 0)
