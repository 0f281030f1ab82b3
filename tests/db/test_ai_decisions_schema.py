"""Migration 0003: the ai_decisions audit table and users' own classifications.

It upgrades and downgrades cleanly, and its constraints refuse the rows the API could not show
(an unknown agent or outcome, a hash that is not one, negative usage) and the classifications
the catalogue would refuse too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from alex.db import migrate
from alex.db.engine import libpq_url

SHA = "a" * 64
DECISION_COLUMNS = (
    "job_id, user_id, attempt, agent, subject, model, prompt_version, input_sha256, outcome, duration_ms"
)


def _dsn(database_url: str) -> str:
    return libpq_url(database_url)


def _migrate(database_url: str, direction: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__file__).parent / "migrations"))
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            getattr(command, direction)(config, revision)
            connection.commit()
    finally:
        engine.dispose()


def _tables(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(_dsn(database_url), autocommit=True) as connection:
        connection.execute("INSERT INTO users (id, display_name) VALUES ('u1', 'U1'), ('u2', 'U2')")
        yield connection


@pytest.fixture
def job_id(conn: psycopg.Connection) -> str:
    row = conn.execute("INSERT INTO jobs (user_id) VALUES ('u1') RETURNING id::text").fetchone()
    assert row is not None
    return str(row[0])


def _insert_decision(conn: psycopg.Connection, job_id: str, **overrides: object) -> None:
    values: dict[str, object] = {
        "job_id": job_id,
        "user_id": "u1",
        "attempt": 1,
        "agent": "reporter",
        "subject": None,
        "model": "openai:gpt-test",
        "prompt_version": "v1-reporter",
        "input_sha256": SHA,
        "outcome": "passed",
        "duration_ms": 12.5,
        **overrides,
    }
    columns = ", ".join(values)
    placeholders = ", ".join(f"%({name})s" for name in values)
    conn.execute(f"INSERT INTO ai_decisions ({columns}) VALUES ({placeholders})", values)


def test_0003_downgrades_and_upgrades_again_cleanly(database_url: str) -> None:
    assert migrate.current_revision(database_url) == migrate.head_revision()
    with psycopg.connect(_dsn(database_url), autocommit=True) as conn:
        assert {"ai_decisions", "user_instrument_classifications"} <= _tables(conn)

    _migrate(database_url, "downgrade", "0002")

    assert migrate.current_revision(database_url) == "0002"
    with psycopg.connect(_dsn(database_url), autocommit=True) as conn:
        tables = _tables(conn)
        assert "ai_decisions" not in tables
        assert "user_instrument_classifications" not in tables
        assert {"jobs", "job_events", "instruments", "user_instrument_prices"} <= tables
        triggers = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'trg_user_instrument_classifications_updated_at'"
        ).fetchone()
        assert triggers == (0,)

    migrate.upgrade(database_url)

    assert migrate.current_revision(database_url) == migrate.head_revision()
    with psycopg.connect(_dsn(database_url), autocommit=True) as conn:
        assert {"ai_decisions", "user_instrument_classifications"} <= _tables(conn)


def test_a_decision_gets_its_defaults(conn: psycopg.Connection, job_id: str) -> None:
    conn.execute(
        f"INSERT INTO ai_decisions ({DECISION_COLUMNS}) "
        "VALUES (%s, 'u1', 1, 'tagger', 'ZZQX', 'offline', 'offline', %s, 'fell_back', 0.4)",
        (job_id, SHA),
    )
    row = conn.execute(
        "SELECT output_summary, guardrails, tokens_in, tokens_out, requests, estimated_cost, created_at "
        "FROM ai_decisions"
    ).fetchone()
    assert row is not None
    assert row[:6] == ({}, [], 0, 0, 0, None)
    assert row[6] is not None


def test_the_audit_is_indexed_by_job_and_time_and_by_user(conn: psycopg.Connection) -> None:
    indexes: dict[str, str] = dict(
        conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ai_decisions'").fetchall()
    )
    assert "(job_id, created_at)" in indexes["ix_ai_decisions_job_id_created_at"]
    assert "(user_id)" in indexes["ix_ai_decisions_user_id"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"agent": "planner"},
        {"outcome": "exploded"},
        {"input_sha256": "A" * 64},  # upper case: not what hexdigest() writes
        {"input_sha256": "g" * 64},
        {"input_sha256": "a" * 63 + " "},
        {"tokens_in": -1},
        {"tokens_out": -1},
        {"requests": -1},
        {"estimated_cost": -0.01},
        {"duration_ms": -1},
    ],
    ids=lambda overrides: ",".join(f"{k}={v}" for k, v in overrides.items()),
)
def test_decision_constraints_refuse_impossible_rows(
    conn: psycopg.Connection, job_id: str, overrides: dict[str, object]
) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        _insert_decision(conn, job_id, **overrides)


@pytest.mark.parametrize(
    ("column", "value"),
    [("output_summary", "[]"), ("output_summary", '"text"'), ("guardrails", "{}"), ("guardrails", "1")],
)
def test_decision_json_has_the_documented_shape(
    conn: psycopg.Connection, job_id: str, column: str, value: str
) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            f"INSERT INTO ai_decisions ({DECISION_COLUMNS}, {column}) "
            "VALUES (%s, 'u1', 1, 'charter', NULL, 'm', 'v1', %s, 'passed', 1, %s::jsonb)",
            (job_id, SHA, value),
        )


def test_a_valid_decision_is_stored(conn: psycopg.Connection, job_id: str) -> None:
    _insert_decision(conn, job_id, estimated_cost=0.000125, tokens_in=10, tokens_out=5, requests=1)
    assert conn.execute("SELECT count(*) FROM ai_decisions").fetchone() == (1,)


def test_decisions_go_with_their_job_and_their_user(conn: psycopg.Connection, job_id: str) -> None:
    _insert_decision(conn, job_id)
    other = conn.execute("INSERT INTO jobs (user_id) VALUES ('u2') RETURNING id::text").fetchone()
    assert other is not None
    _insert_decision(conn, str(other[0]), user_id="u2")

    conn.execute("DELETE FROM jobs WHERE id = %s", (job_id,))
    assert conn.execute("SELECT user_id FROM ai_decisions").fetchall() == [("u2",)]
    conn.execute("DELETE FROM users WHERE id = 'u2'")
    assert conn.execute("SELECT count(*) FROM ai_decisions").fetchone() == (0,)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO user_instrument_classifications (user_id, symbol, instrument_type) "
        "VALUES ('u1', 'SPY', 'crypto')",
        "INSERT INTO user_instrument_classifications (user_id, symbol, note) "
        "VALUES ('u1', 'SPY', repeat('x', 501))",
    ],
    ids=["unknown type", "note over 500"],
)
def test_classification_constraints_refuse_impossible_rows(conn: psycopg.Connection, statement: str) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(statement)


def test_a_classification_needs_a_catalogue_symbol(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO user_instrument_classifications (user_id, symbol) VALUES ('u1', 'NOPE')")


def test_a_classification_keeps_its_updated_at_and_goes_with_its_user(conn: psycopg.Connection) -> None:
    conn.execute(
        "INSERT INTO user_instrument_classifications (user_id, symbol, instrument_type, note) "
        "VALUES ('u1', 'SPY', NULL, repeat('x', 500))"
    )
    before = conn.execute(
        "SELECT updated_at, allocation_sectors FROM user_instrument_classifications"
    ).fetchone()
    conn.execute("UPDATE user_instrument_classifications SET note = 'changed'")
    after = conn.execute("SELECT updated_at FROM user_instrument_classifications").fetchone()
    assert before is not None
    assert after is not None
    assert before[1] == {}
    assert after[0] > before[0]

    conn.execute("DELETE FROM users WHERE id = 'u1'")
    assert conn.execute("SELECT count(*) FROM user_instrument_classifications").fetchone() == (0,)
