"""One guarded agent run: limits, retries, validation, fallback decision, span and audit row.

Every model-backed agent (tagger, reporter, charter, retirement writer) runs through
``run_guarded``. The agent's own output validators re-ask (``ModelRetry``) when an output is
ungrounded or malformed; this module bounds the run and turns every way it can end without an
answer into a recorded reason instead of an exception:

* before any request: the job's budget is spent, the job's circuit breaker is open for this
  model, or the prompt cannot fit the model's context window (``skip``);
* waiting for a slot of the model's endpoint until the run's deadline;
* the run itself: per-run ``UsageLimits`` within the job's budget, the deadline (streamed: a
  cancelled stream closes its connection, so the server stops generating), transport errors,
  answers that never passed the checks;
* the job being cancelled under it.

Each of those writes the audit row: model, prompt version, input hash, outcome (passed /
re-asked / fell back and why), tokens (estimated from the text, and marked so, when the server
reports none), estimated cost, duration and trace id. The caller decides what falling back means
(the offline writer's section, or leaving an instrument unclassified).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
import warnings
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Literal, Protocol, TypeGuard, TypeVar

from opentelemetry.trace import Span, Status, StatusCode
from pydantic_ai import Agent, RunContext, capture_run_messages
from pydantic_ai.exceptions import (
    ModelAPIError,
    RunTimedOut,
    UnexpectedModelBehavior,
    UsageLimitExceeded,
    UsageLimitUnavailableWarning,
)
from pydantic_ai.messages import (
    AgentStreamEvent,
    ModelMessage,
    ModelRequest,
    ModelRequestPart,
    PartDeltaEvent,
    RetryFeedbackPart,
    RetryPromptPart,
    TextPartDelta,
    ToolCallPartDelta,
    ToolReturnPart,
)
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RunUsage

from alex.agents.breaker import Breaker
from alex.agents.budget import JobBudget, estimated_usage
from alex.agents.llm import RetryingModel, RetryPolicy
from alex.agents.prompts import Prompt
from alex.db import ai_decisions
from alex.db.engine import Database
from alex.deadlines import Deadline
from alex.observability.logging import get_logger
from alex.observability.tracing import agent_span, trace_id_of
from alex.settings import OFFLINE_MODEL

log = get_logger("alex.agents")
# Runs whose server reports no usage are charged an estimate and marked so in their audit row
# (``_settle``); the library's notice that its own limits cannot see those tokens would repeat
# on every such run and say nothing more.
warnings.filterwarnings("ignore", category=UsageLimitUnavailableWarning)

OutputT = TypeVar("OutputT")
Outcome = Literal["passed", "re_asked", "fell_back", "failed"]
DETAIL_MAX = 500
PROGRESS_EVERY = 1000
"""Characters of streamed output between two progress reports."""
Progress = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class GuardrailEvent:
    """One guardrail's verdict on a run, as stored in the audit row."""

    check: str
    """input, schema, grounding, sections, size, usage, budget, breaker, context, transport, deadline,
    cancelled, error"""
    outcome: str
    """neutralised, re_asked, truncated, trimmed, retried, estimated, fell_back"""
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "outcome": self.outcome, "detail": self.detail[:DETAIL_MAX]}


class HasEvents(Protocol):
    """Deps of a guarded agent: validators append their verdicts here."""

    events: list[GuardrailEvent]


D = TypeVar("D", bound=HasEvents)


@dataclass(slots=True)
class JobContext:
    """What every agent run of one job shares."""

    job_id: uuid.UUID
    user_id: str
    attempt: int
    database: Database
    budget: JobBudget
    breaker: Breaker
    known_tickers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AgentCall:
    """Which agent runs on what, with which model and prompt."""

    name: str
    model_name: str
    model: Model
    prompt: Prompt
    retry: RetryPolicy
    settings: ModelSettings
    """Per request: the SDK's own retries off (``RetryingModel`` retries), the per-call timeout, the
    answer's bound (lowered to what the context window leaves)."""
    deadline: Deadline
    """The whole run, waiting for a slot included; each call's timeout is within it."""
    slots: asyncio.Semaphore
    """The model endpoint's slots (``alex.agents.endpoints``)."""
    stream: bool = True
    subject: str | None = None
    skip: str | None = None
    """Why the run must not start (its prompt cannot fit the context window), decided by the caller."""


