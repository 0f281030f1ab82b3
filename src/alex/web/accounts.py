"""Accounts and their positions in the browser, and the CSV import of positions.

Every handler looks things up through the signed-in user (another user's id is a 404 page) and
validates with the API's own schemas (``AccountCreate``, ``PositionCreate`` …), so a form accepts
exactly what the API accepts. Invalid input re-renders the form with the messages (422).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from alex.api.schemas import AccountCreate, AccountUpdate, PositionCreate, PositionUpdate
from alex.db import accounts, instruments, positions
from alex.db import snapshot as snapshots
from alex.db.models import Account, Position, User
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.taxonomy import AccountType
from alex.web import csv_import
from alex.web.pages import DbSession, PageUser, form_data, redirect, render

router = APIRouter(include_in_schema=False)

ACCOUNT_TYPES: Final = {
    AccountType.TAXABLE.value: "Taxable brokerage",
    AccountType.K401.value: "401(k)",
    AccountType.ROTH_IRA.value: "Roth IRA",
    AccountType.TRADITIONAL_IRA.value: "Traditional IRA",
    AccountType.K529.value: "529 plan",
    AccountType.HSA.value: "HSA",
    AccountType.PENSION.value: "Pension",
    AccountType.OTHER.value: "Other",
}
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
    """One readable sentence per problem, naming the form's label (never the input's value)."""
    messages = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize() or "Form")
        messages.append(f"{label}: {error['msg'].removeprefix('Value error, ')}")
    return messages


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _not_found(request: Request, user: User, what: str = "account") -> Response:
    return render(request, "account_missing.html", status_code=404, user=user, what=what)


async def _owned(db: AsyncSession, user: User, account_id: str) -> Account | None:
    key = _uuid(account_id)
    return None if key is None else await accounts.get_owned(db, user_id=user.id, account_id=key)


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


async def _values(db: AsyncSession, user: User) -> tuple[list[dict[str, Any]], Decimal, int]:
    """Each account with its cash, value and share of the total; the total; unpriced holdings."""
    snapshot = await snapshots.load(db, user_id=user.id)
    if snapshot is None or not snapshot.portfolio.accounts:
        return [], Decimal(0), 0
    valuation = value_portfolio(snapshot.portfolio)
    total = valuation.total
    by_id = {a.account.id: a for a in valuation.accounts}
    rows = []
    for account in await accounts.list_for_user(db, user_id=user.id):
        valued = by_id.get(str(account.id))
        value = valued.total if valued else account.cash_balance
        rows.append(
            {
                "id": account.id,
                "name": account.account_name,
                "purpose": account.account_purpose,
                "type": ACCOUNT_TYPES.get(account.account_type, account.account_type),
                "cash": account.cash_balance,
                "value": value,
                "share": float(value / total * 100) if total else 0.0,
                "positions": len(valued.positions) if valued else 0,
            }
        )
    return rows, total, len(valuation.warnings)


async def _accounts_page(
    request: Request,
    user: User,
    db: AsyncSession,
    *,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
) -> Response:
    rows, total, unpriced = await _values(db, user)
    return render(
        request,
        "accounts.html",
        status_code=422 if errors else 200,
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
async def accounts_page(request: Request, user: PageUser, db: DbSession) -> Response:
    return await _accounts_page(request, user, db)


@router.post("/accounts")
async def create_account(request: Request, user: PageUser, db: DbSession) -> Response:
    form = await form_data(request)
    try:
        body = AccountCreate.model_validate(_account_fields(form))
    except ValidationError as exc:
        return await _accounts_page(request, user, db, form=form, errors=_errors(exc))
    account = await accounts.create(db, user_id=user.id, fields=body.model_dump())
    return redirect(f"/accounts/{account.id}?done=created")


# --- CSV import (before /accounts/{id}: "import" is not an id) -----------------------------------


async def _import_page(
    request: Request,
    user: User,
    db: AsyncSession,
    *,
    default: Account | None,
    text: str = "",
    preview: csv_import.ImportPreview | None = None,
    status_code: int = 200,
    written: int | None = None,
) -> Response:
    names = {str(a.id): a.account_name for a in await accounts.list_for_user(db, user_id=user.id)}
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


async def _write(db: AsyncSession, rows: tuple[csv_import.ImportRow, ...]) -> None:
    """Every row in one transaction (as the API's upsert: a held symbol gets the new quantity)."""
    try:
        for row in rows:
            assert row.account_id is not None
            assert row.quantity is not None
            await instruments.ensure_exists(db, symbol=row.symbol)
            statement = insert(Position).values(
                account_id=row.account_id, symbol=row.symbol, quantity=row.quantity
            )
            await db.execute(
                statement.on_conflict_do_update(
                    index_elements=[Position.account_id, Position.symbol],
                    set_={"quantity": statement.excluded.quantity},
                )
            )
        await db.commit()
    except BaseException:
        await db.rollback()
        raise


async def _import(request: Request, user: User, db: AsyncSession, default: Account | None) -> Response:
    form = await form_data(request)
    text, error = await _import_text(request, form)
    if text is None:
        preview = csv_import.ImportPreview(errors=(error or "The file could not be read.",))
        return await _import_page(request, user, db, default=default, preview=preview, status_code=422)
    refs = [
        csv_import.AccountRef(id=a.id, name=a.account_name)
        for a in await accounts.list_for_user(db, user_id=user.id)
    ]
    preview = csv_import.parse(text, accounts=refs, default_account=default.id if default else None)
    confirm = form.get("action") == "confirm"
    if not preview.ok:
        return await _import_page(
            request, user, db, default=default, text=text, preview=preview, status_code=422
        )
    if not confirm:
        return await _import_page(request, user, db, default=default, text=text, preview=preview)
    await _write(db, preview.rows)
    return await _import_page(request, user, db, default=default, written=len(preview.rows))


@router.get("/accounts/import")
async def import_page(request: Request, user: PageUser, db: DbSession) -> Response:
    return await _import_page(request, user, db, default=None)


@router.post("/accounts/import")
async def import_positions(request: Request, user: PageUser, db: DbSession) -> Response:
    return await _import(request, user, db, None)


@router.get("/accounts/{account_id}/import")
async def account_import_page(request: Request, account_id: str, user: PageUser, db: DbSession) -> Response:
    account = await _owned(db, user, account_id)
    if account is None:
        return _not_found(request, user)
    return await _import_page(request, user, db, default=account)


@router.post("/accounts/{account_id}/import")
async def account_import(request: Request, account_id: str, user: PageUser, db: DbSession) -> Response:
    account = await _owned(db, user, account_id)
    if account is None:
        await form_data(request)
        return _not_found(request, user)
    return await _import(request, user, db, account)


# --- one account -------------------------------------------------------------------------------


async def _account_page(
    request: Request,
    user: User,
    db: AsyncSession,
    account: Account,
    *,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    position_form: dict[str, Any] | None = None,
    position_errors: list[str] | None = None,
    row_errors: dict[str, list[str]] | None = None,
) -> Response:
    views = await positions.list_for_account(db, user_id=user.id, account_id=account.id)
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
    catalogue = await instruments.list_for_user(db, user_id=user.id)
    failed = bool(errors or position_errors or row_errors)
    return render(
        request,
        "account.html",
        status_code=422 if failed else 200,
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
async def account_page(request: Request, account_id: str, user: PageUser, db: DbSession) -> Response:
    account = await _owned(db, user, account_id)
    if account is None:
        return _not_found(request, user)
    return await _account_page(request, user, db, account)


@router.post("/accounts/{account_id}")
async def update_account(request: Request, account_id: str, user: PageUser, db: DbSession) -> Response:
    form = await form_data(request)
    account = await _owned(db, user, account_id)
    if account is None:
        return _not_found(request, user)
    try:
        body = AccountUpdate.model_validate(_account_fields(form))
    except ValidationError as exc:
        return await _account_page(request, user, db, account, form=form, errors=_errors(exc))
    changes = body.model_dump(exclude_unset=True)
    changes = {key: value for key, value in changes.items() if value is not None or key == "account_purpose"}
    await accounts.update(db, account=account, changes=changes)
    return redirect(f"/accounts/{account.id}?done=saved")


@router.post("/accounts/{account_id}/delete")
async def delete_account(request: Request, account_id: str, user: PageUser, db: DbSession) -> Response:
    await form_data(request)
    account = await _owned(db, user, account_id)
    if account is None:
        return _not_found(request, user)
    await accounts.remove(db, account=account)
    return redirect("/accounts?done=deleted")


@router.post("/accounts/{account_id}/positions")
async def add_position(request: Request, account_id: str, user: PageUser, db: DbSession) -> Response:
    form = await form_data(request)
    account = await _owned(db, user, account_id)
    if account is None:
        return _not_found(request, user)
    fields = {
        "account_id": str(account.id),
        "symbol": form.get("symbol", ""),
        "quantity": form.get("quantity"),
    }
    try:
        body = PositionCreate.model_validate(_blank_is_missing(fields))
    except ValidationError as exc:
        return await _account_page(
            request, user, db, account, position_form=form, position_errors=_errors(exc)
        )
    await positions.upsert(
        db, account_id=account.id, symbol=body.symbol, quantity=body.quantity, as_of_date=None
    )
    return redirect(f"/accounts/{account.id}?done=position-added")


def _blank_is_missing(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value.strip() if isinstance(value, str) else value for key, value in fields.items() if value}


async def _owned_position(
    db: AsyncSession, user: User, account: Account, position_id: str
) -> positions.PositionView | None:
    key = _uuid(position_id)
    view = None if key is None else await positions.get_owned(db, user_id=user.id, position_id=key)
    return view if view is not None and view.position.account_id == account.id else None


@router.post("/accounts/{account_id}/positions/{position_id}")
async def update_position(
    request: Request, account_id: str, position_id: str, user: PageUser, db: DbSession
) -> Response:
    form = await form_data(request)
    account = await _owned(db, user, account_id)
    view = None if account is None else await _owned_position(db, user, account, position_id)
    if account is None or view is None:
        return _not_found(request, user, "position")
    try:
        body = PositionUpdate.model_validate(_blank_is_missing({"quantity": form.get("quantity")}))
        if body.quantity is None:
            raise ValueError
    except (ValidationError, ValueError) as exc:
        messages = _errors(exc) if isinstance(exc, ValidationError) else ["Quantity: enter a quantity."]
        return await _account_page(request, user, db, account, row_errors={str(view.position.id): messages})
    await positions.update(db, position=view.position, changes={"quantity": body.quantity})
    return redirect(f"/accounts/{account.id}?done=position-saved")


@router.post("/accounts/{account_id}/positions/{position_id}/delete")
async def delete_position(
    request: Request, account_id: str, position_id: str, user: PageUser, db: DbSession
) -> Response:
    await form_data(request)
    account = await _owned(db, user, account_id)
    view = None if account is None else await _owned_position(db, user, account, position_id)
    if account is None or view is None:
        return _not_found(request, user, "position")
    await positions.remove(db, position=view.position)
    return redirect(f"/accounts/{account.id}?done=position-deleted")
