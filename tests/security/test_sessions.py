"""Finding 8 and the lower ones about sessions: signing out revoked nothing (the cookie was the
bearer token, valid for an hour or more), the CSRF token was not bound to the session (an
attacker-chosen equal cookie and header passed), no __Host- prefix, personal answers cacheable,
and a Server header."""

from __future__ import annotations

from pathlib import Path

import httpx
import psycopg

from alex.db.engine import libpq_url
from alex.settings import Settings
from tests.security.conftest import MakeApi
from tests.support.harness import ApiHarness
from tests.support.web import csrf, csrf_of, sign_up


async def test_signing_out_ends_the_session_everywhere(api: ApiHarness) -> None:
    await sign_up(api)
    cookie = api.client.cookies.get("alex_session")
    assert cookie is not None
    assert (await api.client.get("/api/user")).status_code == 200
    token = await csrf(api, "/")
    signed_out = await api.client.post("/signout", data={"csrf_token": token})
    # A copy of the cookie, as someone who stole it would replay it.
    api.client.cookies.set("alex_session", cookie)
    api_answer = await api.client.get("/api/user")
    page = await api.client.get("/accounts")
    assert signed_out.status_code == 303
    assert api_answer.status_code == 401
    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin")


async def test_an_idle_session_ends(api: ApiHarness, database_url: str) -> None:
    await sign_up(api)
    dsn = libpq_url(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE web_sessions SET last_seen_at = now() - interval '31 minutes'")
    assert (await api.client.get("/api/user")).status_code == 401


async def test_a_session_in_use_stays_alive(api: ApiHarness, database_url: str) -> None:
    await sign_up(api)
    dsn = libpq_url(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE web_sessions SET last_seen_at = now() - interval '29 minutes'")
    assert (await api.client.get("/api/user")).status_code == 200
    with psycopg.connect(dsn, autocommit=True) as conn:
        seen = conn.execute("SELECT now() - last_seen_at < interval '1 minute' FROM web_sessions").fetchone()
    assert seen == (True,)


async def test_the_csrf_token_is_bound_to_the_session(api: ApiHarness) -> None:
    await sign_up(api)
    # The attacker's trick: plant a CSRF cookie of their choosing and send the same value.
    forged = "attacker-chosen-value-0123456789"
    api.client.cookies.set("alex_csrf", forged)
    refused = await api.client.post(
        "/api/accounts", json={"account_name": "Hijack"}, headers={"X-CSRF-Token": forged}
    )
    listed = await api.client.get("/api/accounts")
    assert refused.status_code == 403
    assert listed.json() == []


async def test_the_session_cookie_is_host_prefixed_over_https(make_api: MakeApi, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "alex", public_url="https://alex.example.com")
    async with make_api(settings) as api:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://alex.test") as browser:
            token = csrf_of((await browser.get("/signup")).text)
            answer = await browser.post(
                "/signup",
                data={"csrf_token": token, "email": "ada@example.com", "password": "correct horse battery"},
            )
            signed_in = await browser.get("/api/user")
    cookies = answer.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("__Host-alex_session="))
    assert "Secure" in session
    assert "HttpOnly" in session
    assert "Path=/" in session
    assert "Domain" not in session
    assert signed_in.status_code == 200


async def test_personal_answers_are_not_stored_and_name_no_server(api: ApiHarness) -> None:
    user = await api.client.get("/api/user", headers=api.auth("ada"))
    page = await api.client.get("/signin")
    static = await api.client.get("/static/app.css")
    assert user.headers["cache-control"] == "no-store"
    assert page.headers["cache-control"] == "no-store"
    assert "no-store" not in static.headers.get("cache-control", "")
    assert "server" not in user.headers
