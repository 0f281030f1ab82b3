"""Stand-alone retirement what-if: the Monte Carlo engine behind an HTTP form, on the user's plan."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from alex.domain.retirement.models import RetirementParams, RetirementResult, ReturnMethod, WithdrawalStrategy
from alex.http.deps import ContextDep, CurrentUser
from alex.services import simulations
from alex.services.simulations import SimulationRequest

router = APIRouter(prefix="/api/retirement", tags=["retirement"])


class Assumptions(BaseModel):
    """What the result rests on: the return model, its data and its numbers."""

    returns: dict[str, float] = Field(description="mean nominal return a year by asset class, percent")
    volatilities: dict[str, float] = Field(description="percent a year")
    correlations: dict[str, dict[str, float]]
    inflation: float = Field(description="percent a year: assumed, or history's compound average")
    method: ReturnMethod
    description: str = Field(description="how the method works, in a sentence")
    data: str = Field(description="the historical series drawn on (empty for the parametric method)")
    history_years: tuple[int, int] | None = Field(description="first and last calendar year of history used")
    start_years: tuple[int, int] | None = Field(
        description="the historical method's first and last start year"
    )
    proxies: dict[str, str] = Field(description="how each asset class without data of its own is simulated")
    paths: int = Field(description="paths simulated (start years, for the historical method)")
    block_years: int | None = Field(description="the bootstrap's block length in years")


class SimulationParams(BaseModel):
    """The inputs simulated: your plan and portfolio, changed where the request said."""

    current_value: Decimal
    allocation: dict[str, float] = Field(description="percent by asset class")
    years_until_retirement: int
    annual_contribution: Decimal
    contribution_growth: float = Field(description="percent a year, on top of inflation")
    retirement_years: int
    withdrawal_strategy: WithdrawalStrategy
    withdrawal_rate: float | None = Field(description="percent; null when spending is target_income")
    target_income: Decimal | None = Field(description="null: spending is withdrawal_rate (4 % if not given)")
    other_income: Decimal = Field(description="a year, paying part of target_income")
    other_income_delay_years: int = Field(description="retirement years before other income starts")
    retirement_allocation: dict[str, float] | None = Field(
        description="the glide path's allocation at retirement"
    )
    inflation: float
    method: ReturnMethod


class SimulationResponse(BaseModel):
    success_rate: float = Field(description="percent of paths whose money lasted the whole retirement")
    years: list[int]
    percentiles: dict[str, list[Decimal]] = Field(description="p5…p95 portfolio value by year, today's money")
    median_ending_value: Decimal
    p10_ending_value: Decimal
    safe_withdrawal_rate: float = Field(description="percent with at least 90 % success (constant real)")
    worst_case_withdrawal_rate: float = Field(
        description="percent that lasted in every path (constant real): for the historical method, the "
        "sustainable rate of the worst start year"
    )
    worst_start_year: int | None = Field(
        description="the historical method's worst start year; null otherwise"
    )
    assumptions: Assumptions
    params: SimulationParams
    years_lasted: list[float] = Field(description="percent of paths lasting exactly k retirement years")
    retirement_starts_at_year: int
    median_value_at_retirement: Decimal
    paths: int
    seed: int = Field(description="the seed used; send it back to reproduce this result")


def _response(params: RetirementParams, result: RetirementResult) -> SimulationResponse:
    used = result.assumptions
    return SimulationResponse(
        success_rate=result.success_rate,
        years=result.years,
        percentiles=result.percentiles,
        median_ending_value=result.median_ending_value,
        p10_ending_value=result.p10_ending_value,
        safe_withdrawal_rate=result.safe_withdrawal_rate,
        worst_case_withdrawal_rate=result.worst_case_withdrawal_rate,
        worst_start_year=result.worst_start_year,
        assumptions=Assumptions(
            returns=used.returns,
            volatilities=used.volatilities,
            correlations=used.correlations,
            inflation=used.inflation,
            method=ReturnMethod(used.method),
            description=used.description,
            data=used.data,
            history_years=used.history_years,
            start_years=used.start_years,
            proxies=used.proxies,
            paths=used.paths,
            block_years=used.block_years,
        ),
        params=SimulationParams(
            current_value=params.current_value,
            allocation={key: float(value) for key, value in params.allocation.items()},
            years_until_retirement=params.years_until_retirement,
            annual_contribution=params.annual_contribution,
            contribution_growth=params.contribution_growth,
            retirement_years=params.retirement_years,
            withdrawal_strategy=params.strategy,
            withdrawal_rate=params.withdrawal_rate,
            target_income=params.target_income,
            other_income=params.other_income,
            other_income_delay_years=params.other_income_delay_years,
            retirement_allocation=None
            if params.retirement_allocation is None
            else {key: float(value) for key, value in params.retirement_allocation.items()},
            inflation=params.inflation,
            method=params.return_method,
        ),
        years_lasted=result.years_lasted,
        retirement_starts_at_year=result.retirement_starts_at_year,
        median_value_at_retirement=result.median_value_at_retirement,
        paths=result.paths,
        seed=result.seed,
    )


@router.post("/simulate")
async def simulate(body: SimulationRequest, user: CurrentUser, context: ContextDep) -> SimulationResponse:
    """Run the retirement simulation on your plan, changed where the body says. Same inputs, same answer.

    An empty body simulates your plan (Goals) and portfolio as the analysis does. A few run at
    once per user (429 beyond) and each has a time limit (503 past it)."""
    params = await simulations.plan_simulation(
        context.database, user=user, request=body, default_paths=context.settings.retirement_paths
    )
    result = await simulations.simulate(
        context.database,
        settings=context.settings,
        slots=context.simulation_slots,
        user_id=user.id,
        params=params,
    )
    return _response(params, result)