@dataclass(slots=True)
class Guarded(Generic[OutputT]):
    """A run's result: the output, or ``None`` with the reason to fall back (technical, for the
    audit) and the same said plainly (for the person reading the analysis)."""

    output: OutputT | None
    reason: str | None
    outcome: Outcome
    events: list[GuardrailEvent] = field(default_factory=list)
    plain_reason: str | None = None


# What a person reads when a section fell back, by the check that failed; the audit row keeps the
# technical reason ("no valid output after re-asking: Exceeded maximum output retries (2)").
PLAIN_REASONS: Final = {
    "budget": "this analysis had used up its AI budget",
    "breaker": "the model had failed repeatedly earlier in this analysis, so it was not asked again",
    "context": "the model's context window is too small for this section",
    "usage": "the model needed more than one section may use",
    "transport": "the model could not be reached",
    "schema": "the model's answer did not pass Alex's checks (form, and every figure against yours)",
    "deadline": "the model did not answer in time",
    "cancelled": "the analysis stopped before the model answered",
    "error": "the model run failed",
}


def input_hash(instructions: str, user_prompt: str) -> str:
    """SHA-256 of exactly what the model was given (so two runs on the same input can be matched)."""
    return hashlib.sha256(f"{instructions}\n\x1e\n{user_prompt}".encode()).hexdigest()


async def run_guarded(
    agent: Agent[D, OutputT],
    call: AgentCall,
    *,
    job: JobContext,
    user_prompt: str,
    deps: D,
    summarise: Callable[[OutputT], tuple[dict[str, Any], str | None]],
    input_events: Sequence[GuardrailEvent] = (),
    progress: Progress | None = None,
) -> Guarded[OutputT]:
    """Run one agent within its limits and record it; never raises for a model's misbehaviour.

    Streamed (``call.stream``), the per-call timeout bounds each wait for the next chunk instead of
    the whole answer (a slow local model writing steadily is not cut off; the run's deadline still
    is the bound), and ``progress`` hears how much has been written every ``PROGRESS_EVERY``
    characters. Cancelled from outside, the run still writes its audit row, then lets the
    cancellation through.
    """
    deps.events.extend(input_events)
    usage = RunUsage()
    started = time.perf_counter()
    output: OutputT | None = None
    reason: str | None = None
    asked = estimated = False
    messages: list[ModelMessage] = []
    model = RetryingModel(call.model, call.retry, deadline=call.deadline)
    with agent_span(call.name, job_id=str(job.job_id), subject=call.subject) as span:
        trace_id = trace_id_of(span)

        async def record() -> Guarded[OutputT]:
            events = [
                *deps.events,
                *_schema_reasks(messages),
                *_accounting(usage, model, estimated=estimated),
            ]
            reasked = any(True for _ in _reasks(messages))
            outcome: Outcome = "fell_back" if output is None else ("re_asked" if reasked else "passed")
            summary, rationale = summarise(output) if output is not None else ({"fallback": reason}, None)
            await _record(
                job,
                agent=call.name,
                subject=call.subject,
                model=call.model_name,
                prompt_version=call.prompt.version,
                outcome=outcome,
                digest=input_hash(call.prompt.text, user_prompt),
                summary=summary,
                rationale=rationale,
                usage=usage,
                duration_ms=(time.perf_counter() - started) * 1000,
                events=events,
                trace_id=trace_id,
            )
            _annotate(span, outcome=outcome, usage=usage, events=events)
            fell_back_by = next((event.check for event in events if event.outcome == "fell_back"), "error")
            plain = None if output is not None else PLAIN_REASONS.get(fell_back_by, PLAIN_REASONS["error"])
            return Guarded(output=output, reason=reason, outcome=outcome, events=events, plain_reason=plain)

        def fall_back(check: str, why: str) -> None:
            nonlocal reason
            reason = why
            deps.events.append(GuardrailEvent(check, "fell_back", why))

        try:
            async with _turn(call, job, started) as refusal:
                if refusal is not None:
                    fall_back(*refusal)
                else:
                    asked = True
                    with capture_run_messages() as messages:
                        try:
                            result = await agent.run(
                                user_prompt,
                                deps=deps,
                                model=model,
                                model_settings=call.settings,
                                usage_limits=job.budget.limits(),
                                usage=usage,
                                timeout=max(call.deadline.remaining(), 0.001),
                                event_stream_handler=_reporter(progress) if call.stream else None,
                            )
                            output = result.output
                        except Exception as exc:  # every failure becomes a recorded, flagged fallback
                            why, check = _failure(exc, call)
                            fall_back(check, why)
                            log.warning(
                                "agent_fell_back", agent=call.name, reason=why, error=type(exc).__name__
                            )
        except asyncio.CancelledError:
            fall_back("cancelled", f"cancelled after {_waited(started):g} s (the analysis stopped waiting)")
            estimated = _settle(job, call, usage, messages, asked=asked, passed=False)
            # The row must outlive the cancellation that interrupted the run.
            await asyncio.shield(record())
            raise
        estimated = _settle(job, call, usage, messages, asked=asked, passed=output is not None)
        return await record()


