"""Finding 4: when a statement failed, the error's log line carried its parameters: argon2 hashes
and emails. The engine now hides parameters from every error message."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import psycopg
import pytest

from alex.db.engine import libpq_url
from tests.support.harness import ApiHarness
from tests.support.logs import production_logging as configured_logging

EMAIL = "secret.person@example.com"


def _break_sign_up(database_url: str) -> None:
    """Make every insert into users fail inside the database (not a constraint: an error)."""
    dsn = libpq_url(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION refuse_users() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the disk is on fire'; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse_users BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION refuse_users()"
        )


@pytest.fixture
def production_logging() -> Iterator[logging.Formatter]:
    with configured_logging() as formatter:
        yield formatter


async def test_a_database_error_during_sign_up_logs_no_hash_and_no_email(
    api: ApiHarness,
    database_url: str,
    production_logging: logging.Formatter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _break_sign_up(database_url)
    answer = await api.client.post(
        "/api/auth/signup", json={"email": EMAIL, "password": "correct horse battery"}
    )
    # The lines exactly as production writes them: each captured record through its formatter.
    lines = [production_logging.format(record) for record in caplog.records if record.name.startswith("alex")]
    logged = "\n".join(lines)
    assert answer.status_code == 500
    assert "the disk is on fire" not in answer.text  # no database detail to the client either
    error = next(line for line in lines if '"event": "database error"' in line)
    assert "Traceback" in error
    assert "the disk is on fire" in error
    assert "$argon2" not in logged
    assert EMAIL not in logged
    assert "secret.person" not in logged
