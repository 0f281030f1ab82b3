"""Accounts and their positions in the browser, and the CSV import of positions.

Every handler looks things up through the signed-in user (another user's id is a 404 page) and
validates with the services' own inputs (``AccountCreate``, ``PositionCreate`` …), so a form accepts
exactly what the API accepts. Invalid input re-renders the form with the messages (422); a quota
reached re-renders it with the quota's message (429), and nothing is stored.

Each position's row also sets the person's own price for its symbol and classifies it (asset
class, region and sector percentages), through the instrument service the API uses
(``UserPriceUpdate``, ``ClassificationUpdate``): only for them, the shared catalogue is unchanged.
The row says whether the symbol is fully classified by the analysis' own definition.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from alex.db.models import USER_CLASSIFICATION_NOTE_MAX, Account, User
from alex.db.positions import PositionView
from alex.db.snapshot import to_domain_instrument
from alex.domain.labels import label
from alex.domain.portfolio.classification import classification_gap
from alex.domain.taxonomy import AccountType, AssetClass, InstrumentType, Region, Sector
from alex.http.deps import ContextDep, SessionDep
from alex.services import accounts, csv_import, instruments, portfolio, positions
from alex.services.accounts import AccountCreate, AccountUpdate
from alex.services.errors import NotFoundError, TooManyRequestsError
from alex.services.instruments import ClassificationUpdate, UserPriceUpdate
from alex.services.positions import PositionCreate, PositionUpdate
from alex.services.validation import field_errors
from alex.settings import Settings
from alex.web.pages import (
    PageAccount,
    PageNotFoundError,
    PagePosition,
    PageUser,
    form_data,
    form_errors,
    percent_fields,
    redirect,
    render,
)

router = APIRouter(include_in_schema=False)

ACCOUNT_TYPES: Final = {member.value: label(member.value) for member in AccountType}
NOTICES: Final = {
    "created": "Account created.",
    "saved": "Account saved.",
    "deleted": "Account deleted.",
    "position-added": "Position saved.",
    "position-saved": "Quantity saved.",
    "position-deleted": "Position deleted.",
    "price-saved": "Your price was saved.",
    "classification-saved": "Your classification was saved.",
}
"""Notices after a redirect, by key: the query string never carries text to show."""
FIELD_LABELS: Final = {
    "account_name": "Name",
    "account_purpose": "Purpose",
    "account_type": "Type",
    "cash_balance": "Cash balance",
    "symbol": "Symbol",
    "quantity": "Quantity",
    "price": "Price",
}
CLASSIFICATION_GROUPS: Final = (
    ("asset_class", "Asset class", {member.value: label(member.value) for member in AssetClass}),
    ("regions", "Region", {member.value: label(member.value) for member in Region}),
    ("sectors", "Sector", {member.value: label(member.value) for member in Sector}),
)
"""The classification form's percentage groups: the service's field, its legend, its keys."""
INSTRUMENT_TYPES: Final = {member.value: label(member.value) for member in InstrumentType}


def _errors(exc: ValidationError) -> list[str]:
    return form_errors(exc.errors(), FIELD_LABELS)


async def _reload(session: AsyncSession, *loaded: object) -> None:
    """A refused service rolled back, which expired what this session had loaded: read it again
    before rendering (an object loaded by another session was not touched)."""
    for instance in loaded:
        if instance in session:
            await session.refresh(instance)


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _account_fields(form: dict[str, str]) -> dict[str, Any]:
    """The account form's fields as the API's JSON would carry them (blank purpose → none)."""
    fields: dict[str, Any] = {
        "account_name": form.get("account_name", ""),
        "account_type": form.get("account_type", AccountType.OTHER.value),
        "cash_balance": form.get("cash_balance", "").strip().replace(",", "") or "0",
    }
    purpose = form.get("account_purpose", "").strip()
    fields["account_purpose"] = purpose or None
    return fields


# --- the list ----------------------------------------------------------------------------------


async def _values(session: AsyncSession, user: User) -> tuple[list[dict[str, Any]], Decimal, int]:
    """Each account with its cash, value and share of the total; the total; unpriced holdings."""
    valuation = await portfolio.valuation(session, user_id=user.id)
    rows = []
    for account in await accounts.list_accounts(session, user_id=user.id):
        valued = valuation.accounts.get(account.id)
        value = valued.total if valued else account.cash_balance
        rows.append(
            {
                "id": account.id,
                "name": account.account_name,
                "purpose": account.account_purpose,
                "type": ACCOUNT_TYPES.get(account.account_type, account.account_type),
                "cash": account.cash_balance,
                "value": value,
                "share": valuation.share(value),
                "positions": valued.positions if valued else 0,
            }
        )
    return rows, valuation.total, valuation.unpriced


async def _accounts_page(
    request: Request,
    user: User,
    session: AsyncSession,
    *,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status_code: int = 422,
) -> Response:
    rows, total, unpriced = await _values(session, user)
    return render(
        request,
        "accounts.html",
        status_code=status_code if errors else 200,
        user=user,
        accounts=rows,
        total=total,
        unpriced=unpriced,
        account_types=ACCOUNT_TYPES,
        form=form or {"account_type": AccountType.TAXABLE.value, "cash_balance": "0"},
        errors=errors or [],
        notice=None if errors else _notice(request),
    )


@router.get("/accounts")
async def accounts_page(request: Request, user: PageUser, session: SessionDep) -> Response:
    return await _accounts_page(request, user, session)


@router.post("/accounts")
async def create_account(
    request: Request, user: PageUser, session: SessionDep, context: ContextDep
) -> Response:
    form = await form_data(request)
    try:
        body = AccountCreate.model_validate(_account_fields(form))
    except ValidationError as exc:
        return await _accounts_page(request, user, session, form=form, errors=_errors(exc))
    try:
        account = await accounts.create_account(
            session, user_id=user.id, form=body, settings=context.settings
        )
    except TooManyRequestsError as exc:
        await _reload(session, user)
        return await _accounts_page(request, user, session, form=form, errors=[str(exc)], status_code=429)
    return redirect(f"/accounts/{account.id}?done=created")


# --- CSV import (before /accounts/{id}: "import" is not an id) -----------------------------------


async def _import_page(
    request: Request,
    user: User,
    session: AsyncSession,
    *,
    default: Account | None,
    text: str = "",
    preview: csv_import.ImportPreview | None = None,
    status_code: int = 200,
    written: int | None = None,
) -> Response:
    names = {str(a.id): a.account_name for a in await accounts.list_accounts(session, user_id=user.id)}
    base = f"/accounts/{default.id}/import" if default else "/accounts/import"
    return render(
        request,
        "import.html",
        status_code=status_code,
        user=user,
        default=default,
        action=base,
        text=text,
        preview=preview,
        account_names=names,
        written=written,
        max_rows=csv_import.MAX_ROWS,
        max_kb=csv_import.MAX_BYTES // 1024,
    )


async def _import_text(request: Request, form: dict[str, str]) -> tuple[str | None, str | None]:
    """The CSV text: the uploaded file if one was chosen, else the pasted (or re-posted) text."""
    submitted = await request.form()
    upload = submitted.get("csv_file")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            return csv_import.decode(await upload.read(csv_import.MAX_BYTES + 1))
    finally:
        await submitted.close()  # the spooled temporary files of any upload
    text = form.get("csv_text", "")
    if len(text.encode("utf-8", errors="replace")) > csv_import.MAX_BYTES:
        return None, f"The file is larger than {csv_import.MAX_BYTES // 1024} kB."
    return text, None


async def _import(
    request: Request, user: User, session: AsyncSession, settings: Settings, default: Account | None
) -> Response:
    form = await form_data(request)
    text, error = await _import_text(request, form)
    if text is None:
        preview = csv_import.ImportPreview(errors=(error or "The file could not be read.",))
        return await _import_page(request, user, session, default=default, preview=preview, status_code=422)
    refs = [
        csv_import.AccountRef(id=a.id, name=a.account_name)
        for a in await accounts.list_accounts(session, user_id=user.id)
    ]
    preview = csv_import.parse(text, accounts=refs, default_account=default.id if default else None)
    confirm = form.get("action") == "confirm"
    if not preview.ok:
        return await _import_page(
            request, user, session, default=default, text=text, preview=preview, status_code=422
        )
    if not confirm:
        return await _import_page(request, user, session, default=default, text=text, preview=preview)
    try:
        await positions.import_positions(session, user_id=user.id, rows=preview.rows, settings=settings)
    except TooManyRequestsError as exc:
        await _reload(session, user, *([default] if default else []))
        refused = replace(preview, errors=(*preview.errors, str(exc)))
        return await _import_page(
            request, user, session, default=default, text=text, preview=refused, status_code=429
        )
    return await _import_page(request, user, session, default=default, written=len(preview.rows))


@router.get("/accounts/import")
async def import_page(request: Request, user: PageUser, session: SessionDep) -> Response:
    return await _import_page(request, user, session, default=None)


@router.post("/accounts/import")
async def import_positions(
    request: Request, user: PageUser, session: SessionDep, context: ContextDep
) -> Response:
    return await _import(request, user, session, context.settings, None)


@router.get("/accounts/{account_id}/import")
async def account_import_page(
    request: Request, account: PageAccount, user: PageUser, session: SessionDep
) -> Response:
    return await _import_page(request, user, session, default=account)


@router.post("/accounts/{account_id}/import")
async def account_import(
    request: Request, account: PageAccount, user: PageUser, session: SessionDep, context: ContextDep
) -> Response:
    return await _import(request, user, session, context.settings, account)


# --- one account -------------------------------------------------------------------------------


def _percent_text(value: object) -> str:
    """A stored percentage as the form shows it: at most 4 decimals, no trailing zeros."""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _classified_by(source: str) -> str:
    if source == "you":
        return "classified by you"
    if source.startswith("model:"):
        return "classified by the tagger model"
    return "classified in the catalogue"


def _classification_values(view: PositionView) -> dict[str, str]:
    """The classification form's fields as they stand: the classification the analysis uses."""
    effective = view.priced.classification
    mine = view.priced.user_classification
    values = {
        "instrument_type": (mine.instrument_type or "") if mine is not None else "",
        "note": (mine.note or "") if mine is not None else "",
    }
    for group, allocation in (
        ("asset_class", effective.asset_class),
        ("regions", effective.regions),
        ("sectors", effective.sectors),
    ):
        for key, weight in allocation.items():
            values[f"{group}.{key}"] = _percent_text(weight)
    return values


