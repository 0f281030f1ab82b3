"""The retirement what-if page: sliders over the Monte Carlo, redrawn as they move.

The starting values come from the user's profile and current portfolio (the same inputs the
analysis uses, ``retirement_params_from_portfolio``); ``whatif.js`` sends them to
``POST /api/retirement/simulate`` with a fixed seed, so moving a slider back gives the same answer.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.db.snapshot import PortfolioSnapshot
from alex.domain.money import HUNDRED, apportion
from alex.domain.portfolio.allocation import allocate
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.retirement.from_portfolio import retirement_params_from_portfolio
from alex.domain.retirement.models import (
    DEFAULT_RETIREMENT_YEARS,
    DEFAULT_WITHDRAWAL_RATE,
    MAX_YEARS,
    ParameterError,
    WithdrawalStrategy,
)
from alex.domain.taxonomy import AssetClass
from alex.http.deps import SessionDep
from alex.services import portfolio
from alex.web.pages import PageUser, render

router = APIRouter(include_in_schema=False)

PATHS: Final = 2000
SEED: Final = 20240601
DEFAULT_ALLOCATION: Final = {"equity": 60, "fixed_income": 35, "cash": 5}
SLIDER_CLASSES: Final = (AssetClass.EQUITY.value, AssetClass.FIXED_INCOME.value, AssetClass.CASH.value)
STRATEGIES: Final = {
    WithdrawalStrategy.CONSTANT_REAL.value: "Constant real (the 4 % rule)",
    WithdrawalStrategy.PERCENT_OF_PORTFOLIO.value: "Percent of portfolio",
    WithdrawalStrategy.GUYTON_KLINGER.value: "Guyton-Klinger guardrails",
}


def whole_percents(allocation: dict[str, Decimal]) -> dict[str, int]:
    """Equity, fixed income and cash as whole percents summing to 100 (largest remainder).

    The sliders have these three; other classes (real estate, commodities, alternatives) are
    counted with equity, the growth assets they are closest to in the simulation's terms.
    """
    total = sum(allocation.values(), Decimal(0))
    if total <= 0:
        return dict(DEFAULT_ALLOCATION)
    shares = {key: Decimal(0) for key in SLIDER_CLASSES}
    for key, value in allocation.items():
        shares[key if key in shares else AssetClass.EQUITY.value] += value * 100 / total
    return {key: int(value) for key, value in apportion(shares, total=HUNDRED, quantum=Decimal(1)).items()}


def starting_values(
    snapshot: PortfolioSnapshot | None, *, years: int, target_income: Decimal
) -> dict[str, Any]:
    """The sliders' first positions: the profile's years and the portfolio's value and allocation."""
    values: dict[str, Any] = {
        "current_value": "0.00",
        "annual_contribution": 0,
        "years_until_retirement": min(max(years, 0), MAX_YEARS),
        "retirement_years": DEFAULT_RETIREMENT_YEARS,
        "withdrawal_strategy": WithdrawalStrategy.CONSTANT_REAL.value,
        "withdrawal_rate": DEFAULT_WITHDRAWAL_RATE,
        "allocation": dict(DEFAULT_ALLOCATION),
        "target_income": f"{target_income:.2f}",
        "paths": PATHS,
        "seed": SEED,
        "from_portfolio": False,
    }
    if snapshot is None or not snapshot.portfolio.accounts:
        return values
    allocations = allocate(value_portfolio(snapshot.portfolio))
    try:
        params = retirement_params_from_portfolio(
            allocations, years_until_retirement=values["years_until_retirement"], paths=PATHS, seed=SEED
        )
    except ParameterError:
        return values
    values.update(
        current_value=f"{params.current_value.quantize(Decimal('0.01')):f}",
        allocation=whole_percents({key: Decimal(str(value)) for key, value in params.allocation.items()}),
        from_portfolio=True,
    )
    return values


@router.get("/what-if")
async def what_if(request: Request, user: PageUser, session: SessionDep) -> Response:
    snapshot = await portfolio.load_snapshot(session, user_id=user.id)
    values = await asyncio.to_thread(
        starting_values,
        snapshot,
        years=user.years_until_retirement,
        target_income=user.target_retirement_income,
    )
    return render(
        request, "whatif.html", user=user, values=values, strategies=STRATEGIES, max_years=MAX_YEARS
    )
