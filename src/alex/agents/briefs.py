"""What each agent is given: the computed facts as JSON data, every string in it cleaned.

The facts reach a model only as a delimited data block. Every string inside (account names,
instrument names, warnings that quote them, goals) passes the input guardrail first: normalised,
length-capped and scanned for injection. A flagged string is neutralised in place and becomes a
``GuardrailEvent`` in the audit row, never silently dropped. Numbers are passed as they are:
they are ours, and the writers may only quote them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from alex.agents.guarded import GuardrailEvent
from alex.analysis.facts import AnalysisFacts
from alex.analysis.payloads import RetirementOutput, retirement_payload, summary_payload
from alex.guardrails.input import clean, data_block

JsonValue = Any
STRING_MAX: Final = 500
"""A longer string in the facts is capped (names are at most 255; warnings and rationales fit)."""
PERCENTILE_STEP: Final = 5
"""The retirement writer sees the percentile paths every fifth year: the shape, not 300 numbers."""


def cleaned(payload: JsonValue, *, path: str = "") -> tuple[JsonValue, list[GuardrailEvent]]:
    """A copy of ``payload`` with every string cleaned, and an event for each string changed."""
    events: list[GuardrailEvent] = []

    def walk(value: JsonValue, where: str) -> JsonValue:
        if isinstance(value, str):
            result = clean(value, field=where or "text", max_chars=STRING_MAX)
            if result.flagged:
                families = ", ".join(sorted({f.family for f in result.findings}))
                events.append(GuardrailEvent("input", "neutralised", f"{where}: {families}"))
            if result.truncated:
                events.append(GuardrailEvent("input", "truncated", f"{where}: {result.original_chars} chars"))
            return result.text
        if isinstance(value, Mapping):
            return {key: walk(item, f"{where}.{key}" if where else str(key)) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [walk(item, f"{where}[{i}]") for i, item in enumerate(value)]
        return value

    return walk(payload, path), events


def portfolio_facts(facts: AnalysisFacts) -> dict[str, JsonValue]:
    """The reporter's data: the whole computed analysis plus the profile and the retirement summary."""
    summary = summary_payload(facts)
    summary.pop("generated_at", None)
    return {
        "profile": {
            "name": facts.profile.display_name,
            "years_until_retirement": facts.profile.years_until_retirement,
            "target_retirement_income": f"{facts.profile.target_retirement_income:.2f}",
        },
        **summary,
        "retirement_projection": retirement_facts(facts),
    }


def retirement_facts(facts: AnalysisFacts) -> dict[str, JsonValue]:
    """The retirement writer's data: the simulation's results, inputs and the income gap."""
    payload = retirement_payload(
        RetirementOutput(analysis="-", generated_by="facts"), facts=facts, generated_at=datetime.now(UTC)
    )
    for key in ("analysis", "generated_by", "generated_at", "agent", "written_offline"):
        payload.pop(key, None)
    years = payload.get("years")
    percentiles = payload.get("percentiles")
    if isinstance(years, list) and isinstance(percentiles, dict):
        keep = [i for i, year in enumerate(years) if year % PERCENTILE_STEP == 0 or i == len(years) - 1]
        payload["years"] = [years[i] for i in keep]
        payload["percentiles"] = {name: [values[i] for i in keep] for name, values in percentiles.items()}
    payload["target_retirement_income"] = f"{facts.profile.target_retirement_income:.2f}"
    payload["years_until_retirement"] = facts.profile.years_until_retirement
    return payload


def render(tag: str, payload: JsonValue, *, task: str) -> tuple[str, list[GuardrailEvent]]:
    """The user prompt: the task in our words, then the cleaned data in its block."""
    data, events = cleaned(payload)
    return framed(tag, data, task=task), events


def framed(tag: str, data: JsonValue, *, task: str) -> str:
    """The user prompt around data already ``cleaned``."""
    return f"{task}\n\n{data_block(tag, data)}"
