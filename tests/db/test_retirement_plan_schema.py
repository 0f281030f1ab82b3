"""Migration 0005: the retirement plan on users.

It upgrades and downgrades cleanly, keeps existing users' plans (no ages: their years until
retirement stay the horizon; no savings, no other income, the parametric method), and its
constraints mirror the plan's validation.
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

PLAN_COLUMNS = {
    "current_age",
    "retirement_age",
    "annual_contribution",
    "contribution_growth",
    "other_income",
    "other_income_start_age",
    "glide_path_equity",
    "retirement_method",
}


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


def _columns(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users'"
    ).fetchall()
    return {row[0] for row in rows}


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        yield connection


def test_0005_downgrades_and_upgrades_again_keeping_existing_users(database_url: str) -> None:
    assert migrate.current_revision(database_url) == migrate.head_revision()
    _migrate(database_url, "downgrade", "0004")
    assert migrate.current_revision(database_url) == "0004"
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        assert not PLAN_COLUMNS & _columns(conn)
        constraints = conn.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'ck_users_%age%' "
            "OR conname LIKE 'ck_users_contribution%' OR conname LIKE 'ck_users_other_income%'"
        ).fetchone()
        assert constraints == (0,)
        conn.execute(
            "INSERT INTO users (id, display_name, years_until_retirement, target_retirement_income) "
            "VALUES ('old', 'Old', 12, 45000)"
        )

    migrate.upgrade(database_url)

    assert migrate.current_revision(database_url) == migrate.head_revision()
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        assert _columns(conn) >= PLAN_COLUMNS
        row = conn.execute(
            "SELECT years_until_retirement, target_retirement_income, current_age, retirement_age, "
            "annual_contribution, contribution_growth, other_income, other_income_start_age, "
            "glide_path_equity, retirement_method FROM users WHERE id = 'old'"
        ).fetchone()
    assert row == (12, 45000, None, None, 0, 0, 0, None, None, "parametric")


def test_a_full_plan_is_stored(conn: psycopg.Connection) -> None:
    conn.execute(
        "INSERT INTO users (id, display_name, years_until_retirement, current_age, retirement_age, "
        "annual_contribution, contribution_growth, other_income, other_income_start_age, "
        "glide_path_equity, retirement_method) "
        "VALUES ('p', 'P', 20, 45, 65, 12000, 2.5, 20000, 67, 40, 'historical')"
    )


@pytest.mark.parametrize(
    "columns",
    [
        "current_age = 17, retirement_age = 37",
        "current_age = 101, retirement_age = 121",
        "current_age = 40",  # without a retirement age
        "retirement_age = 65",  # without a current age
        "current_age = 65, retirement_age = 65, years_until_retirement = 0",
        "current_age = 70, retirement_age = 60",
        "current_age = 90, retirement_age = 101, years_until_retirement = 11",
        "current_age = 40, retirement_age = 65, years_until_retirement = 20",  # not their difference
        "annual_contribution = -1",
        "annual_contribution = 10000000.01",
        "contribution_growth = -10.01",
        "contribution_growth = 20.01",
        "other_income = -1",
        "other_income = 60000.01",  # above the target income (60,000 by default)
        "other_income_start_age = 67",  # without ages
        "current_age = 40, retirement_age = 60, other_income_start_age = 101",
        "glide_path_equity = 100.01",
        "glide_path_equity = -1",
        "retirement_method = 'astrology'",
    ],
)
def test_constraints_refuse_an_impossible_plan(conn: psycopg.Connection, columns: str) -> None:
    conn.execute("INSERT INTO users (id, display_name) VALUES ('c', 'C')")
    if "years_until_retirement" not in columns and "current_age" in columns and "retirement_age" in columns:
        ages = dict(part.split(" = ") for part in columns.split(", "))
        columns += f", years_until_retirement = {int(ages['retirement_age']) - int(ages['current_age'])}"
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(f"UPDATE users SET {columns} WHERE id = 'c'")
