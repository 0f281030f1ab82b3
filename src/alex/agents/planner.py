"""The planner: a code-defined workflow (not a model deciding) that turns a job into its payloads.

    snapshot → tagger → prices → analytics → (reporter ∥ charter ∥ retirement writer) → summary

Each step emits started/finished events. A step's failure is contained where the product can
still say something useful: the team falls back to the offline writer when a model's output
fails its guardrails; if the team itself fails, the offline writer is tried once more, and if
that fails too the section is recorded as failed while the rest completes (the job ends
completed with warnings). Without a snapshot or analytics there is nothing to say, so those fail
the job. A step that times out is transient: the whole job is retried (writers are idempotent,
results are published in one fenced write at the end).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import update

from alex.agents.budget import JobBudget
from alex.agents.facts import AnalysisFacts
from alex.agents.guarded import JobContext
from alex.agents.team import Team
from alex.agents.writers import OFFLINE, WriterSet, facts_for, summary
from alex.db import instruments
from alex.db import snapshot as snapshots
from alex.db.engine import Database
from alex.db.models import Instrument
from alex.jobs import events
from alex.jobs.errors import PermanentError, TransientError, describe
from alex.jobs.queue import Claim
from alex.jobs.worker import JobResult
from alex.market.prices import PriceProvider
from alex.settings import Settings

T = TypeVar("T")

WRITER_STEPS = ("reporter", "charter", "retirement")


@dataclass
class _Run:
    claim: Claim
    warnings: list[str]
    job: JobContext
    provenance: dict[str, Any]


class Planner:
    def __init__(
        self,
        database: Database,
        *,
        settings: Settings,
        prices: PriceProvider,
        team: Team | None = None,
        fallback: WriterSet = OFFLINE,
    ) -> None:
        self.database = database
        self.settings = settings
        self.prices = prices
        self.team = team or Team(settings)
        self.fallback = fallback

    async def aclose(self) -> None:
        """Release the models' and the price provider's connections (both may hold HTTP clients)."""
        await self.team.aclose()
        close = getattr(self.prices, "aclose", None)
        if close is not None:
            await close()

    async def run(self, claim: Claim) -> JobResult:
        async with self.database.session() as session:
            known = await instruments.known_symbols(session)
        job = JobContext(
            job_id=claim.job_id,
            user_id=claim.user_id,
            attempt=claim.attempt,
            database=self.database,
            budget=JobBudget.from_settings(self.settings),
            known_tickers=known,
        )
        run = _Run(claim=claim, warnings=[], job=job, provenance={})
        snapshot = await self._step(run, "snapshot", self._load_snapshot(claim))
        snapshot = await self._step(run, "tagger", self._tag(run, snapshot))
        snapshot = await self._step(run, "prices", self._refresh_prices(run, snapshot))
        facts = await self._step(run, "analytics", self._analyse(run, snapshot))
        sections = await asyncio.gather(*(self._write(run, name, facts) for name in WRITER_STEPS))
        payloads = dict(zip(("report", "charts", "retirement"), sections, strict=True))
        payloads["summary"] = await self._step(run, "summary", self._summarise(run, facts))
        return JobResult(payloads=payloads, warnings=run.warnings)

    async def _step(self, run: _Run, name: str, work: Awaitable[T]) -> T:
        await self._event(run, "step_started", name, f"{name} started")
        started = time.perf_counter()
        try:
            result = await asyncio.wait_for(work, timeout=self.settings.job_step_timeout_seconds)
        except TimeoutError:
            await self._event(run, "step_failed", name, f"{name} timed out")
            raise TransientError(
                f"the {name} step took longer than {self.settings.job_step_timeout_seconds:g} s"
            ) from None
        except Exception as exc:
            await self._event(run, "step_failed", name, f"{name} failed: {describe(exc)}")
            raise
        await self._event(
            run,
            "step_finished",
            name,
            f"{name} finished",
            data={"duration_ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        return result

    async def _event(
        self, run: _Run, kind: events.EventKind, step: str, message: str, data: dict[str, Any] | None = None
    ) -> None:
        await events.record_best_effort(
            self.database,
            job_id=run.claim.job_id,
            attempt=run.claim.attempt,
            kind=kind,
            step=step,
            message=message,
            data=data,
        )

    async def _load_snapshot(self, claim: Claim) -> snapshots.PortfolioSnapshot:
        async with self.database.session() as session:
            loaded = await snapshots.load(session, user_id=claim.user_id)
        if loaded is None:
            raise PermanentError("the user of this job no longer exists")
        return loaded

    async def _tag(self, run: _Run, snapshot: snapshots.PortfolioSnapshot) -> snapshots.PortfolioSnapshot:
        """Classify the user's unclassified instruments with the tagger model, a few at a time.

        Offline, nothing is classified: allocations are never invented, and the analysis names
        each unclassified holding in a warning. A classification that fails its guardrails
        leaves the instrument unclassified, with a warning.
        """
        pending = sorted((s, i) for s, i in snapshot.instruments().items() if i.needs_classification)
        if not pending or not self.team.tags:
            return snapshot
        slots = asyncio.Semaphore(self.settings.tagger_concurrency)

        async def classify(symbol: str, name: str) -> bool:
            async with slots:
                result = await self.team.classify(symbol, name, run.job)
            if result.output is None:
                run.warnings.append(f"{symbol} could not be classified by the model ({result.reason}).")
                return False
            maps = result.output.maps()
            async with self.database.session() as session:
                # The catalogue write checks the maps once more: every user sees that row.
                await instruments.store_model_classification(
                    session,
                    symbol=symbol,
                    instrument_type=result.output.instrument_type.value,
                    asset_class=maps["asset_class"],
                    regions=maps["regions"],
                    sectors=maps["sectors"],
                    source=self.team.model_name("tagger"),
                )
                await session.commit()
            return True

        stored = await asyncio.gather(*(classify(symbol, item.name) for symbol, item in pending))
        if not any(stored):
            return snapshot
        async with self.database.session() as session:
            return await snapshots.load(session, user_id=run.claim.user_id) or snapshot

    async def _refresh_prices(
        self, run: _Run, snapshot: snapshots.PortfolioSnapshot
    ) -> snapshots.PortfolioSnapshot:
        symbols = sorted(snapshot.instruments())
        if not symbols:
            return snapshot
        try:
            result = await self.prices.quotes(symbols)
        except Exception as exc:  # contained: the catalogue prices still stand
            run.warnings.append(
                f"Prices could not be refreshed ({describe(exc)}); catalogue prices were used."
            )
            return snapshot
        for symbol, problem in sorted(result.problems.items()):
            run.warnings.append(f"{symbol}: {problem}; the catalogue price was used.")
        if not result.quotes:
            return snapshot
        async with self.database.session() as session:
            for quote in result.quotes.values():
                await session.execute(
                    update(Instrument)
                    .where(Instrument.symbol == quote.symbol)
                    .values(
                        current_price=quote.price, price_source=quote.source, price_updated_at=quote.as_of
                    )
                )
            await session.commit()
            refreshed = await snapshots.load(session, user_id=run.claim.user_id)
        return refreshed or snapshot

    async def _analyse(self, run: _Run, snapshot: snapshots.PortfolioSnapshot) -> AnalysisFacts:
        try:
            facts = await asyncio.to_thread(
                facts_for, snapshot, paths=self.settings.retirement_paths, warnings=tuple(run.warnings)
            )
        except ValueError as exc:  # bad stored data (e.g. thresholds); retrying cannot help
            raise PermanentError(f"the analysis could not be computed: {exc}") from exc
        # The facts carry the earlier steps' warnings first, then the analysis's own.
        run.warnings[:] = list(facts.warnings)
        return facts

    async def _write(self, run: _Run, name: str, facts: AnalysisFacts) -> dict[str, Any]:
        try:
            result = await self._step(run, name, self.team.write(name, facts, run.job))
        except TransientError:
            raise
        except Exception as exc:
            run.warnings.append(f"The {name} fell back to the offline writer ({describe(exc)}).")
        else:
            run.warnings.extend(result.warnings)
            run.provenance[name] = result.provenance
            return result.payload
        writer: Callable[[AnalysisFacts], dict[str, Any]] = getattr(self.fallback, name)
        try:
            section = await self._step(run, f"{name}_fallback", asyncio.to_thread(writer, facts))
        except TransientError:
            raise
        except Exception as exc:
            run.warnings.append(f"The {name} section could not be written: {describe(exc)}.")
            run.provenance[name] = {"model": None, "outcome": "failed", "fallback": True, "flagged": True}
            return {"status": "failed", "error": describe(exc), "agent": name}
        run.provenance[name] = {"model": "offline", "outcome": "fell_back", "fallback": True, "flagged": True}
        return section if name == "charter" else {**section, "fallback": True}

    async def _summarise(self, run: _Run, facts: AnalysisFacts) -> dict[str, Any]:
        return {**summary(facts, warnings=run.warnings), "agents": run.provenance}
