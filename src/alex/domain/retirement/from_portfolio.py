"""Simulation inputs taken from an analysed portfolio, for the pipeline's retirement step."""

from __future__ import annotations

from decimal import Decimal

from alex.domain.portfolio.allocation import Allocations
from alex.domain.retirement.models import (
    DEFAULT_PATHS,
    DEFAULT_RETIREMENT_YEARS,
    RetirementParams,
    ReturnMethod,
)
from alex.domain.retirement.plan import starting_portfolio


def retirement_params_from_portfolio(
    allocations: Allocations,
    *,
    years_until_retirement: int,
    target_income: Decimal | None = None,
    annual_contribution: Decimal = Decimal(0),
    retirement_years: int = DEFAULT_RETIREMENT_YEARS,
    paths: int = DEFAULT_PATHS,
    seed: int | None = None,
    method: ReturnMethod = ReturnMethod.PARAMETRIC,
) -> RetirementParams:
    """Params for the whole portfolio's value, allocated like its classified part.

    Unclassified money still counts toward the value; it is assumed to be invested like the
    rest, since its asset class is unknown. A portfolio with nothing classified is simulated as
    cash, the assumption that promises the least. Raises ``ParameterError`` for out-of-range
    inputs (e.g. more than 70 years to retirement). ``method`` picks the return model
    (``ReturnMethod``: parametric by default, or actual US history).
    """
    start = starting_portfolio(allocations)
    return RetirementParams(
        current_value=start.value,
        allocation=start.allocation,
        years_until_retirement=years_until_retirement,
        annual_contribution=annual_contribution,
        retirement_years=retirement_years,
        target_income=target_income,
        paths=paths,
        seed=seed,
        method=method,
    )
