"""Who a person is: sign-up and sign-in with the built-in issuer, first sight of a token's
subject, and the profile (goals, targets, rule thresholds).

Sign-in gives one answer for an unknown email and a wrong password, taking the same time for
both. The API and the web form share one throttle (``SignInThrottle``); every failure is a
security event in the log and a metric.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from alex.auth.keys import BuiltinIssuer
from alex.auth.passwords import hash_password_async, validate_password, verify_password_async
from alex.auth.tokens import Claims
from alex.db import sign_in_failures, users
from alex.db.models import User
from alex.domain.portfolio.rules import RuleId, RuleSettings
from alex.domain.retirement.models import ReturnMethod
from alex.domain.retirement.plan import MAX_YEARS_TO_RETIREMENT
from alex.domain.taxonomy import AssetClass, Region
from alex.observability.logging import get_logger
from alex.observability.metrics import SIGN_IN_FAILURES
from alex.services import plans
from alex.services.errors import ConflictError, ServiceError, TooManyRequestsError, UnavailableError
from alex.services.fields import Input, Money, Name, Percent, changed_fields, checked_targets
from alex.services.plans import Age, Contribution, ContributionGrowth, GlidePathEquity
from alex.settings import Settings

log = get_logger("alex.security")

_EMAIL: Final = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
MAX_EMAIL_LENGTH: Final = 320
"""The users.email column."""
BAD_CREDENTIALS: Final = "Invalid email or password."


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("must be an email address")
    return value.lower()


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_EMAIL_LENGTH), AfterValidator(_email)
]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
# Checked by the model, so a weak password is a 422 with a field-level error like any other.
NewPassword = Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(validate_password)]


class SignUp(Input):
    email: Email
    password: NewPassword
    display_name: Name | None = None


class SignIn(Input):
    email: Email
    password: Password


class InvalidCredentialsError(ServiceError):
    def __init__(self) -> None:
        super().__init__(BAD_CREDENTIALS)


@dataclass(frozen=True, slots=True)
class SignInThrottle:
    """Growing delays after failed sign-ins, shared by the API and the web form and by every
    process (kept in PostgreSQL).

    Failures count per client address (all emails together, a generous allowance) and per email
    *at that address*. Never per email alone: then anyone could lock a victim out by failing on
    purpose; this way an attacker only slows themselves, and the victim signs in from their own
    address as usual. Past the free failures each further one doubles the wait (1 s, 2 s, 4 s...
    up to a cap) instead of a fixed wall; failures are forgotten after a while.
    """

    per_address: sign_in_failures.Delays
    per_email_at_address: sign_in_failures.Delays

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInThrottle:
        def delays(free: int) -> sign_in_failures.Delays:
            return sign_in_failures.Delays(
                free=free,
                first_delay=timedelta(seconds=settings.sign_in_first_delay_seconds),
                max_delay=timedelta(seconds=settings.sign_in_max_delay_seconds),
                memory=timedelta(seconds=settings.sign_in_failure_memory_seconds),
            )

        return cls(
            per_address=delays(settings.sign_in_free_failures_per_address),
            per_email_at_address=delays(settings.sign_in_free_failures),
        )

    @staticmethod
    def keys(email: str, client: str) -> tuple[str, str]:
        # The email is hashed: the table is no list of who tried to sign in.
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return f"address:{client}", f"email-at-address:{digest}:{client}"


def _sign_in_refused(reason: str, *, email: str, client: str) -> None:
    """A security event (never the password, never the whole email) and its metric."""
    domain = email.rsplit("@", 1)[-1][:100] if "@" in email else "-"
    log.warning(
        "security.sign_in_failed",
        reason=reason,
        email_domain=domain,
        email_sha256=hashlib.sha256(email.encode()).hexdigest()[:16],
        client=client,
    )
    SIGN_IN_FAILURES.labels(reason).inc()


def require_issuer(issuer: BuiltinIssuer | None) -> BuiltinIssuer:
    if issuer is None:
        raise UnavailableError("Sign-in is handled by the configured identity provider.")
    return issuer


def access_token(issuer: BuiltinIssuer | None, user: User, *, ttl_seconds: int) -> str:
    """A token of the built-in issuer for ``user`` (the API returns it; the web keeps it in a cookie)."""
    return require_issuer(issuer).mint(
        subject=user.id, name=user.display_name, email=user.email, ttl_seconds=ttl_seconds
    )


async def sign_up(session: AsyncSession, *, issuer: BuiltinIssuer | None, form: SignUp) -> User:
    require_issuer(issuer)
    password_hash = await hash_password_async(form.password)
    try:
        user = await users.create(
            session,
            user_id=f"usr_{uuid.uuid4().hex}",
            email=form.email,
            display_name=form.display_name or form.email.split("@", 1)[0][:255],
            password_hash=password_hash,
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise ConflictError("An account with this email already exists.") from None
    return user


async def sign_in(
    session: AsyncSession,
    *,
    issuer: BuiltinIssuer | None,
    email: str,
    password: str,
    throttle: SignInThrottle,
    client: str,
) -> User:
    """The user with these credentials; ``InvalidCredentialsError`` otherwise (one answer for an
    unreadable email, an unknown one and a wrong password). ``TooManyRequestsError`` while the
    throttle asks this address, or this email at this address, to wait."""
    require_issuer(issuer)
    address_key, pair_key = throttle.keys(email, client)
    wait = await sign_in_failures.wait_seconds(session, keys=[address_key, pair_key])
    if wait is not None:
        _sign_in_refused("throttled", email=email, client=client)
        raise TooManyRequestsError(f"Too many failed attempts: try again in {wait} s.", retry_after=wait)
    try:
        form: SignIn | None = SignIn(email=email, password=password)
    except ValidationError:
        form = None
    user = None if form is None else await users.find_by_email(session, email=form.email)
    # argon2 is CPU-bound by design; verify_password_async keeps it off the event loop.
    verified = form is not None and await verify_password_async(
        user.password_hash if user else None, form.password
    )
    if not verified or user is None:
        await sign_in_failures.record(session, key=address_key, delays=throttle.per_address)
        await sign_in_failures.record(session, key=pair_key, delays=throttle.per_email_at_address)
        await session.commit()
        _sign_in_refused("unreadable" if form is None else "bad_credentials", email=email, client=client)
        raise InvalidCredentialsError
    # Only the pair is forgiven: an attacker with an account of their own must not be able to
    # clear their address's record by signing in to it between guesses.
    await sign_in_failures.forget(session, key=pair_key)
    await session.commit()
    return user


_CLAIM_NAME: Final = TypeAdapter(Name)
_CLAIM_EMAIL: Final = TypeAdapter(Email)


def _valid_or_none(adapter: TypeAdapter[str], value: str | None) -> str | None:
    try:
        return None if value is None else adapter.validate_python(value[:MAX_EMAIL_LENGTH])
    except ValidationError:
        return None


def _display_name(claims: Claims) -> str:
    """The name typed rules would accept: the token's name, else the email's local part."""
    local_part = claims.email.split("@", 1)[0] if claims.email and "@" in claims.email else None
    for candidate in (claims.name, local_part):
        if (name := _valid_or_none(_CLAIM_NAME, candidate and candidate[:255])) is not None:
            return name
    return "New User"


async def user_for_claims(session: AsyncSession, *, claims: Claims) -> tuple[User, bool]:
    """The user behind a verified token, created with the defaults on first sight (and whether it was).

    The issuer's free text goes through the rules typed input does: a name or email they refuse
    is not stored (the token was already refused if it held control characters)."""
    email = _valid_or_none(_CLAIM_EMAIL, claims.email)
    user, created = await users.get_or_create(
        session, user_id=claims.subject, display_name=_display_name(claims), email=email
    )
    if created:
        await session.commit()
    return user, created


# --- the profile -------------------------------------------------------------------------------


class RuleOverride(Input):
    """One rule's user settings; a value left out keeps the default."""

    warn_above: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    fail_above: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    enabled: bool | None = None


