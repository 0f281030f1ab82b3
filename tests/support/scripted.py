"""Scripted models for the agent tests: pydantic-ai FunctionModels that behave well or badly.

A script reads the facts the agent was given (the JSON in the prompt's data block) and answers
the way a model would: through the output tool when the agent offers one, as JSON text otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from alex.analysis.offline.reporter import SECTIONS

Script = Callable[[list[ModelMessage], AgentInfo], ModelResponse]


def first_prompt(messages: Sequence[ModelMessage]) -> str:
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                    return part.content
    raise AssertionError("no user prompt")


def data(messages: Sequence[ModelMessage]) -> Any:
    """The JSON payload of the prompt's data block."""
    prompt = first_prompt(messages)
    starts = [i for i in (prompt.find("{"), prompt.find("[")) if i >= 0]
    start = min(starts)
    end = max(prompt.rfind("}"), prompt.rfind("]"))
    return json.loads(prompt[start : end + 1])


def reasks(messages: Sequence[ModelMessage]) -> int:
    """How many answers came before this request (each was re-asked, or it would have ended the run)."""
    return sum(isinstance(message, ModelResponse) for message in messages)


def answer(info: AgentInfo, payload: dict[str, Any] | str) -> ModelResponse:
    """Return ``payload`` as the final output: via the output tool if offered, else as text."""
    args = payload if isinstance(payload, str) else json.dumps(payload)
    if info.output_tools:
        return ModelResponse(parts=[ToolCallPart(tool_name=info.output_tools[0].name, args=args)])
    return ModelResponse(parts=[TextPart(args)])


def money(value: str) -> str:
    return f"${Decimal(value):,.2f}"


def report_payload(facts: dict[str, Any], *, words: int = 0, extra: str = "") -> dict[str, Any]:
    total = money(facts["total_value"])
    equity = facts["allocations"]["asset_class"].get("equity", 0.0)
    filler = " ".join(["steady"] * (words // len(SECTIONS))) if words else ""
    body = {
        "Executive Summary": f"Your portfolio is worth {total}. {extra}",
        "Portfolio Composition": f"Equity is {equity:.1f}% of the portfolio.",
        "Diversification": "Spread across several funds.",
        "Risk Profile": "Mostly equity.",
        "Retirement Readiness": "See the retirement section.",
        "Recommendations": "See below.",
        "Conclusion": "This is educational, not personalised financial advice.",
    }
    content = "\n\n".join(f"## {title}\n\n{text} {filler}".rstrip() for title, text in body.items())
    recommendations = [
        {
            "title": f"Review the {total} portfolio",
            "reasoning": f"Equity is {equity:.1f}% of it.",
            "impact": "A clearer picture.",
            "priority": "medium",
        },
        {"title": "Keep costs low", "reasoning": "Fees compound.", "impact": "More kept.", "priority": "low"},
        {
            "title": "Rebalance yearly",
            "reasoning": "Drift accrues.",
            "impact": "Risk held.",
            "priority": "low",
        },
    ]
    return {"content": content, "recommendations": recommendations}


def good_reporter(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return answer(info, report_payload(data(messages)))


def good_charter(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    menu = data(messages)
    return answer(
        info,
        {
            "charts": [
                {
                    "key": item["key"],
                    "title": f"Your {item['key'].replace('_', ' ')}",
                    "type": item["allowed_types"][0],
                    "description": "How your money is spread.",
                }
                for item in menu[:3]
            ]
        },
    )


def good_retirement(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    facts = data(messages)
    rate = facts["success_rate"]
    text = (
        f"## Projection\n\nThe plan lasted in {rate:.1f}% of the simulated futures.\n\n"
        "## Income against your target\n\nSee the figures above.\n\n"
        "## What would close the gap\n\nSaving more, or retiring later.\n\n"
        "## Assumptions and limits\n\nMarkets may differ from the model."
    )
    return answer(info, {"analysis": text})


def good_tagger(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return answer(
        info,
        {
            "rationale": "A broad US equity index fund, so it is all North American equity.",
            "instrument_type": "etf",
            "asset_class": {"equity": 100},
            "regions": {"north_america": 100},
            "sectors": {"technology": 40, "financials": 30, "healthcare": 30},
        },
    )


def model(script: Script, name: str) -> FunctionModel:
    return FunctionModel(script, model_name=name)


def team_models(**overrides: Script) -> dict[str, FunctionModel]:
    """Well-behaved models for every agent, with some replaced."""
    scripts: dict[str, Script] = {
        "tagger": good_tagger,
        "reporter": good_reporter,
        "charter": good_charter,
        "retirement": good_retirement,
        **overrides,
    }
    return {agent: model(script, f"scripted-{agent}") for agent, script in scripts.items()}
