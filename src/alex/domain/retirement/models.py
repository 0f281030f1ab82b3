"""Inputs and outputs of the retirement simulation, mirroring ``POST /api/retirement/simulate``.

``RetirementParams`` has one field per request field (same names, same units) plus a few
optional knobs the HTTP contract does not expose; ``RetirementResult`` has one field per
response field plus extra detail (years-lasted distribution, seed used). Percent means percent
(``4.0`` is 4 %); money is ``Decimal`` in today's money.

``method`` chooses where the market returns come from (``ReturnMethod``); everything else (the
plan, contributions, withdrawal strategies, glide path, the result's shape) is the same for all
three methods.
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
HISTORY_FIRST_YEAR: Final = 1871
HISTORY_LAST_YEAR: Final = 2022
"""First and last calendar years with a complete year of returns in the shipped US history."""
DEFAULT_BLOCK_YEARS: Final = 5
MAX_BLOCK_YEARS: Final = 30
MIN_CONTRIBUTION_GROWTH: Final = -10.0
MAX_CONTRIBUTION_GROWTH: Final = 20.0
"""Yearly real growth of contributions, in percent: a steady cut of a tenth to a raise of a fifth."""


class ReturnMethod(StrEnum):
    """Where the simulated market returns come from.

    - ``parametric``: correlated lognormal returns drawn from forward-looking capital-market
      assumptions (``assumptions`` and ``inflation``); ``paths`` random paths.
    - ``historical``: every rolling sequence of actual US years (Shiller's data since 1871),
      one path per start year, as Bengen, the Trinity study, FIRECalc and cFIREsim do.
      Deterministic: no seed, no ``paths``.
    - ``bootstrap``: ``paths`` random paths built from blocks of ``block_years`` consecutive
      historical years (circular block bootstrap), which keeps some of history's sequence
      risk (runs of bad years, inflation regimes) while mixing the order.

    The historical methods use history's own inflation (every amount stays in today's money);
    ``assumptions`` and ``inflation`` apply to the parametric method only.
    """

    PARAMETRIC = "parametric"
    HISTORICAL = "historical"
    BOOTSTRAP = "bootstrap"


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
    keeps pace with inflation; ``contribution_growth`` (percent a year, on top of inflation)
    raises it every year after the first (a pay rise saved). ``retirement_allocation`` turns on
    a glide path: the allocation moves in equal yearly steps from ``allocation`` today to
    ``retirement_allocation`` at retirement and stays there.

    ``other_income`` (a year, today's money: a pension, Social Security) pays part of the
    spending once ``other_income_delay_years`` retirement years have passed (0: from the first
    year of retirement); the portfolio pays the rest, and nothing when the other income covers
    it all. It applies when spending is a ``target_income``: a ``withdrawal_rate`` is what the
    portfolio pays whatever else comes in, so other income does not change that simulation. The
    withdrawal strategies decide the spending; the percentage and guardrail rules compare that
    spending with the portfolio's value, other income or not.

    ``method`` picks the return model (``ReturnMethod``). ``history_start`` / ``history_end``
    restrict the historical methods to the calendar years between them (both included; by
    default all of 1871-2022): the historical method starts a sequence in every year that
    leaves enough following years inside that window, and the bootstrap resamples only years
    inside it. ``block_years`` is the bootstrap's block length.
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
    method: ReturnMethod = ReturnMethod.PARAMETRIC
    history_start: int | None = None
    history_end: int | None = None
    block_years: int = DEFAULT_BLOCK_YEARS
    contribution_growth: float = 0.0
    other_income: Decimal = Decimal(0)
    other_income_delay_years: int = 0

    def plan_seed(self) -> int:
        """A seed that is a function of the plan alone (everything here but ``seed``).

        An analysis simulates with it, so the same portfolio and plan give the same figures on
        every run: a recommendation ("save about $X more a year") does not move with Monte Carlo
        noise, and it changes only when something the person changed does. The return-method
        fields are left out while they hold their defaults, so every parametric plan keeps the
        seed it had before the historical methods existed, and the other methods get their own;
        so are contribution growth and other income (added later still) while they are zero.
        """
        plan = {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name != "seed" and not _is_seed_neutral_default(name, getattr(self, name))
        }
        canonical = json.dumps(plan, sort_keys=True, default=_canonical)
        return int(hashlib.sha256(canonical.encode()).hexdigest()[:13], 16)  # 52 bits, like the default

    def __post_init__(self) -> None:
        _between("current_value", float(self.current_value), 0, MAX_AMOUNT)
        _allocation("allocation", self.allocation)
        if self.retirement_allocation is not None:
            _allocation("retirement_allocation", self.retirement_allocation)
        _whole_between("years_until_retirement", self.years_until_retirement, 0, MAX_YEARS)
        _between("annual_contribution", float(self.annual_contribution), 0, MAX_AMOUNT)
        _between(
            "contribution_growth", self.contribution_growth, MIN_CONTRIBUTION_GROWTH, MAX_CONTRIBUTION_GROWTH
        )
        _between("other_income", float(self.other_income), 0, MAX_AMOUNT)
        _whole_between("other_income_delay_years", self.other_income_delay_years, 0, MAX_YEARS)
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
        self._check_method()

    def _check_method(self) -> None:
        try:
            method = ReturnMethod(self.method)
        except ValueError:
            allowed = ", ".join(m.value for m in ReturnMethod)
            raise ParameterError("method", f"must be one of {allowed}") from None
        for name in ("history_start", "history_end"):
            year = getattr(self, name)
            if year is not None:
                _whole_between(name, year, HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR)
        first, last = self.history_window
        if first > last:
            raise ParameterError("history_end", "must not be before history_start")
        _whole_between("block_years", self.block_years, 1, MAX_BLOCK_YEARS)
        available = last - first + 1
        if method is ReturnMethod.HISTORICAL and available < self.total_years:
            raise ParameterError(
                "history_start",
                f"{first}-{last} holds {available} years of history; "
                f"a plan of {self.total_years} years needs at least that many",
            )
        if method is ReturnMethod.BOOTSTRAP and available < self.block_years:
            raise ParameterError("block_years", f"must not exceed the {available} years of history used")

    @property
    def strategy(self) -> WithdrawalStrategy:
        return WithdrawalStrategy(self.withdrawal_strategy)

    @property
    def return_method(self) -> ReturnMethod:
        return ReturnMethod(self.method)

    @property
    def history_window(self) -> tuple[int, int]:
        """First and last calendar year of history the historical methods draw on."""
        first = HISTORY_FIRST_YEAR if self.history_start is None else self.history_start
        last = HISTORY_LAST_YEAR if self.history_end is None else self.history_end
        return first, last

    @property
    def total_years(self) -> int:
        return self.years_until_retirement + self.retirement_years


@dataclass(frozen=True, slots=True)
class AssumptionsUsed:
    """The assumptions behind one result, in percent (correlations as plain numbers).

    ``returns`` (arithmetic mean), ``volatilities`` and ``correlations`` describe the nominal
    annual returns of the five simulated asset classes: the assumptions themselves for the
    parametric method; for the historical methods, what the years of history used actually
    delivered, proxies included (so an asset class proxied by another shows a correlation of 1
    with it). ``inflation`` is the assumed rate, or history's compound average over those years.

    ``method`` names the return model and ``description`` says in a sentence how it works;
    ``data`` names the historical series and ``history_years`` the first and last calendar
    years drawn on (empty for the parametric method); ``start_years`` is the range of start
    years of the historical method's sequences; ``proxies`` says how each asset class without
    its own series is simulated; ``paths`` is the number of paths (sequences, for the
    historical method) and ``block_years`` the bootstrap's block length.
    """

    returns: dict[str, float]
    volatilities: dict[str, float]
    correlations: dict[str, dict[str, float]]
    inflation: float
    method: str = ReturnMethod.PARAMETRIC.value
    description: str = ""
    data: str = ""
    history_years: tuple[int, int] | None = None
    start_years: tuple[int, int] | None = None
    proxies: dict[str, str] = field(default_factory=dict)
    paths: int = 0
    block_years: int | None = None


@dataclass(frozen=True, slots=True)
class RetirementResult:
    """The simulation's answer; every amount in today's money.

    ``percentiles[name][i]`` is the portfolio value in year ``years[i]`` that the given share
    of paths fell below (``p50`` is the median path). ``safe_withdrawal_rate`` is the highest
    first-year withdrawal, in percent of the value at retirement and then kept constant in
    today's money (the 4 %-rule shape, whatever ``withdrawal_strategy`` was simulated), that
    lasted the whole retirement in at least 90 % of the paths. ``years_lasted[k]`` is the
    percentage of paths whose money paid the full withdrawal for exactly ``k`` retirement
    years (the last entry is the success rate). ``worst_case_withdrawal_rate`` is the same kind
    of rate that lasted in every path: for the historical method, Bengen's "SAFEMAX", the
    sustainable rate of the worst start year, which ``worst_start_year`` names (``None`` for
    the random methods). ``seed`` is the seed used (the historical method draws nothing; it
    echoes the given seed, or 0).
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
    worst_case_withdrawal_rate: float = 0.0
    worst_start_year: int | None = None


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


_SEED_NEUTRAL_DEFAULTS: Final[Mapping[str, object]] = {
    "method": ReturnMethod.PARAMETRIC,
    "history_start": None,
    "history_end": None,
    "block_years": DEFAULT_BLOCK_YEARS,
    "contribution_growth": 0.0,
    "other_income": Decimal(0),
    "other_income_delay_years": 0,
}
"""Fields added after ``plan_seed`` was (the return methods, contribution growth, other income):
at these values they leave ``plan_seed`` as it was."""


def _is_seed_neutral_default(name: str, value: object) -> bool:
    return name in _SEED_NEUTRAL_DEFAULTS and value == _SEED_NEUTRAL_DEFAULTS[name]


def _canonical(value: object) -> object:
    """JSON for what ``json`` cannot write itself: exact decimals, mappings sorted, dataclasses."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): value[key] for key in sorted(value, key=str)}
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    return str(value)
