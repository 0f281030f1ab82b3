"""Goals: years to retirement, target income, and asset-class and region targets (sliders).

The form's numbers go through the identity service's ``UserUpdate`` and ``update_profile``
(allowed keys, each map summing to 100), so the page and the API accept exactly the same goals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from alex.db.models import User
from alex.domain.labels import label
from alex.domain.taxonomy import AssetClass, Region
from alex.http.deps import SessionDep
from alex.services import identity
from alex.services.identity import UserUpdate
from alex.web.pages import PageUser, form_data, form_errors, redirect, render

router = APIRouter(include_in_schema=False)

ASSET_CLASSES: Final = {member.value: label(member.value) for member in AssetClass}
REGIONS: Final = {member.value: label(member.value) for member in Region}
GROUPS: Final = (("asset_class", "asset_class_targets", ASSET_CLASSES), ("region", "region_targets", REGIONS))
LABELS: Final = {
    "years_until_retirement": "Years until retirement",
    "target_retirement_income": "Target retirement income",
    "asset_class_targets": "Asset class targets",
    "region_targets": "Region targets",
}


def _number(value: str) -> str:
    """A percentage as text with at most 4 decimals and no trailing zeros, for the inputs."""
    try:
        number = Decimal(value).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return value
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _form_targets(form: dict[str, str], prefix: str) -> dict[str, str]:
    """The ``prefix.key`` fields of the form; zeros and blanks are left out (not a target)."""
    targets = {}
    for name, raw in form.items():
        if not name.startswith(prefix + "."):
            continue
        value = raw.strip()
        try:
            if not value or Decimal(value) == 0:
                continue
        except (InvalidOperation, ValueError):
            pass  # the schema says what is wrong with it
        targets[name.removeprefix(prefix + ".")] = value
    return targets


def _total(values: dict[str, Any], prefix: str, labels: dict[str, str]) -> str:
    total = Decimal(0)
    for key in labels:
        try:
            total += Decimal(str(values.get(f"{prefix}.{key}") or 0))
        except (InvalidOperation, ValueError):
            continue
    return _number(str(total)) if total.is_finite() else "?"


def _page(
    request: Request, user: User, *, values: dict[str, Any], errors: list[str] | None = None
) -> Response:
    return render(
        request,
        "goals.html",
        status_code=422 if errors else 200,
        user=user,
        values=values,
        groups=[(prefix, labels) for prefix, _, labels in GROUPS],
        totals={prefix: _total(values, prefix, labels) for prefix, _, labels in GROUPS},
        errors=errors or [],
        notice="Goals saved." if not errors and request.query_params.get("done") == "saved" else None,
    )


def _current(user: User) -> dict[str, Any]:
    values: dict[str, Any] = {
        "years_until_retirement": str(user.years_until_retirement),
        "target_retirement_income": f"{user.target_retirement_income:.2f}",
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
    fields: dict[str, Any] = {
        "years_until_retirement": form.get("years_until_retirement", "").strip() or None,
        "target_retirement_income": form.get("target_retirement_income", "").strip().replace(",", "") or None,
    }
    for prefix, field, _ in GROUPS:
        fields[field] = _form_targets(form, prefix)
    try:
        body = UserUpdate.model_validate(fields)
    except ValidationError as exc:
        return _page(request, user, values=form, errors=form_errors(exc.errors(), LABELS, default="Goals"))
    await identity.update_profile(session, user=user, changes=body)
    return redirect("/goals?done=saved")
