import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given

from alex.domain.charts.palette import CASH_COLOR, PALETTE, assign_colors, category_color
from alex.domain.charts.portfolio_charts import build_portfolio_charts
from alex.domain.charts.retirement_chart import retirement_fan_chart
from alex.domain.charts.validation import ChartValidationError, chart_problems, validate_charts
from alex.domain.portfolio.models import Portfolio
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.retirement.models import RetirementParams, ReturnMethod
from alex.domain.retirement.simulation import simulate_retirement
from alex.domain.taxonomy import AssetClass, Region, Sector

from ..builders import AOR, BND, GLD, NVDA, SPY, VEA, account, portfolios


def _demo_charts() -> dict[str, Any]:
    portfolio = Portfolio(
        (
            account("k", (SPY, "150"), (BND, "200"), cash="5000", name="401k"),
            account("r", (VEA, "60"), (GLD, "25"), (AOR, "40"), name="Roth IRA"),
            account("b", (NVDA, "25"), cash="10000", name="Roth IRA"),
        )
    )
    return build_portfolio_charts(value_portfolio(portfolio))


def test_portfolio_charts_in_the_reference_shape() -> None:
    charts = _demo_charts()
    assert list(charts) == [
        "asset_allocation",
        "geographic_exposure",
        "sector_breakdown",
        "account_breakdown",
        "top_holdings",
    ]
    validate_charts(charts)
    json.dumps(charts)  # plain JSON, no Decimals
    assets = charts["asset_allocation"]
    assert assets["type"] == "pie"
    assert assets["data"][0] == {"name": "Equity", "value": 84677.6, "color": "#209DD7"}
    assert {"name": "Cash", "value": 15000.0, "color": CASH_COLOR} in assets["data"]
    assert sum(point["value"] for point in assets["data"]) == pytest.approx(119852.5)
    assert "the largest is Equity at 70.7%" in assets["description"]
    names = [point["name"] for point in charts["account_breakdown"]["data"]]
    assert sorted(names) == ["401k", "Roth IRA", "Roth IRA (2)"]
    assert [p["name"] for p in charts["top_holdings"]["data"]][:3] == ["SPY", "BND", "NVDA"]


def test_empty_portfolio_has_no_charts() -> None:
    assert build_portfolio_charts(value_portfolio(Portfolio())) == {}


@given(portfolios())
def test_charts_of_any_portfolio_are_valid(portfolio: Portfolio) -> None:
    validate_charts(build_portfolio_charts(value_portfolio(portfolio)))


def test_colours_are_fixed_per_category_and_stable_per_name() -> None:
    for dimension, vocabulary in (("asset_class", AssetClass), ("region", Region), ("sector", Sector)):
        colors = [category_color(dimension, member.value) for member in vocabulary if member.value != "cash"]
        assert len(set(colors)) == len(colors), dimension
    assert category_color("region", "cash") == category_color("sector", "cash") == CASH_COLOR
    first = assign_colors(["acct-1", "acct-2", "acct-3"])
    assert len(set(first.values())) == 3
    assert assign_colors(["acct-1"]) == {"acct-1": first["acct-1"]}
    many = assign_colors(f"S{i}" for i in range(len(PALETTE)))
    assert len(set(many.values())) == len(PALETTE)


def test_fan_chart_carries_the_percentile_bands() -> None:
    result = simulate_retirement(
        RetirementParams(
            current_value=Decimal(100_000),
            allocation={"equity": 70, "fixed_income": 30},
            years_until_retirement=5,
            retirement_years=10,
            paths=200,
            seed=1,
        )
    )
    charts = retirement_fan_chart(result)
    validate_charts(charts)
    chart = charts["retirement_projection"]
    assert chart["type"] == "area"
    assert [s["key"] for s in chart["series"]] == ["p5", "p25", "p50", "p75", "p95"]
    assert len(chart["data"]) == 16
    first, last = chart["data"][0], chart["data"][-1]
    assert first["name"] == "Year 0"
    assert first["p5"] == first["p95"] == 100_000.0
    assert last["value"] == last["p50"] == float(result.median_ending_value)
    assert "retirement starts in year 5" in chart["description"]


@pytest.mark.parametrize(
    ("method", "says", "never"),
    [
        (ReturnMethod.PARAMETRIC, "across 200 simulated futures;", ("history", "sequences")),
        (ReturnMethod.HISTORICAL, "sequences of US history starting 1871–", ("simulated futures", "blocks")),
        (
            ReturnMethod.BOOTSTRAP,
            "across 200 futures resampled from US history in blocks of 5 years;",
            ("sequences",),
        ),
    ],
)
def test_the_fan_chart_says_what_its_paths_are(
    method: ReturnMethod, says: str, never: tuple[str, ...]
) -> None:
    result = simulate_retirement(
        RetirementParams(
            current_value=Decimal(100_000),
            allocation={"equity": 70, "fixed_income": 30},
            years_until_retirement=5,
            retirement_years=10,
            paths=200,
            seed=1,
            method=method,
        )
    )
    description = retirement_fan_chart(result)["retirement_projection"]["description"]
    assert says in description
    assert all(words not in description for words in never)
    if method is ReturnMethod.HISTORICAL:
        assert f"across {result.paths:,} sequences" in description
        assert description.endswith("of the sequences.")


def test_validator_reports_every_problem() -> None:
    good = _demo_charts()
    assert chart_problems(good) == []
    bad = copy.deepcopy(good)
    bad["asset_allocation"]["type"] = "radar"
    bad["asset_allocation"]["data"][0]["value"] = -1
    bad["asset_allocation"]["data"][1]["color"] = "blue"
    bad["asset_allocation"]["data"][2]["name"] = bad["asset_allocation"]["data"][0]["name"]
    bad["sector_breakdown"]["data"] = []
    bad["top_holdings"]["extra"] = 1
    bad["Bad Key"] = bad.pop("account_breakdown")
    with pytest.raises(ChartValidationError) as raised:
        validate_charts(bad)
    problems = raised.value.problems
    assert any("type 'radar'" in p for p in problems)
    assert any("value -1" in p for p in problems)
    assert any("color 'blue'" in p for p in problems)
    assert any("duplicate name 'Equity'" in p for p in problems)
    assert any(p.startswith("sector_breakdown: data must be a non-empty list") for p in problems)
    assert any("unexpected field 'extra'" in p for p in problems)
    assert any("chart key 'Bad Key'" in p for p in problems)
    assert chart_problems([]) == ["the payload must be an object keyed by chart key"]


@pytest.mark.parametrize("value", [True, "12", float("nan"), float("inf"), None, Decimal("-0.01")])
def test_validator_rejects_non_amounts(value: object) -> None:
    chart = {
        "c": {
            "title": "t",
            "type": "bar",
            "description": "",
            "data": [{"name": "a", "value": value, "color": "#000000"}],
        }
    }
    assert chart_problems(chart)


def test_validator_checks_declared_series() -> None:
    point = {"name": "Year 0", "value": 1, "color": "#209DD7", "p5": 1, "p95": 2}
    chart: dict[str, Any] = {"title": "t", "type": "line", "description": "", "data": [point]}
    assert chart_problems({"c": chart}) == []
    chart["series"] = [{"key": "p5", "name": "low", "color": "#F87171"}]
    assert chart_problems({"c": chart}) == ["c: data[0]: field 'p95' is not a declared series"]
    bar = {**chart, "type": "bar"}
    del bar["series"]
    assert "c: data[0]: unexpected field 'p5'" in chart_problems({"c": bar})
