"""Response bodies: ``XPublic`` goes out. What comes in (``XCreate``/``XUpdate``) is defined by the
services that validate it (``alex.services``), so the API and the web accept exactly the same input.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
)

from alex.db.instruments import EffectiveClassification, PricedInstrument
from alex.db.positions import PositionView
from alex.domain.retirement.models import ReturnMethod


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- users -------------------------------------------------------------------------------------


class UserPublic(Output):
    id: str
    display_name: str
    email: str | None
    years_until_retirement: int = Field(description="follows from the ages when they are set")
    target_retirement_income: Decimal
    current_age: int | None = Field(
        description="null: not given (the plan then runs on years_until_retirement)"
    )
    retirement_age: int | None
    annual_contribution: Decimal = Field(description="new savings a year until retirement, today's money")
    contribution_growth: float = Field(
        description="percent a year the contribution grows, on top of inflation"
    )
    other_income: Decimal = Field(description="a pension or Social Security, a year in today's money")
    other_income_start_age: int | None = Field(description="null: from retirement on")
    glide_path_equity: float | None = Field(
        description="the equity share (percent) at retirement; null: none"
    )
    retirement_method: ReturnMethod = Field(description="where the simulated market returns come from")
    asset_class_targets: dict[str, float]
    region_targets: dict[str, float]
    rule_thresholds: dict[str, dict[str, float | bool]]
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clerk_user_id(self) -> str:
        """The same as id; kept for the reference's clients."""
        return self.id


class UserEnvelope(BaseModel):
    user: UserPublic
    created: bool


# --- accounts ----------------------------------------------------------------------------------


class AccountPublic(Output):
    id: uuid.UUID
    user_id: str
    account_name: str
    account_purpose: str | None
    account_type: str
    cash_balance: Decimal
    cash_interest: Decimal
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clerk_user_id(self) -> str:
        return self.user_id


# --- instruments and positions -----------------------------------------------------------------


class ClassificationPublic(Output):
    """The classification that applies for you, and where it came from."""

    instrument_type: str | None
    allocation_asset_class: dict[str, float]
    allocation_regions: dict[str, float]
    allocation_sectors: dict[str, float] = Field(
        description="may be empty for your own classification of a holding without equity; "
        "the analysis then counts it as 'other'"
    )
    status: Literal["classified", "unclassified"]
    source: str = Field(
        description='"you" (your own), "model:<model id>" (classified by the tagger model) '
        'or "catalogue" (the shared catalogue, or not classified yet)'
    )
    note: str | None = Field(default=None, description="why you changed it (your own classification only)")
    set_at: datetime | None = Field(default=None, description="when you last set it")


class InstrumentPublic(Output):
    symbol: str
    name: str
    instrument_type: str | None
    current_price: Decimal | None = Field(description="the shared catalogue price; null when unknown")
    price_source: str | None
    user_price: Decimal | None = Field(default=None, description="your own price for this symbol, if set")
    expense_ratio: Decimal | None
    allocation_asset_class: dict[str, float]
    allocation_regions: dict[str, float]
    allocation_sectors: dict[str, float]
    classification_status: str
    classification: ClassificationPublic = Field(
        description="the classification your analysis uses: yours if you set one, else the catalogue's "
        "(the allocation fields above)"
    )


class PositionPublic(Output):
    id: uuid.UUID
    account_id: uuid.UUID
    symbol: str
    quantity: Decimal
    as_of_date: date
    created_at: datetime
    updated_at: datetime
    instrument_name: str
    instrument_type: str | None
    current_price: Decimal | None = Field(
        description="your price if set, else the catalogue's; null when unknown"
    )
    instrument: InstrumentPublic


class PositionList(BaseModel):
    positions: list[PositionPublic]


# --- jobs --------------------------------------------------------------------------------------


class AnalyzeResponse(BaseModel):
    job_id: uuid.UUID
    message: str


class JobPublic(Output):
    id: uuid.UUID
    user_id: str
    job_type: str
    status: str
    request_payload: dict[str, Any] | None
    summary_payload: dict[str, Any] | None
    report_payload: dict[str, Any] | None
    charts_payload: dict[str, Any] | None
    retirement_payload: dict[str, Any] | None
    error_message: str | None
    warnings: list[str] | None
    attempts: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    dead_lettered_at: datetime | None
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clerk_user_id(self) -> str:
        return self.user_id


class JobList(BaseModel):
    jobs: list[JobPublic]


class GuardrailOutcome(Output):
    """One guardrail's verdict on an agent run."""

    check: str = Field(description="e.g. input, schema, grounding, sections, size, usage, budget, deadline")
    outcome: str = Field(description="e.g. neutralised, re_asked, truncated, retried, fell_back")
    detail: str = ""


