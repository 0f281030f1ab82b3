"""The browser suite's parts: the live server's handle, the recorder of what a page must never do,
Chromium's launch settings and screenshots (the fixtures that build them are in tests/e2e/conftest.py)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    ViewportSize,
    WebError,
    WebSocketRoute,
)

from alex.settings import Settings
from tests.support.harness import AppAccess

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"

CHROMIUM = Path(os.environ.get("ALEX_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_MISSING = "Chromium is missing: run `apt-get install -y chromium` (Debian) — .ci/run does this"
# Nothing leaves 127.0.0.1: no QUIC, no component/sync/background traffic (routes block the rest).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}

SERVER_START_SECONDS = 30.0
SERVER_STOP_SECONDS = 15.0


@dataclass
class LiveServer(AppAccess):
    url: str
    """``http://127.0.0.1:<port>``, no trailing slash."""
    app: FastAPI
    database_url: str
    settings: Settings
    loop: asyncio.AbstractEventLoop
    """The server's event loop (its own thread)."""

    def run(self, work: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
        """Run async work (e.g. on ``self.context.database``) on the server's loop; its result."""

        async def call() -> T:
            return await work()

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout)


@dataclass
class BrowserProblems:
    """Records what a page of the app must never do; ``watch`` a context to start."""

    origin: str
    """Requests to this origin pass; everything else is aborted and recorded."""
    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect problems matching ``pattern`` (a regex, searched): they are not recorded."""
        self.allowed.append(re.compile(pattern))

    def record(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self.allowed):
            self.problems.append(problem)

    def local(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")

    def watch(self, context: BrowserContext) -> BrowserProblems:
        context.route("**/*", self._route)
        context.route_web_socket(re.compile(r".*"), self._web_socket)
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.on("response", self._response)
        context.on("requestfailed", self._request_failed)
        return self

    def _route(self, route: Route) -> None:
        if self.local(route.request.url):
            route.continue_()
        else:
            self.record(f"request to outside the app (blocked): {route.request.url}")
            route.abort("blockedbyclient")

    def _web_socket(self, socket: WebSocketRoute) -> None:
        if self.local(re.sub(r"^ws", "http", socket.url)):
            socket.connect_to_server()
        else:
            self.record(f"web socket to outside the app (blocked): {socket.url}")
            socket.close()

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text:
            kind = "CSP violation"
        elif message.type == "error":
            kind = "console error"
        else:
            return
        where = message.location.get("url", "")
        line = message.location.get("lineNumber")
        self.record(f"{kind}: {text}" + (f" (at {where}:{line})" if where else ""))

    def _web_error(self, error: WebError) -> None:
        self.record(f"uncaught error in the page: {error.error.stack or error.error.message}")

    def _response(self, response: Response) -> None:
        if response.status >= 500 and self.local(response.url):
            self.record(f"HTTP {response.status} for {response.request.method} {response.url}")

    def _request_failed(self, request: Request) -> None:
        failure = request.failure or "failed"
        # Aborted by a navigation or an AbortController: normal. Non-local ones are recorded above.
        if self.local(request.url) and "ERR_ABORTED" not in failure:
            self.record(f"request failed: {request.method} {request.url}: {failure}")


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page PNG at ``test-artifacts/screenshots/<name>.png``; its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
