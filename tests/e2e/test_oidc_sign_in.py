"""Sign-in with an OpenID Connect provider in real Chromium: the sign-in page's button, the
provider's login form (tests/support/oidc_provider.py, on its own port of 127.0.0.1), and back to
the dashboard, signed in; a second sign-in is the same user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from alex.db.models import User
from tests.support.browser import BrowserProblems, LiveServer
from tests.support.oidc_provider import OidcProvider

Snap = Callable[[Page, str], Path]


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcProvider]:
    """The provider, and the environment that configures the live server for it (its settings are
    read from the environment when the live server starts)."""
    with OidcProvider() as running:
        monkeypatch.setenv("ALEX_OIDC_ISSUER", running.issuer)
        monkeypatch.setenv("ALEX_OIDC_CLIENT_ID", running.client_id)
        monkeypatch.setenv("ALEX_OIDC_CLIENT_SECRET", running.client_secret)
        monkeypatch.setenv("ALEX_OIDC_PROVIDER_NAME", "Test ID")
        yield running


@pytest.fixture
def live_server(provider: OidcProvider, live_server: LiveServer) -> LiveServer:
    """The suite's live server, started after ``provider`` set its environment; its callback is
    registered with the provider once its port is known."""
    assert live_server.settings.oidc_issuer == provider.issuer
    provider.redirect_uris.add(f"{live_server.url}/signin/oidc/callback")
    return live_server


@dataclass
class _AppAndProvider(BrowserProblems):
    provider: str = ""

    def local(self, url: str) -> bool:
        return super().local(url) or url == self.provider or url.startswith(self.provider + "/")


@pytest.fixture
def browser_problems(live_server: LiveServer, provider: OidcProvider) -> Iterator[BrowserProblems]:
    """The suite's recorder, with the provider's pages counted as part of the journey."""
    problems = _AppAndProvider(origin=live_server.url, provider=provider.issuer)
    yield problems
    if problems.problems:
        pytest.fail(
            "the browser saw problems:\n" + "\n".join(f"  - {problem}" for problem in problems.problems),
            pytrace=False,
        )


def _at_provider(page: Page, username: str) -> None:
    page.get_by_role("link", name="Sign in with Test ID").click()
    expect(page.get_by_role("heading", name="Sign in to Test ID")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Continue").click()


def _user_ids(live_server: LiveServer) -> list[str]:
    async def read() -> list[str]:
        async with live_server.context.database.session() as session:
            return list((await session.scalars(select(User.id).order_by(User.id))).all())

    return live_server.run(read)


def test_sign_in_with_the_provider_then_again_as_the_same_user(
    page: Page, live_server: LiveServer, provider: OidcProvider, snap: Snap
) -> None:
    page.goto("/")
    expect(page).to_have_url("/signin?next=/")
    snap(page, "sign-in-page")
    _at_provider(page, "ada")
    expect(page.get_by_role("heading", name="Hello, Ada")).to_be_visible()
    expect(page).to_have_url("/")
    snap(page, "signed-in")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/signin")
    # Back to a deep link: the provider's round trip keeps the destination.
    page.goto("/goals")
    expect(page).to_have_url("/signin?next=/goals")
    _at_provider(page, "ada")
    expect(page).to_have_url("/goals")
    expect(page.locator(".who")).to_have_text("Ada")

    assert _user_ids(live_server) == ["oidc|sub-ada"]
    assert len(provider.token_requests) == 2
    assert provider.refusals == []