def _annotate(span: Span, *, outcome: Outcome, usage: RunUsage, events: Sequence[GuardrailEvent]) -> None:
    """The run's outcome, tokens and guardrail verdicts on its span (a trace shows why a section fell
    back without the audit table); the verdicts' details stay in the audit row, they quote output."""
    span.set_attributes(
        {
            "alex.outcome": outcome,
            "gen_ai.usage.input_tokens": usage.input_tokens,
            "gen_ai.usage.output_tokens": usage.output_tokens,
        }
    )
    for event in events:
        span.add_event(
            "guardrail", {"alex.guardrail.check": event.check, "alex.guardrail.outcome": event.outcome}
        )
    if outcome == "fell_back":
        span.set_status(Status(StatusCode.ERROR, "fell back to the offline writer"))


def _refusal(call: AgentCall, job: JobContext) -> tuple[str, str] | None:
    """Why the run must not start at all: (check, reason), or ``None``."""
    if (spent := job.budget.exhausted()) is not None:
        return "budget", spent
    if (opened := job.breaker.refusal(call.model_name)) is not None:
        return "breaker", opened
    if call.skip is not None:
        return "context", call.skip
    if call.deadline.expired:
        return "deadline", "no time left in this step for the model"
    return None


@asynccontextmanager
async def _turn(call: AgentCall, job: JobContext, started: float) -> AsyncIterator[tuple[str, str] | None]:
    """The run's turn at the model: a slot of its endpoint, held until the run ends, or why not.

    Waiting for the slot counts against the run's deadline; once the slot is taken the refusals are
    checked again, since the runs ahead in the queue may have spent the budget or opened the breaker.
    """
    if (refusal := _refusal(call, job)) is not None:
        yield refusal
        return
    try:
        async with asyncio.timeout(call.deadline.remaining()):
            await call.slots.acquire()
    except TimeoutError:
        yield "deadline", f"no slot of the model within the run's deadline ({_waited(started):g} s waited)"
        return
    try:
        yield _refusal(call, job)
    finally:
        call.slots.release()


def _settle(
    job: JobContext,
    call: AgentCall,
    usage: RunUsage,
    messages: Sequence[ModelMessage],
    *,
    asked: bool,
    passed: bool,
) -> bool:
    """Charge the job's budget and, when the model was asked, tell the breaker how it went.

    A server that reports no token counts (most local ones, when streaming) is charged an estimate
    from the text; returns whether the counts are estimated.
    """
    estimate = estimated_usage(usage, messages)
    if estimate is not None:
        usage.input_tokens, usage.output_tokens = estimate
    job.budget.charge(usage)
    if asked:
        job.breaker.record(call.model_name, passed=passed)
    return estimate is not None


def _accounting(usage: RunUsage, model: RetryingModel, *, estimated: bool) -> list[GuardrailEvent]:
    events: list[GuardrailEvent] = []
    if model.attempts_made > max(usage.requests, 1):
        events.append(
            GuardrailEvent(
                "transport", "retried", f"{model.attempts_made} calls for {usage.requests} requests"
            )
        )
    if estimated:
        events.append(
            GuardrailEvent(
                "usage",
                "estimated",
                f"the server reported no token counts: about {usage.input_tokens:,} in and "
                f"{usage.output_tokens:,} out, estimated from the text",
            )
        )
    return events


def _waited(started: float) -> float:
    return round(time.perf_counter() - started, 1)


async def record_offline(
    job: JobContext, *, agent: str, digest: str, summary: dict[str, Any], duration_ms: float
) -> None:
    """The audit row of a section the offline writer produced because no model is configured."""
    await _record(
        job,
        agent=agent,
        subject=None,
        model=OFFLINE_MODEL,
        prompt_version=OFFLINE_MODEL,
        outcome="passed",
        digest=digest,
        summary=summary,
        rationale=None,
        usage=RunUsage(),
        duration_ms=duration_ms,
        events=(),
        trace_id=None,
    )


