"""The CSV import's parser: decode, parse and validate (with property tests)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from alex.services import csv_import
from alex.services.csv_import import AccountRef, decode, parse

BROKERAGE = AccountRef(id=uuid.uuid4(), name="Brokerage")
ROTH = AccountRef(id=uuid.uuid4(), name="Roth IRA")
ACCOUNTS = (BROKERAGE, ROTH)


def test_rows_with_and_without_header_and_account_column() -> None:
    text = "symbol,quantity,account\nvti,10,Brokerage\nBND,2.5,roth ira\nVXUS,3,\n"
    preview = parse(text, accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert preview.ok, preview
    assert [(r.symbol, r.quantity, r.account_id) for r in preview.rows] == [
        ("VTI", Decimal(10), BROKERAGE.id),
        ("BND", Decimal("2.5"), ROTH.id),
        ("VXUS", Decimal(3), BROKERAGE.id),
    ]
    assert [r.line for r in preview.rows] == [2, 3, 4]
    headless = parse("VTI,1\r\n\r\nBND,2", accounts=ACCOUNTS, default_account=ROTH.id)
    assert headless.ok
    assert [(r.symbol, r.account_id) for r in headless.rows] == [("VTI", ROTH.id), ("BND", ROTH.id)]


def test_a_header_may_reorder_the_columns() -> None:
    preview = parse("Quantity,Symbol\n4,VTI\n", accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert preview.ok
    assert (preview.rows[0].symbol, preview.rows[0].quantity) == ("VTI", Decimal(4))


def test_every_row_problem_is_reported_on_its_row() -> None:
    text = "\n".join(
        [
            "VTI,10",  # fine
            "<b>,1",  # bad symbol
            "BND,0",  # not positive
            "VXUS,-3",  # not positive
            "GLD,ten",  # not a number
            "IAU,NaN",  # not a number
            "SPY,1,Nowhere",  # unknown account
            "VTI,5",  # duplicate of line 1 (same default account)
            "QQQ,1,Brokerage,extra",  # too many columns
            "DIA,",  # no quantity
        ]
    )
    preview = parse(text, accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert not preview.ok
    errors = {row.line: " ".join(row.errors) for row in preview.rows}
    assert errors[1] == ""
    assert "Bad symbol" in errors[2]
    assert "more than zero" in errors[3]
    assert "more than zero" in errors[4]
    assert "not a number" in errors[5]
    assert "not a number" in errors[6]
    assert "Unknown account" in errors[7]
    assert "Duplicate of line 1" in errors[8]
    assert "Too many columns" in errors[9]
    assert "missing" in errors[10]
    assert preview.error_count == 9


def test_without_a_default_account_each_row_needs_one() -> None:
    preview = parse("VTI,1", accounts=ACCOUNTS, default_account=None)
    assert not preview.ok
    assert "No account" in preview.rows[0].errors[0]


def test_ambiguous_account_names_are_refused() -> None:
    twins = (AccountRef(uuid.uuid4(), "IRA"), AccountRef(uuid.uuid4(), "ira"))
    preview = parse("VTI,1,IRA", accounts=twins, default_account=None)
    assert "Several of your accounts" in preview.rows[0].errors[0]


def test_file_limits() -> None:
    many = "\n".join(f"S{i},1" for i in range(csv_import.MAX_ROWS + 1))
    preview = parse(many, accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert not preview.ok
    assert any(f"more than {csv_import.MAX_ROWS} rows" in e for e in preview.errors)
    exactly = "\n".join(f"S{i},1" for i in range(csv_import.MAX_ROWS))
    assert parse(exactly, accounts=ACCOUNTS, default_account=BROKERAGE.id).ok
    assert parse("", accounts=ACCOUNTS, default_account=BROKERAGE.id).errors == (
        "The file has no positions in it.",
    )
    text, error = decode(b"VTI,1\n" + b"#" * csv_import.MAX_BYTES)
    assert text is None
    assert error is not None
    assert "kB" in error
    text, error = decode(b"VTI,\xff1")
    assert text is None
    assert error is not None
    assert "UTF-8" in error
    assert decode("\ufeffVTI,1".encode()) == ("VTI,1", None)
    too_big = parse("x" * (csv_import.MAX_BYTES + 1), accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert not too_big.ok
    assert "kB" in too_big.errors[0]


def test_broken_quoting_is_an_error_not_a_crash() -> None:
    preview = parse('VTI,"1' + "x" * 200_000, accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert not preview.ok


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_the_parser_never_raises_on_arbitrary_text(text: str) -> None:
    preview = parse(text, accounts=ACCOUNTS, default_account=BROKERAGE.id)
    assert preview.ok == (bool(preview.rows) and not preview.errors and all(r.ok for r in preview.rows))
    for row in preview.rows:
        if row.ok:
            assert row.quantity is not None
            assert row.quantity > 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_decoding_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    text, error = decode(data)
    assert (text is None) != (error is None)
