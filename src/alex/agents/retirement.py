"""The retirement writer agent: explains the Monte Carlo result, the income gap and what closes it.

Every figure comes from the simulation already run; the model's text is re-asked when it misses
one of the prompt's sections or cites a figure that does not come from the simulation, and cut
at a section boundary when too long. The sections are the offline writer's, so that a fallback
reads the same.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import Agent, RunContext

from alex.agents.checks import WriterDeps, capped, require_grounded, require_sections
from alex.agents.llm import OutputMode, new_agent
from alex.agents.prompts import load
from alex.analysis.offline.retirement_writer import SECTIONS
from alex.analysis.payloads import CONTENT_MAX, RetirementOutput

TASK: Final = "Explain this retirement projection to the person it belongs to."


class RetirementDraft(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    analysis: str = Field(min_length=100, max_length=4 * CONTENT_MAX, description="markdown")


def build(*, mode: OutputMode, output_retries: int) -> Agent[WriterDeps, RetirementDraft]:
    agent = new_agent(
        RetirementDraft,
        WriterDeps,
        name="retirement",
        instructions=load("retirement").text,
        mode=mode,
        output_retries=output_retries,
    )

    @agent.output_validator
    def validate(ctx: RunContext[WriterDeps], draft: RetirementDraft) -> RetirementDraft:
        require_sections(ctx.deps, draft.analysis, SECTIONS)
        analysis = capped(ctx.deps, draft.analysis, what="retirement analysis")
        require_grounded(ctx.deps, [analysis])
        return draft.model_copy(update={"analysis": analysis})

    return agent


def finish(draft: RetirementDraft, *, model_name: str) -> RetirementOutput:
    return RetirementOutput(analysis=draft.analysis, generated_by=model_name)


def summarise(draft: RetirementDraft) -> tuple[dict[str, Any], str | None]:
    return {"characters": len(draft.analysis)}, None
