"""Schema migrations (Alembic), safe to run from several processes at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from alex.db.engine import Database

_MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same in every Alex process.
_MIGRATION_LOCK_KEY = 0x41_4C_45_58


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate to ``revision``; an advisory lock makes concurrent callers wait for the first."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            try:
                config = _config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                connection.commit()
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


async def applied_revision(database: Database, *, ping_seconds: float) -> str | None:
    """The revision the database's schema is at; raises when the database cannot be reached in time."""
    async with database.engine.connect() as connection:
        await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=ping_seconds)
        revision: str | None = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar_one_or_none()
    return revision


def current_revision(url: str) -> str | None:
    """The revision a database's schema is at, from synchronous code (tools and checks)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
