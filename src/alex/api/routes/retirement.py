"""Stand-alone retirement what-if: the Monte Carlo engine behind an HTTP form."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, model_validator

from alex.domain.retirement.models import (
    DEFAULT_PATHS,
    DEFAULT_RETIREMENT_YEARS,
    MAX_PATHS,
    MAX_YEARS,
    MIN_PATHS,
    ParameterError,
    RetirementParams,
    RetirementResult,
    WithdrawalStrategy,
)
from alex.domain.taxonomy import AssetClass
from alex.http.deps import ContextDep, CurrentUser
from alex.services import simulations
from alex.services.fields import Input, Money, Percent

router = APIRouter(prefix="/api/retirement", tags=["retirement"])


class SimulationRequest(Input):
    current_value: Money
    allocation: dict[AssetClass, Percent] = Field(
        min_length=1, description="percent by asset class, sums to 100"
    )
    years_until_retirement: int = Field(ge=0, le=MAX_YEARS)
    annual_contribution: Money = Decimal(0)
    retirement_years: int = Field(default=DEFAULT_RETIREMENT_YEARS, ge=1, le=MAX_YEARS)
    withdrawal_strategy: WithdrawalStrategy = WithdrawalStrategy.CONSTANT_REAL
    withdrawal_rate: float | None = Field(
        default=None, gt=0, le=100, allow_inf_nan=False, description="percent of the value at retirement"
    )
    target_income: Money | None = Field(default=None, description="a year's spending in today's money")
    inflation: float = Field(default=2.5, ge=-5, le=20, allow_inf_nan=False, description="percent a year")
    paths: int = Field(default=DEFAULT_PATHS, ge=MIN_PATHS, le=MAX_PATHS)
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)

    @model_validator(mode="after")
    def _one_spending_rule(self) -> SimulationRequest:
        if self.withdrawal_rate is not None and self.target_income is not None:
            raise ValueError("give either withdrawal_rate or target_income, not both")
        return self


class Assumptions(BaseModel):
    returns: dict[str, float]
    volatilities: dict[str, float]
    correlations: dict[str, dict[str, float]]
    inflation: float


class SimulationResponse(BaseModel):
    success_rate: float = Field(description="percent of paths whose money lasted the whole retirement")
    years: list[int]
    percentiles: dict[str, list[Decimal]] = Field(description="p5…p95 portfolio value by year, today's money")
    median_ending_value: Decimal
    p10_ending_value: Decimal
    safe_withdrawal_rate: float = Field(description="percent with at least 90 % success (constant real)")
    assumptions: Assumptions
    years_lasted: list[float] = Field(description="percent of paths lasting exactly k retirement years")
    retirement_starts_at_year: int
    median_value_at_retirement: Decimal
    paths: int
    seed: int = Field(description="the seed used; send it back to reproduce this result")


def _response(result: RetirementResult) -> SimulationResponse:
    used = result.assumptions
    return SimulationResponse(
        success_rate=result.success_rate,
        years=result.years,
        percentiles=result.percentiles,
        median_ending_value=result.median_ending_value,
        p10_ending_value=result.p10_ending_value,
        safe_withdrawal_rate=result.safe_withdrawal_rate,
        assumptions=Assumptions(
            returns=used.returns,
            volatilities=used.volatilities,
            correlations=used.correlations,
            inflation=used.inflation,
        ),
        years_lasted=result.years_lasted,
        retirement_starts_at_year=result.retirement_starts_at_year,
        median_value_at_retirement=result.median_value_at_retirement,
        paths=result.paths,
        seed=result.seed,
    )


@router.post("/simulate")
async def simulate(body: SimulationRequest, user: CurrentUser, context: ContextDep) -> SimulationResponse:
    """Run the retirement Monte Carlo for the given plan. Same seed, same answer.

    A few run at once per user (429 beyond) and each has a time limit (503 past it)."""
    try:
        params = RetirementParams(
            current_value=body.current_value,
            allocation={key.value: value for key, value in body.allocation.items()},
            years_until_retirement=body.years_until_retirement,
            annual_contribution=body.annual_contribution,
            retirement_years=body.retirement_years,
            withdrawal_strategy=body.withdrawal_strategy,
            withdrawal_rate=body.withdrawal_rate,
            target_income=body.target_income,
            inflation=body.inflation,
            paths=body.paths,
            seed=body.seed,
        )
    except ParameterError as error:
        # The engine's own range checks, answered like any other field-level 422.
        raise RequestValidationError(
            [{"loc": ("body", error.field), "msg": str(error).split(": ", 1)[-1], "type": "value_error"}]
        ) from None
    result = await simulations.simulate(
        context.database,
        settings=context.settings,
        slots=context.simulation_slots,
        user_id=user.id,
        params=params,
    )
    return _response(result)
