"""One call for the whole portfolio analysis the pipeline stores in ``summary_payload``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alex.domain.charts.portfolio_charts import build_portfolio_charts
from alex.domain.portfolio.allocation import Allocations, allocate
from alex.domain.portfolio.drift import DEFAULT_TOLERANCE, DriftReport, measure_drift
from alex.domain.portfolio.models import Portfolio, Targets
from alex.domain.portfolio.rebalancing import RebalancePlan, rebalance_trades
from alex.domain.portfolio.rules import RuleReport, RuleSettings, evaluate_rules
from alex.domain.portfolio.valuation import PortfolioValuation, value_portfolio


@dataclass(frozen=True, slots=True)
class PortfolioAnalysis:
    """Every computed number about one portfolio; the agents explain these, never recompute them."""

    valuation: PortfolioValuation
    allocations: Allocations
    drift: DriftReport
    rules: RuleReport
    rebalance: RebalancePlan
    charts: dict[str, dict[str, Any]]


def analyze_portfolio(
    portfolio: Portfolio,
    *,
    targets: Targets,
    years_until_retirement: int | None = None,
    rule_settings: RuleSettings | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> PortfolioAnalysis:
    """Valuation, allocations, drift, rule findings, rebalancing trades and charts in one pass.

    Raises ``AllocationError`` when a target map is malformed (unknown key, sum not 100).
    """
    valuation = value_portfolio(portfolio)
    allocations = allocate(valuation)
    return PortfolioAnalysis(
        valuation=valuation,
        allocations=allocations,
        drift=measure_drift(allocations, targets=targets, tolerance=tolerance),
        rules=evaluate_rules(
            valuation, years_until_retirement=years_until_retirement, settings=rule_settings
        ),
        rebalance=rebalance_trades(portfolio, targets=targets, tolerance=tolerance),
        charts=build_portfolio_charts(valuation),
    )
