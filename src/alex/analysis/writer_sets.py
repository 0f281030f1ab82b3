"""Who writes an analysis's sections: the offline writer set, and what a model team must offer.

``OFFLINE_WRITERS`` are deterministic writers that explain the computed facts without any model:
the default, and the fallback whenever a model's section fails. A model team (``alex.agents.team``)
is given to the workflow by the composition root; the workflow knows it only by ``AgentTeam``,
so the analysis never depends on how models are called.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from alex.analysis import payloads
from alex.analysis.facts import AnalysisFacts
from alex.analysis.offline import charter, reporter, retirement_writer
from alex.db.engine import Database
from alex.deadlines import Deadline

Section = dict[str, Any]


@dataclass(frozen=True, slots=True)
class WriterSet:
    reporter: Callable[[AnalysisFacts], Section]
    charter: Callable[[AnalysisFacts], Section]
    retirement: Callable[[AnalysisFacts], Section]

    def section(self, name: str, facts: AnalysisFacts) -> Section:
        writer: Callable[[AnalysisFacts], Section] = getattr(self, name)
        return writer(facts)


def _now() -> datetime:
    return datetime.now(UTC)


OFFLINE_WRITERS = WriterSet(
    reporter=lambda facts: payloads.report_payload(reporter.write_report(facts), generated_at=_now()),
    charter=lambda facts: payloads.charts_payload(charter.write_charts(facts)),
    retirement=lambda facts: payloads.retirement_payload(
        retirement_writer.write_retirement(facts), facts=facts, generated_at=_now()
    ),
)


def provenance(
    *,
    model: str | None,
    outcome: str,
    fallback: bool,
    flagged: bool,
    fallback_reason: str | None = None,
    guardrails: list[dict[str, str]] | None = None,
) -> Section:
    """Who wrote a section and what the guardrails said: the summary's ``agents`` entry for it."""
    return {
        "model": model,
        "outcome": outcome,
        "fallback": fallback,
        "fallback_reason": fallback_reason,
        "flagged": flagged,
        "guardrails": guardrails or [],
    }


@dataclass(slots=True)
class SectionResult:
    payload: Section
    provenance: Section
    """Who wrote it and what the guardrails said: the summary's ``agents`` entry for this section."""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Classification:
    """A model's classification of one instrument, checked against the taxonomy's vocabularies."""

    instrument_type: str
    asset_class: Mapping[str, Decimal | float]
    regions: Mapping[str, Decimal | float]
    sectors: Mapping[str, Decimal | float]
    source: str
    """The model id that classified it (the catalogue's ``classification_source``)."""


@dataclass(frozen=True, slots=True)
class Unclassified:
    reason: str
    """Why, in plain words ("the model did not answer in time")."""


class JobAgents(Protocol):
    """The team's agents for one job: every run shares its budget and writes its audit rows.

    Each call ends by ``deadline``: what a model has not done by then is done offline (a section)
    or left undone and flagged (a classification).
    """

    async def classify(
        self, symbol: str, name: str, *, deadline: Deadline
    ) -> Classification | Unclassified: ...

    async def write(self, section: str, facts: AnalysisFacts, *, deadline: Deadline) -> SectionResult: ...


class AgentTeam(Protocol):
    @property
    def tags(self) -> bool:
        """Whether a model classifies unknown instruments (offline, they stay unclassified)."""
        ...

    def for_job(
        self,
        *,
        database: Database,
        job_id: uuid.UUID,
        user_id: str,
        attempt: int,
        known_tickers: frozenset[str],
    ) -> JobAgents: ...

    async def aclose(self) -> None: ...
