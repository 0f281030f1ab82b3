"""Tables. Money is NUMERIC, timestamps carry a time zone, ``updated_at`` is kept by a trigger.

The reference's schema (users, instruments, accounts, positions, jobs) with its gaps closed:
``cash_interest`` and ``account_type`` are stored, prices and allocations are kept when known,
per-user prices live beside the shared catalogue instead of overwriting it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    CHAR,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.schema import FetchedValue

from alex.domain.retirement.models import MAX_CONTRIBUTION_GROWTH, MIN_CONTRIBUTION_GROWTH, ReturnMethod
from alex.domain.retirement.plan import MAX_AGE, MAX_CONTRIBUTION, MIN_AGE
from alex.domain.taxonomy import AccountType, InstrumentType

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


class AgentName(StrEnum):
    """The agents whose runs the audit trail records; the last three write the report's sections."""

    TAGGER = "tagger"
    REPORTER = "reporter"
    CHARTER = "charter"
    RETIREMENT = "retirement"


AI_OUTCOMES = ("passed", "re_asked", "fell_back", "failed")
USER_CLASSIFICATION_NOTE_MAX = 500


def _in(column: str, values: Iterable[str]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONB, list[Any]: JSONB}


class Timestamped:
    # Read server-generated values (ids, timestamps) back with RETURNING instead of lazy reloads.
    __mapper_args__: ClassVar[dict[str, Any]] = {"eager_defaults": True}

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Kept by the set_updated_at trigger so every writer (ORM, SQL, other services) maintains it;
    # FetchedValue makes the ORM read it back after an UPDATE.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), server_onupdate=FetchedValue()
    )


class User(Timestamped, Base):
    __tablename__ = "users"
    # The token's `sub`: the built-in issuer's user id or an external issuer's subject.
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(512))
    years_until_retirement: Mapped[int] = mapped_column(server_default=text("20"))
    target_retirement_income: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default=text("60000"))
    asset_class_targets: Mapped[dict[str, Any]] = mapped_column(
        server_default=text("""'{"equity": 70, "fixed_income": 30}'::jsonb""")
    )
    region_targets: Mapped[dict[str, Any]] = mapped_column(
        server_default=text("""'{"north_america": 50, "international": 50}'::jsonb""")
    )
    rule_thresholds: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    # The retirement plan (Goals). Ages are NULL for plans made before Goals asked for them: the
    # stored years_until_retirement is then the horizon; with ages it is always their difference.
    current_age: Mapped[int | None]
    retirement_age: Mapped[int | None]
    annual_contribution: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default=text("0"))
    # Percent a year, on top of inflation.
    contribution_growth: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default=text("0"))
    # A pension or Social Security, a year in today's money, from other_income_start_age on.
    other_income: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default=text("0"))
    other_income_start_age: Mapped[int | None]
    # The glide path: the equity share (percent) at retirement; NULL keeps today's mix throughout.
    glide_path_equity: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    retirement_method: Mapped[str] = mapped_column(String(20), server_default=text("'parametric'"))

    __table_args__ = (
        CheckConstraint("years_until_retirement BETWEEN 0 AND 100", name="years_range"),
        CheckConstraint("target_retirement_income >= 0", name="income_non_negative"),
        CheckConstraint(
            f"current_age IS NULL OR current_age BETWEEN {MIN_AGE} AND {MAX_AGE}", name="current_age_range"
        ),
        CheckConstraint("(current_age IS NULL) = (retirement_age IS NULL)", name="ages_together"),
        CheckConstraint(
            f"retirement_age IS NULL OR (retirement_age > current_age AND retirement_age <= {MAX_AGE} "
            "AND years_until_retirement = retirement_age - current_age)",
            name="retirement_age_range",
        ),
        CheckConstraint(f"annual_contribution BETWEEN 0 AND {MAX_CONTRIBUTION}", name="contribution_range"),
        CheckConstraint(
            f"contribution_growth BETWEEN {MIN_CONTRIBUTION_GROWTH:g} AND {MAX_CONTRIBUTION_GROWTH:g}",
            name="contribution_growth_range",
        ),
        CheckConstraint(
            "other_income >= 0 AND other_income <= target_retirement_income", name="other_income_range"
        ),
        CheckConstraint(
            f"other_income_start_age IS NULL OR (other_income_start_age BETWEEN {MIN_AGE} AND {MAX_AGE} "
            "AND current_age IS NOT NULL)",
            name="other_income_start_age_range",
        ),
        CheckConstraint(
            "glide_path_equity IS NULL OR glide_path_equity BETWEEN 0 AND 100", name="glide_path_equity_range"
        ),
        CheckConstraint(_in("retirement_method", tuple(ReturnMethod)), name="retirement_method_known"),
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )


