"""The charter agent: chooses, titles and describes charts; the data points never come from it.

The analytics draw every chart they can (data, colours, a factual description); the model picks
which to show, in what order and as which suitable type, and writes the titles and descriptions.
Keys it invents, unsuitable types and descriptions citing figures outside the facts are re-asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import Agent, ModelRetry, RunContext

from alex.agents.checks import WriterDeps, require_grounded
from alex.agents.guarded import GuardrailEvent
from alex.agents.llm import OutputMode, new_agent
from alex.agents.prompts import load
from alex.analysis.facts import AnalysisFacts
from alex.analysis.payloads import ChartsOutput, ChartSpec, ChartType
from alex.domain.charts.retirement_chart import retirement_fan_chart

MAX_CHARTS: Final = 8
CATEGORY_TYPES: Final[tuple[ChartType, ...]] = ("pie", "donut", "bar", "horizontalBar")
SERIES_TYPES: Final[tuple[ChartType, ...]] = ("area", "line")
SUMMARY_POINTS: Final = 8
TASK: Final = "Choose, title and describe the charts for this portfolio report."


class ChartChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(description="one of the available chart keys")
    title: str = Field(min_length=1, max_length=120)
    type: ChartType
    description: str = Field(min_length=1, max_length=600)


class ChartPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    charts: list[ChartChoice] = Field(max_length=MAX_CHARTS)


def available(facts: AnalysisFacts) -> dict[str, dict[str, Any]]:
    """Every chart the analytics drew for these facts, by key."""
    charts: dict[str, dict[str, Any]] = dict(facts.analysis.charts)
    if facts.retirement is not None:
        charts.update(retirement_fan_chart(facts.retirement))
    return charts


def allowed_types(chart: Mapping[str, Any]) -> tuple[ChartType, ...]:
    return SERIES_TYPES if chart.get("series") else CATEGORY_TYPES


def menu(facts: AnalysisFacts) -> list[dict[str, Any]]:
    """What the model chooses from: each chart's key, suggested title, types and a data summary."""
    return [
        {
            "key": key,
            "suggested_title": chart["title"],
            "allowed_types": list(allowed_types(chart)),
            "summary": chart["description"],
            "points": len(chart["data"]),
            "first_points": [
                {"name": p["name"], "value": p["value"]} for p in chart["data"][:SUMMARY_POINTS]
            ],
        }
        for key, chart in available(facts).items()
    ]


def build(*, mode: OutputMode, output_retries: int) -> Agent[WriterDeps, ChartPlan]:
    agent = new_agent(
        ChartPlan,
        WriterDeps,
        name="charter",
        instructions=load("charter").text,
        mode=mode,
        output_retries=output_retries,
    )

    @agent.output_validator
    def validate(ctx: RunContext[WriterDeps], plan: ChartPlan) -> ChartPlan:
        charts = available(ctx.deps.facts)
        problems: list[str] = []
        if charts and not plan.charts:
            problems.append("choose at least one chart")
        seen: set[str] = set()
        for choice in plan.charts:
            if choice.key not in charts:
                problems.append(f"{choice.key!r} is not an available chart")
            elif choice.type not in allowed_types(charts[choice.key]):
                problems.append(f"{choice.key} cannot be drawn as {choice.type}")
            if choice.key in seen:
                problems.append(f"{choice.key} is chosen twice")
            seen.add(choice.key)
        if problems:
            reason = "; ".join(problems)
            ctx.deps.events.append(GuardrailEvent("schema", "re_asked", reason))
            raise ModelRetry(f"Fix the chart choices: {reason}.")
        require_grounded(ctx.deps, [f"{c.title}\n{c.description}" for c in plan.charts])
        return plan

    return agent


def finish(plan: ChartPlan, *, facts: AnalysisFacts, model_name: str) -> ChartsOutput:
    """The chosen charts with the analytics' own data points, series and colours."""
    charts = available(facts)
    specs = []
    for choice in plan.charts:
        drawn = charts[choice.key]
        specs.append(
            ChartSpec.model_validate(
                {
                    **drawn,
                    "key": choice.key,
                    "title": choice.title,
                    "type": choice.type,
                    "description": choice.description,
                }
            )
        )
    return ChartsOutput(charts=specs, generated_by=model_name)


def summarise(plan: ChartPlan) -> tuple[dict[str, Any], str | None]:
    return {"charts": [{"key": c.key, "type": c.type, "title": c.title} for c in plan.charts]}, None
