"""A person's first visit, in real Chromium: sign up, load the demo portfolio, see the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

Snap = Callable[[Page, str], Path]


def _sign_up(page: Page, email: str, name: str) -> None:
    page.goto("/")
    expect(page).to_have_url("/signin?next=/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()


def test_sign_up_and_load_the_demo_portfolio(page: Page, snap: Snap) -> None:
    _sign_up(page, "ada@example.com", "Ada")
    snap(page, "empty-dashboard")
    page.get_by_role("button", name="Load demo portfolio").click()
    expect(page.locator("#total-value")).to_contain_text("$")
    expect(page.locator('[data-chart="asset_allocation"] .main-svg').first).to_be_visible()
    snap(page, "dashboard")
