"""The one definition of "not fully classified", and the words every sentence names a holding in."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given

from alex.domain.portfolio.allocation import UNCLASSIFIED, allocate
from alex.domain.portfolio.classification import (
    ClassificationGap,
    classification_gap,
    classification_gaps,
    joined,
    named,
)
from alex.domain.portfolio.models import Portfolio
from alex.domain.portfolio.valuation import value_portfolio

from ..builders import BND, SPY, account, instrument, portfolios


def test_a_fully_classified_instrument_has_no_gap() -> None:
    assert SPY.unclassified_dimensions == ()
    assert not SPY.needs_classification
    assert classification_gap(SPY) is None


def test_a_partly_classified_instrument_names_what_is_missing() -> None:
    partly = instrument("ARKK", "40", asset={"equity": 100}, sectors={"technology": 100})
    assert partly.unclassified_dimensions == ("region",)
    assert partly.needs_classification
    gap = classification_gap(partly)
    assert gap == ClassificationGap(symbol="ARKK", missing=("region",))
    assert gap.phrase == "ARKK (region unknown)"


def test_an_unclassified_instrument_misses_every_dimension() -> None:
    bare = instrument("ZZZZ", None)
    gap = classification_gap(bare)
    assert gap is not None
    assert gap.missing == ("asset_class", "region", "sector")
    assert gap.phrase == "ZZZZ (asset class, region and sector unknown)"


def test_zero_weights_are_no_classification_as_the_allocations_count_them() -> None:
    zeroed = instrument("ZERO", "10", asset={"equity": 0}, regions={"europe": 100}, sectors={"other": 100})
    assert zeroed.unclassified_dimensions == ("asset_class",)
    allocations = allocate(value_portfolio(Portfolio((account("a", (zeroed, "1")),))))
    assert allocations.asset_class.value(UNCLASSIFIED) == Decimal(10)
    assert allocations.region.value(UNCLASSIFIED) == 0


def test_a_placeholder_awaiting_the_tagger_needs_classification() -> None:
    placeholder = replace(BND, unclassified=True)
    assert placeholder.unclassified_dimensions == ()
    assert placeholder.needs_classification
    gap = classification_gap(placeholder)
    assert gap is not None
    assert gap.phrase == "BND (awaiting classification)"


def test_gaps_are_one_per_symbol_in_symbol_order() -> None:
    partly = instrument("MYST", "10", asset={"equity": 100})
    bare = instrument("ABC", None)
    portfolio = Portfolio((account("a", (SPY, "1"), (partly, "1")), account("b", (partly, "2"), (bare, "1"))))
    gaps = classification_gaps(p for a in portfolio.accounts for p in a.positions)
    assert [gap.symbol for gap in gaps] == ["ABC", "MYST"]
    assert named(gaps) == "ABC (asset class, region and sector unknown) and MYST (region and sector unknown)"


def test_lists_read_as_sentences() -> None:
    assert joined([]) == ""
    assert joined(["a"]) == "a"
    assert joined(["a", "b"]) == "a and b"
    assert joined(["a", "b", "c"]) == "a, b and c"


@given(portfolio=portfolios())
def test_a_missing_dimension_is_exactly_where_the_allocations_show_unclassified(portfolio: Portfolio) -> None:
    positions = [p for a in portfolio.accounts for p in a.positions]
    gaps = {gap.symbol: gap for gap in classification_gaps(positions)}
    for position in positions:
        instrument = position.instrument
        assert (position.symbol in gaps) == instrument.needs_classification
        missing = gaps[position.symbol].missing if position.symbol in gaps else ()
        alone = value_portfolio(Portfolio((replace(account("x"), positions=(position,)),)))
        if alone.invested <= 0:
            continue
        allocations = allocate(alone)
        for dimension, breakdown in (
            ("asset_class", allocations.asset_class),
            ("region", allocations.region),
            ("sector", allocations.sector),
        ):
            assert (breakdown.value(UNCLASSIFIED) > 0) == (dimension in missing), dimension
