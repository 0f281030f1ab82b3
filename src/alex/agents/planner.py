"""The planner: a code-defined workflow (not a model deciding) that turns a job into its payloads.

    snapshot → tagger → prices → analytics → (reporter ∥ charter ∥ retirement writer) → summary

Each step emits started/finished events. A step's failure is contained where the product can
still say something useful: a failed writer falls back to the offline writer, and if that
fails too its section is recorded as failed while the rest completes (the job ends completed
with warnings). Without a snapshot or analytics there is nothing to say, so those fail the job.
A step that times out is transient: the whole job is retried (writers are idempotent, results
are published in one fenced write at the end).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import update

from alex.agents.facts import AnalysisFacts
from alex.agents.writers import OFFLINE, WriterSet, facts_for, summary
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


class Planner:
    def __init__(
        self,
        database: Database,
        *,
        settings: Settings,
        prices: PriceProvider,
        writers: WriterSet = OFFLINE,
        fallback: WriterSet = OFFLINE,
    ) -> None:
        self.database = database
        self.settings = settings
        self.prices = prices
        self.writers = writers
        self.fallback = fallback

    async def aclose(self) -> None:
        """Release the price provider's connections (the Polygon provider holds an HTTP client)."""
        close = getattr(self.prices, "aclose", None)
        if close is not None:
            await close()

    async def run(self, claim: Claim) -> JobResult:
        run = _Run(claim=claim, warnings=[])
        snapshot = await self._step(run, "snapshot", self._load_snapshot(claim))
        await self._step(run, "tagger", self._tag(snapshot))
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

    async def _tag(self, snapshot: snapshots.PortfolioSnapshot) -> list[str]:
        # The offline tagger classifies nothing: it never invents allocations. The analysis names
        # each unclassified holding in a warning; a model-backed tagger will replace this step.
        return sorted(s for s, i in snapshot.instruments().items() if i.needs_classification)

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
        async def attempt(writers: WriterSet) -> dict[str, Any]:
            writer: Callable[[AnalysisFacts], dict[str, Any]] = getattr(writers, name)
            latency = self.settings.simulated_model_latency_seconds
            if latency:
                await asyncio.sleep(latency)  # development and benchmarks: a stand-in for a model call
            return await asyncio.to_thread(writer, facts)

        try:
            return await self._step(run, name, attempt(self.writers))
        except TransientError:
            raise
        except Exception as exc:
            if self.writers is self.fallback:
                run.warnings.append(f"The {name} section could not be written: {describe(exc)}.")
                return {"status": "failed", "error": describe(exc), "agent": name}
            run.warnings.append(f"The {name} fell back to the offline writer ({describe(exc)}).")
        try:
            section = await self._step(run, f"{name}_fallback", attempt(self.fallback))
        except TransientError:
            raise
        except Exception as exc:
            run.warnings.append(f"The {name} section could not be written: {describe(exc)}.")
            return {"status": "failed", "error": describe(exc), "agent": name}
        return {**section, "fallback": True}

    async def _summarise(self, run: _Run, facts: AnalysisFacts) -> dict[str, Any]:
        return summary(facts, warnings=run.warnings)
