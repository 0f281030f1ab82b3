"""The app under test and the database server behind it: what fixtures build and tests hold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from sqlalchemy import make_url

from alex.app import create_app
from alex.http.context import AppContext
from alex.settings import Settings

TEMPLATE = "alex_template"
"""The migrated and seeded database every test's database is copied from."""


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


@asynccontextmanager
async def harness(settings: Settings, database_url: str) -> AsyncIterator[ApiHarness]:
    """The app with these settings and database, its lifespan running, driven in-process over ASGI."""
    app = create_app(settings, database_url=database_url)
    # raise_app_exceptions=False: see what a client sees (the 500 body), not the server's traceback.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://alex.test") as client,
    ):
        yield ApiHarness(app=app, client=client)
