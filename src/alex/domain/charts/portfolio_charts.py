"""The portfolio charts: asset classes, regions, sectors, accounts and top holdings.

Values are dollars (the reference UI lets the chart library compute percentages), rounded to
the cent and emitted as JSON numbers because chart libraries need numbers; the exact
``Decimal`` amounts stay in the analysis itself. Charts with nothing to show are left out.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Final

from alex.domain.charts.palette import assign_colors, category_color
from alex.domain.formatting import format_money, format_percent
from alex.domain.labels import label
from alex.domain.money import ZERO, percentages
from alex.domain.portfolio.allocation import Allocations, Breakdown, allocate
from alex.domain.portfolio.valuation import PortfolioValuation

Chart = dict[str, Any]
DEFAULT_TOP_HOLDINGS: Final = 10


def build_portfolio_charts(
    valuation: PortfolioValuation, *, top_holdings: int = DEFAULT_TOP_HOLDINGS
) -> dict[str, Chart]:
    """``charts_payload`` entries for one valued portfolio (see ``validate_charts`` for the shape)."""
    allocations = allocate(valuation)
    if allocations.total <= 0:
        return {}
    charts = {
        "asset_allocation": _category_chart(
            allocations.asset_class,
            dimension="asset_class",
            title="Asset allocation",
            chart_type="pie",
            what="asset class",
            total=allocations.total,
        ),
        "geographic_exposure": _category_chart(
            allocations.region,
            dimension="region",
            title="Geographic exposure",
            chart_type="bar",
            what="region",
            total=allocations.total,
        ),
        "sector_breakdown": _category_chart(
            allocations.sector,
            dimension="sector",
            title="Sector breakdown",
            chart_type="horizontalBar",
            what="sector",
            total=allocations.total,
        ),
        "account_breakdown": _account_chart(valuation, allocations),
        "top_holdings": _top_holdings_chart(valuation, allocations.total, limit=top_holdings),
    }
    return {key: chart for key, chart in charts.items() if chart is not None}


def _point(name: str, value: Decimal, color: str) -> dict[str, Any]:
    return {"name": name, "value": float(value), "color": color}


def _category_chart(
    breakdown: Breakdown, *, dimension: str, title: str, chart_type: str, what: str, total: Decimal
) -> Chart | None:
    if not breakdown.values:
        return None
    largest, share = next(iter(breakdown.percentages.items()))
    return {
        "title": title,
        "type": chart_type,
        "description": (
            f"Your {format_money(total)} by {what}, looking through funds; "
            f"the largest is {label(largest)} at {format_percent(share)}."
        ),
        "data": [
            _point(label(key), value, category_color(dimension, key))
            for key, value in breakdown.values.items()
        ],
    }


def _account_chart(valuation: PortfolioValuation, allocations: Allocations) -> Chart | None:
    values = allocations.account.values
    if not values:
        return None
    accounts = {a.account.id: a.account for a in valuation.accounts}
    names = _unique_names({account_id: accounts[account_id].name for account_id in values})
    colors = assign_colors(values)
    return {
        "title": "Accounts",
        "type": "donut",
        "description": (
            f"How your {format_money(allocations.total)} is split across {len(values)} "
            f"account{'' if len(values) == 1 else 's'}, cash included."
        ),
        "data": [
            _point(names[account_id], value, colors[account_id]) for account_id, value in values.items()
        ],
    }


def _top_holdings_chart(valuation: PortfolioValuation, total: Decimal, *, limit: int) -> Chart | None:
    by_symbol: defaultdict[str, Decimal] = defaultdict(Decimal)
    for _, position, value in valuation.priced_positions():
        by_symbol[position.position.symbol] += value
    top = sorted(((s, v) for s, v in by_symbol.items() if v > 0), key=lambda item: (-item[1], item[0]))[
        :limit
    ]
    if not top:
        return None
    colors = assign_colors(symbol for symbol, _ in top)
    share = percentages(
        {"top": sum((v for _, v in top), ZERO), "rest": total - sum((v for _, v in top), ZERO)}
    )
    return {
        "title": f"Top {len(top)} holdings",
        "type": "horizontalBar",
        "description": (
            f"Your largest holdings by value, all accounts combined; together they are "
            f"{format_percent(share.get('top', ZERO))} of the portfolio."
        ),
        "data": [_point(symbol, value, colors[symbol]) for symbol, value in top],
    }


def _unique_names(names: dict[str, str]) -> dict[str, str]:
    """Account names made unique for display ("Roth IRA", "Roth IRA (2)")."""
    seen: dict[str, int] = {}
    unique: dict[str, str] = {}
    for key, name in names.items():
        seen[name] = seen.get(name, 0) + 1
        unique[key] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return unique
