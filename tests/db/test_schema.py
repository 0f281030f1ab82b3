"""The migrated schema: constraints, indexes, triggers; migrations and seed are idempotent."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from alex.db import migrate
from alex.db.engine import libpq_url
from alex.db.models import Base


def _dsn(database_url: str) -> str:
    return libpq_url(database_url)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(_dsn(database_url), autocommit=True) as connection:
        yield connection


def test_migrations_are_at_head_and_rerunning_is_a_no_op(database_url: str) -> None:
    assert migrate.current_revision(database_url) == migrate.head_revision()
    migrate.upgrade(database_url)
    assert migrate.current_revision(database_url) == migrate.head_revision()


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_every_foreign_key_is_indexed(conn: psycopg.Connection) -> None:
    # A foreign key is covered when some index starts with its column(s).
    rows = conn.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i
            WHERE i.indrelid = c.conrelid
              AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey::int2[]
          )
        """
    ).fetchall()
    assert rows == []


def test_jobs_have_a_user_created_at_index(conn: psycopg.Connection) -> None:
    definition = conn.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'jobs' "
        "AND indexname = 'ix_jobs_user_id_created_at'"
    ).fetchone()
    assert definition is not None
    assert "(user_id, created_at)" in definition[0]


def test_money_is_numeric_and_timestamps_have_time_zones(conn: psycopg.Connection) -> None:
    types: dict[str, str] = dict(
        conn.execute(
            """
            SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public'
            """
        ).fetchall()
    )
    for column in (
        "accounts.cash_balance",
        "instruments.current_price",
        "users.target_retirement_income",
        "positions.quantity",
        "user_instrument_prices.price",
    ):
        assert types[column] == "numeric", column
    timestamps = {name: kind for name, kind in types.items() if "timestamp" in kind}
    assert timestamps
    assert set(timestamps.values()) == {"timestamp with time zone"}


def test_updated_at_is_maintained_by_the_database(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO users (id, display_name) VALUES ('t1', 'T')")
    before = conn.execute("SELECT updated_at FROM users WHERE id = 't1'").fetchone()
    # now() is the transaction start, so the update must run in a later transaction.
    conn.execute("UPDATE users SET display_name = 'T2' WHERE id = 't1'")
    after = conn.execute("SELECT updated_at, created_at FROM users WHERE id = 't1'").fetchone()
    assert before is not None
    assert after is not None
    assert after[0] > before[0]
    assert after[1] == before[0]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO accounts (user_id, account_name, cash_balance) VALUES ('c1', 'A', -1)",
        "INSERT INTO accounts (user_id, account_name, cash_interest) VALUES ('c1', 'A', 1.5)",
        "INSERT INTO accounts (user_id, account_name, account_type) VALUES ('c1', 'A', 'savings')",
        "INSERT INTO instruments (symbol, name, instrument_type) VALUES ('ZZZ', 'Z', 'crypto')",
        "INSERT INTO instruments (symbol, name, current_price) VALUES ('ZZZ', 'Z', -5)",
        "INSERT INTO jobs (user_id, status) VALUES ('c1', 'exploded')",
    ],
)
def test_constraints_refuse_impossible_rows(conn: psycopg.Connection, statement: str) -> None:
    conn.execute("INSERT INTO users (id, display_name) VALUES ('c1', 'C')")
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(statement)


def test_positions_need_positive_quantities(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO users (id, display_name) VALUES ('p1', 'P')")
    account = conn.execute(
        "INSERT INTO accounts (user_id, account_name) VALUES ('p1', 'A') RETURNING id"
    ).fetchone()
    assert account is not None
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO positions (account_id, symbol, quantity) VALUES (%s, 'SPY', 0)", (account[0],)
        )
