from decimal import Decimal

import pytest

from alex.domain.portfolio.allocation import allocate
from alex.domain.portfolio.drift import Dimension, drift_key, measure_drift
from alex.domain.portfolio.models import Portfolio, Targets
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.taxonomy import AllocationError

from ..builders import AOR, BND, GLD, SPY, VEA, account


def _targets(asset: dict[str, int] | None = None, regions: dict[str, int] | None = None) -> Targets:
    return Targets(
        asset_class_targets={k: Decimal(v) for k, v in (asset or {}).items()},
        region_targets={k: Decimal(v) for k, v in (regions or {}).items()},
    )


def test_international_means_everything_outside_north_america_without_its_own_target() -> None:
    targets = {"north_america": 1, "europe": 1, "international": 1}
    assert drift_key(Dimension.REGION, "asia", targets) == "international"
    assert drift_key(Dimension.REGION, "europe", targets) == "europe"
    assert drift_key(Dimension.REGION, "north_america", targets) == "north_america"
    assert drift_key(Dimension.REGION, "international", targets) == "international"
    assert drift_key(Dimension.REGION, "global", targets) is None
    assert drift_key(Dimension.REGION, "global", {"global": 1}) == "global"
    assert drift_key(Dimension.REGION, "cash", targets) is None
    assert drift_key(Dimension.REGION, "asia", {"north_america": 1}) == "asia"
    assert drift_key(Dimension.REGION, "north_america", {"international": 1}) == "north_america"
    assert drift_key(Dimension.ASSET_CLASS, "cash", {"equity": 1}) == "cash"
    assert drift_key(Dimension.ASSET_CLASS, "unclassified", {"equity": 1}) is None


def test_drift_rows_targets_first_then_untargeted_holdings() -> None:
    # SPY 4502.50, BND 2900, VEA 1932, GLD 195.70, AOR 489, cash 500.80 → total 10520.00
    portfolio = Portfolio(
        (account("a", (SPY, "10"), (BND, "40"), (VEA, "40"), (GLD, "1"), (AOR, "10"), cash="500.80"),)
    )
    report = measure_drift(
        allocate(value_portfolio(portfolio)),
        targets=_targets({"equity": 70, "fixed_income": 30}, {"north_america": 50, "international": 50}),
    )
    asset = report.asset_class
    assert asset is not None
    assert [row.key for row in asset.rows] == ["equity", "fixed_income", "cash", "commodities"]
    assert asset.base == Decimal("10520.00")
    equity = asset.rows[0]
    assert equity.current_value == Decimal("6727.90")  # 4502.50 + 1932 + 60 % of 489
    assert equity.current_percent == Decimal("63.95")
    assert equity.drift == Decimal("-6.05")
    assert not equity.within_tolerance
    assert asset.rows[2].target_percent == 0

    region = report.region
    assert region is not None
    assert region.excluded == {"cash": Decimal("500.80"), "global": Decimal("195.70")}
    assert region.base == Decimal("9823.50")
    north_america, international = region.rows
    assert north_america.current_value == Decimal("7695.90")  # SPY + BND + 60 % of AOR
    assert international.current_value == Decimal("2127.60")  # VEA + 40 % of AOR
    assert north_america.current_percent + international.current_percent == 100
    assert not report.within_tolerance
    assert report.asset_class is not None
    assert report.asset_class.largest_drift == Decimal("6.05")


def test_no_targets_means_no_drift() -> None:
    report = measure_drift(
        allocate(value_portfolio(Portfolio((account("a", (SPY, "1")),)))), targets=Targets()
    )
    assert report.asset_class is None
    assert report.region is None
    assert report.within_tolerance


def test_tolerance_is_inclusive_and_configurable() -> None:
    portfolio = Portfolio((account("a", (SPY, "10"), cash="500.28"),))  # equity 90.00 %
    allocations = allocate(value_portfolio(portfolio))
    assert measure_drift(allocations, targets=_targets({"equity": 95, "cash": 5})).within_tolerance
    assert not measure_drift(
        allocations, targets=_targets({"equity": 95, "cash": 5}), tolerance=Decimal(4)
    ).within_tolerance


def test_malformed_targets_are_rejected() -> None:
    allocations = allocate(value_portfolio(Portfolio((account("a", (SPY, "1")),))))
    with pytest.raises(AllocationError, match="sum to 100"):
        measure_drift(allocations, targets=_targets({"equity": 70}))
    with pytest.raises(AllocationError, match="unknown key"):
        measure_drift(allocations, targets=_targets(regions={"mars": 100}))
