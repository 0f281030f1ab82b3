"""Engine and sessions. One async engine per process; URLs are normalised to psycopg 3."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from alex.db.embedded import start_embedded
from alex.settings import Settings

T = TypeVar("T")
Row = TypeVar("Row")


def normalise_url(url: str) -> str:
    """Accept the usual ``postgresql://`` / ``postgres://`` forms and pin the psycopg 3 driver."""
    parsed = make_url(
        url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url
    )
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("ALEX_DATABASE_URL must be a PostgreSQL URL (postgresql://…)")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same database as a plain ``postgresql://`` URL, for psycopg used directly (LISTEN, admin)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def resolve_database_url(settings: Settings) -> str:
    """The configured database, or the embedded server (started here when needed)."""
    if settings.database_url is not None:
        return normalise_url(settings.database_url.get_secret_value())
    return start_embedded(settings.data_dir)


class Database:
    """The engine and session factory of one process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,  # a restarted server leaves dead connections in the pool
            pool_timeout=10,
            connect_args={"connect_timeout": 5},
            # An error's message then never carries the statement's values (password hashes, emails).
            hide_parameters=True,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


async def apply_changes(session: AsyncSession, row: Row, changes: Mapping[str, Any]) -> Row:
    """Set ``changes`` on a loaded row and write them (no commit), reading back what the database
    computed (``updated_at``)."""
    for field, value in changes.items():
        setattr(row, field, value)
    await session.flush()
    await session.refresh(row)
    return row


def run_with_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of async database work from synchronous code (the CLI, test setup), and commit it."""

    async def run() -> T:
        database = Database(url, pool_size=1)
        try:
            async with database.session() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await database.dispose()

    return asyncio.run(run())
