"""The HTTP API: routers (thin adapters over ``alex.services``), response schemas, errors, middleware."""

from __future__ import annotations

from fastapi import FastAPI

from alex.api import errors, openapi
from alex.api.routes import (
    accounts,
    demo,
    health,
    identity,
    instruments,
    jobs,
    metrics,
    positions,
    retirement,
    user,
)

ROUTERS = (health, metrics, identity, user, accounts, positions, instruments, jobs, retirement, demo)


def install(app: FastAPI) -> None:
    """Add the API's routes and its error answers to the app."""
    errors.install(app)
    for module in ROUTERS:
        app.include_router(module.router)
    openapi.document(app)
