"""The reporter agent: the markdown report and its structured recommendations, from the facts.

The model gets the computed facts as data and explains them. Its output must have the report's
sections, cite only computed figures and held tickers (re-asked otherwise) and fit the size cap
(cut at a section boundary otherwise, flagged). Its one tool reads a holding of this job's user,
from the facts already loaded for that user: there is no way to name another user's data.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import Agent, RunContext

from alex.agents.checks import WriterDeps, capped, require_grounded, require_sections
from alex.agents.llm import OutputMode, new_agent
from alex.agents.prompts import load
from alex.analysis.offline.reporter import SECTIONS
from alex.analysis.payloads import CONTENT_MAX, Recommendation, RecommendationText, ReportOutput

TASK: Final = "Write the portfolio report and its recommendations from these computed facts."


class ReportDraft(BaseModel):
    """What the model returns (``generated_by`` is ours to fill)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: str = Field(min_length=200, max_length=4 * CONTENT_MAX, description="the report in markdown")
    # No links: a model never says where to click; only Alex's own recommendations carry actions.
    recommendations: list[RecommendationText] = Field(min_length=3, max_length=7)


def instructions() -> str:
    return load("reporter").text.replace("{sections}", "\n".join(f"- {title}" for title in SECTIONS))


def holding(ctx: RunContext[WriterDeps], symbol: str) -> dict[str, Any]:
    """Details of one of the person's holdings: value, share of the portfolio, accounts holding it."""
    wanted = symbol.strip().upper()
    facts = ctx.deps.facts
    for item in facts.holdings:
        if item.symbol == wanted:
            accounts = [
                a.account.name
                for a in facts.analysis.valuation.accounts
                if any(p.position.symbol == wanted for p in a.positions)
            ]
            return {
                "symbol": item.symbol,
                "name": item.name,
                "value": f"{item.value:.2f}",
                "percent": float(item.percent),
                "accounts": accounts,
            }
    return {"symbol": wanted, "held": False, "note": "the person does not hold this symbol"}


def build(*, mode: OutputMode, output_retries: int) -> Agent[WriterDeps, ReportDraft]:
    agent = new_agent(
        ReportDraft,
        WriterDeps,
        name="reporter",
        instructions=instructions(),
        mode=mode,
        output_retries=output_retries,
    )

    if mode == "tool":  # a model asked for JSON (natively or in the prompt) may not support tools
        agent.tool(holding)

    @agent.output_validator
    def validate(ctx: RunContext[WriterDeps], draft: ReportDraft) -> ReportDraft:
        require_sections(ctx.deps, draft.content, SECTIONS)
        content = capped(ctx.deps, draft.content, what="report")
        require_grounded(
            ctx.deps,
            [content, *(f"{r.title}\n{r.reasoning}\n{r.impact}" for r in draft.recommendations)],
        )
        return draft.model_copy(update={"content": content})

    return agent


def finish(draft: ReportDraft, *, model_name: str) -> ReportOutput:
    recommendations = [Recommendation.model_validate(r.model_dump()) for r in draft.recommendations]
    return ReportOutput(content=draft.content, recommendations=recommendations, generated_by=model_name)


def summarise(draft: ReportDraft) -> tuple[dict[str, Any], str | None]:
    """The audit row's view: size and the recommendations' titles; their reasoning is the rationale."""
    return (
        {
            "characters": len(draft.content),
            "recommendations": [{"title": r.title, "priority": r.priority} for r in draft.recommendations],
        },
        "\n".join(f"{r.title}: {r.reasoning}" for r in draft.recommendations),
    )
