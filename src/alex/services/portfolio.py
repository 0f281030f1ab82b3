"""The portfolio as it stands now, computed on the spot for the pages that show it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from alex.analysis.facts import facts_for
from alex.analysis.payloads import summary_payload
from alex.db import snapshot as snapshots
from alex.db.snapshot import PortfolioSnapshot
from alex.domain.portfolio.valuation import PortfolioValuation, value_portfolio


@dataclass(frozen=True, slots=True)
class Overview:
    summary: dict[str, Any]
    charts: dict[str, Any]


async def load_snapshot(session: AsyncSession, *, user_id: str) -> PortfolioSnapshot | None:
    """The person's profile and holdings, as the analysis reads them."""
    return await snapshots.load(session, user_id=user_id)


async def overview(session: AsyncSession, *, user_id: str) -> Overview | None:
    """The summary and charts of the portfolio now; ``None`` with no accounts."""
    snapshot = await snapshots.load(session, user_id=user_id)
    if snapshot is None or not snapshot.portfolio.accounts:
        return None
    # No projection on the dashboard, so no Monte Carlo: the page costs a few ms, not ~35.
    facts = await asyncio.to_thread(facts_for, snapshot, warnings=(), project_retirement=False)
    return Overview(summary=summary_payload(facts), charts=dict(facts.analysis.charts))


@dataclass(frozen=True, slots=True)
class AccountValue:
    total: Decimal
    positions: int


@dataclass(frozen=True, slots=True)
class Valuation:
    accounts: dict[uuid.UUID, AccountValue]
    total: Decimal
    unpriced: int
    """Holdings left out of the totals because they have no price."""

    def share(self, value: Decimal) -> float:
        return float(value / self.total * 100) if self.total else 0.0


async def valuation(session: AsyncSession, *, user_id: str) -> Valuation:
    """Each account's value and number of positions, and the whole portfolio's."""
    snapshot = await snapshots.load(session, user_id=user_id)
    if snapshot is None or not snapshot.portfolio.accounts:
        return Valuation(accounts={}, total=Decimal(0), unpriced=0)
    valued: PortfolioValuation = value_portfolio(snapshot.portfolio)
    return Valuation(
        accounts={
            uuid.UUID(a.account.id): AccountValue(total=a.total, positions=len(a.positions))
            for a in valued.accounts
        },
        total=valued.total,
        unpriced=len(valued.warnings),
    )
