"""Accounts and their positions in the browser, and the CSV import of positions.

Every handler looks things up through the signed-in user (another user's id is a 404 page) and
validates with the services' own inputs (``AccountCreate``, ``PositionCreate`` …), so a form accepts
exactly what the API accepts. Invalid input re-renders the form with the messages (422); a quota
reached re-renders it with the quota's message (429), and nothing is stored.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from alex.db.models import Account, User
from alex.domain.labels import label
from alex.domain.taxonomy import AccountType
from alex.http.deps import ContextDep, SessionDep
from alex.services import accounts, csv_import, instruments, portfolio, positions
from alex.services.accounts import AccountCreate, AccountUpdate
from alex.services.errors import TooManyRequestsError
from alex.services.positions import PositionCreate, PositionUpdate
from alex.settings import Settings
from alex.web.pages import PageAccount, PagePosition, PageUser, form_data, form_errors, redirect, render

router = APIRouter(include_in_schema=False)

ACCOUNT_TYPES: Final = {member.value: label(member.value) for member in AccountType}
NOTICES: Final = {
    "created": "Account created.",
    "saved": "Account saved.",
    "deleted": "Account deleted.",
    "position-added": "Position saved.",
    "position-saved": "Quantity saved.",
    "position-deleted": "Position deleted.",
}
"""Notices after a redirect, by key: the query string never carries text to show."""
FIELD_LABELS: Final = {
    "account_name": "Name",
    "account_purpose": "Purpose",
    "account_type": "Type",
    "cash_balance": "Cash balance",
    "symbol": "Symbol",
    "quantity": "Quantity",
}


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
    status_code: int = 422,
) -> Response:
    views = await positions.list_positions(session, user_id=user.id, account_id=account.id)
    held = []
    invested = Decimal(0)
    for view in views:
        price = view.priced.effective_price
        value = None if price is None else (view.position.quantity * price).quantize(Decimal("0.01"))
        invested += value or 0
        held.append(
            {
                "id": view.position.id,
                "symbol": view.position.symbol,
                "name": view.priced.instrument.name,
                "quantity": view.position.quantity,
                "quantity_text": f"{view.position.quantity.normalize():f}",
                "price": price,
                "value": value,
            }
        )
    catalogue = await instruments.list_instruments(session, user_id=user.id)
    failed = bool(errors or position_errors or row_errors)
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