class AiDecisionPublic(Output):
    """One agent run of a job: what the model (or the offline writer) was given and what came of it."""

    id: uuid.UUID
    job_id: uuid.UUID
    attempt: int = Field(description="the job attempt the run belonged to")
    agent: str = Field(description="tagger, reporter, charter or retirement")
    subject: str | None = Field(description="what the run was about, e.g. the symbol the tagger classified")
    model: str = Field(description='the model id, or "offline"')
    prompt_version: str
    input_sha256: str = Field(description="SHA-256 of exactly what the model was given")
    outcome: str = Field(description="passed, re_asked, fell_back or failed")
    output_summary: dict[str, Any]
    rationale: str | None
    tokens_in: int
    tokens_out: int
    requests: int
    estimated_cost: Decimal | None = Field(description="USD; null when the model has no known price")
    duration_ms: float
    guardrails: list[GuardrailOutcome]
    trace_id: str | None
    created_at: datetime


class JobAudit(BaseModel):
    job_id: uuid.UUID
    decisions: list[AiDecisionPublic]


TraceAttribute = str | int | float | bool | list[str | int | float | bool]


class TraceEventPublic(Output):
    """Something that happened during a span, e.g. a guardrail's verdict."""

    name: str = Field(description='e.g. "guardrail"')
    offset_ms: float | None = Field(
        description="milliseconds after the trace's first span started; null when its time is unreadable"
    )
    attributes: dict[str, TraceAttribute] = Field(
        description="e.g. alex.guardrail.check and alex.guardrail.outcome (content-free)"
    )


class TraceSpanPublic(Output):
    """One span of a job's trace: a request, an attempt, a step, an agent run or a model call."""

    trace_id: str = Field(description="32 hex digits")
    span_id: str = Field(description="16 hex digits")
    parent_span_id: str | None = Field(
        description="null for a root; a span whose parent is not kept is shown as a root (depth 0)"
    )
    name: str = Field(description='e.g. "POST /api/analyze", "job portfolio_analysis", "step reporter"')
    kind: str = Field(description="server, internal, consumer, client or producer")
    status: str = Field(description="unset, ok or error")
    depth: int = Field(description="0 for a root, its parent's depth + 1 otherwise")
    offset_ms: float = Field(description="milliseconds after the trace's first span started")
    duration_ms: float
    model: str | None = Field(description="the model a model call used (or asked for)")
    tokens_in: int | None = Field(description="input tokens of an agent run or model call")
    tokens_out: int | None = Field(description="output tokens of an agent run or model call")
    outcome: str | None = Field(description="an agent run's outcome: passed, re_asked or fell_back")
    status_code: int | None = Field(description="the HTTP status of a request span")
    step: str | None = Field(description="the analysis step of a step span")
    attempt: int | None = Field(description="the job attempt of an attempt span")
    events: list[TraceEventPublic]


class JobTrace(Output):
    """A job's kept spans as a tree: depth-first, children by start time, every attempt included."""

    job_id: uuid.UUID
    trace_ids: list[str] = Field(description="the traces the spans belong to, first seen first")
    started_at: datetime | None = Field(description="when the first span started; null when none is kept")
    total_ms: float = Field(description="milliseconds from the first span's start to the last one's end")
    truncated: bool = Field(description="true when only the first spans (by start) are listed")
    message: str | None = Field(
        description="why spans are missing: none kept (tracing off, or expired) or truncated; "
        "null when the list is whole"
    )
    spans: list[TraceSpanPublic]


class Message(BaseModel):
    message: str


# --- from the services' objects ----------------------------------------------------------------


def classification_public(classification: EffectiveClassification) -> ClassificationPublic:
    return ClassificationPublic(
        instrument_type=classification.instrument_type,
        allocation_asset_class=classification.asset_class,
        allocation_regions=classification.regions,
        allocation_sectors=classification.sectors,
        status="classified" if classification.classified else "unclassified",
        source=classification.source,
        note=classification.note,
        set_at=classification.set_at,
    )


def instrument_public(priced: PricedInstrument) -> InstrumentPublic:
    instrument = priced.instrument
    return InstrumentPublic(
        symbol=instrument.symbol,
        name=instrument.name,
        instrument_type=instrument.instrument_type,
        current_price=instrument.current_price,
        price_source=instrument.price_source,
        user_price=priced.user_price,
        expense_ratio=instrument.expense_ratio,
        allocation_asset_class=instrument.allocation_asset_class,
        allocation_regions=instrument.allocation_regions,
        allocation_sectors=instrument.allocation_sectors,
        classification_status=instrument.classification_status,
        classification=classification_public(priced.classification),
    )


def position_public(view: PositionView) -> PositionPublic:
    position, priced = view.position, view.priced
    return PositionPublic(
        id=position.id,
        account_id=position.account_id,
        symbol=position.symbol,
        quantity=position.quantity,
        as_of_date=position.as_of_date,
        created_at=position.created_at,
        updated_at=position.updated_at,
        instrument_name=priced.instrument.name,
        instrument_type=priced.instrument.instrument_type,
        current_price=priced.effective_price,
        instrument=instrument_public(priced),
    )
