"""Inputs and outputs of the retirement simulation, mirroring ``POST /api/retirement/simulate``.

``RetirementParams`` has one field per request field (same names, same units) plus a few
optional knobs the HTTP contract does not expose; ``RetirementResult`` has one field per
response field plus extra detail (years-lasted distribution, seed used). Percent means percent
(``4.0`` is 4 %); money is ``Decimal`` in today's money.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from alex.domain.retirement.assumptions import (
    DEFAULT_ASSUMPTIONS,
    DEFAULT_INFLATION,
    CapitalMarketAssumptions,
)
from alex.domain.taxonomy import AllocationError, AssetClass, check_allocation

DEFAULT_WITHDRAWAL_RATE: Final = 4.0
DEFAULT_RETIREMENT_YEARS: Final = 30
"""How long retirement lasts when nobody says (the horizon of the Trinity study and the 4 % rule)."""
DEFAULT_PATHS: Final = 10_000
MIN_PATHS: Final = 100
MAX_PATHS: Final = 100_000
MAX_YEARS: Final = 70
MAX_AMOUNT: Final = 1e12
"""Largest amount of money accepted (a trillion): beyond it the input is a typo, not a plan."""
PERCENTILES: Final = (5, 25, 50, 75, 95)


class WithdrawalStrategy(StrEnum):
    """How much is taken out each retirement year (all amounts in today's money).

    - ``constant_real``: the "4 % rule" (Bengen 1994): the first year's amount, then the same
      amount every year, adjusted for inflation.
    - ``percent_of_portfolio``: the same percentage of whatever the portfolio is worth at the
      start of each year, but never less than ``floor_percent`` nor more than
      ``ceiling_percent`` of the first year's amount.
    - ``guyton_klinger``: Guyton & Klinger's (2006) decision rules: start like the 4 % rule;
      skip the inflation raise after a year with a negative return when the current
      withdrawal rate is above the initial one; cut spending by ``adjustment_percent`` when the
      rate rises more than ``guardrail_percent`` above the initial rate (except in the last
      15 years); raise it by the same step when the rate falls ``guardrail_percent`` below.
    """

    CONSTANT_REAL = "constant_real"
    PERCENT_OF_PORTFOLIO = "percent_of_portfolio"
    GUYTON_KLINGER = "guyton_klinger"


class ParameterError(ValueError):
    """A parameter is out of range; ``field`` names it so an API can answer 422 field by field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True, slots=True, kw_only=True)
