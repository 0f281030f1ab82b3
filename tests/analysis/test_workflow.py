"""The planner workflow end to end on the real database, with the offline and with faulty writers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from alex.agents.guarded import JobContext
from alex.agents.team import Team
from alex.analysis.facts import AnalysisFacts
from alex.analysis.workflow import AnalysisWorkflow
from alex.analysis.writer_sets import OFFLINE_WRITERS, SectionResult, WriterSet
from alex.db import job_events, job_queue, positions
from alex.db.engine import Database
from alex.deadlines import Deadline
from alex.domain.charts.validation import validate_charts
from alex.market.prices import CataloguePrices, PriceQuote, PriceResult
from alex.settings import Settings
from tests.support.jobs import demo_job, run_to_end

SECTIONS = [
    "Executive Summary",
    "Portfolio Composition",
    "Diversification",
    "Risk Profile",
    "Retirement Readiness",
    "Recommendations",
    "Conclusion",
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, job_step_timeout_seconds=2, job_retry_base_seconds=0, retirement_paths=200
    )


async def test_the_offline_pipeline_fills_every_payload(database: Database, settings: Settings) -> None:
    job_id = await demo_job(database)
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        job_id,
    )
    assert job.status == "completed", job.error_message
    assert job.report_payload is not None
    content = job.report_payload["content"]
    positions_of = [content.index(f"## {section}") for section in SECTIONS]
    assert positions_of == sorted(positions_of)
    assert 3 <= len(job.report_payload["recommendations"]) <= 7
    assert job.report_payload["generated_by"] == "offline"
    assert job.charts_payload is not None
    validate_charts(job.charts_payload)
    assert {"asset_allocation", "retirement_projection"} <= set(job.charts_payload)
    assert job.retirement_payload is not None
    assert 0 <= job.retirement_payload["success_rate"] <= 100
    assert job.summary_payload is not None
    assert Decimal(job.summary_payload["total_value"]) > 0
    assert job.warnings == []
    steps = [(e.kind, e.step) for e in await job_events.since(database, job_id=job_id, after_id=0)]
    for step in ("snapshot", "tagger", "prices", "analytics", "reporter", "charter", "retirement", "summary"):
        assert ("step_started", step) in steps
        assert ("step_finished", step) in steps
    assert steps[-1] == ("job_completed", None)


async def test_an_unclassified_holding_completes_with_a_warning(
    database: Database, settings: Settings
) -> None:
    job_id = await demo_job(database)
    async with database.session() as session:
        account = (await session.execute(text("SELECT id FROM accounts LIMIT 1"))).scalar_one()
        await positions.upsert(
            session, account_id=account, symbol="ZZZZ", quantity=Decimal(5), as_of_date=None
        )
        await session.commit()
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        job_id,
    )
    assert job.status == "completed"
    assert job.warnings
    named = "ZZZZ (asset class, region and sector unknown)"
    assert any(warning.startswith(f"{named} is not fully classified yet") for warning in job.warnings)
    # The check names it the same way (it has no price, so it adds nothing to the share) ...
    assert job.summary_payload is not None
    (rule,) = [f for f in job.summary_payload["rules"]["findings"] if f["rule_id"] == "unclassified_holdings"]
    assert named in rule["rationale"]
    assert "Every holding is classified" not in rule["rationale"]
    # ... and the report says where to price and classify it: on its row of its account page.
    assert job.report_payload is not None
    (priced,) = [r for r in job.report_payload["recommendations"] if r["title"] == "Set a price for ZZZZ"]
    assert priced["actions"] == [
        {"label": "Set a price for ZZZZ", "href": f"/accounts/{account}#position-ZZZZ"},
        {"label": "Classify ZZZZ", "href": f"/accounts/{account}#classify-ZZZZ"},
    ]


def _raising(facts: object) -> dict[str, Any]:
    raise RuntimeError("the model returned nonsense")


class _FaultyTeam(Team):
    """The team, with one section's writing replaced (a bug in it, or a stuck call)."""

    def __init__(
        self, settings: Settings, section: str, fault: Callable[[], Awaitable[SectionResult]]
    ) -> None:
        super().__init__(settings)
        self.section = section
        self.fault = fault

    async def write(
        self, section: str, facts: AnalysisFacts, job: JobContext, *, deadline: Deadline
    ) -> SectionResult:
        if section == self.section:
            return await self.fault()
        return await super().write(section, facts, job, deadline=deadline)


async def _raise() -> SectionResult:
    raise RuntimeError("the model returned nonsense")


async def test_a_team_that_raises_falls_back_to_the_offline_writer(
    database: Database, settings: Settings
) -> None:
    job_id = await demo_job(database)
    team = _FaultyTeam(settings, "reporter", _raise)
    job = await run_to_end(
        database, AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=team), job_id
    )
    assert job.status == "completed"
    assert job.report_payload is not None
    assert job.report_payload["fallback"] is True
    assert "## Executive Summary" in job.report_payload["content"]
    assert job.warnings is not None
    assert any("reporter fell back" in warning for warning in job.warnings)
    assert job.summary_payload is not None
    assert job.summary_payload["agents"]["reporter"]["outcome"] == "fell_back"


