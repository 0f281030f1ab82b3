"""Everything a writer may say, computed before any writer runs.

Numbers are never asked of a writer (offline or language model): ``build_facts`` runs the
analytics and the retirement Monte Carlo once, plus a few what-if runs that say what would
close a retirement income gap, and the writers only explain the result. The grounding check
(``alex.analysis.fact_index``) accepts exactly the numbers held here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal
from typing import Final

from alex.db.snapshot import PortfolioSnapshot
from alex.domain.money import HUNDRED, ZERO, percentages, to_cents
from alex.domain.portfolio.analysis import PortfolioAnalysis, analyze_portfolio
from alex.domain.portfolio.classification import classification_gaps, named
from alex.domain.portfolio.models import Portfolio, Targets
from alex.domain.portfolio.rules import RuleSettings
from alex.domain.retirement.models import (
    DEFAULT_PATHS,
    MAX_YEARS,
    RetirementParams,
    RetirementResult,
    ReturnMethod,
)
from alex.domain.retirement.plan import RetirementPlan, plan_params, starting_portfolio
from alex.domain.retirement.simulation import simulate_retirement

GAP_SEARCH_PATHS: Final = 1_000
"""Paths of each what-if run: about 2 ms each, plenty for an answer rounded to ``CONTRIBUTION_STEP``."""
CONTRIBUTION_STEP: Final = Decimal(100)
"""Extra yearly savings are searched in steps of this many dollars (and reported as "about")."""
MAX_LATER_YEARS: Final = 10
"""Retiring more than this many years later is not offered as a way to close a gap."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserProfile:
    """The person's profile as the writers see it (the ``users`` row without identity fields).

    The retirement plan's fields are those of ``RetirementPlan`` (``plan`` puts them together);
    left out, they are a plan with no ages, no savings, no other income and no glide path,
    simulated with the parametric method.
    """

    display_name: str
    years_until_retirement: int
    target_retirement_income: Decimal
    asset_class_targets: Mapping[str, Decimal] = field(default_factory=dict)
    region_targets: Mapping[str, Decimal] = field(default_factory=dict)
    current_age: int | None = None
    annual_contribution: Decimal = ZERO
    contribution_growth: Decimal = ZERO
    other_income: Decimal = ZERO
    other_income_start_age: int | None = None
    glide_path_equity: Decimal | None = None
    retirement_method: ReturnMethod = ReturnMethod.PARAMETRIC

    @property
    def targets(self) -> Targets:
        return Targets(
            asset_class_targets=dict(self.asset_class_targets), region_targets=dict(self.region_targets)
        )

    @property
    def plan(self) -> RetirementPlan:
        return RetirementPlan(
            years_until_retirement=self.years_until_retirement,
            target_income=self.target_retirement_income,
            annual_contribution=self.annual_contribution,
            contribution_growth=self.contribution_growth,
            other_income=self.other_income,
            other_income_start_age=self.other_income_start_age,
            current_age=self.current_age,
            glide_path_equity=self.glide_path_equity,
            method=self.retirement_method,
        )

    @classmethod
    def of(cls, *, display_name: str, plan: RetirementPlan, targets: Targets) -> UserProfile:
        """A profile from a stored plan and targets."""
        return cls(
            display_name=display_name,
            years_until_retirement=plan.years_until_retirement,
            target_retirement_income=plan.target_income,
            asset_class_targets=targets.asset_class_targets,
            region_targets=targets.region_targets,
            current_age=plan.current_age,
            annual_contribution=plan.annual_contribution,
            contribution_growth=plan.contribution_growth,
            other_income=plan.other_income,
            other_income_start_age=plan.other_income_start_age,
            glide_path_equity=plan.glide_path_equity,
            retirement_method=plan.method,
        )


