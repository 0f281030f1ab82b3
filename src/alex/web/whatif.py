"""The retirement what-if page: the user's plan, simulated, then redrawn as the sliders move.

It opens on the plan (Goals) and the portfolio, with the parameters the analysis simulates
(``simulations.simulation_params``, which calls the same ``plan_params``): ``whatif.js`` first
asks ``POST /api/retirement/simulate`` with nothing changed, so the headline is the analysis's
for the same inputs, then sends only what the person moves, with the first answer's seed, so
changes are compared on the same simulated markets and moving a slider back gives the same answer.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.db.models import User
from alex.domain.money import HUNDRED, apportion
from alex.domain.retirement.models import (
    DEFAULT_WITHDRAWAL_RATE,
    MAX_YEARS,
    ReturnMethod,
    WithdrawalStrategy,
)
from alex.domain.retirement.plan import MAX_AGE, StartingPortfolio
from alex.domain.taxonomy import AssetClass
from alex.http.deps import ContextDep, SessionDep
from alex.services import portfolio, simulations
from alex.services.errors import InvalidInputError
from alex.services.simulations import SimulationRequest
from alex.web.pages import PageUser, render

router = APIRouter(include_in_schema=False)

DEFAULT_ALLOCATION: Final = {"equity": 60, "fixed_income": 35, "cash": 5}
SLIDER_CLASSES: Final = (AssetClass.EQUITY.value, AssetClass.FIXED_INCOME.value, AssetClass.CASH.value)
CONTRIBUTION_SLIDER_MAX: Final = 100_000
STRATEGIES: Final = {
    WithdrawalStrategy.CONSTANT_REAL.value: "Constant real (the 4 % rule)",
    WithdrawalStrategy.PERCENT_OF_PORTFOLIO.value: "Percent of portfolio",
    WithdrawalStrategy.GUYTON_KLINGER.value: "Guyton-Klinger guardrails",
}
METHODS: Final = {
    ReturnMethod.PARAMETRIC.value: "Parametric (market assumptions)",
    ReturnMethod.HISTORICAL.value: "Historical (US years since 1871, in order)",
    ReturnMethod.BOOTSTRAP.value: "Bootstrap (blocks of US years, resampled)",
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


def starting_values(user: User, start: StartingPortfolio | None, *, paths: int) -> dict[str, Any]:
    """The page's first positions: the plan as the analysis simulates it (example values without
    a portfolio, which the script then sends, since they are not the person's)."""
    example = start is None
    request = (
        SimulationRequest.model_validate({"current_value": "0", "allocation": DEFAULT_ALLOCATION})
        if example
        else SimulationRequest()
    )
    origin = start or StartingPortfolio(Decimal(0), {})
    try:
        params = simulations.simulation_params(user, request, origin, default_paths=paths)
    except InvalidInputError:  # a plan stored before today's rules: what the simulation can run
        years = min(max(user.years_until_retirement, 0), MAX_YEARS)
        fallback = request.model_copy(
            update={"years_until_retirement": years, "withdrawal_rate": DEFAULT_WITHDRAWAL_RATE}
        )
        params = simulations.simulation_params(user, fallback, origin, default_paths=paths)
    current_age = user.current_age
    target = params.target_income
    contribution = params.annual_contribution
    return {
        "current_value": f"{params.current_value:.2f}",
        "allocation": dict(DEFAULT_ALLOCATION)
        if example
        else whole_percents({key: Decimal(str(value)) for key, value in params.allocation.items()}),
        "years_until_retirement": params.years_until_retirement,
        "max_years": MAX_YEARS if current_age is None else min(MAX_YEARS, MAX_AGE - current_age),
        "current_age": current_age,
        "annual_contribution": f"{contribution:.2f}",
        "contribution_max": max(CONTRIBUTION_SLIDER_MAX, int(contribution)),
        "contribution_growth": params.contribution_growth,
        "retirement_years": params.retirement_years,
        "withdrawal_strategy": params.strategy.value,
        "spending": "rate" if target is None else "target",
        "withdrawal_rate": DEFAULT_WITHDRAWAL_RATE
        if params.withdrawal_rate is None
        else params.withdrawal_rate,
        "target_income": f"{user.target_retirement_income:.2f}",
        "other_income": f"{params.other_income:.2f}",
        "other_income_start_age": user.other_income_start_age,
        "glide_path_equity": None if user.glide_path_equity is None else float(user.glide_path_equity),
        "method": params.return_method.value,
        "paths": params.paths,
        "from_portfolio": not example,
    }


@router.get("/what-if")
async def what_if(request: Request, user: PageUser, session: SessionDep, context: ContextDep) -> Response:
    snapshot = await portfolio.load_snapshot(session, user_id=user.id)
    start = None
    if snapshot is not None and snapshot.portfolio.accounts:
        start = await asyncio.to_thread(simulations.portfolio_start, snapshot.portfolio)
    values = starting_values(user, start, paths=context.settings.retirement_paths)
    return render(request, "whatif.html", user=user, values=values, strategies=STRATEGIES, methods=METHODS)
