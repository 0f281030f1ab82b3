"""The offline charter: the analytics' own charts plus the retirement fan chart.

The domain already builds the reference's chart set (asset classes, regions, sectors,
accounts, top holdings) with stable colours and data-driven descriptions, so the offline
charter only gathers them; the fan chart joins when there is a projection.
"""

from __future__ import annotations

from alex.analysis.facts import AnalysisFacts
from alex.analysis.payloads import ChartsOutput, ChartSpec
from alex.domain.charts.retirement_chart import retirement_fan_chart
from alex.settings import OFFLINE_MODEL


def write_charts(facts: AnalysisFacts) -> ChartsOutput:
    """The charts of one analysis (none for an empty portfolio)."""
    charts = dict(facts.analysis.charts)
    if facts.retirement is not None:
        charts.update(retirement_fan_chart(facts.retirement))
    return ChartsOutput(
        charts=[ChartSpec.model_validate({"key": key, **chart}) for key, chart in charts.items()],
        generated_by=OFFLINE_MODEL,
    )
