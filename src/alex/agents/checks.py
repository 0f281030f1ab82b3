"""The output checks the writers' validators share: grounding and size, each re-asking or flagging.

A validator that raises ``ModelRetry`` makes pydantic-ai send the reason back to the model and
ask again (up to ``ALEX_MODEL_OUTPUT_RETRIES`` times); after that the run fails and the section
falls back to the offline writer, flagged. Each verdict is also appended to the run's events,
which become the audit row's guardrail outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic_ai import ModelRetry

from alex.agents.guarded import GuardrailEvent
from alex.analysis.fact_index import Grounder
from alex.analysis.facts import AnalysisFacts
from alex.guardrails.size import cap_markdown


@dataclass(slots=True)
class WriterDeps:
    """A writer's run: this job's user's facts only (every tool reads from here), and its verdicts."""

    facts: AnalysisFacts
    grounder: Grounder
    """Built once per run: the fact index of these facts, the held and the known tickers."""
    max_chars: int
    events: list[GuardrailEvent] = field(default_factory=list)


def require_grounded(deps: WriterDeps, texts: Iterable[str]) -> None:
    """Re-ask when any figure or ticker in the texts matches no computed fact.

    Every number counts, with or without a unit, and must be used for what it is in the facts:
    the reason names the meaning the checker read ("6.3% (as a failure rate)") so that the model
    can tell a wrong number from a right number in the wrong words.
    """
    report = deps.grounder.check("\n\n".join(texts))
    if not report.grounded:
        reason = report.describe()
        deps.events.append(GuardrailEvent("grounding", "re_asked", reason))
        raise ModelRetry(
            f"{reason} Quote only figures that appear in the data block (rounded is fine), each for what "
            "it is there (a success rate is not a failure rate, a value at retirement is not today's "
            "value); this holds for every number, counts and years included. Mention only tickers the "
            "person holds. Do not compute new numbers."
        )


def capped(deps: WriterDeps, text: str, *, what: str) -> str:
    """The text cut at a section boundary when too long, flagged (never re-asked: it cost tokens)."""
    result = cap_markdown(text, max_chars=deps.max_chars)
    if result.truncated:
        deps.events.append(
            GuardrailEvent(
                "size",
                "truncated",
                f"{what}: {result.original_chars:,} characters cut to {len(result.text):,} "
                f"({result.dropped_sections} sections dropped)",
            )
        )
    return result.text


def require_sections(deps: WriterDeps, text: str, sections: Iterable[str]) -> None:
    """Re-ask when a required level-2 section is missing."""
    headings = {line[3:].strip().lower() for line in text.splitlines() if line.startswith("## ")}
    missing = [title for title in sections if title.lower() not in headings]
    if missing:
        reason = "missing sections: " + ", ".join(missing)
        deps.events.append(GuardrailEvent("sections", "re_asked", reason))
        raise ModelRetry(f"The markdown must have these level-2 (## ) sections; {reason}.")
