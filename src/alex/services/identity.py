"""Who a person is: sign-up and sign-in with the built-in issuer, first sight of a token's
subject, and the profile (goals, targets, rule thresholds).

Sign-in gives one answer for an unknown email and a wrong password, taking the same time for
both. The web form throttles failed attempts per client address and per email.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from alex.auth.keys import BuiltinIssuer
from alex.auth.passwords import hash_password_async, validate_password, verify_password_async
from alex.auth.tokens import Claims
from alex.db import users
from alex.db.models import User
from alex.domain.portfolio.rules import RuleId, RuleSettings
from alex.domain.taxonomy import AssetClass, Region
from alex.services.errors import ConflictError, ServiceError, TooManyRequestsError, UnavailableError
from alex.services.fields import Input, Money, Name, Percent, changed_fields, checked_targets

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


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: NewPassword
    display_name: Name | None = None


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: Password


class InvalidCredentialsError(ServiceError):
    def __init__(self) -> None:
        super().__init__(BAD_CREDENTIALS)


@dataclass
class SignInThrottle:
    """At most ``limit`` failed sign-ins per key within ``window`` seconds (in this process)."""

    limit: int = 5
    window: float = 900.0
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return stamps

    def retry_after(self, *keys: str) -> int | None:
        """Seconds to wait when any key is over the limit, else ``None``."""
        now = time.monotonic()
        with self._lock:
            waits = [
                self.window - (now - stamps[0])
                for key in keys
                if len(stamps := self._recent(key, now)) >= self.limit
            ]
        return max(1, int(max(waits))) if waits else None

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


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
    throttle: SignInThrottle | None = None,
    client: str = "?",
) -> User:
    """The user with these credentials; ``InvalidCredentialsError`` otherwise (one answer for an
    unreadable email, an unknown one and a wrong password). With a ``throttle``, failures count per
    client address and per email, and ``TooManyRequestsError`` refuses once either is over the limit."""
    require_issuer(issuer)
    keys = (f"ip:{client}", f"email:{email}")
    if throttle is not None and (wait := throttle.retry_after(*keys)) is not None:
        raise TooManyRequestsError(
            f"Too many attempts. Try again in {max(1, wait // 60)} minute(s).", retry_after=wait
        )
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
        if throttle is not None:
            throttle.failed(*keys)
        raise InvalidCredentialsError
    if throttle is not None:
        throttle.succeeded(*keys)
    return user


def _display_name(claims: Claims) -> str:
    if claims.name:
        return claims.name[:255]
    if claims.email and "@" in claims.email:
        return claims.email.split("@", 1)[0][:255]
    return "New User"


async def user_for_claims(session: AsyncSession, *, claims: Claims) -> tuple[User, bool]:
    """The user behind a verified token, created with the defaults on first sight (and whether it was)."""
    # The email claim is the issuer's free text: keep it only when it fits the column.
    email = claims.email if claims.email and len(claims.email) <= MAX_EMAIL_LENGTH else None
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
        return None if value is None else checked_targets(value, AssetClass, "asset class target")

    @field_validator("region_targets")
    @classmethod
    def _region_targets(cls, value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        return None if value is None else checked_targets(value, Region, "region target")


async def update_profile(session: AsyncSession, *, user: User, changes: UserUpdate) -> User:
    """Apply the fields the person sent (a null leaves a field as is) and commit."""
    stored: dict[str, Any] = changed_fields(changes)
    # JSONB holds percentages as JSON numbers (as the defaults and the seed), not Decimals.
    for key in ("asset_class_targets", "region_targets"):
        if key in stored:
            stored[key] = {name: float(weight) for name, weight in stored[key].items()}
    if changes.rule_thresholds is not None and "rule_thresholds" in stored:
        stored["rule_thresholds"] = rule_overrides(changes.rule_thresholds)
    updated = await users.update(session, user=user, changes=stored)
    await session.commit()
    return updated