def _total(values: dict[str, str], group: str, keys: dict[str, str]) -> str:
    total = Decimal(0)
    for key in keys:
        try:
            total += Decimal(values.get(f"{group}.{key}") or 0)
        except (InvalidOperation, ValueError):
            continue
    return _percent_text(total) if total.is_finite() else "?"


def _price_text(own: Decimal | None, submitted: dict[str, str] | None) -> str:
    """The price form's value: what was just sent (refused), else your own price, else empty."""
    if submitted is not None:
        return submitted.get("price", "")
    return "" if own is None else f"{own.normalize():f}"


def _position_row(
    view: PositionView, *, submitted: dict[str, str] | None, classification_failed: bool
) -> dict[str, Any]:
    price = view.priced.effective_price
    value = None if price is None else (view.position.quantity * price).quantize(Decimal("0.01"))
    gap = classification_gap(to_domain_instrument(view.priced))
    user_price = view.priced.user_price
    values = submitted if submitted is not None and classification_failed else _classification_values(view)
    return {
        "id": view.position.id,
        "symbol": view.position.symbol,
        "name": view.priced.instrument.name,
        "quantity": view.position.quantity,
        "quantity_text": f"{view.position.quantity.normalize():f}",
        "price": price,
        "value": value,
        "own_price": user_price is not None,
        "price_text": _price_text(user_price, submitted if not classification_failed else None),
        "unknown": None if gap is None else gap.unknown,
        "classified_by": _classified_by(view.priced.classification.source),
        "catalogue_type": label(view.priced.instrument.instrument_type or "unknown"),
        "fields": values,
        "totals": {group: _total(values, group, keys) for group, _, keys in CLASSIFICATION_GROUPS},
    }