class RetirementParams:
    """One simulation request.

    ``withdrawal_rate`` (percent of the portfolio's value on the first day of retirement) and
    ``target_income`` (a yearly amount in today's money) are alternatives; with neither, the
    rate is 4 %. ``annual_contribution`` is added at the end of each year until retirement and
    keeps pace with inflation. ``retirement_allocation`` turns on a glide path: the allocation
    moves in equal yearly steps from ``allocation`` today to ``retirement_allocation`` at
    retirement and stays there.
    """

    current_value: Decimal
    allocation: Mapping[str, float | Decimal]
    years_until_retirement: int
    annual_contribution: Decimal = Decimal(0)
    retirement_years: int = DEFAULT_RETIREMENT_YEARS
    withdrawal_strategy: WithdrawalStrategy = WithdrawalStrategy.CONSTANT_REAL
    withdrawal_rate: float | None = None
    target_income: Decimal | None = None
    inflation: float = DEFAULT_INFLATION
    paths: int = DEFAULT_PATHS
    seed: int | None = None
    retirement_allocation: Mapping[str, float | Decimal] | None = None
    floor_percent: float = 80.0
    ceiling_percent: float = 150.0
    guardrail_percent: float = 20.0
    adjustment_percent: float = 10.0
    assumptions: CapitalMarketAssumptions = DEFAULT_ASSUMPTIONS

    def plan_seed(self) -> int:
        """A seed that is a function of the plan alone (everything here but ``seed``).

        An analysis simulates with it, so the same portfolio and plan give the same figures on
        every run: a recommendation ("save about $X more a year") does not move with Monte Carlo
        noise, and it changes only when something the person changed does.
        """
        plan = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "seed"}
        canonical = json.dumps(plan, sort_keys=True, default=_canonical)
        return int(hashlib.sha256(canonical.encode()).hexdigest()[:13], 16)  # 52 bits, like the default

    def __post_init__(self) -> None:
        _between("current_value", float(self.current_value), 0, MAX_AMOUNT)
        _allocation("allocation", self.allocation)
        if self.retirement_allocation is not None:
            _allocation("retirement_allocation", self.retirement_allocation)
        _whole_between("years_until_retirement", self.years_until_retirement, 0, MAX_YEARS)
        _between("annual_contribution", float(self.annual_contribution), 0, MAX_AMOUNT)
        _whole_between("retirement_years", self.retirement_years, 1, MAX_YEARS)
        try:
            WithdrawalStrategy(self.withdrawal_strategy)
        except ValueError:
            allowed = ", ".join(s.value for s in WithdrawalStrategy)
            raise ParameterError("withdrawal_strategy", f"must be one of {allowed}") from None
        if self.withdrawal_rate is not None and self.target_income is not None:
            raise ParameterError("target_income", "give either withdrawal_rate or target_income, not both")
        if self.withdrawal_rate is not None:
            _between("withdrawal_rate", self.withdrawal_rate, 0, 100)
        if self.target_income is not None:
            _between("target_income", float(self.target_income), 0, MAX_AMOUNT)
        _between("inflation", self.inflation, -5, 20)
        _whole_between("paths", self.paths, MIN_PATHS, MAX_PATHS)
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0
        ):
            raise ParameterError("seed", "must be a non-negative whole number")
        _between("floor_percent", self.floor_percent, 0, 100)
        _between("ceiling_percent", self.ceiling_percent, 100, 1000)
        _between("guardrail_percent", self.guardrail_percent, 0, 100)
        _between("adjustment_percent", self.adjustment_percent, 0, 100)

    @property
    def strategy(self) -> WithdrawalStrategy:
        return WithdrawalStrategy(self.withdrawal_strategy)

    @property
    def total_years(self) -> int:
        return self.years_until_retirement + self.retirement_years


@dataclass(frozen=True, slots=True)
class AssumptionsUsed:
    """The assumptions behind one result, in percent (correlations as plain numbers)."""

    returns: dict[str, float]
    volatilities: dict[str, float]
    correlations: dict[str, dict[str, float]]
    inflation: float


@dataclass(frozen=True, slots=True)
class RetirementResult:
    """The simulation's answer; every amount in today's money.

    ``percentiles[name][i]`` is the portfolio value in year ``years[i]`` that the given share
    of paths fell below (``p50`` is the median path). ``safe_withdrawal_rate`` is the highest
    first-year withdrawal, in percent of the value at retirement and then kept constant in
    today's money (the 4 %-rule shape, whatever ``withdrawal_strategy`` was simulated), that
    lasted the whole retirement in at least 90 % of the paths. ``years_lasted[k]`` is the
    percentage of paths whose money paid the full withdrawal for exactly ``k`` retirement
    years (the last entry is the success rate).
    """

    success_rate: float
    years: list[int]
    percentiles: dict[str, list[Decimal]]
    median_ending_value: Decimal
    p10_ending_value: Decimal
    safe_withdrawal_rate: float
    assumptions: AssumptionsUsed
    years_lasted: list[float] = field(default_factory=list)
    retirement_starts_at_year: int = 0
    median_value_at_retirement: Decimal = Decimal(0)
    paths: int = 0
    seed: int = 0


def _between(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:  # also rejects NaN
        raise ParameterError(name, f"must be between {low:,g} and {high:,g}")


def _whole_between(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(name, f"must be a whole number between {low:,} and {high:,}")


def _allocation(name: str, allocation: Mapping[str, float | Decimal]) -> None:
    try:
        check_allocation(allocation, AssetClass, what=name)
    except AllocationError as error:
        raise ParameterError(name, str(error)) from None


def _canonical(value: object) -> object:
    """JSON for what ``json`` cannot write itself: exact decimals, mappings sorted, dataclasses."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): value[key] for key in sorted(value, key=str)}
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    return str(value)
