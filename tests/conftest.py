"""Shared fixtures: one embedded PostgreSQL per test session, a fresh database per test.

The session migrates and seeds a template database once; each test gets its own copy
(``CREATE DATABASE … TEMPLATE``, a few milliseconds), so tests commit for real and never see
each other's rows.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import hypothesis
import psycopg
import pytest
from sqlalchemy import text

from alex.db import migrate
from alex.db.embedded import start_embedded
from alex.db.engine import Database, run_with_session
from alex.db.seed import seed_catalogue
from alex.settings import Settings
from tests.support.harness import TEMPLATE, ApiHarness, PostgresServer, harness

# No timing assertions in tests, Hypothesis's per-example deadline included: on a busy 2-core CI
# machine a slow example is not a failure. Speed is measured in benchmarks/.
hypothesis.settings.register_profile("alex", deadline=None)
hypothesis.settings.load_profile("alex")

_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> PostgresServer:
    """The embedded server, in a directory of this session, with a migrated and seeded template."""
    data_dir = tmp_path_factory.mktemp("alex-data")
    server = PostgresServer(url=start_embedded(data_dir))
    with psycopg.connect(server.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    template_url = server.database_url(TEMPLATE)
    migrate.upgrade(template_url)
    run_with_session(template_url, seed_catalogue)
    return server


@pytest.fixture
def database_url(postgres: PostgresServer) -> Iterator[str]:
    """A fresh, migrated and seeded database for this test only."""
    name = f"test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(postgres.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    yield postgres.database_url(name)
    with psycopg.connect(postgres.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The test's database with two users, ``u1`` and ``u2``, for tests below the API."""
    db = Database(database_url, pool_size=5)
    async with db.session() as session:
        await session.execute(text("INSERT INTO users (id, display_name) VALUES ('u1', 'U1'), ('u2', 'U2')"))
        await session.commit()
    yield db
    await db.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "alex", log_format="json")


@pytest.fixture
async def api(settings: Settings, database_url: str) -> AsyncIterator[ApiHarness]:
    """The app on a fresh database with the built-in issuer, driven in-process over ASGI."""
    async with harness(settings, database_url) as running:
        yield running


@pytest.fixture
def make_api(database_url: str) -> Callable[[Settings], AbstractAsyncContextManager[ApiHarness]]:
    """Build an app with other settings (e.g. an external issuer) on this test's database."""

    def build(settings: Settings) -> AbstractAsyncContextManager[ApiHarness]:
        return harness(settings, database_url)

    return build