class Instrument(Timestamped, Base):
    __tablename__ = "instruments"
    symbol: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # Unknown (NULL) for a user-added symbol until the tagger classifies it.
    instrument_type: Mapped[str | None] = mapped_column(String(20))
    current_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    price_source: Mapped[str | None] = mapped_column(String(50))
    price_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    allocation_asset_class: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    allocation_regions: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    allocation_sectors: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    # Annual fund fee in percent (0.09 means 0.09 %); unknown for most user-added symbols.
    expense_ratio: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    # "unclassified" instruments wait for the tagger; nothing invents their allocations meanwhile.
    classification_status: Mapped[str] = mapped_column(String(20), server_default=text("'unclassified'"))
    classification_source: Mapped[str | None] = mapped_column(String(100))
    # False for a symbol a user added: only the users in instrument_claims see it until an operator
    # or a verified price source confirms it, so the catalogue does not reveal what others hold.
    confirmed: Mapped[bool] = mapped_column(server_default=text("true"))

    __table_args__ = (
        CheckConstraint(_in("instrument_type", tuple(InstrumentType)), name="instrument_type_known"),
        CheckConstraint(
            _in("classification_status", ("classified", "unclassified")), name="classification_status_known"
        ),
        CheckConstraint("current_price IS NULL OR current_price >= 0", name="price_non_negative"),
        CheckConstraint(
            "expense_ratio IS NULL OR expense_ratio BETWEEN 0 AND 100", name="expense_ratio_range"
        ),
    )


class UserInstrumentPrice(Timestamped, Base):
    """A price a user set for a symbol; seen by that user only, never written to the catalogue."""

    __tablename__ = "user_instrument_prices"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    symbol: Mapped[str] = mapped_column(
        ForeignKey("instruments.symbol", ondelete="CASCADE"), primary_key=True, index=True
    )
    price: Mapped[Decimal] = mapped_column(Numeric(18, 6))

    __table_args__ = (CheckConstraint("price >= 0", name="price_non_negative"),)


class UserInstrumentClassification(Timestamped, Base):
    """A user's own classification of a symbol; seen by that user only, never written to the catalogue.

    It wins over the catalogue's for that user's analysis (like a user price). ``instrument_type``
    NULL keeps the catalogue's type; ``note`` says why the user changed it.
    """

    __tablename__ = "user_instrument_classifications"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    symbol: Mapped[str] = mapped_column(
        ForeignKey("instruments.symbol", ondelete="CASCADE"), primary_key=True, index=True
    )
    instrument_type: Mapped[str | None] = mapped_column(String(20))
    allocation_asset_class: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    allocation_regions: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    allocation_sectors: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(_in("instrument_type", tuple(InstrumentType)), name="instrument_type_known"),
        CheckConstraint(
            f"note IS NULL OR char_length(note) <= {USER_CLASSIFICATION_NOTE_MAX}", name="note_length"
        ),
    )


class Account(Timestamped, Base):
    __tablename__ = "accounts"
    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    # Indexed by ix_accounts_user_id_created_at (user_id leads).
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    account_name: Mapped[str] = mapped_column(String(255))
    account_purpose: Mapped[str | None] = mapped_column(Text)
    account_type: Mapped[str] = mapped_column(String(20), server_default=text("'other'"))
    cash_balance: Mapped[Decimal] = mapped_column(Numeric(16, 2), server_default=text("0"))
    # A fraction: 0.045 is 4.5 % a year.
    cash_interest: Mapped[Decimal] = mapped_column(Numeric(7, 6), server_default=text("0"))

    positions: Mapped[list[Position]] = relationship(
        back_populates="account",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Position.symbol",
    )

    __table_args__ = (
        CheckConstraint(_in("account_type", tuple(AccountType)), name="account_type_known"),
        CheckConstraint("cash_balance >= 0", name="cash_non_negative"),
        CheckConstraint("cash_interest BETWEEN 0 AND 1", name="cash_interest_range"),
        Index("ix_accounts_user_id_created_at", "user_id", "created_at"),
    )


class Position(Timestamped, Base):
    __tablename__ = "positions"
    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    symbol: Mapped[str] = mapped_column(ForeignKey("instruments.symbol"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(24, 8))
    as_of_date: Mapped[date] = mapped_column(Date, server_default=func.current_date())

    account: Mapped[Account] = relationship(back_populates="positions")
    instrument: Mapped[Instrument] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("account_id", "symbol"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Job(Timestamped, Base):
    __tablename__ = "jobs"
    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    # Indexed by ix_jobs_user_id_created_at (user_id leads).
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    job_type: Mapped[str] = mapped_column(String(50), server_default=text("'portfolio_analysis'"))
    status: Mapped[str] = mapped_column(String(20), server_default=text("'pending'"), index=True)
    request_payload: Mapped[dict[str, Any] | None] = mapped_column()
    summary_payload: Mapped[dict[str, Any] | None] = mapped_column()
    report_payload: Mapped[dict[str, Any] | None] = mapped_column()
    charts_payload: Mapped[dict[str, Any] | None] = mapped_column()
    retirement_payload: Mapped[dict[str, Any] | None] = mapped_column()
    error_message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # The row is its own queue entry: enqueueing is the INSERT, in the caller's transaction.
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    max_attempts: Mapped[int] = mapped_column(server_default=text("3"))
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The claim: which worker holds the job, since when it last proved alive. A claim is fenced by
    # (locked_by, attempts), so a worker whose claim was taken away cannot write a result.
    locked_by: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dead_lettered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    warnings: Mapped[list[Any] | None] = mapped_column(JSONB)
    # The W3C traceparent of the request that queued the job: every attempt, on any worker,
    # continues that trace.
    trace_parent: Mapped[str | None] = mapped_column(String(55))

    __table_args__ = (
        CheckConstraint(_in("status", JobStatus), name="status_known"),
        Index("ix_jobs_user_id_created_at", "user_id", "created_at"),
        # The claim query's only shape: the oldest runnable pending job.
        Index("ix_jobs_runnable", "run_after", "created_at", postgresql_where=text("status = 'pending'")),
        Index("ix_jobs_running_heartbeat", "heartbeat_at", postgresql_where=text("status = 'running'")),
    )


class JobEvent(Base):
    """One step of a job's progress, kept so a late subscriber sees the whole history."""

    __tablename__ = "job_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    step: Mapped[str | None] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_job_events_job_id_id", "job_id", "id"),)


