"""CSV import of positions: decode, parse and validate, as pure functions (no database, no I/O).

The format is ``symbol,quantity[,account]``, one position a row, with an optional header row
(which may then put the columns in any order). ``account`` is the name of one of the user's
accounts; left out, the row goes to the account the import was started from. Symbols and
quantities follow the same rules as the API (``alex.services.fields``). The parser never raises: every problem
becomes a message, on the file or on its row, and a preview with any message is never written.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from pydantic import TypeAdapter, ValidationError

from alex.services.fields import Quantity, Symbol

MAX_BYTES: Final = 256 * 1024
MAX_ROWS: Final = 500
SHOWN_CHARS: Final = 40
"""Longer cells are cut in the preview (they are wrong anyway)."""

_SYMBOL: Final = TypeAdapter(Symbol)
_QUANTITY: Final = TypeAdapter(Quantity)
_COLUMNS: Final = ("symbol", "quantity", "account")


@dataclass(frozen=True, slots=True)
class AccountRef:
    """One of the user's accounts, as the importer needs it."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One data row of the file, parsed: the values when valid, and what is wrong with it."""

    line: int
    symbol: str
    quantity_text: str
    account_name: str
    quantity: Decimal | None = None
    account_id: uuid.UUID | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and self.quantity is not None and self.account_id is not None


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """The whole file: its rows and the problems of the file itself (size, encoding, row count)."""

    rows: tuple[ImportRow, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


def decode(data: bytes) -> tuple[str | None, str | None]:
    """The file's text, or an error: too large, or not UTF-8 (a byte-order mark is allowed)."""
    if len(data) > MAX_BYTES:
        return None, f"The file is larger than {MAX_BYTES // 1024} kB."
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, "The file is not UTF-8 text. Save it as CSV (UTF-8) and try again."


def _check_symbol(raw: str) -> tuple[str, str | None]:
    try:
        return _SYMBOL.validate_python(raw), None
    except ValidationError:
        return raw.strip().upper(), (
            "Bad symbol: use 1-10 characters A-Z, 0-9, '.' or '-', starting with a letter or digit."
        )


_QUANTITY_PROBLEMS: Final = {
    "decimal_parsing": "Quantity is not a number.",
    "finite_number": "Quantity is not a number.",
    "greater_than": "Quantity must be more than zero.",
}
"""The rules are ``Quantity``'s own (as the API's); these say, per broken rule, what to fix."""


def _check_quantity(raw: str) -> tuple[Decimal | None, str | None]:
    try:
        return _QUANTITY.validate_python(raw.strip()), None
    except ValidationError as exc:
        problem = _QUANTITY_PROBLEMS.get(exc.errors()[0]["type"])
        return None, problem or "Quantity is too large or has more than 8 decimal places."


def _columns(header: list[str]) -> dict[str, int] | None:
    """Column positions from a header row, or None if the row is data."""
    names = [cell.strip().lower() for cell in header]
    if "symbol" not in names:
        return None
    return {name: names.index(name) for name in _COLUMNS if name in names}


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def parse(text: str, *, accounts: Sequence[AccountRef], default_account: uuid.UUID | None) -> ImportPreview:
    """Parse and validate the CSV text. Never raises; see the module's docstring for the format."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        return ImportPreview(errors=(f"The file is larger than {MAX_BYTES // 1024} kB.",))
    by_name: dict[str, list[AccountRef]] = {}
    for account in accounts:
        by_name.setdefault(account.name.strip().casefold(), []).append(account)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    reader = csv.reader(io.StringIO(normalised))
    columns: dict[str, int] = {"symbol": 0, "quantity": 1, "account": 2}
    width = 3
    rows: list[ImportRow] = []
    seen: dict[tuple[str, str], int] = {}
    first = True
    file_errors: list[str] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if first:
                first = False
                header = _columns(cells)
                if header is not None:
                    if "quantity" not in header:
                        return ImportPreview(errors=("The header row has no 'quantity' column.",))
                    columns, width = header, len(cells)
                    continue
            if len(rows) >= MAX_ROWS:
                file_errors.append(f"The file has more than {MAX_ROWS} rows; split it into smaller files.")
                break
            rows.append(
                _row(
                    reader.line_num,
                    cells,
                    columns=columns,
                    width=width,
                    by_name=by_name,
                    default_account=default_account,
                    seen=seen,
                )
            )
    except csv.Error:
        file_errors.append(f"Line {reader.line_num}: this is not valid CSV (check the quotes).")
    if not rows and not file_errors:
        file_errors.append("The file has no positions in it.")
    return ImportPreview(rows=tuple(rows), errors=tuple(file_errors))


def _row(
    line: int,
    cells: list[str],
    *,
    columns: dict[str, int],
    width: int,
    by_name: dict[str, list[AccountRef]],
    default_account: uuid.UUID | None,
    seen: dict[tuple[str, str], int],
) -> ImportRow:
    errors: list[str] = []
    if len(cells) > width:
        errors.append(f"Too many columns: expected at most {width}.")
    symbol_text = _cell(cells, columns.get("symbol"))
    quantity_text = _cell(cells, columns.get("quantity"))
    account_text = _cell(cells, columns.get("account"))
    symbol, symbol_error = _check_symbol(symbol_text)
    if symbol_error:
        errors.append(symbol_error)
    quantity, quantity_error = (
        (None, "Quantity is missing.") if not quantity_text else _check_quantity(quantity_text)
    )
    if quantity_error:
        errors.append(quantity_error)
    account_id: uuid.UUID | None = None
    if account_text:
        matches = by_name.get(account_text.casefold(), [])
        if not matches:
            errors.append(f"Unknown account “{_shown(account_text)}”: use the name of one of your accounts.")
        elif len(matches) > 1:
            errors.append(f"Several of your accounts are named “{_shown(account_text)}”: rename one first.")
        else:
            account_id = matches[0].id
    elif default_account is not None:
        account_id = default_account
    else:
        errors.append("No account: add an account column, or start the import from an account.")
    key = (str(account_id) if account_id else account_text.casefold(), symbol)
    if not symbol_error:
        if key in seen:
            errors.append(f"Duplicate of line {seen[key]}: each symbol once per account.")
        else:
            seen[key] = line
    return ImportRow(
        line=line,
        symbol=_shown(symbol),
        quantity_text=_shown(quantity_text),
        account_name=_shown(account_text),
        quantity=quantity,
        account_id=account_id,
        errors=tuple(errors),
    )
