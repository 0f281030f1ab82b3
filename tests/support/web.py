"""Helpers for page tests over HTTP: sign up in the browser way, and read a page's CSRF token."""

from __future__ import annotations

import re

from tests.support.harness import ApiHarness

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


async def csrf(api: ApiHarness, path: str) -> str:
    page = await api.client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def sign_up(api: ApiHarness, email: str = "ada@example.com", name: str = "Ada") -> None:
    """Sign up through the page; the client then carries the session and CSRF cookies."""
    token = await csrf(api, "/signup")
    answer = await api.client.post(
        "/signup",
        data={"csrf_token": token, "email": email, "password": "correct horse battery", "display_name": name},
    )
    assert answer.status_code == 303, answer.text
    assert "alex_session=" in answer.headers["set-cookie"]


def sign_out_locally(api: ApiHarness) -> None:
    """Forget the session cookie (to sign up someone else on the same client)."""
    api.client.cookies.delete("alex_session")