async def _record(
    job: JobContext,
    *,
    agent: str,
    subject: str | None,
    model: str,
    prompt_version: str,
    outcome: Outcome,
    digest: str,
    summary: dict[str, Any],
    rationale: str | None,
    usage: RunUsage,
    duration_ms: float,
    events: Sequence[GuardrailEvent],
    trace_id: str | None,
) -> None:
    """Write one audit row, in its own transaction (it must outlive a job that later fails)."""
    decision = ai_decisions.NewDecision(
        job_id=job.job_id,
        user_id=job.user_id,
        attempt=job.attempt,
        agent=agent,
        subject=subject,
        model=model,
        prompt_version=prompt_version,
        input_sha256=digest,
        outcome=outcome,
        output_summary=summary,
        rationale=rationale,
        tokens_in=usage.input_tokens,
        tokens_out=usage.output_tokens,
        requests=usage.requests,
        estimated_cost=usage.cost,
        duration_ms=round(duration_ms, 1),
        guardrails=[event.as_dict() for event in events],
        trace_id=trace_id,
    )
    async with job.database.session() as session:
        await ai_decisions.add(session, decision)
        await session.commit()


def _reporter(
    progress: Progress | None,
) -> Callable[[RunContext[Any], AsyncIterable[AgentStreamEvent]], Awaitable[None]]:
    """The stream's handler: reads every event (a streamed run needs one) and reports progress."""
    written = 0

    async def handle(ctx: RunContext[Any], stream: AsyncIterable[AgentStreamEvent]) -> None:
        nonlocal written
        async for event in stream:
            if not isinstance(event, PartDeltaEvent):
                continue
            delta = event.delta
            if isinstance(delta, TextPartDelta):
                size = len(delta.content_delta)
            elif isinstance(delta, ToolCallPartDelta) and isinstance(delta.args_delta, str):
                size = len(delta.args_delta)
            else:
                continue
            before, written = written, written + size
            if progress is not None and written // PROGRESS_EVERY > before // PROGRESS_EVERY:
                await progress(written)

    return handle


def _failure(exc: Exception, call: AgentCall) -> tuple[str, str]:
    """A reason for the audit row and the job's warnings (no stack traces, no secrets), and its check."""
    if isinstance(exc, UsageLimitExceeded):
        return f"usage limit reached: {exc.message}", "usage"
    if isinstance(exc, ModelAPIError):
        return (
            f"the model could not be reached after {call.retry.attempts} attempts ({type(exc).__name__})",
            ("transport"),
        )
    if isinstance(exc, UnexpectedModelBehavior):
        return f"no valid output after re-asking: {exc.message}", "schema"
    if isinstance(exc, TimeoutError | RunTimedOut):
        return "no answer before the run's deadline", "deadline"
    return f"the run failed ({type(exc).__name__})", "error"


Reask = RetryFeedbackPart | RetryPromptPart | ToolReturnPart


def _reasks(messages: Sequence[ModelMessage]) -> Iterator[Reask]:
    """The parts of the conversation that asked the model again (validation errors, ModelRetry)."""
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if _is_reask(part):
                    yield part


def _is_reask(part: ModelRequestPart) -> TypeGuard[Reask]:
    # An unusable response is answered with feedback; a retried tool call (output tools included)
    # with its tool return marked retried.
    return isinstance(part, RetryFeedbackPart | RetryPromptPart) or (
        isinstance(part, ToolReturnPart) and part.outcome in ("retried", "failed")
    )


def _schema_reasks(messages: Sequence[ModelMessage]) -> list[GuardrailEvent]:
    """Re-asks pydantic-ai made itself because the output did not match the schema.

    Those carry pydantic's error list; our validators' re-asks carry a sentence and are already
    recorded by the validators themselves.
    """
    events: list[GuardrailEvent] = []
    for part in _reasks(messages):
        if isinstance(part.content, list):
            problems = "; ".join(_error(error) for error in part.content[:3])
            events.append(GuardrailEvent("schema", "re_asked", problems))
    return events


def _error(error: object) -> str:
    if not isinstance(error, Mapping):
        return str(error)[:200]
    where = ".".join(str(x) for x in error.get("loc", ())) or "output"
    return f"{where}: {error.get('msg', '')}"
