"""A person's retirement plan, and the one way it becomes a simulation.

``RetirementPlan`` is the plan in a person's terms, as Goals holds it: ages (or only the years
until retirement), savings and their yearly growth, the income wanted in retirement, the income
that comes anyway (a pension, Social Security: an amount and the age it starts at), an optional
glide path and the return method. ``plan_params`` turns a plan and a starting portfolio into
``RetirementParams``. The analysis and the what-if both call it, so the same plan and portfolio
give the same parameters, hence the same seed (``RetirementParams.plan_seed``) and the same
success rate.

Amounts are in today's money, percentages in percent (``4.0`` is 4 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final

from alex.domain.money import HUNDRED, ZERO, apportion, percentages, to_cents
from alex.domain.portfolio.allocation import UNCLASSIFIED, Allocations
from alex.domain.retirement.assumptions import DEFAULT_INFLATION
from alex.domain.retirement.models import (
    DEFAULT_PATHS,
    DEFAULT_RETIREMENT_YEARS,
    MAX_YEARS,
    RetirementParams,
    ReturnMethod,
    WithdrawalStrategy,
)
from alex.domain.taxonomy import AssetClass

MIN_AGE: Final = 18
MAX_AGE: Final = 100
"""Ages a plan may hold (current, retirement, other income's start)."""
MAX_YEARS_TO_RETIREMENT: Final = MAX_YEARS
"""Retirement at most this many years away: the longest saving phase the simulation covers."""
MAX_CONTRIBUTION: Final = Decimal(10_000_000)
"""The largest yearly contribution a plan may hold: beyond it the input is a typo, not a plan."""
PERCENT_QUANTUM: Final = Decimal("0.0001")
"""Allocation percentages are compared (and seeded) at this precision, the finest the API takes."""
GLIDE_PATH_DEFAULT_REST: Final = AssetClass.FIXED_INCOME.value
"""Where the glide path moves money out of an all-equity portfolio."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RetirementPlan:
    """What a person plans, as Goals holds it.

    ``years_until_retirement`` is the horizon; with ages it is ``retirement_age - current_age``
    (ages are optional, for plans made before Goals asked for them). ``target_income`` of 0
    means no target: the simulation then withdraws ``DEFAULT_WITHDRAWAL_RATE`` (the 4 % rule).
    ``contribution_growth`` is the yearly raise of ``annual_contribution`` on top of inflation.
    ``other_income`` starts at ``other_income_start_age`` (from retirement on when that age is
    earlier, or not given) and pays part of the target income. ``glide_path_equity`` turns on a
    glide path: the equity share (percent) the allocation moves to, in equal yearly steps, by
    retirement (see ``glide_path_target``); ``None`` keeps today's allocation throughout.
    """

    years_until_retirement: int
    target_income: Decimal = ZERO
    annual_contribution: Decimal = ZERO
    contribution_growth: Decimal = ZERO
    other_income: Decimal = ZERO
    other_income_start_age: int | None = None
    current_age: int | None = None
    glide_path_equity: Decimal | None = None
    method: ReturnMethod = ReturnMethod.PARAMETRIC

    @property
    def retirement_age(self) -> int | None:
        return None if self.current_age is None else self.current_age + self.years_until_retirement

    @property
    def other_income_delay_years(self) -> int:
        """Retirement years before the other income starts (0: from the first year of retirement)."""
        retirement_age = self.retirement_age
        if self.other_income_start_age is None or retirement_age is None:
            return 0
        return max(0, self.other_income_start_age - retirement_age)


@dataclass(frozen=True, slots=True)
class StartingPortfolio:
    """What the simulation starts from: a value and its allocation by asset class (percent)."""

    value: Decimal
    allocation: Mapping[str, float | Decimal]


def starting_portfolio(allocations: Allocations) -> StartingPortfolio:
    """The whole portfolio's value, allocated like its classified part.

    Unclassified money still counts toward the value; it is assumed to be invested like the
    rest, since its asset class is unknown. A portfolio with nothing classified is simulated as
    cash, the assumption that promises the least.
    """
    classified = {k: v for k, v in allocations.asset_class.values.items() if k != UNCLASSIFIED}
    allocation = percentages(classified) or {AssetClass.CASH.value: HUNDRED}
    return StartingPortfolio(value=allocations.total, allocation=allocation)


def glide_path_target(allocation: Mapping[str, Decimal], equity: Decimal) -> dict[str, Decimal]:
    """The allocation at retirement: ``equity`` percent in equity, the rest in today's other classes.

    The other classes keep their proportions to each other; an all-equity portfolio puts the
    rest in fixed income. The result sums to exactly 100.
    """
    equity_key = AssetClass.EQUITY.value
    others = {key: value for key, value in allocation.items() if key != equity_key and value > 0}
    if not others:
        others = {GLIDE_PATH_DEFAULT_REST: Decimal(1)}
    others_total = sum(others.values(), ZERO)
    rest = HUNDRED - equity
    parts = {key: value * rest / others_total for key, value in others.items()}
    parts[equity_key] = equity
    shares = apportion(parts, total=HUNDRED, quantum=PERCENT_QUANTUM)
    return {key: share for key, share in shares.items() if share > 0}


def plan_params(
    plan: RetirementPlan,
    start: StartingPortfolio,
    *,
    paths: int = DEFAULT_PATHS,
    seed: int | None = None,
    retirement_years: int = DEFAULT_RETIREMENT_YEARS,
    withdrawal_strategy: WithdrawalStrategy = WithdrawalStrategy.CONSTANT_REAL,
    withdrawal_rate: float | None = None,
    inflation: float = DEFAULT_INFLATION,
) -> RetirementParams:
    """The simulation of ``plan`` from ``start``; the other arguments are what the plan leaves open.

    Spending is the plan's target income, or ``withdrawal_rate`` when one is given (the plan's
    target, and so its other income, then play no part). Without a ``seed`` the plan's own seed
    is used (``RetirementParams.plan_seed``), so the same plan and portfolio give the same
    result wherever they are simulated. Money is rounded to the cent and percentages to
    ``PERCENT_QUANTUM`` first, so equal inputs written differently ("60" and "60.00") are the
    same plan. Raises ``ParameterError`` for out-of-range inputs.
    """
    allocation = _canonical_allocation(start.allocation)
    target = plan.target_income if withdrawal_rate is None and plan.target_income > 0 else None
    params = RetirementParams(
        current_value=to_cents(start.value),
        allocation=allocation,
        years_until_retirement=plan.years_until_retirement,
        annual_contribution=to_cents(plan.annual_contribution),
        contribution_growth=float(plan.contribution_growth),
        retirement_years=retirement_years,
        withdrawal_strategy=withdrawal_strategy,
        withdrawal_rate=withdrawal_rate,
        target_income=None if target is None else to_cents(target),
        other_income=to_cents(plan.other_income),
        other_income_delay_years=plan.other_income_delay_years,
        inflation=inflation,
        paths=paths,
        seed=seed,
        retirement_allocation=None
        if plan.glide_path_equity is None
        else glide_path_target(allocation, plan.glide_path_equity),
        method=plan.method,
    )
    return params if seed is not None else replace(params, seed=params.plan_seed())


def _canonical_allocation(allocation: Mapping[str, float | Decimal]) -> dict[str, Decimal]:
    """Percentages at ``PERCENT_QUANTUM``, zeros left out, keys in order."""
    shares = {key: Decimal(str(value)).quantize(PERCENT_QUANTUM) for key, value in allocation.items()}
    return {key: shares[key] for key in sorted(shares) if shares[key] != 0}
