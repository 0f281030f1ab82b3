"""The retirement plan: its input types and the one check of how its fields hold together.

Each field's own range is checked by its type (``Age``, ``Contribution``, ...), so a bad value is
a 422 naming the field like any other. ``checked_changes`` then checks the plan as a whole, as it
will be stored (what is stored, overlaid with the changes), and names the field to correct:

- ages come in pairs: a current age needs a retirement age and the other way round;
- retirement comes after today: the retirement age is above the current age, at most
  ``MAX_AGE`` and at most ``MAX_YEARS_TO_RETIREMENT`` years away (the simulation's longest);
- ``years_until_retirement`` follows from the ages when they are set. Sending it alone then moves
  the retirement age; sending it with ages that say otherwise is refused;
- other retirement income (a pension, Social Security) is not above the target retirement
  income: the plan's means cannot exceed what it is for, and a pension above the target
  leaves the portfolio nothing to do (set the target to what you mean to spend);
- other income's start age needs the ages, to place it on the plan's timeline.

When a rule fails, the field named is the one the change touched (a changed current age, not
the stored retirement age it now contradicts); the message says what it contradicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import Field

from alex.db.models import User
from alex.domain.formatting import format_money
from alex.domain.retirement.models import MAX_CONTRIBUTION_GROWTH, MIN_CONTRIBUTION_GROWTH
from alex.domain.retirement.plan import MAX_AGE, MAX_CONTRIBUTION, MAX_YEARS_TO_RETIREMENT, MIN_AGE
from alex.services.errors import InvalidInputError
from alex.services.validation import FieldError

Age = Annotated[int, Field(ge=MIN_AGE, le=MAX_AGE, description="years")]
Contribution = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_CONTRIBUTION,
        max_digits=16,
        decimal_places=2,
        allow_inf_nan=False,
        description="new savings a year until retirement, in today's money",
    ),
]
ContributionGrowth = Annotated[
    Decimal,
    Field(
        ge=MIN_CONTRIBUTION_GROWTH,
        le=MAX_CONTRIBUTION_GROWTH,
        decimal_places=2,
        allow_inf_nan=False,
        description="percent a year the contribution grows, on top of inflation",
    ),
]
GlidePathEquity = Annotated[
    Decimal,
    Field(
        ge=0,
        le=100,
        decimal_places=2,
        allow_inf_nan=False,
        description="the equity share (percent) the allocation moves to by retirement, in equal yearly steps",
    ),
]

PLAN_FIELDS: Final = (
    "years_until_retirement",
    "target_retirement_income",
    "current_age",
    "retirement_age",
    "annual_contribution",
    "contribution_growth",
    "other_income",
    "other_income_start_age",
    "glide_path_equity",
    "retirement_method",
)
"""The user's fields that make up the retirement plan."""
CLEARABLE: Final = frozenset({"current_age", "retirement_age", "other_income_start_age", "glide_path_equity"})
"""Plan fields a null clears (for the others a null leaves the stored value as it is)."""


def checked_changes(user: User, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` to store, ``years_until_retirement`` derived from the ages; ``InvalidInputError``
    naming the field when the plan they make does not hold together (the rules above)."""
    plan: dict[str, Any] = {name: getattr(user, name) for name in PLAN_FIELDS}
    plan.update({name: value for name, value in changes.items() if name in PLAN_FIELDS})
    stored = dict(changes)
    errors = _ages(plan, set(changes), stored) + _other_income(plan, set(changes))
    if errors:
        raise InvalidInputError(errors)
    return stored


def _blame(sent: set[str], *candidates: str) -> str:
    """The first of ``candidates`` the change touched (else the first): the field to correct."""
    return next((name for name in candidates if name in sent), candidates[0])


def _ages(plan: dict[str, Any], sent: set[str], stored: dict[str, Any]) -> list[FieldError]:
    current, retirement = plan["current_age"], plan["retirement_age"]
    if current is None and retirement is None:
        return []
    if current is None:
        return [FieldError("current_age", "is needed with a retirement age")]
    if retirement is None:
        return [FieldError("retirement_age", "is needed with a current age")]
    if "years_until_retirement" in sent:
        years = plan["years_until_retirement"]
        if sent & {"current_age", "retirement_age"}:
            if retirement - current != years:
                return [
                    FieldError(
                        "years_until_retirement",
                        f"must be your retirement age minus your current age ({retirement - current}), "
                        "or left out",
                    )
                ]
        else:  # the horizon moved: the retirement age moves with it
            retirement = current + years
            if retirement > MAX_AGE:
                return [FieldError("years_until_retirement", f"would put retirement after age {MAX_AGE}")]
            stored["retirement_age"] = retirement
    field = _blame(sent, "retirement_age", "current_age", "years_until_retirement")
    if retirement <= current:
        return [_order_error(field, current=current, retirement=retirement)]
    if retirement - current > MAX_YEARS_TO_RETIREMENT:
        return [
            FieldError(
                field,
                f"puts retirement more than {MAX_YEARS_TO_RETIREMENT} years away, "
                "beyond what the simulation covers",
            )
        ]
    stored["years_until_retirement"] = retirement - current
    return []


def _order_error(field: str, *, current: int, retirement: int) -> FieldError:
    if field == "current_age":
        return FieldError(field, f"must be below your retirement age ({retirement})")
    if field == "years_until_retirement":
        return FieldError(field, "must be at least 1 when your ages are set")
    return FieldError(field, f"must be after your current age ({current})")


def _other_income(plan: dict[str, Any], sent: set[str]) -> list[FieldError]:
    errors = []
    other, target = plan["other_income"], plan["target_retirement_income"]
    if other > target:
        field = _blame(sent, "other_income", "target_retirement_income")
        errors.append(
            FieldError(field, f"must not be above your target retirement income ({format_money(target)})")
            if field == "other_income"
            else FieldError(field, f"must not be below your other retirement income ({format_money(other)})")
        )
    if plan["other_income_start_age"] is not None and plan["current_age"] is None:
        field = _blame(sent, "other_income_start_age", "current_age", "retirement_age")
        errors.append(
            FieldError(field, "needs your current age and retirement age")
            if field == "other_income_start_age"
            else FieldError(field, "is needed while other income has a start age")
        )
    return errors
