from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from alex.domain.formatting import format_money, format_percent, format_points
from alex.domain.labels import label
from alex.domain.money import apportion, percentages


def test_apportion_gives_leftover_cents_to_largest_remainders() -> None:
    thirds = {"a": Decimal(1) / 3, "b": Decimal(1) / 3, "c": Decimal(1) / 3}
    assert apportion(thirds, total=Decimal(1)) == {
        "a": Decimal("0.34"),
        "b": Decimal("0.33"),
        "c": Decimal("0.33"),
    }


def test_percentages_of_nothing_is_empty() -> None:
    assert percentages({"a": Decimal(0)}) == {}


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=6), min_size=1, max_size=30))
def test_percentages_always_sum_to_exactly_100(values: list[Decimal]) -> None:
    shares = percentages({str(i): v for i, v in enumerate(values)})
    if sum(values) > 0:
        assert sum(shares.values()) == 100
        assert all(share >= 0 for share in shares.values())


def test_formatting_reads_like_a_sentence() -> None:
    assert format_money(Decimal("12345.5")) == "$12,346"
    assert format_money(Decimal("0.5")) == "$1"
    assert format_money(Decimal("-5")) == "-$5"
    assert format_percent(Decimal("12.345")) == "12.3%"
    assert format_percent(0.0945, places=2) == "0.09%"
    assert format_percent(Decimal("-0.01")) == "0.0%"
    assert format_points(Decimal("5")) == "5 percentage points"
    assert format_points(Decimal("1")) == "1 percentage point"


def test_labels() -> None:
    assert label("north_america") == "North America"
    assert label("401k") == "401(k)"
    assert label("unclassified") == "Not yet classified"
