"""Request and response bodies. ``XCreate``/``XUpdate`` come in, ``XPublic`` goes out.

Input rules: names use a conservative character set (no markup, no statement separators),
free text has no markup or control characters, money is Decimal with bounded precision,
NaN/Infinity are refused, symbols are upper-cased and must look like real tickers.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
)

from alex.db.models import USER_CLASSIFICATION_NOTE_MAX
from alex.domain.portfolio.rules import RuleId, RuleSettings
from alex.domain.taxonomy import AccountType, AssetClass, InstrumentType, Region, Sector, check_allocation

SYMBOL_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")
# Letters (any script), digits, spaces and the punctuation real account names use ("Mom's 401(k)").
_NAME_PATTERN = re.compile(r"^[\w .,'&()/#:+!?@%-]+$")
_MARKUP_OR_CONTROL = re.compile(r"[<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _safe_name(value: str) -> str:
    if not _NAME_PATTERN.fullmatch(value):
        raise ValueError(
            "may contain only letters, digits, spaces and the punctuation . , ' & ( ) / # : + ! ? @ % -"
        )
    return value


def _plain_text(value: str) -> str:
    if _MARKUP_OR_CONTROL.search(value):
        raise ValueError("must not contain markup (< >) or control characters")
    return value


def normalise_symbol(value: object) -> object:
    if isinstance(value, str):
        return value.strip().upper()
    return value


def _symbol(value: str) -> str:
    if not SYMBOL_PATTERN.fullmatch(value):
        raise ValueError("must be 1-10 characters: A-Z, 0-9, '.' or '-', starting with a letter or digit")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), AfterValidator(_safe_name)
]
PlainText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_plain_text)
]
Symbol = Annotated[
    str, BeforeValidator(normalise_symbol), StringConstraints(max_length=10), AfterValidator(_symbol)
]
# Below 10^12 so it fits the narrowest money column (users.target_retirement_income, NUMERIC(14, 2)).
Money = Annotated[
    Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=16, decimal_places=2, allow_inf_nan=False)
]
Price = Annotated[
    Decimal, Field(gt=0, le=Decimal("1e9"), max_digits=18, decimal_places=6, allow_inf_nan=False)
]
Quantity = Annotated[
    Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=24, decimal_places=8, allow_inf_nan=False)
]
InterestRate = Annotated[Decimal, Field(ge=0, le=1, decimal_places=6, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=2000)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def rule_overrides(value: dict[RuleId, RuleOverride]) -> dict[str, dict[str, float | bool]]:
    return {rule.value: override.model_dump(exclude_none=True) for rule, override in value.items()}


# --- users -------------------------------------------------------------------------------------


def _targets(
    value: dict[str, Decimal], vocabulary: type[AssetClass] | type[Region] | type[Sector], what: str
) -> dict[str, Decimal]:
    # Checked here first so that the message names the allowed keys, never echoes the given one.
    allowed = sorted(member.value for member in vocabulary)
    if any(key not in allowed for key in value):
        raise ValueError(f"{what} keys must be among: {', '.join(allowed)}")
    return check_allocation(value, vocabulary, what=what)


class RuleOverride(Input):
    """One rule's user settings; a value left out keeps the default."""

    warn_above: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    fail_above: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    enabled: bool | None = None


class UserUpdate(Input):
    display_name: Name | None = None
    years_until_retirement: int | None = Field(default=None, ge=0, le=70)
    target_retirement_income: Money | None = None
    asset_class_targets: dict[str, Percent] | None = Field(default=None, max_length=len(AssetClass))
    region_targets: dict[str, Percent] | None = Field(default=None, max_length=len(Region))
    rule_thresholds: dict[RuleId, RuleOverride] | None = Field(
        default=None, description="your own thresholds for the portfolio checks; replaces earlier ones"
    )

    @field_validator("rule_thresholds")
    @classmethod
    def _rule_thresholds(cls, value: dict[RuleId, RuleOverride] | None) -> dict[RuleId, RuleOverride] | None:
        if value is not None:
            # The rules engine decides what is consistent (e.g. warn below fail).
            RuleSettings().with_overrides(rule_overrides(value))
        return value

    @field_validator("asset_class_targets")
    @classmethod
    def _asset_class_targets(cls, value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        return None if value is None else _targets(value, AssetClass, "asset class target")

    @field_validator("region_targets")
    @classmethod
    def _region_targets(cls, value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        return None if value is None else _targets(value, Region, "region target")


class UserPublic(Output):
    id: str
    display_name: str
    email: str | None
    years_until_retirement: int
    target_retirement_income: Decimal
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


class AccountCreate(Input):
    account_name: Name
    account_purpose: PlainText | None = None
    account_type: AccountType = AccountType.OTHER
    cash_balance: Money = Decimal(0)
    cash_interest: InterestRate = Decimal(0)


class AccountUpdate(Input):
    account_name: Name | None = None
    account_purpose: PlainText | None = None
    account_type: AccountType | None = None
    cash_balance: Money | None = None
    cash_interest: InterestRate | None = None


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


class UserPriceUpdate(Input):
    price: Price


Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=USER_CLASSIFICATION_NOTE_MAX),
    AfterValidator(_plain_text),
]


class ClassificationUpdate(Input):
    """Your own classification of a symbol: your analysis uses it, the shared catalogue is unchanged.

    Each map is percent by key, from the taxonomy's vocabulary, summing to 100.
    """

    instrument_type: InstrumentType | None = Field(default=None, description="null keeps the catalogue's")
    asset_class: dict[str, Percent] = Field(max_length=len(AssetClass))
    regions: dict[str, Percent] = Field(max_length=len(Region))
    sectors: dict[str, Percent] = Field(
        max_length=len(Sector), description="may be empty when asset_class has no equity in it"
    )
    note: Note | None = Field(default=None, description="why you changed it")

    @field_validator("asset_class")
    @classmethod
    def _asset_class(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        return _targets(value, AssetClass, "asset class")

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        return _targets(value, Region, "region")

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, value: dict[str, Decimal], info: ValidationInfo) -> dict[str, Decimal]:
        # Bonds, gold or cash have no industry sector; a holding with equity in it always does.
        # (asset_class is validated first; when it failed, its own error is the one to show.)
        if not value:
            if info.data.get("asset_class", {}).get(AssetClass.EQUITY.value, 0) > 0:
                raise ValueError("sectors must not be empty when the asset class includes equity")
            return value
        return _targets(value, Sector, "sector")


class PositionCreate(Input):
    account_id: uuid.UUID
    symbol: Symbol
    quantity: Quantity
    as_of_date: date | None = None


class PositionUpdate(Input):
    quantity: Quantity | None = None
    as_of_date: date | None = None


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


class AnalyzeRequest(Input):
    analysis_type: Literal["portfolio"] = "portfolio"
    options: dict[str, Annotated[str | int | bool | None, Field()]] = Field(
        default_factory=dict, max_length=20
    )


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


class Message(BaseModel):
    message: str
