"""The writer set the planner runs: facts first, then three writers producing payload sections.

``OFFLINE`` is the default and the fallback: deterministic writers that explain the computed
facts without any model. A model-backed set (a later issue) has the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from alex.agents import outputs
from alex.agents.facts import AnalysisFacts, UserProfile, build_facts
from alex.agents.offline import charter, reporter, retirement_writer
from alex.db.snapshot import PortfolioSnapshot
from alex.domain.retirement.models import DEFAULT_PATHS

Section = dict[str, Any]


@dataclass(frozen=True, slots=True)
class WriterSet:
    reporter: Callable[[AnalysisFacts], Section]
    charter: Callable[[AnalysisFacts], Section]
    retirement: Callable[[AnalysisFacts], Section]


def facts_for(
    snapshot: PortfolioSnapshot,
    *,
    warnings: Sequence[str],
    paths: int = DEFAULT_PATHS,
    project_retirement: bool = True,
) -> AnalysisFacts:
    """Analyse one snapshot (CPU-bound: the planner runs it in a thread)."""
    profile = UserProfile(
        display_name=snapshot.display_name,
        years_until_retirement=snapshot.years_until_retirement,
        target_retirement_income=snapshot.target_retirement_income,
        asset_class_targets=snapshot.targets.asset_class_targets,
        region_targets=snapshot.targets.region_targets,
    )
    return build_facts(
        profile=profile,
        portfolio=snapshot.portfolio,
        rule_overrides=snapshot.rule_thresholds,
        paths=paths,
        extra_warnings=warnings,
        project_retirement=project_retirement,
    )


def _now() -> datetime:
    return datetime.now(UTC)


OFFLINE = WriterSet(
    reporter=lambda facts: outputs.report_payload(reporter.write_report(facts), generated_at=_now()),
    charter=lambda facts: outputs.charts_payload(charter.write_charts(facts)),
    retirement=lambda facts: outputs.retirement_payload(
        retirement_writer.write_retirement(facts), facts=facts, generated_at=_now()
    ),
)


def summary(facts: AnalysisFacts, *, warnings: Sequence[str]) -> Section:
    """The summary section, with every warning of the run (the writers' included)."""
    return {**outputs.summary_payload(facts), "warnings": list(warnings)}
