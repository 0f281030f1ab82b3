"""The agent team of one worker: each agent on its configured model, or offline.

``Team.write`` produces one payload section. With a model it runs the agent through the
guardrails; when the run falls back (invalid, ungrounded, over budget, unreachable) the offline
writer's section is used instead, marked ``fallback`` with the reason, and the job gets a
warning. Offline sections get an audit row too, so the audit trail explains every section.
Sections that passed carry their guardrail verdicts (``flagged`` when any fired, e.g. a
neutralised account name or a report cut to length).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from pydantic_ai import Agent
from pydantic_ai.models import Model

from alex.agents import briefs, charter, reporter, retirement, tagger
from alex.agents.breaker import Breaker
from alex.agents.budget import JobBudget
from alex.agents.checks import WriterDeps
from alex.agents.context import Fitted, TooLarge, context_window, fit, schema_chars
from alex.agents.endpoints import Endpoints
from alex.agents.guarded import (
    AgentCall,
    Guarded,
    GuardrailEvent,
    JobContext,
    Progress,
    input_hash,
    record_offline,
    run_guarded,
)
from alex.agents.llm import build_model, model_settings, output_mode, retry_policy
from alex.agents.prompts import load
from alex.analysis.fact_index import Grounder
from alex.analysis.facts import AnalysisFacts
from alex.analysis.payloads import charts_payload, report_payload, retirement_payload
from alex.analysis.writer_sets import (
    OFFLINE_WRITERS,
    Classification,
    SectionResult,
    Unclassified,
    provenance,
)
from alex.db import job_events
from alex.db.engine import Database
from alex.db.models import AgentName
from alex.deadlines import Deadline
from alex.observability.tracing import configure_tracing
from alex.settings import OFFLINE_MODEL, Settings

Section = dict[str, Any]
TRIM_ORDER: Final[Mapping[str, tuple[str, ...]]] = {
    # What a writer's facts lose first when the prompt must shrink to fit the context window: the
    # details the offline parts of the analysis show anyway, before what the text is about.
    AgentName.REPORTER: (
        "rebalancing",
        "retirement_projection.percentiles",
        "rules",
        "drift",
        "positions",
        "retirement_projection",
    ),
    AgentName.RETIREMENT: ("percentiles",),
}
_OUTPUTS: Final[Mapping[str, type[Any]]] = {
    AgentName.TAGGER: tagger.InstrumentClassificationWithRationale,
    AgentName.REPORTER: reporter.ReportDraft,
    AgentName.CHARTER: charter.ChartPlan,
    AgentName.RETIREMENT: retirement.RetirementDraft,
}
"""Each agent's output type, whose schema every prompt carries (as a tool, a response format, or text)."""
_NOTES: Final = frozenset({"trimmed", "estimated"})
"""Event outcomes that explain a run (its prompt was trimmed, its tokens estimated) without flagging it."""
_WARNINGS: Final = {
    "neutralised": "Text that looked like an instruction to the AI was withheld from it ({detail}).",
    "truncated": "The {agent} section was shortened to fit its length limit.",
}


@dataclass(frozen=True, slots=True)
class _Seat:
    """One agent's place in the team: its model (``None`` offline) and its built pydantic-ai agent."""

    model_name: str
    model: Model | None
    agent: Agent[Any, Any] | None
    fixed_chars: int = 0
    """Instructions and output schema: the part of every prompt that cannot be trimmed."""