@dataclass(frozen=True, slots=True)
class Holding:
    """One instrument summed over every account, with its share of the whole portfolio (percent)."""

    symbol: str
    name: str
    value: Decimal
    percent: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomeGap:
    """Projected safe income against the target income, and what would close a shortfall.

    ``safe_income`` is the safe withdrawal rate applied to the median path's value at
    retirement: a yearly income (today's money) that lasted in at least 90 % of the simulated
    futures. ``other_income`` (a pension, Social Security) covers part of the target, so the
    portfolio needs to supply only ``portfolio_target``; it counts here as if paid from the
    first year of retirement (the success rate models a later start exactly).
    ``extra_contribution`` (yearly, rounded up to ``CONTRIBUTION_STEP``) and
    ``later_retirement_years`` each close the shortfall on their own; either is ``None`` when
    there is no shortfall or it is out of reach (contributions with no years left to save,
    or more than ``MAX_LATER_YEARS`` years).
    """

    safe_income: Decimal
    target_income: Decimal
    extra_contribution: Decimal | None
    later_retirement_years: int | None
    other_income: Decimal = ZERO

    @property
    def portfolio_target(self) -> Decimal:
        """What the portfolio must supply a year: the target less the other income."""
        return max(self.target_income - self.other_income, ZERO)

    @property
    def shortfall(self) -> Decimal:
        return max(self.portfolio_target - self.safe_income, ZERO)

    @property
    def surplus(self) -> Decimal:
        return max(self.safe_income - self.portfolio_target, ZERO)


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisFacts:
    """The inputs and computed results of one analysis; writers use nothing else.

    ``retirement_params``/``retirement`` are ``None`` when there is nothing to project (an
    empty portfolio, or a horizon the simulation does not cover); ``income_gap`` is ``None``
    as well when no target income is set. ``warnings`` are complete sentences for the reader.
    """

    profile: UserProfile
    portfolio: Portfolio
    analysis: PortfolioAnalysis
    retirement_params: RetirementParams | None
    retirement: RetirementResult | None
    income_gap: IncomeGap | None
    warnings: tuple[str, ...]
    generated_at: datetime

    @property
    def total(self) -> Decimal:
        return self.analysis.valuation.total

    @property
    def position_count(self) -> int:
        return sum(len(account.positions) for account in self.portfolio.accounts)

    @property
    def holdings(self) -> tuple[Holding, ...]:
        """Priced holdings by symbol, largest first; shares are of the whole portfolio, cash included."""
        values: dict[str, Decimal] = {}
        names: dict[str, str] = {}
        for _, position, value in self.analysis.valuation.priced_positions():
            values[position.position.symbol] = values.get(position.position.symbol, ZERO) + value
            names[position.position.symbol] = position.instrument.name
        # Cash takes part in the apportioning (under a key no symbol can have) so that the
        # shares are of the whole portfolio and round consistently with each other.
        shares = percentages({**values, "": self.analysis.valuation.cash})
        ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
        return tuple(
            Holding(symbol=symbol, name=names[symbol], value=value, percent=shares.get(symbol, ZERO))
            for symbol, value in ordered
        )


def build_facts(
    *,
    profile: UserProfile,
    portfolio: Portfolio,
    targets: Targets | None = None,
    rule_overrides: Mapping[str, Mapping[str, object]] | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int | None = None,
    extra_warnings: Sequence[str] = (),
    generated_at: datetime | None = None,
    project_retirement: bool = True,
) -> AnalysisFacts:
    """Analyse the portfolio, simulate retirement and gather the warnings (CPU-bound: run in a thread).

    ``targets`` defaults to the profile's; ``extra_warnings`` are earlier steps' sentences
    (prices, tagging) placed first. ``project_retirement=False`` skips the Monte Carlo and its
    what-ifs (about 90 % of the time) for views that show only the portfolio. Raises
    ``AllocationError`` for malformed targets and ``ValueError`` for malformed rule overrides, as
    the analytics do.
    """
    analysis = analyze_portfolio(
        portfolio,
        targets=targets or profile.targets,
        years_until_retirement=profile.years_until_retirement,
        rule_settings=RuleSettings().with_overrides(rule_overrides or {}),
    )
    warnings = [*extra_warnings, *(w.message for w in analysis.valuation.warnings)]
    warnings.extend(_classification_warnings(portfolio))
    params = result = gap = None
    years = profile.years_until_retirement
    if analysis.valuation.total <= 0:
        warnings.append(
            "Your portfolio has no value yet (no cash and no priced holdings), so there is no "
            "retirement projection; add your accounts and holdings to get one."
        )
    elif not 0 <= years <= MAX_YEARS:
        warnings.append(
            f"Your years until retirement ({years}) are beyond the {MAX_YEARS} years the retirement "
            "simulation covers, so there is no retirement projection."
        )
    elif project_retirement:
        # The what-if builds its parameters the same way: the same plan gives the same figures.
        # No target income means "no target": the simulation then uses its default 4 % rate.
        params = plan_params(profile.plan, starting_portfolio(analysis.allocations), paths=paths, seed=seed)
        result = simulate_retirement(params)
        gap = income_gap(params, result)
    return AnalysisFacts(
        profile=profile,
        portfolio=portfolio,
        analysis=analysis,
        retirement_params=params,
        retirement=result,
        income_gap=gap,
        warnings=tuple(dict.fromkeys(warnings)),
        generated_at=generated_at or datetime.now(UTC),
    )