def rule_overrides(value: dict[RuleId, RuleOverride]) -> dict[str, dict[str, float | bool]]:
    return {rule.value: override.model_dump(exclude_none=True) for rule, override in value.items()}


class UserUpdate(Input):
    """The profile's changes; a field left out (or null) stays as it is, except that a null
    clears the optional plan fields (``plans.CLEARABLE``). The retirement plan's fields are
    checked together too (``plans.checked_changes``)."""

    display_name: Name | None = None
    years_until_retirement: int | None = Field(
        default=None,
        ge=0,
        le=MAX_YEARS_TO_RETIREMENT,
        description="follows from the ages when they are set; sent alone, it moves the retirement age",
    )
    target_retirement_income: Money | None = Field(default=None, description="a year, in today's money")
    current_age: Age | None = None
    retirement_age: Age | None = Field(default=None, description="after current_age; set with it")
    annual_contribution: Contribution | None = None
    contribution_growth: ContributionGrowth | None = None
    other_income: Money | None = Field(
        default=None,
        description="a pension or Social Security, a year in today's money; at most the target income",
    )
    other_income_start_age: Age | None = Field(
        default=None, description="when other income starts (needs the ages); from retirement if earlier"
    )
    glide_path_equity: GlidePathEquity | None = Field(
        default=None, description="the equity share (percent) at retirement; null: no glide path"
    )
    retirement_method: ReturnMethod | None = Field(
        default=None, description="where the simulated market returns come from"
    )
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
        return None if value is None else checked_targets(value, AssetClass, "asset class target")

    @field_validator("region_targets")
    @classmethod
    def _region_targets(cls, value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        return None if value is None else checked_targets(value, Region, "region target")


async def update_profile(session: AsyncSession, *, user: User, changes: UserUpdate) -> User:
    """Apply the fields the person sent (a null leaves a field as is, or clears an optional plan
    field) and commit; ``InvalidInputError`` when the retirement plan would not hold together."""
    stored: dict[str, Any] = changed_fields(changes, nullable=plans.CLEARABLE)
    # JSONB holds percentages as JSON numbers (as the defaults and the seed), not Decimals.
    for key in ("asset_class_targets", "region_targets"):
        if key in stored:
            stored[key] = {name: float(weight) for name, weight in stored[key].items()}
    if changes.rule_thresholds is not None and "rule_thresholds" in stored:
        stored["rule_thresholds"] = rule_overrides(changes.rule_thresholds)
    # The signed-in user was read by a session of its own (closed before the route ran): work on
    # this session's copy.
    current = await session.merge(user)
    stored = plans.checked_changes(current, stored)
    if "retirement_method" in stored:
        stored["retirement_method"] = ReturnMethod(stored["retirement_method"]).value
    updated = await users.update(session, user=current, changes=stored)
    await session.commit()
    return updated
