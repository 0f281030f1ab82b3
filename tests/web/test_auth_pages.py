"""Sign up, sign in, sign out and the session cookie, over HTTP (the browser suite drives the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alex.settings import Settings
from tests.support.harness import ApiHarness
from tests.support.web import CSRF, csrf, sign_up


async def _sign_up(api: ApiHarness, email: str = "ada@example.com") -> None:
    await sign_up(api, email)
    assert api.client.cookies.get("alex_session")


async def test_the_session_cookie_is_out_of_reach_of_scripts_and_other_sites(api: ApiHarness) -> None:
    token = await csrf(api, "/signup")
    answer = await api.client.post(
        "/signup",
        data={"csrf_token": token, "email": "flags@example.com", "password": "correct horse battery"},
    )
    session_cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("alex_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie
    assert "Secure" not in session_cookie  # plain http here; set when served over https


async def test_pages_need_a_session_and_redirect_to_sign_in(api: ApiHarness) -> None:
    answer = await api.client.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/"


async def test_sign_up_sign_out_and_sign_in_again(api: ApiHarness) -> None:
    await _sign_up(api)
    home = await api.client.get("/")
    assert home.status_code == 200
    assert "Hello, Ada" in home.text
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert "unsafe-inline" not in home.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    token = CSRF.search(home.text)
    assert token is not None
    out = await api.client.post("/signout", data={"csrf_token": token.group(1)})
    assert out.status_code == 303
    assert (await api.client.get("/")).status_code == 303
    token_again = await csrf(api, "/signin")
    back = await api.client.post(
        "/signin",
        data={
            "csrf_token": token_again,
            "email": "ADA@example.com",
            "password": "correct horse battery",
            "next": "/",
        },
    )
    assert back.status_code == 303
    assert (await api.client.get("/")).status_code == 200


async def test_forms_without_the_csrf_token_are_refused(api: ApiHarness) -> None:
    await csrf(api, "/signup")
    answer = await api.client.post("/signup", data={"email": "x@example.com", "password": "long enough pw"})
    assert answer.status_code == 403


async def test_the_api_accepts_the_cookie_but_wants_the_csrf_header_for_changes(api: ApiHarness) -> None:
    await _sign_up(api)
    assert (await api.client.get("/api/accounts")).status_code == 200
    refused = await api.client.post("/api/accounts", json={"account_name": "Cookie only"})
    assert refused.status_code == 403
    csrf = api.client.cookies.get("alex_csrf")
    assert csrf
    made = await api.client.post(
        "/api/accounts", json={"account_name": "With token"}, headers={"X-CSRF-Token": csrf}
    )
    assert made.status_code == 201


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # A first delay far longer than the test, so "throttled" never depends on how fast it runs.
    return Settings(data_dir=tmp_path / "alex", sign_in_first_delay_seconds=600)


async def test_bad_credentials_get_one_generic_answer_then_are_throttled(api: ApiHarness) -> None:
    await _sign_up(api, "grace@example.com")
    api.client.cookies.delete("alex_session")
    statuses = []
    for email in ["grace@example.com", "nobody@example.com"] * 7:
        token = await csrf(api, "/signin")
        answer = await api.client.post(
            "/signin", data={"csrf_token": token, "email": email, "password": "wrong password"}
        )
        statuses.append(answer.status_code)
        if answer.status_code == 401:
            assert "Invalid email or password." in answer.text
    # Five free failures per email at this address; the sixth sets a delay (600 s here), so the
    # seventh of each email waits, whichever email it is (an unknown one is treated alike).
    assert statuses[:12] == [401] * 12
    assert statuses[12:] == [429, 429]
    assert "try again in" in answer.text


async def test_the_next_parameter_never_leaves_the_site(api: ApiHarness) -> None:
    page = await api.client.get("/signin?next=//evil.example/")
    assert 'name="next" value="/"' in page.text


async def test_the_demo_button_fills_the_dashboard(api: ApiHarness) -> None:
    await _sign_up(api)
    home = await api.client.get("/")
    assert "Load demo portfolio" in home.text
    token = CSRF.search(home.text)
    assert token is not None
    loaded = await api.client.post("/demo", data={"csrf_token": token.group(1)})
    assert loaded.status_code == 303
    filled = await api.client.get("/")
    assert "Total value" in filled.text
    assert 'id="charts-data"' in filled.text
    assert "Never" in filled.text  # no analysis yet, and it says how to run one


async def test_plotly_is_served_locally(api: ApiHarness) -> None:
    answer = await api.client.get("/static/vendor/plotly.min.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert "plotly.js" in answer.text[:200]
