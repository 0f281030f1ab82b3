"""The harness itself: the live server answers Chromium, and the problem recorder catches problems."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, Route

from tests.support.browser import PHONE, BrowserProblems, LiveServer

# An origin nothing listens on: the recorder tests fake its answers with routes.
APP = "http://127.0.0.1:9"


def test_chromium_gets_the_health_check_from_the_live_server(
    page: Page, live_server: LiveServer, database_url: str, snap: Callable[[Page, str], Path]
) -> None:
    assert live_server.url.startswith("http://127.0.0.1:")
    assert live_server.database_url == database_url  # this test's own fresh database

    response = page.goto("/health")

    assert response is not None
    assert response.status == 200
    assert page.url == f"{live_server.url}/health"
    assert json.loads(page.locator("body").inner_text())["status"] == "healthy"
    shot = snap(page, "health")
    assert shot.name == "test_chromium_gets_the_health_check_from_the_live_server-health.png"
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_the_phone_page_is_a_phone(phone_page: Page) -> None:
    assert phone_page.viewport_size == PHONE
    assert phone_page.goto("/health") is not None
    assert phone_page.evaluate("navigator.maxTouchPoints") > 0


def test_the_recorder_catches_script_problems(browser: Browser) -> None:
    context = browser.new_context()
    try:
        problems = BrowserProblems(origin=APP).watch(context)
        problems.allow("expected")
        page = context.new_page()
        page.set_content(
            "<meta http-equiv='Content-Security-Policy' content=\"script-src 'unsafe-inline'\">"
            "<script>console.error('intentional'); console.log('fine'); console.error('expected')</script>"
            "<script>throw new Error('thrown on purpose')</script>"
            "<script src='data:text/javascript,1'></script>"
        )
        page.evaluate("0")
    finally:
        context.close()

    assert len(problems.problems) == 3, problems.problems
    console, thrown, csp = problems.problems
    assert console.startswith("console error: intentional")
    assert thrown.startswith("uncaught error in the page: Error: thrown on purpose")
    assert csp.startswith("CSP violation: ")


def test_the_recorder_catches_server_errors_and_blocks_the_internet(browser: Browser) -> None:
    context = browser.new_context()
    try:
        problems = BrowserProblems(origin=APP).watch(context)

        def fake_app(route: Route) -> None:
            broken = route.request.url.endswith("/broken")
            route.fulfill(status=500 if broken else 200, content_type="text/html", body="<p>app</p>")

        context.route(f"{APP}/**", fake_app)  # the last route added is asked first
        page = context.new_page()
        page.goto(f"{APP}/")
        assert problems.problems == []
        page.evaluate("Promise.allSettled([fetch('/broken'), fetch('https://example.com/tracker.js')])")
    finally:
        context.close()

    assert f"HTTP 500 for GET {APP}/broken" in problems.problems
    assert "request to outside the app (blocked): https://example.com/tracker.js" in problems.problems
