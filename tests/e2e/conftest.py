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

import inspect
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from alex.app import create_app
from alex.settings import Settings
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_MISSING,
    DESKTOP,
    PHONE,
    SERVER_START_SECONDS,
    SERVER_STOP_SECONDS,
    BrowserProblems,
    LiveServer,
    save_screenshot,
)
from tests.support.harness import PostgresServer

T = TypeVar("T")

HERE = Path(__file__).resolve().parent


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


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``snap(page, name)``: save ``test-artifacts/screenshots/<test name>-<name>.png``."""

    def take(page: Page, name: str) -> Path:
        return save_screenshot(page, f"{request.node.name}-{name}")

    return take
