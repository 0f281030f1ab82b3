"""The analysis workflow: a code-defined sequence (not a model deciding) that turns a job into its payloads.

    snapshot → tagger → prices → analytics → (reporter ∥ charter ∥ retirement writer) → summary

It is the handler of ``portfolio_analysis`` jobs (the composition root registers ``run``). Each
step emits started/finished events. A step's failure is contained where the product can still say
something useful: the team falls back to the offline writer when a model's output fails its
guardrails; if the team itself fails, the offline writer is tried once more, and if that fails too
the section is recorded as failed while the rest completes (the job ends completed with warnings).
Without a snapshot or analytics there is nothing to say, so those fail the job.

An analysis never fails because of a model. Model time is a budget that nests: the job's
(``ALEX_JOB_MODEL_SECONDS``), of which the tagger may use ``TAGGER_SHARE``, each model step at
most ``STEP_SHARE`` of its step timeout, each agent run its step's deadline, each call within
its run's. What a model has not done by its deadline is done offline: instruments stay
unclassified (flagged), sections come from the offline writers. Should a model step still reach
its step timeout, it falls back the same way; only the other steps' timeouts are transient
failures that retry the whole job (writers are idempotent, results are published in one fenced
write at the end).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from alex.analysis.facts import AnalysisFacts, facts_for
from alex.analysis.payloads import summary_section
from alex.analysis.writer_sets import (
    OFFLINE_WRITERS,
    AgentTeam,
    Classification,
    JobAgents,
    WriterSet,
    provenance,
)
from alex.db import instruments, job_events
from alex.db import snapshot as snapshots
from alex.db.engine import Database
from alex.db.job_queue import Claim
from alex.db.models import AgentName
from alex.deadlines import Deadline
from alex.failures import PermanentError, TransientError, describe
from alex.jobs.worker import JobResult
from alex.market.prices import PriceProvider
from alex.observability import tracing
from alex.settings import OFFLINE_MODEL, Settings

T = TypeVar("T")

JOB_TYPE = "portfolio_analysis"
"""The job type this workflow handles."""
PAYLOAD_OF: Final = {
    AgentName.REPORTER: "report",
    AgentName.CHARTER: "charts",
    AgentName.RETIREMENT: "retirement",
}
"""The writers, run side by side, and the job payload each fills."""
TAGGER_SHARE: Final = 0.4
"""Of the job's model time, the most classifying may take: the writers need the rest."""
STEP_SHARE: Final = 0.8
"""Of a model step's timeout, the most its model runs may take: falling back fits in the rest."""
UNCLASSIFIED_LISTED: Final = 5


class StepTimedOutError(TransientError):
    """A step ran past ``ALEX_JOB_STEP_TIMEOUT_SECONDS``."""


@dataclass
class _Run:
    claim: Claim
    warnings: list[str]
    agents: JobAgents
    provenance: dict[str, Any]
    model_time: Deadline
    """The job's model time (``ALEX_JOB_MODEL_SECONDS``), from the start of the run."""