async def test_a_section_whose_fallback_fails_too_is_recorded_and_the_rest_completes(
    database: Database, settings: Settings
) -> None:
    job_id = await demo_job(database)
    broken = WriterSet(
        reporter=OFFLINE_WRITERS.reporter, charter=_raising, retirement=OFFLINE_WRITERS.retirement
    )
    team = _FaultyTeam(settings, "charter", _raise)
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=team, fallback=broken),
        job_id,
    )
    assert job.status == "completed"
    assert job.charts_payload == {
        "status": "failed",
        "error": "RuntimeError: the model returned nonsense",
        "agent": "charter",
    }
    assert job.report_payload is not None
    assert "content" in job.report_payload
    assert job.warnings is not None
    assert any("charter section could not be written" in warning for warning in job.warnings)


async def test_a_writer_that_hangs_past_its_step_timeout_falls_back_and_the_job_completes(
    database: Database, settings: Settings
) -> None:
    job_id = await demo_job(database)
    calls: list[int] = []

    async def hanging() -> SectionResult:
        calls.append(1)
        await asyncio.Event().wait()  # a stuck call that ignores its deadline: only the step timeout ends it
        raise AssertionError("unreachable")

    # Long enough for the other steps on a slow machine; the hanging writer alone reaches it.
    quick = settings.model_copy(update={"job_step_timeout_seconds": 3.0, "retirement_paths": 200})
    job = await run_to_end(
        database,
        AnalysisWorkflow(
            database, settings=quick, prices=CataloguePrices(), team=_FaultyTeam(quick, "retirement", hanging)
        ),
        job_id,
    )
    assert len(calls) == 1  # no retry of the whole job for a model step
    assert job.status == "completed"
    assert job.retirement_payload is not None
    assert job.retirement_payload["fallback"] is True
    assert job.warnings is not None
    assert any("retirement step took longer" in warning for warning in job.warnings)
    kinds = [e.kind for e in await job_events.since(database, job_id=job_id, after_id=0)]
    assert "job_retrying" not in kinds


async def test_analytics_failure_fails_the_job_at_once(database: Database, settings: Settings) -> None:
    job_id = await demo_job(database)
    async with database.session() as session:  # stored data the rules cannot accept
        await session.execute(text("""UPDATE users SET rule_thresholds = '{"no_such_rule": {}}'"""))
        await session.commit()
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        job_id,
    )
    assert job.status == "failed"
    assert job.attempts == 1
    assert "analysis could not be computed" in (job.error_message or "")


async def test_a_rerun_overwrites_the_same_job(database: Database, settings: Settings) -> None:
    job_id = await demo_job(database)
    planner = AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings))
    first = await run_to_end(database, planner, job_id)
    async with database.session() as session:
        await session.execute(text("UPDATE jobs SET status = 'failed' WHERE id = :j"), {"j": job_id})
        await session.commit()
        assert await job_queue.requeue(session, job_id=job_id)
        await session.execute(text("DELETE FROM job_events WHERE job_id = :j"), {"j": job_id})
        await session.commit()
    second = await run_to_end(database, planner, job_id)
    assert second.status == "completed"
    assert second.report_payload is not None
    assert first.report_payload is not None
    assert second.report_payload["generated_at"] >= first.report_payload["generated_at"]
    async with database.session() as session:
        assert (await session.execute(text("SELECT count(*) FROM jobs"))).scalar_one() == 1


class _OneQuote:
    """A provider that knows SPY's price and cannot price QQQ (the Polygon provider's two outcomes)."""

    name = "test-provider"

    async def aclose(self) -> None:
        """Nothing to release."""

    async def quotes(self, symbols: Sequence[str]) -> PriceResult:
        from datetime import UTC, datetime

        return PriceResult(
            quotes={
                "SPY": PriceQuote(
                    symbol="SPY", price=Decimal("512.34"), source="test-provider", as_of=datetime.now(UTC)
                )
            },
            problems={"QQQ": "no price from the provider (HTTP 404)"},
        )


async def test_prices_from_the_provider_update_the_catalogue_and_problems_are_warnings(
    database: Database, settings: Settings
) -> None:
    job_id = await demo_job(database)
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=_OneQuote(), team=Team(settings)),
        job_id,
    )
    assert job.status == "completed"
    async with database.session() as session:
        spy = (
            await session.execute(
                text("SELECT current_price, price_source FROM instruments WHERE symbol='SPY'")
            )
        ).one()
        qqq = (
            await session.execute(text("SELECT current_price FROM instruments WHERE symbol='QQQ'"))
        ).scalar_one()
    assert (spy.current_price, spy.price_source) == (Decimal("512.34"), "test-provider")
    assert qqq == Decimal("385.5")  # the catalogue price stands; never an invented one
    assert job.warnings is not None
    assert any(w.startswith("QQQ: no price") for w in job.warnings)
    holdings = (
        {h["symbol"]: h for h in job.summary_payload["positions"]["holdings"]} if job.summary_payload else {}
    )
    assert Decimal(holdings["SPY"]["value"]) == Decimal("512.34") * 150