class JobSpan(Base):
    """One finished span of a job's trace, kept for the built-in trace view (``ALEX_TRACE_RETENTION_DAYS``).

    Written once by the process that ended the span; ``attributes`` and ``events`` hold only the
    allow-listed, content-free fields (see ``alex.observability.span_store``).
    """

    __tablename__ = "job_spans"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    trace_id: Mapped[str] = mapped_column(CHAR(32))
    span_id: Mapped[str] = mapped_column(CHAR(16))
    parent_span_id: Mapped[str | None] = mapped_column(CHAR(16))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attributes: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    events: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))

    __table_args__ = (
        Index("ix_job_spans_job_id_started_at", "job_id", "started_at"),
        # Retention deletes by age.
        Index("ix_job_spans_ended_at", "ended_at"),
    )


class AiDecision(Base):
    """One agent run of a job (the audit trail): which model and prompt saw what, and what came of it.

    Written once and never updated, so it has no ``updated_at``. ``input_sha256`` lets two runs on
    the same input be matched without storing the input; ``estimated_cost`` is USD, NULL when the
    model has no known price; ``guardrails`` is a list of ``{"check", "outcome", "detail"}``.
    """

    __tablename__ = "ai_decisions"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    # Indexed by ix_ai_decisions_job_id_created_at (job_id leads).
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int]
    agent: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(50))
    input_sha256: Mapped[str] = mapped_column(CHAR(64))
    outcome: Mapped[str] = mapped_column(String(20))
    output_summary: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    rationale: Mapped[str | None] = mapped_column(Text)
    tokens_in: Mapped[int] = mapped_column(server_default=text("0"))
    tokens_out: Mapped[int] = mapped_column(server_default=text("0"))
    requests: Mapped[int] = mapped_column(server_default=text("0"))
    estimated_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    duration_ms: Mapped[Decimal] = mapped_column(Numeric(12, 1))
    guardrails: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    trace_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint(_in("agent", AgentName), name="agent_known"),
        CheckConstraint(_in("outcome", AI_OUTCOMES), name="outcome_known"),
        CheckConstraint("input_sha256 ~ '^[0-9a-f]{64}$'", name="input_sha256_hex"),
        CheckConstraint("tokens_in >= 0 AND tokens_out >= 0 AND requests >= 0", name="usage_non_negative"),
        CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="cost_non_negative"),
        CheckConstraint("duration_ms >= 0", name="duration_non_negative"),
        # The API reads these back as an object and a list; a scalar here would break the audit page.
        CheckConstraint("jsonb_typeof(output_summary) = 'object'", name="output_summary_object"),
        CheckConstraint("jsonb_typeof(guardrails) = 'array'", name="guardrails_array"),
        Index("ix_ai_decisions_job_id_created_at", "job_id", "created_at"),
    )


class InstrumentClaim(Base):
    """A user who added an unconfirmed symbol: the only people who see it in the catalogue."""

    __tablename__ = "instrument_claims"

    symbol: Mapped[str] = mapped_column(
        ForeignKey("instruments.symbol", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_instrument_claims_user_id", "user_id"),)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token and the table only its SHA-256, so
    signing out, an idle timeout or an operator ends the session at once, and a stolen table
    yields no usable cookie; ``csrf`` is the CSRF token bound to the session."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(CHAR(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RateLimit(Base):
    """One rate limit's state (GCRA): ``tat`` is the theoretical arrival time of the next request.

    A request is allowed while ``tat`` is at most the policy's window ahead of now; each allowed
    request pushes ``tat`` on by window/count. A row whose ``tat`` has passed holds nothing.
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tat: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SignInFailure(Base):
    """Recent failed sign-ins of one key (an address, or an email at an address)."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int]
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    next_allowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Lease(Base):
    """Work a request holds open (a simulation, a progress stream): counted per user to bound it.

    ``expires_at`` frees the slot of a process that died without releasing it.
    """

    __tablename__ = "leases"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_leases_user_id_kind", "user_id", "kind"),)
