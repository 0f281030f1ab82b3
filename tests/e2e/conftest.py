"""The browser suite: the real app under uvicorn on 127.0.0.1, driven by headless Chromium.

Fixtures:

- ``live_server``: the app (with its in-process job worker) on this test's fresh database, on an
  ephemeral port of 127.0.0.1, in a thread of its own. ``.url`` is ``http://127.0.0.1:<port>``.
- ``browser``: Debian's Chromium (``/usr/bin/chromium``), launched once for this package.
- ``page`` / ``phone_page``: a fresh context and page (1280x900 / 390x844 mobile) whose
  ``base_url`` is the live server, so ``page.goto("/health")`` works. The test FAILS at teardown
  if the page logged a console error, threw, violated the Content Security Policy, got a 5xx from
  the app, or tried to reach anything but the live server (such requests are aborted).
- ``browser_problems``: the pages' recorder; ``browser_problems.allow(r"regex")`` expects a problem
  (e.g. the console error Chromium logs for a deliberate 404).
- ``snap(page, name)``: a full-page PNG in ``test-artifacts/screenshots/<test>-<name>.png``.

Tests here must be plain ``def`` functions: between its calls the sync Playwright API leaves its
own event loop marked as running in the test thread, so neither ``async def`` tests or fixtures
nor ``asyncio.run`` (e.g. ``run_with_session``) work in this package. Run async work on the live
server's loop instead: ``live_server.run(lambda: some_coroutine_function(...))``.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    ViewportSize,
    WebError,
    WebSocketRoute,
    sync_playwright,
)

from alex.app import create_app
from alex.settings import Settings
from tests.conftest import AppAccess, PostgresServer

T = TypeVar("T")

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse ``async def`` tests here: they cannot run next to the sync Playwright API."""
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        function = getattr(item, "obj", None)
        if inspect.iscoroutinefunction(function):
            raise pytest.UsageError(
                f"{item.nodeid}: browser tests must be plain `def` functions (sync Playwright)"
            )


# --- the live server ----------------------------------------------------------------------------


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


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The real app, with its job worker, on this test's fresh database, over real HTTP."""
    settings = Settings(data_dir=tmp_path / "alex", retirement_paths=500, job_retry_base_seconds=0)
    app = create_app(settings, database_url=database_url, run_worker=True)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="alex-live-server", daemon=True)
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(SERVER_STOP_SECONDS)
        if thread.is_alive():
            pytest.fail(f"the live server did not stop within {SERVER_STOP_SECONDS:.0f} s", pytrace=False)

    # Readiness only: wait (with a deadline) until uvicorn listens and the lifespan has started.
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the live server stopped while starting (see the captured log)", pytrace=False)
        if time.monotonic() > deadline:
            stop()
            pytest.fail(f"the live server did not start within {SERVER_START_SECONDS:.0f} s", pytrace=False)
        time.sleep(0.01)

    listening = server.servers[0]
    port = listening.sockets[0].getsockname()[1]
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{port}",
            app=app,
            database_url=database_url,
            settings=settings,
            loop=listening.get_loop(),
        )
    finally:
        stop()


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(postgres: PostgresServer) -> Iterator[Browser]:
    """Headless Chromium for this package's tests.

    Package-scoped, not session-scoped: while Playwright runs, its loop counts as the running loop
    of the main thread, which would break the async tests of other packages. It needs ``postgres``
    first because that fixture's set-up runs ``asyncio.run``.
    """
    if not CHROMIUM.exists():
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    playwright: Playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


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


@pytest.fixture
def browser_problems(live_server: LiveServer) -> Iterator[BrowserProblems]:
    """What the test's pages did wrong; the test FAILS at teardown unless it is empty.

    ``browser_problems.allow(r"status of 404")`` before a deliberate mistake lets it pass.
    """
    problems = BrowserProblems(origin=live_server.url)
    yield problems
    if problems.problems:
        pytest.fail(
            "the browser saw problems:\n" + "\n".join(f"  - {problem}" for problem in problems.problems),
            pytrace=False,
        )


def _open_page(browser: Browser, problems: BrowserProblems, **options: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=problems.origin, service_workers="block", **options)
    problems.watch(context)
    try:
        yield context.new_page()
        # A round trip to each page delivers the events it sent before (the order is kept).
        for open_page in context.pages:
            if not open_page.is_closed():
                open_page.evaluate("0")
    finally:
        context.close()


@pytest.fixture
def viewport() -> ViewportSize:
    """The ``page``'s viewport; override with ``@pytest.mark.parametrize("viewport", [PHONE])``."""
    return DESKTOP


@pytest.fixture
def page(browser: Browser, browser_problems: BrowserProblems, viewport: ViewportSize) -> Iterator[Page]:
    """A desktop page (1280x900) on the live server; fails the test on any browser problem."""
    yield from _open_page(browser, browser_problems, viewport=viewport)


@pytest.fixture
def phone_page(browser: Browser, browser_problems: BrowserProblems) -> Iterator[Page]:
    """A phone page (390x844, mobile: honours the viewport meta tag, touch); fails like ``page``."""
    yield from _open_page(browser, browser_problems, viewport=PHONE, is_mobile=True, has_touch=True)


# --- screenshots --------------------------------------------------------------------------------


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page PNG at ``test-artifacts/screenshots/<name>.png``; its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``snap(page, name)``: save ``test-artifacts/screenshots/<test name>-<name>.png``."""

    def take(page: Page, name: str) -> Path:
        return save_screenshot(page, f"{request.node.name}-{name}")

    return take
