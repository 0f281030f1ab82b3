"""The audit trail of a job's agent runs: one row per run, written once, read by the job's owner.

The owner check is the caller's (the API reads a job through its owner first), so these
functions take a job id only.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from alex.db.models import AiDecision


@dataclass(frozen=True, slots=True)
class NewDecision:
    """What one agent run decided and what it cost; see ``AiDecision`` for the meaning of each field."""

    job_id: uuid.UUID
    user_id: str
    attempt: int
    agent: str
    subject: str | None
    model: str
    prompt_version: str
    input_sha256: str
    outcome: str
    output_summary: dict[str, Any]
    rationale: str | None
    tokens_in: int
    tokens_out: int
    requests: int
    estimated_cost: Decimal | None
    duration_ms: float
    guardrails: list[dict[str, str]]
    trace_id: str | None


async def add(session: AsyncSession, decision: NewDecision) -> None:
    """Insert the row in the caller's transaction (no commit), so it can go with the run's other writes.

    The duration is stored to 0.1 ms through ``str`` so the NUMERIC column gets the value as
    written, not a binary float's expansion.
    """
    values = asdict(decision)
    values["duration_ms"] = Decimal(str(round(decision.duration_ms, 1)))
    await session.execute(insert(AiDecision).values(**values))


async def for_job(session: AsyncSession, *, job_id: uuid.UUID) -> list[AiDecision]:
    """The job's decisions, oldest first (every attempt's, so a retried job shows its whole history)."""
    result = await session.execute(
        select(AiDecision).where(AiDecision.job_id == job_id).order_by(AiDecision.created_at, AiDecision.id)
    )
    return list(result.scalars())


async def tokens_since(session: AsyncSession, *, user_id: str, since: datetime) -> int:
    """Model tokens (in and out) the user's analyses used since ``since``."""
    total = await session.scalar(
        select(func.coalesce(func.sum(AiDecision.tokens_in + AiDecision.tokens_out), 0)).where(
            AiDecision.user_id == user_id, AiDecision.created_at >= since
        )
    )
    return int(total or 0)