async def _account_page(
    request: Request,
    user: User,
    session: AsyncSession,
    account: Account,
    *,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    position_form: dict[str, Any] | None = None,
    position_errors: list[str] | None = None,
    row_errors: dict[str, list[str]] | None = None,
    price_errors: dict[str, list[str]] | None = None,
    classification_errors: dict[str, dict[str, list[str]]] | None = None,
    submitted: dict[str, dict[str, str]] | None = None,
    status_code: int = 422,
) -> Response:
    """The account page. ``price_errors``, ``classification_errors`` (by field: ``asset_class``,
    ``regions``, ``sectors``, ``instrument_type``, ``note``) and ``submitted`` (the form sent) are
    keyed by position id."""
    views = await positions.list_positions(session, user_id=user.id, account_id=account.id)
    classification_errors = classification_errors or {}
    held = [
        _position_row(
            view,
            submitted=(submitted or {}).get(str(view.position.id)),
            classification_failed=str(view.position.id) in classification_errors,
        )
        for view in views
    ]
    invested = sum((row["value"] or Decimal(0) for row in held), Decimal(0))
    catalogue = await instruments.list_instruments(session, user_id=user.id)
    failed = bool(errors or position_errors or row_errors or price_errors or classification_errors)
    return render(
        request,
        "account.html",
        status_code=status_code if failed else 200,
        user=user,
        account=account,
        positions=held,
        invested=invested,
        total=invested + account.cash_balance,
        catalogue=[(p.instrument.symbol, p.instrument.name) for p in catalogue],
        account_types=ACCOUNT_TYPES,
        form=form
        or {
            "account_name": account.account_name,
            "account_purpose": account.account_purpose or "",
            "account_type": account.account_type,
            "cash_balance": f"{account.cash_balance:.2f}",
        },
        errors=errors or [],
        position_form=position_form or {},
        position_errors=position_errors or [],
        row_errors=row_errors or {},
        price_errors=price_errors or {},
        classification_errors=classification_errors,
        classification_groups=CLASSIFICATION_GROUPS,
        instrument_types=INSTRUMENT_TYPES,
        note_max=USER_CLASSIFICATION_NOTE_MAX,
        notice=None if failed else _notice(request),
    )