class AnalysisWorkflow:
    def __init__(
        self,
        database: Database,
        *,
        settings: Settings,
        prices: PriceProvider,
        team: AgentTeam,
        fallback: WriterSet = OFFLINE_WRITERS,
    ) -> None:
        self.database = database
        self.settings = settings
        self.prices = prices
        self.team = team
        self.fallback = fallback

    async def aclose(self) -> None:
        """Release the models' and the price provider's connections (both may hold HTTP clients)."""
        await self.team.aclose()
        await self.prices.aclose()

    async def run(self, claim: Claim) -> JobResult:
        async with self.database.session() as session:
            known = await instruments.known_symbols(session)
        agents = self.team.for_job(
            database=self.database,
            job_id=claim.job_id,
            user_id=claim.user_id,
            attempt=claim.attempt,
            known_tickers=known,
        )
        run = _Run(
            claim=claim,
            warnings=[],
            agents=agents,
            provenance={},
            model_time=Deadline.after(self.settings.job_model_seconds),
        )
        snapshot = await self._step(run, "snapshot", self._load_snapshot(claim))
        try:
            snapshot = await self._step(run, AgentName.TAGGER, self._tag(run, snapshot))
        except StepTimedOutError:  # a backstop: the tagger's own deadline ends it sooner
            run.warnings.append("Classifying new instruments took too long; the rest stay unclassified.")
        snapshot = await self._step(run, "prices", self._refresh_prices(run, snapshot))
        facts = await self._step(run, "analytics", self._analyse(run, snapshot))
        sections = await asyncio.gather(*(self._write(run, name, facts) for name in PAYLOAD_OF))
        payloads = dict(zip(PAYLOAD_OF.values(), sections, strict=True))
        payloads["summary"] = await self._step(run, "summary", self._summarise(run, facts))
        return JobResult(payloads=payloads, warnings=run.warnings)

    async def _step(self, run: _Run, name: str, work: Awaitable[T]) -> T:
        with tracing.step_span(name) as span:
            await self._event(run, "step_started", name, f"{name} started")
            started = time.perf_counter()
            try:
                result = await asyncio.wait_for(work, timeout=self.settings.job_step_timeout_seconds)
            except TimeoutError:
                tracing.set_error(span, "timed out")
                await self._event(run, "step_failed", name, f"{name} timed out")
                raise StepTimedOutError(
                    f"the {name} step took longer than {self.settings.job_step_timeout_seconds:g} s"
                ) from None
            except Exception as exc:
                tracing.set_error(span, describe(exc))
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
        self,
        run: _Run,
        kind: job_events.EventKind,
        step: str,
        message: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        await job_events.record_best_effort(
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
        deadline = self._model_deadline(run, share=TAGGER_SHARE)
        unclassified: dict[str, list[str]] = {}

        async def classify(symbol: str, name: str) -> bool:
            async with slots:
                result = await run.agents.classify(symbol, name, deadline=deadline)
            if not isinstance(result, Classification):
                unclassified.setdefault(result.reason, []).append(symbol)
                return False
            async with self.database.session() as session:
                # The catalogue write checks the maps once more: every user sees that row.
                await instruments.store_model_classification(
                    session,
                    symbol=symbol,
                    instrument_type=result.instrument_type,
                    asset_class=result.asset_class,
                    regions=result.regions,
                    sectors=result.sectors,
                    source=result.source,
                )
                await session.commit()
            return True

        stored = await asyncio.gather(*(classify(symbol, item.name) for symbol, item in pending))
        for reason, symbols in unclassified.items():
            run.warnings.append(f"{_listed(sorted(symbols))} could not be classified by the model: {reason}.")
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
                await instruments.set_catalogue_price(
                    session, symbol=quote.symbol, price=quote.price, source=quote.source, as_of=quote.as_of
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

    def _model_deadline(self, run: _Run, *, share: float = 1.0) -> Deadline:
        """A model step's deadline: within its share of the job's model time and of its timeout."""
        return run.model_time.share(share).within(self.settings.job_step_timeout_seconds * STEP_SHARE)

    async def _write(self, run: _Run, name: AgentName, facts: AnalysisFacts) -> dict[str, Any]:
        try:
            result = await self._step(
                run, name, run.agents.write(name, facts, deadline=self._model_deadline(run))
            )
        except StepTimedOutError as exc:  # a backstop: the run's own deadline ends it sooner
            run.warnings.append(f"The {name} fell back to the offline writer ({describe(exc)}).")
        except TransientError:
            raise
        except Exception as exc:
            run.warnings.append(f"The {name} fell back to the offline writer ({describe(exc)}).")
        else:
            run.warnings.extend(result.warnings)
            run.provenance[name] = result.provenance
            return result.payload
        try:
            section = await self._step(
                run, f"{name}_fallback", asyncio.to_thread(self.fallback.section, name, facts)
            )
        except TransientError:
            raise
        except Exception as exc:
            run.warnings.append(f"The {name} section could not be written: {describe(exc)}.")
            run.provenance[name] = provenance(model=None, outcome="failed", fallback=True, flagged=True)
            return {"status": "failed", "error": describe(exc), "agent": name}
        run.provenance[name] = provenance(
            model=OFFLINE_MODEL, outcome="fell_back", fallback=True, flagged=True
        )
        return section if name == AgentName.CHARTER else {**section, "fallback": True}

    async def _summarise(self, run: _Run, facts: AnalysisFacts) -> dict[str, Any]:
        return {**summary_section(facts, warnings=run.warnings), "agents": run.provenance}


def _listed(symbols: list[str]) -> str:
    shown = ", ".join(symbols[:UNCLASSIFIED_LISTED])
    more = len(symbols) - UNCLASSIFIED_LISTED
    return shown if more <= 0 else f"{shown} and {more} more"
