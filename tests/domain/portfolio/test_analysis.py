from decimal import Decimal

import pytest

from alex.domain.charts.validation import validate_charts
from alex.domain.portfolio.analysis import analyze_portfolio
from alex.domain.portfolio.models import Portfolio, Targets
from alex.domain.portfolio.rules import RuleId
from alex.domain.taxonomy import AllocationError

from ..builders import BND, NVDA, SPY, VEA, account, instrument

TARGETS = Targets(
    asset_class_targets={"equity": Decimal(70), "fixed_income": Decimal(30)},
    region_targets={"north_america": Decimal(50), "international": Decimal(50)},
)


def test_one_call_gives_every_number_of_the_summary() -> None:
    unpriced = instrument("VTI", None, asset={"equity": 100})
    portfolio = Portfolio(
        (
            account("k", (SPY, "150"), (BND, "200"), (unpriced, "100"), cash="5000", account_type="401k"),
            account("b", (NVDA, "25"), (VEA, "100"), cash="10000"),
        )
    )
    analysis = analyze_portfolio(portfolio, targets=TARGETS, years_until_retirement=20)
    assert analysis.valuation.total == analysis.allocations.total
    assert [w.symbol for w in analysis.valuation.warnings] == ["VTI"]
    assert analysis.drift.asset_class is not None
    assert analysis.drift.region is not None
    assert {f.rule_id for f in analysis.rules.findings} >= {RuleId.HOME_BIAS, RuleId.CASH_DRAG}
    assert analysis.rebalance.trades
    assert analysis.rebalance.before == analysis.drift
    validate_charts(analysis.charts)


def test_malformed_targets_are_an_error_not_a_silent_pass() -> None:
    with pytest.raises(AllocationError):
        analyze_portfolio(
            Portfolio((account("a", (SPY, "1")),)),
            targets=Targets(asset_class_targets={"equity": Decimal(120)}),
        )