@router.get("/accounts/{account_id}")
async def account_page(
    request: Request, account: PageAccount, user: PageUser, session: SessionDep
) -> Response:
    return await _account_page(request, user, session, account)


@router.post("/accounts/{account_id}")
async def update_account(
    request: Request, account: PageAccount, user: PageUser, session: SessionDep
) -> Response:
    form = await form_data(request)
    try:
        changes = AccountUpdate.model_validate(_account_fields(form))
    except ValidationError as exc:
        return await _account_page(request, user, session, account, form=form, errors=_errors(exc))
    await accounts.update_account(session, account=account, changes=changes)
    return redirect(f"/accounts/{account.id}?done=saved")


@router.post("/accounts/{account_id}/delete")
async def delete_account(request: Request, account: PageAccount, session: SessionDep) -> Response:
    await form_data(request)
    await accounts.delete_account(session, account=account)
    return redirect("/accounts?done=deleted")


@router.post("/accounts/{account_id}/positions")
async def add_position(
    request: Request, account: PageAccount, user: PageUser, session: SessionDep, context: ContextDep
) -> Response:
    form = await form_data(request)
    fields = {
        "account_id": str(account.id),
        "symbol": form.get("symbol", ""),
        "quantity": form.get("quantity"),
    }
    try:
        body = PositionCreate.model_validate(_blank_is_missing(fields))
    except ValidationError as exc:
        return await _account_page(
            request, user, session, account, position_form=form, position_errors=_errors(exc)
        )
    try:
        await positions.add_position(session, user_id=user.id, form=body, settings=context.settings)
    except TooManyRequestsError as exc:
        await _reload(session, user, account)
        return await _account_page(
            request, user, session, account, position_form=form, position_errors=[str(exc)], status_code=429
        )
    return redirect(f"/accounts/{account.id}?done=position-added")


def _blank_is_missing(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value.strip() if isinstance(value, str) else value for key, value in fields.items() if value}


