"""Grounding checks of one text against one analysis, for the writers' tests."""

from __future__ import annotations

from collections.abc import Collection

from alex.analysis.fact_index import Grounder, fact_index
from alex.analysis.facts import AnalysisFacts
from alex.guardrails.grounding import FactIndex, GroundingReport, Quantity, extract_quantities


def ungrounded(text: str, facts: AnalysisFacts | FactIndex) -> list[Quantity]:
    """The quantities in ``text`` that match no fact (empty when the text is grounded)."""
    index = facts if isinstance(facts, FactIndex) else fact_index(facts)
    return [q for q in extract_quantities(text) if not index.supports(q)]


def check_text(text: str, facts: AnalysisFacts, *, known_tickers: Collection[str]) -> GroundingReport:
    """Check one text against the analysis (the index is built for this text alone)."""
    return Grounder.for_facts(facts, known_tickers=known_tickers).check(text)
