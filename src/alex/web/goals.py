"""Goals: the retirement plan, and asset-class and region targets (sliders).

The form's numbers go through the identity service's ``UserUpdate`` and ``update_profile``
(allowed keys, each map summing to 100, the plan's fields holding together), so the page and the
API accept exactly the same goals. A problem is shown next to its field and in the list above
the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from alex.db.models import User
from alex.domain.labels import label
from alex.domain.retirement.models import ReturnMethod
from alex.domain.taxonomy import AssetClass, Region
from alex.http.deps import SessionDep
from alex.services import identity
from alex.services.errors import InvalidInputError
from alex.services.identity import UserUpdate
from alex.services.validation import FieldError, field_errors
from alex.web.pages import PageUser, form_data, labelled_errors, percent_fields, redirect, render

router = APIRouter(include_in_schema=False)

ASSET_CLASSES: Final = {member.value: label(member.value) for member in AssetClass}
REGIONS: Final = {member.value: label(member.value) for member in Region}
GROUPS: Final = (("asset_class", "asset_class_targets", ASSET_CLASSES), ("region", "region_targets", REGIONS))
LABELS: Final = {
    "current_age": "Current age",
    "retirement_age": "Retirement age",
    "years_until_retirement": "Years until retirement",
    "target_retirement_income": "Target retirement income",
    "annual_contribution": "Annual contribution",
    "contribution_growth": "Contribution growth",
    "other_income": "Other retirement income",
    "other_income_start_age": "Other income starts at age",
    "glide_path_equity": "Equity at retirement",
    "retirement_method": "Simulation method",
    "asset_class_targets": "Asset class targets",
    "region_targets": "Region targets",
}
METHODS: Final = {
    ReturnMethod.PARAMETRIC.value: "Parametric",
    ReturnMethod.HISTORICAL.value: "Historical",
    ReturnMethod.BOOTSTRAP.value: "Bootstrap",
}
MONEY_FIELDS: Final = ("target_retirement_income", "annual_contribution", "other_income")
ZERO_WHEN_BLANK: Final = ("annual_contribution", "contribution_growth", "other_income")
"""Fields where an empty box means 0 (the others: "not given", or leave as is)."""


def _number(value: str) -> str:
    """A percentage as text with at most 4 decimals and no trailing zeros, for the inputs."""
    try:
        number = Decimal(value).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return value
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _total(values: dict[str, Any], prefix: str, labels: dict[str, str]) -> str:
    total = Decimal(0)
    for key in labels:
        try:
            total += Decimal(str(values.get(f"{prefix}.{key}") or 0))
        except (InvalidOperation, ValueError):
            continue
    return _number(str(total)) if total.is_finite() else "?"


def _page(
    request: Request, user: User, *, values: dict[str, Any], errors: Sequence[FieldError] = ()
) -> Response:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field.split(".", 1)[0], []).append(error.reason)
    return render(
        request,
        "goals.html",
        status_code=422 if errors else 200,
        user=user,
        values=values,
        methods=METHODS,
        groups=[(prefix, labels) for prefix, _, labels in GROUPS],
        totals={prefix: _total(values, prefix, labels) for prefix, _, labels in GROUPS},
        errors=labelled_errors(errors, LABELS, default="Goals"),
        field_errors={field: " ".join(reasons) for field, reasons in by_field.items()},
        notice="Goals saved." if not errors and request.query_params.get("done") == "saved" else None,
    )


def _optional(value: object) -> str:
    return "" if value is None else str(value)


def _current(user: User) -> dict[str, Any]:
    values: dict[str, Any] = {
        "current_age": _optional(user.current_age),
        "retirement_age": _optional(user.retirement_age),
        "years_until_retirement": str(user.years_until_retirement),
        "target_retirement_income": f"{user.target_retirement_income:.2f}",
        "annual_contribution": f"{user.annual_contribution:.2f}",
        "contribution_growth": _number(str(user.contribution_growth)),
        "other_income": f"{user.other_income:.2f}",
        "other_income_start_age": _optional(user.other_income_start_age),
        "glide_path_equity": "" if user.glide_path_equity is None else _number(str(user.glide_path_equity)),
        "retirement_method": user.retirement_method,
    }
    for prefix, field, labels in GROUPS:
        targets = getattr(user, field) or {}
        for key in labels:
            values[f"{prefix}.{key}"] = _number(str(targets.get(key, 0)))
    return values


@router.get("/goals")
async def goals_page(request: Request, user: PageUser) -> Response:
    return _page(request, user, values=_current(user))


@router.post("/goals")
async def save_goals(request: Request, user: PageUser, session: SessionDep) -> Response:
    form = await form_data(request)
    fields = _plan_fields(form)
    for prefix, field, _ in GROUPS:
        fields[field] = percent_fields(form, prefix)
    try:
        body = UserUpdate.model_validate(fields)
    except ValidationError as exc:
        return _page(request, user, values=form, errors=field_errors(exc.errors()))
    try:
        await identity.update_profile(session, user=user, changes=body)
    except InvalidInputError as exc:
        return _page(request, user, values=form, errors=exc.errors)
    return redirect("/goals?done=saved")


def _plan_fields(form: dict[str, str]) -> dict[str, Any]:
    """The plan as the form gives it: an empty box clears an optional field (ages, the glide
    path) or means 0; the years are sent only without ages (with ages they follow from them)."""
    text = {name: form.get(name, "").strip() for name in LABELS}
    for name in MONEY_FIELDS:
        text[name] = text[name].replace(",", "")
    for name in ZERO_WHEN_BLANK:
        text[name] = text[name] or "0"
    fields: dict[str, Any] = {
        name: text[name] or None
        for name in (
            "current_age",
            "retirement_age",
            "target_retirement_income",
            "annual_contribution",
            "contribution_growth",
            "other_income",
            "other_income_start_age",
            "glide_path_equity",
            "retirement_method",
        )
    }
    if not text["current_age"] and not text["retirement_age"]:
        fields["years_until_retirement"] = text["years_until_retirement"] or None
    return fields
