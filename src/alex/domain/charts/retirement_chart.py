"""The retirement fan chart: percentile bands of the portfolio's value, year by year.

Shape (an ``area`` chart in the ``charts_payload`` format)::

    {"retirement_projection": {
        "title": ..., "type": "area", "description": ...,
        "series": [{"key": "p5", "name": "5th percentile", "color": ...}, ... "p95"],
        "data": [{"name": "Year 0", "value": <median>, "color": ..., "p5": ..., "p25": ...,
                  "p50": ..., "p75": ..., "p95": ...}, ...]}}

One data point per year; ``value`` repeats the median so renderers that only know
``name/value/color`` still draw the central line, and the ``pNN`` fields give the bands (draw
p5-p95 and p25-p75 as shaded areas around p50). Amounts are dollars in today's money. The
description says what the paths are: random futures, sequences of actual history, or futures
resampled from history in blocks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from alex.domain.charts.portfolio_charts import Chart
from alex.domain.formatting import format_money, format_percent
from alex.domain.retirement.models import RetirementResult, ReturnMethod

MEDIAN_COLOR: Final = "#209DD7"
BAND_COLORS: Final = {
    "p5": "#F87171",
    "p25": "#FBBF24",
    "p50": MEDIAN_COLOR,
    "p75": "#34D399",
    "p95": "#753991",
}
BAND_NAMES: Final = {
    "p5": "5th percentile",
    "p25": "25th percentile",
    "p50": "Median",
    "p75": "75th percentile",
    "p95": "95th percentile",
}


def fan_chart(years: Sequence[int], percentiles: Mapping[str, Sequence[float]], *, description: str) -> Chart:
    """The fan chart of percentile bands (``p5``…``p95``, one value per year)."""
    data: list[dict[str, Any]] = []
    for index, year in enumerate(years):
        point: dict[str, Any] = {
            "name": f"Year {year}",
            "value": percentiles["p50"][index],
            "color": MEDIAN_COLOR,
        }
        point.update({key: series[index] for key, series in percentiles.items()})
        data.append(point)
    return {
        "title": "Retirement projection",
        "type": "area",
        "description": description,
        "series": [
            {"key": key, "name": BAND_NAMES.get(key, key), "color": BAND_COLORS.get(key, MEDIAN_COLOR)}
            for key in percentiles
        ],
        "data": data,
    }


def paths_described(result: RetirementResult) -> tuple[str, str]:
    """What the result's paths are, by return method: a counted phrase and the plural noun.

    E.g. ("1,000 simulated futures", "futures"), ("103 sequences of US history starting
    1871–1973", "sequences") or ("1,000 futures resampled from US history in blocks of 5 years",
    "futures").
    """
    used = result.assumptions
    if used.method == ReturnMethod.HISTORICAL.value and used.start_years is not None:
        first, last = used.start_years
        return f"{result.paths:,} sequences of US history starting {first}–{last}", "sequences"
    if used.method == ReturnMethod.BOOTSTRAP.value and used.block_years is not None:
        block = f"{used.block_years} year{'' if used.block_years == 1 else 's'}"
        return f"{result.paths:,} futures resampled from US history in blocks of {block}", "futures"
    return f"{result.paths:,} simulated futures", "futures"


def retirement_fan_chart(result: RetirementResult) -> dict[str, Chart]:
    """``charts_payload`` entry for a simulation result, described for its return method."""
    counted, noun = paths_described(result)
    description = (
        f"Portfolio value in today's money across {counted}; retirement starts "
        f"in year {result.retirement_starts_at_year}. The median path is worth "
        f"{format_money(result.median_value_at_retirement)} at retirement and "
        f"{format_money(result.median_ending_value)} at the end; the money lasts in "
        f"{format_percent(result.success_rate)} of the {noun}."
    )
    bands = {key: [float(value) for value in series] for key, series in result.percentiles.items()}
    return {"retirement_projection": fan_chart(result.years, bands, description=description)}
