from decimal import Decimal

from hypothesis import given

from alex.domain.portfolio.allocation import allocate, look_through
from alex.domain.portfolio.models import Portfolio
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.taxonomy import ALLOCATION_TOLERANCE

from ..builders import AOR, BND, GLD, SPY, account, instrument, portfolios


def test_look_through_is_exact_for_a_60_40_fund() -> None:
    allocations = allocate(value_portfolio(Portfolio((account("a", (AOR, "100")),))))
    assert allocations.asset_class.values == {
        "equity": Decimal("2934.00"),
        "fixed_income": Decimal("1956.00"),
    }
    assert allocations.asset_class.percentages == {
        "equity": Decimal("60.00"),
        "fixed_income": Decimal("40.00"),
    }


def test_look_through_normalises_maps_that_do_not_sum_to_100() -> None:
    assert look_through(Decimal(100), {"equity": Decimal("99.97")}) == {"equity": Decimal(100)}
    assert look_through(Decimal(100), {}) == {"unclassified": Decimal(100)}
    assert look_through(Decimal(100), {"equity": Decimal(0)}) == {"unclassified": Decimal(100)}


def test_cash_has_its_own_bucket_in_every_dimension() -> None:
    allocations = allocate(value_portfolio(Portfolio((account("a", (BND, "100"), cash="7250"),))))
    for breakdown in (
        allocations.asset_class,
        allocations.region,
        allocations.sector,
        allocations.instrument_type,
    ):
        assert breakdown.percent("cash") == Decimal("50.00")
    assert allocations.instrument_type.percent("bond_fund") == Decimal("50.00")


def test_unclassified_value_is_shown_not_guessed() -> None:
    untagged = instrument("NEW", "10", asset={"equity": 100})
    allocations = allocate(value_portfolio(Portfolio((account("a", (untagged, "10"), (GLD, "1")),))))
    assert allocations.region.value("unclassified") == Decimal("100.00")
    assert allocations.region.value("global") == Decimal("195.70")
    assert allocations.sector.value("unclassified") == Decimal("100.00")
    assert allocations.asset_class.value("unclassified") == Decimal(0)


def test_accounts_are_keyed_by_id_and_sorted_largest_first() -> None:
    allocations = allocate(
        value_portfolio(Portfolio((account("small", cash="1"), account("big", (SPY, "1")))))
    )
    assert list(allocations.account.values) == ["big", "small"]


def test_empty_portfolio_has_empty_maps() -> None:
    allocations = allocate(value_portfolio(Portfolio()))
    assert allocations.total == 0
    assert allocations.asset_class.values == {} == allocations.asset_class.percentages


@given(portfolios())
def test_every_map_sums_to_100_and_to_the_total(portfolio: Portfolio) -> None:
    valuation = value_portfolio(portfolio)
    allocations = allocate(valuation)
    for breakdown in (
        allocations.asset_class,
        allocations.region,
        allocations.sector,
        allocations.account,
        allocations.instrument_type,
    ):
        assert breakdown.total == valuation.total
        if valuation.total > 0:
            # typeshed types a sum of Decimals starting from 0 as object.
            assert abs(sum(breakdown.percentages.values()) - 100) <= ALLOCATION_TOLERANCE  # type: ignore[operator]
            assert set(breakdown.percentages) == set(breakdown.values)
        assert all(value > 0 for value in breakdown.values.values())