@router.post("/accounts/{account_id}/positions/{position_id}")
async def update_position(
    request: Request, account: PageAccount, view: PagePosition, user: PageUser, session: SessionDep
) -> Response:
    form = await form_data(request)
    try:
        body = PositionUpdate.model_validate(_blank_is_missing({"quantity": form.get("quantity")}))
        if body.quantity is None:
            raise ValueError
    except (ValidationError, ValueError) as exc:
        messages = _errors(exc) if isinstance(exc, ValidationError) else ["Quantity: enter a quantity."]
        return await _account_page(
            request, user, session, account, row_errors={str(view.position.id): messages}
        )
    await positions.update_position(session, user_id=user.id, view=view, changes=body)
    return redirect(f"/accounts/{account.id}?done=position-saved")


@router.post("/accounts/{account_id}/positions/{position_id}/delete")
async def delete_position(
    request: Request, account: PageAccount, view: PagePosition, session: SessionDep
) -> Response:
    await form_data(request)
    await positions.delete_position(session, user_id=account.user_id, view=view)
    return redirect(f"/accounts/{account.id}?done=position-deleted")


# --- your own price and classification of a position's symbol ------------------------------------


def _row_address(account: Account, view: PositionView, done: str, anchor: str) -> str:
    return f"/accounts/{account.id}?done={done}#{anchor}-{view.position.symbol}"


@router.post("/accounts/{account_id}/positions/{position_id}/price")
async def set_price(
    request: Request, account: PageAccount, view: PagePosition, user: PageUser, session: SessionDep
) -> Response:
    """Your own price for the position's symbol, like PUT /api/instruments/{symbol}/price."""
    form = await form_data(request)
    position_id = str(view.position.id)
    raw = form.get("price", "").strip().replace(",", "")
    try:
        body = UserPriceUpdate.model_validate({"price": raw})
        if not raw:
            raise ValueError
    except (ValidationError, ValueError) as exc:
        messages = _errors(exc) if isinstance(exc, ValidationError) and raw else ["Price: enter a price."]
        return await _account_page(
            request,
            user,
            session,
            account,
            price_errors={position_id: messages},
            submitted={position_id: form},
        )
    try:
        await instruments.set_price(session, user_id=user.id, symbol=view.position.symbol, form=body)
    except NotFoundError:
        raise PageNotFoundError("position", user) from None
    return redirect(_row_address(account, view, "price-saved", "position"))


def _classification_problems(exc: ValidationError) -> dict[str, list[str]]:
    """The schema's problems by the form's field ("asset_class", "regions", ...), each a sentence
    naming the key when it is about one ("Europe: ...")."""
    keys = {group: names for group, _, names in CLASSIFICATION_GROUPS}
    problems: dict[str, list[str]] = {}
    for error in field_errors(exc.errors()):
        group, _, key = error.field.partition(".")
        group = group if group in (*keys, "instrument_type", "note") else "form"
        reason = error.reason
        if key and group in keys:
            reason = f"{keys[group].get(key, key.replace('_', ' ').capitalize())}: {reason}"
        problems.setdefault(group, []).append(reason)
    return problems


@router.post("/accounts/{account_id}/positions/{position_id}/classification")
async def set_classification(
    request: Request, account: PageAccount, view: PagePosition, user: PageUser, session: SessionDep
) -> Response:
    """Your own classification of the position's symbol, like PUT /api/instruments/{symbol}/classification."""
    form = await form_data(request)
    position_id = str(view.position.id)
    fields: dict[str, Any] = {group: percent_fields(form, group) for group, _, _ in CLASSIFICATION_GROUPS}
    fields["instrument_type"] = form.get("instrument_type", "").strip() or None
    fields["note"] = form.get("note", "").strip() or None
    try:
        body = ClassificationUpdate.model_validate(fields)
    except ValidationError as exc:
        return await _account_page(
            request,
            user,
            session,
            account,
            classification_errors={position_id: _classification_problems(exc)},
            submitted={position_id: form},
        )
    try:
        await instruments.set_classification(session, user_id=user.id, symbol=view.position.symbol, form=body)
    except NotFoundError:
        raise PageNotFoundError("position", user) from None
    return redirect(_row_address(account, view, "classification-saved", "classify"))
