"""The web UI: server-rendered pages (thin adapters over ``alex.services``), templates and static files."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from alex.web import accounts, analysis, auth, dashboard, demo, goals, oidc, whatif
from alex.web.pages import (
    STATIC_DIR,
    PageNotFoundError,
    PageRefusedError,
    SignInRequiredError,
    not_found_page,
    plotly_js,
    refused_page,
    sign_in_redirect,
)

ROUTERS = (
    auth.router,
    oidc.router,
    dashboard.router,
    demo.router,
    accounts.router,
    goals.router,
    analysis.router,
    whatif.router,
)


def install(app: FastAPI) -> None:
    """Mount the pages, their static files and Plotly.js on the app."""
    app.add_exception_handler(SignInRequiredError, sign_in_redirect)
    app.add_exception_handler(PageNotFoundError, not_found_page)
    app.add_exception_handler(PageRefusedError, refused_page)
    app.add_api_route("/static/vendor/plotly.min.js", plotly_js, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