class Team:
    def __init__(self, settings: Settings, *, models: Mapping[str, Model] | None = None) -> None:
        """``models`` replaces configured models by agent name (tests, benchmarks)."""
        self.settings = settings
        builders: dict[AgentName, Callable[..., Agent[Any, Any]]] = {
            AgentName.TAGGER: tagger.build,
            AgentName.REPORTER: reporter.build,
            AgentName.CHARTER: charter.build,
            AgentName.RETIREMENT: retirement.build,
        }
        self._seats: dict[str, _Seat] = {}
        for agent in AgentName:
            given = (models or {}).get(agent)
            name = f"{given.system}:{given.model_name}" if given is not None else settings.model_for(agent)
            model = (
                given
                if given is not None
                else (None if name == OFFLINE_MODEL else build_model(name, settings))
            )
            built = (
                None
                if model is None
                else builders[agent](
                    mode=output_mode(settings, name), output_retries=settings.model_output_retries
                )
            )
            fixed = 0 if built is None else len(load(agent).text) + schema_chars(_OUTPUTS[agent])
            self._seats[agent] = _Seat(model_name=name, model=model, agent=built, fixed_chars=fixed)
        if any(seat.model is not None for seat in self._seats.values()):
            configure_tracing(settings)  # spans, and trace ids in the audit trail
        self.endpoints = Endpoints(settings)
        self._entered: dict[int, Model] = {}

    async def _ready(self, model: Model) -> None:
        """Enter a model once, so its HTTP client lives as long as the team, then is closed."""
        if id(model) not in self._entered:
            self._entered[id(model)] = model
            await model.__aenter__()

    async def aclose(self) -> None:
        entered, self._entered = list(self._entered.values()), {}
        for model in entered:
            await model.__aexit__(None, None, None)

    def model_name(self, agent: str) -> str:
        return self._seats[agent].model_name

    @property
    def tags(self) -> bool:
        """Whether a model classifies unknown instruments (offline, they stay unclassified)."""
        return self._seats[AgentName.TAGGER].model is not None

    def for_job(
        self,
        *,
        database: Database,
        job_id: uuid.UUID,
        user_id: str,
        attempt: int,
        known_tickers: frozenset[str],
    ) -> BoundTeam:
        """The team's agents for one job: one token budget and one audit trail for all its runs."""
        job = JobContext(
            job_id=job_id,
            user_id=user_id,
            attempt=attempt,
            database=database,
            budget=JobBudget.from_settings(self.settings),
            breaker=Breaker(self.settings.model_breaker_failures),
            known_tickers=known_tickers,
        )
        return BoundTeam(self, job)

    def _fitted(
        self, agent: str, tag: str, data: Any, task: str
    ) -> tuple[Fitted | TooLarge, list[GuardrailEvent]]:
        """The agent's prompt, trimmed to fit its model's context window, and the input guardrail's
        verdicts on the strings in it."""
        seat = self._seats[agent]
        # Cleaned once (scanning every string is the costly part); trimming then drops whole entries.
        clean_data, found = briefs.cleaned(data)
        fitted = fit(
            agent=agent,
            payload=clean_data,
            render=lambda payload: briefs.framed(tag, payload, task=task),
            fixed_chars=seat.fixed_chars,
            window=context_window(self.settings, seat.model_name),
            max_tokens=self.settings.max_tokens_for(agent),
            drop=TRIM_ORDER.get(agent, ()),
        )
        omitted = fitted.omitted if isinstance(fitted, Fitted) else ()
        # Verdicts on strings that were left out did not reach the model.
        events = [e for e in found if not any(_within(e.detail, path) for path in omitted)]
        if omitted:
            events.append(GuardrailEvent("context", "trimmed", "left out to fit: " + ", ".join(omitted)))
        return fitted, events

    async def _call(
        self, agent: str, fitted: Fitted | TooLarge, *, deadline: Deadline, subject: str | None = None
    ) -> AgentCall:
        seat = self._seats[agent]
        assert seat.model is not None
        await self._ready(seat.model)
        settings = model_settings(self.settings, agent)
        if isinstance(fitted, Fitted):
            settings["max_tokens"] = fitted.max_tokens
        return AgentCall(
            name=agent,
            model_name=seat.model_name,
            model=seat.model,
            prompt=load(agent),
            retry=retry_policy(self.settings),
            settings=settings,
            deadline=deadline,
            slots=self.endpoints.slots(seat.model_name),
            stream=self.settings.model_stream,
            subject=subject,
            skip=fitted.reason if isinstance(fitted, TooLarge) else None,
        )

    async def classify(
        self, symbol: str, name: str, job: JobContext, *, deadline: Deadline
    ) -> Guarded[tagger.InstrumentClassificationWithRationale]:
        seat = self._seats[AgentName.TAGGER]
        assert seat.agent is not None, "classify needs a tagger model"
        fitted, events = self._fitted(
            AgentName.TAGGER, "instrument", {"symbol": symbol, "name": name}, tagger.TASK
        )
        return await run_guarded(
            seat.agent,
            await self._call(AgentName.TAGGER, fitted, deadline=deadline, subject=symbol),
            job=job,
            user_prompt=fitted.prompt if isinstance(fitted, Fitted) else "",
            deps=tagger.TaggerDeps(symbol=symbol),
            summarise=tagger.summarise,
            input_events=events,
        )

    async def write(
        self, section: str, facts: AnalysisFacts, job: JobContext, *, deadline: Deadline
    ) -> SectionResult:
        """One of ``reporter``, ``charter``, ``retirement``: the payload section and its warnings."""
        seat = self._seats[section]
        if seat.agent is None:
            return await self._offline(section, facts, job)
        tag, data, task, summarise = _brief(section, facts)
        fitted, events = self._fitted(section, tag, data, task)
        deps = WriterDeps(
            facts=facts,
            grounder=Grounder.for_facts(facts, known_tickers=job.known_tickers),
            max_chars=self.settings.report_max_chars,
        )
        run = await run_guarded(
            seat.agent,
            await self._call(section, fitted, deadline=deadline),
            job=job,
            user_prompt=fitted.prompt if isinstance(fitted, Fitted) else "",
            deps=deps,
            summarise=summarise,
            input_events=events,
            progress=_progress(section, job),
        )
        warnings = _warnings(section, run.events)
        written_by = provenance(
            model=seat.model_name,
            outcome=run.outcome,
            fallback=run.output is None,
            fallback_reason=run.plain_reason,  # the technical reason is in the audit row
            flagged=any(event.outcome not in _NOTES for event in run.events),
            guardrails=[event.as_dict() for event in run.events],
        )
        if run.output is None:
            warnings.append(
                f"The {section} section was written by Alex's offline writer instead: {run.plain_reason}."
            )
            return SectionResult(
                _marked(OFFLINE_WRITERS.section(section, facts), section), written_by, warnings
            )
        return SectionResult(
            _model_section(section, run.output, facts, seat.model_name), written_by, warnings
        )

    async def _offline(self, section: str, facts: AnalysisFacts, job: JobContext) -> SectionResult:
        started = time.perf_counter()
        payload = await asyncio.to_thread(OFFLINE_WRITERS.section, section, facts)
        await record_offline(
            job,
            agent=section,
            digest=input_hash(
                OFFLINE_MODEL, json.dumps(briefs.portfolio_facts(facts), sort_keys=True, default=str)
            ),
            summary={"characters": len(json.dumps(payload, default=str))},
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        return SectionResult(
            payload, provenance(model=OFFLINE_MODEL, outcome="passed", fallback=False, flagged=False)
        )


class BoundTeam:
    """The team bound to one job (what the analysis workflow calls)."""

    def __init__(self, team: Team, job: JobContext) -> None:
        self.team = team
        self.job = job

    async def classify(self, symbol: str, name: str, *, deadline: Deadline) -> Classification | Unclassified:
        result = await self.team.classify(symbol, name, self.job, deadline=deadline)
        if result.output is None:
            return Unclassified(reason=result.plain_reason or "the model gave no valid classification")
        maps = result.output.maps()
        return Classification(
            instrument_type=result.output.instrument_type.value,
            asset_class=maps["asset_class"],
            regions=maps["regions"],
            sectors=maps["sectors"],
            source=self.team.model_name(AgentName.TAGGER),
        )

    async def write(self, section: str, facts: AnalysisFacts, *, deadline: Deadline) -> SectionResult:
        return await self.team.write(section, facts, self.job, deadline=deadline)


Summarise = Callable[[Any], tuple[dict[str, Any], str | None]]


def _brief(section: str, facts: AnalysisFacts) -> tuple[str, Any, str, Summarise]:
    """A writer's data block name, its data, its task and how its audit row summarises the output."""
    if section == AgentName.REPORTER:
        return "portfolio_facts", briefs.portfolio_facts(facts), reporter.TASK, reporter.summarise
    if section == AgentName.CHARTER:
        return "available_charts", charter.menu(facts), charter.TASK, charter.summarise
    return "retirement_facts", briefs.retirement_facts(facts), retirement.TASK, retirement.summarise


def _progress(section: str, job: JobContext) -> Progress:
    async def report(characters: int) -> None:
        await job_events.record_best_effort(
            job.database,
            job_id=job.job_id,
            attempt=job.attempt,
            kind="step_progress",
            step=section,
            message=f"{section}: about {characters:,} characters written",
            data={"characters": characters},
        )

    return report


def _within(detail: str, path: str) -> bool:
    """Whether an input event's ``detail`` ("accounts[0].name: role") is about a string under ``path``."""
    where = detail.split(":", 1)[0]
    return where == path or where.startswith((f"{path}.", f"{path}["))


def _model_section(section: str, output: Any, facts: AnalysisFacts, model_name: str) -> Section:
    now = datetime.now(UTC)
    if section == AgentName.REPORTER:
        return report_payload(reporter.finish(output, model_name=model_name), generated_at=now)
    if section == AgentName.CHARTER:
        return charts_payload(charter.finish(output, facts=facts, model_name=model_name))
    return retirement_payload(retirement.finish(output, model_name=model_name), facts=facts, generated_at=now)


def _marked(payload: Section, section: str) -> Section:
    """A fallback report or retirement text says so in its own payload; charts stay a pure chart map."""
    return payload if section == AgentName.CHARTER else {**payload, "fallback": True}


def _warnings(section: str, events: list[GuardrailEvent]) -> list[str]:
    warnings: list[str] = []
    for event in events:
        template = _WARNINGS.get(event.outcome)
        if template is not None:
            warnings.append(template.format(agent=section, detail=event.detail))
    return list(dict.fromkeys(warnings))
