"""Shared fixtures: one embedded PostgreSQL per test session, a fresh database per test.

The session migrates and seeds a template database once; each test gets its own copy
(``CREATE DATABASE … TEMPLATE``, a few milliseconds), so tests commit for real and never see
each other's rows.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url, text

from alex.app import create_app
from alex.db import migrate
from alex.db.embedded import start_embedded
from alex.db.engine import Database, run_with_session
from alex.db.seed import seed_catalogue
from alex.http.context import AppContext
from alex.settings import Settings

TEMPLATE = "alex_template"
_counter = itertools.count()


@dataclass(frozen=True)
class PostgresServer:
    url: str
    """SQLAlchemy URL of the server's ``alex`` database; swap the database name for others."""

    def database_url(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def admin_dsn(self) -> str:
        return (
            make_url(self.url)
            .set(drivername="postgresql", database="postgres")
            .render_as_string(hide_password=False)
        )


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


class AppAccess:
    """A running app's context, and tokens of its built-in issuer (for the harnesses below)."""

    app: FastAPI

    @property
    def context(self) -> AppContext:
        context: AppContext = self.app.state.context
        return context

    def token(self, user: str, *, name: str | None = None, email: str | None = None) -> str:
        """A bearer token of the built-in issuer for ``user``."""
        assert self.context.issuer is not None
        return self.context.issuer.mint(subject=user, name=name, email=email)


@dataclass
class ApiHarness(AppAccess):
    app: FastAPI
    client: httpx.AsyncClient

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}


async def _harness(app: FastAPI) -> AsyncIterator[ApiHarness]:
    # raise_app_exceptions=False: see what a client sees (the 500 body), not the server's traceback.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://alex.test") as client,
    ):
        yield ApiHarness(app=app, client=client)


@pytest.fixture
async def api(settings: Settings, database_url: str) -> AsyncIterator[ApiHarness]:
    """The app on a fresh database with the built-in issuer, driven in-process over ASGI."""
    async for harness in _harness(create_app(settings, database_url=database_url)):
        yield harness


@pytest.fixture
def make_api(database_url: str) -> Callable[[Settings], AsyncIterator[ApiHarness]]:
    """Build an app with other settings (e.g. an external issuer) on this test's database."""

    def build(settings: Settings) -> AsyncIterator[ApiHarness]:
        return _harness(create_app(settings, database_url=database_url))

    return build