def facts_for(
    snapshot: PortfolioSnapshot,
    *,
    warnings: Sequence[str],
    paths: int = DEFAULT_PATHS,
    project_retirement: bool = True,
) -> AnalysisFacts:
    """Analyse one user's stored portfolio (CPU-bound: run it in a thread)."""
    profile = UserProfile.of(display_name=snapshot.display_name, plan=snapshot.plan, targets=snapshot.targets)
    return build_facts(
        profile=profile,
        portfolio=snapshot.portfolio,
        rule_overrides=snapshot.rule_thresholds,
        paths=paths,
        extra_warnings=warnings,
        project_retirement=project_retirement,
    )


def safe_income(result: RetirementResult) -> Decimal:
    """The safe withdrawal rate applied to the median value at retirement, a year in today's money."""
    return to_cents(Decimal(str(result.safe_withdrawal_rate)) * result.median_value_at_retirement / HUNDRED)


def income_gap(params: RetirementParams, result: RetirementResult) -> IncomeGap | None:
    """Safe income against the target, searching what closes a shortfall (``None`` without a target).

    The what-ifs re-run the simulation with ``GAP_SEARCH_PATHS`` paths and the same seed, so
    they are reproducible and, for contributions, see the same markets: the median value at
    retirement then grows monotonically with the contribution and a bisection is exact.
    """
    if params.target_income is None:
        return None
    other = min(params.other_income, params.target_income)
    needed = params.target_income - other  # what the portfolio must supply
    safe = safe_income(result)
    short = safe < needed and result.safe_withdrawal_rate > 0
    return IncomeGap(
        safe_income=safe,
        target_income=params.target_income,
        other_income=other,
        extra_contribution=_extra_contribution(params, needed, result) if short else None,
        later_retirement_years=_later_retirement(params, needed, result.seed) if short else None,
    )


def _what_if(params: RetirementParams, *, seed: int, contribution: Decimal, years: int) -> Decimal:
    trial = replace(
        params,
        paths=GAP_SEARCH_PATHS,
        seed=seed,
        annual_contribution=contribution,
        years_until_retirement=years,
    )
    return safe_income(simulate_retirement(trial))


def _smallest(enough: Callable[[int], bool], *, high: int) -> int:
    """Smallest ``n`` in ``1..high`` with ``enough(n)``, given ``enough(high)`` (bisection)."""
    low = 0
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high


def _extra_contribution(
    params: RetirementParams, target: Decimal, result: RetirementResult
) -> Decimal | None:
    years = params.years_until_retirement
    if years == 0:
        return None  # contributions stop at retirement: with no years left there is nothing to add

    def enough(steps: int) -> bool:
        contribution = params.annual_contribution + steps * CONTRIBUTION_STEP
        return _what_if(params, seed=result.seed, contribution=contribution, years=years) >= target

    # Saving the whole missing capital with no growth at all is enough whenever markets grow
    # in real terms; a few doublings cover allocations that barely keep up with inflation.
    missing = target * HUNDRED / Decimal(str(result.safe_withdrawal_rate)) - result.median_value_at_retirement
    high = max(1, int((missing / years / CONTRIBUTION_STEP).to_integral_value(rounding=ROUND_CEILING)))
    for _ in range(3):
        if enough(high):
            return _smallest(enough, high=high) * CONTRIBUTION_STEP
        high *= 2
    return None


def _later_retirement(params: RetirementParams, target: Decimal, seed: int) -> int | None:
    limit = min(MAX_LATER_YEARS, MAX_YEARS - params.years_until_retirement)

    def enough(extra: int) -> bool:
        years = params.years_until_retirement + extra
        return _what_if(params, seed=seed, contribution=params.annual_contribution, years=years) >= target

    if limit < 1 or not enough(limit):
        return None
    return _smallest(enough, high=limit)


def _classification_warnings(portfolio: Portfolio) -> list[str]:
    """One sentence naming every holding that is not fully classified, priced or not (the rule and
    the rebalancing note name the same holdings the same way: ``classification``)."""
    gaps = classification_gaps(p for a in portfolio.accounts for p in a.positions)
    if not gaps:
        return []
    one = len(gaps) == 1
    return [
        f"{named(gaps)} {'is' if one else 'are'} not fully classified yet, so what is unknown shows as "
        f"“Not yet classified” and rebalancing leaves {'it' if one else 'them'} alone."
    ]
