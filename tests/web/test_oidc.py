"""Sign-in with an OpenID Connect provider, over HTTP: the app in-process, the provider a real
server on 127.0.0.1 (tests/support/oidc_provider.py), the person's browser an httpx client.

The browser suite (tests/e2e/test_oidc_sign_in.py) clicks through the same flow in Chromium.
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import structlog
from pydantic import SecretStr
from sqlalchemy import func, select

from alex.db.models import User
from alex.http import cookies
from alex.settings import Settings
from tests.support.harness import ApiHarness
from tests.support.oidc_provider import OidcProvider, new_rsa_key, s256

CALLBACK = "http://alex.test/signin/oidc/callback"
MakeApi = Callable[[Settings], AbstractAsyncContextManager[ApiHarness]]

STALE = "expired or was started in another tab"
NOT_CONFIRMED = "Test ID did not confirm who you are"
UNREACHABLE = "Test ID cannot be reached right now"


def oidc_settings(tmp_path: Path, issuer: str, **changes: object) -> Settings:
    return Settings(
        data_dir=tmp_path / "alex",
        log_format="json",
        oidc_issuer=issuer,
        oidc_client_id=OidcProvider.default_client_id,
        oidc_client_secret=SecretStr(OidcProvider.default_client_secret),
        oidc_provider_name="Test ID",
        **changes,  # type: ignore[arg-type]
    )


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider(redirect_uris={CALLBACK}) as running:
        yield running


@pytest.fixture
async def app(make_api: MakeApi, tmp_path: Path, provider: OidcProvider) -> AsyncIterator[ApiHarness]:
    async with make_api(oidc_settings(tmp_path, provider.issuer)) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """The person's browser at the provider (the app's own client carries the app's cookies)."""
    async with httpx.AsyncClient() as client:
        yield client


# --- the flow, step by step --------------------------------------------------------------------------


async def start(app: ApiHarness, next_path: str = "/") -> httpx.Response:
    answer = await app.client.get("/signin/oidc", params={"next": next_path})
    assert answer.status_code == 302, answer.text
    return answer


async def at_provider(
    browser: httpx.AsyncClient, authorize_url: str, username: str = "ada", action: str = "continue"
) -> str:
    """The person signs in at the provider's form; the URL it sends them back to."""
    form = await browser.get(authorize_url)
    assert form.status_code == 200, form.text
    assert 'name="username"' in form.text
    fields = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    answer = await browser.post(
        authorize_url.split("?", 1)[0], data={**fields, "username": username, "action": action}
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


async def sign_in(
    app: ApiHarness, browser: httpx.AsyncClient, username: str = "ada", next_path: str = "/"
) -> httpx.Response:
    started = await start(app, next_path)
    return await app.client.get(await at_provider(browser, started.headers["location"], username))


def session_cookie_set(answer: httpx.Response) -> bool:
    return any(c.startswith(f"{cookies.SESSION_COOKIE}=") for c in answer.headers.get_list("set-cookie"))


async def oidc_users(app: ApiHarness) -> list[User]:
    async with app.context.database.session() as session:
        return list((await session.scalars(select(User).order_by(User.id))).all())


async def user_count(app: ApiHarness) -> int:
    async with app.context.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()} | changes
    return parts._replace(query=urlencode(query)).geturl()


def tampered(token: str) -> str:
    """The same signature over other claims: another subject."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "sub-mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


# --- success ---------------------------------------------------------------------------------------


async def test_a_new_person_signs_in_and_comes_back_as_the_same_user(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    first = await sign_in(app, browser)
    assert first.status_code == 303, first.text
    assert first.headers["location"] == "/"
    assert session_cookie_set(first)
    home = await app.client.get("/")
    assert home.status_code == 200
    assert "Hello, Ada" in home.text

    app.client.cookies.clear()
    again = await sign_in(app, browser)
    assert again.status_code == 303, again.text
    assert "Hello, Ada" in (await app.client.get("/")).text

    users = await oidc_users(app)
    assert [(u.id, u.display_name, u.email) for u in users] == [("oidc|sub-ada", "Ada", "ada@example.com")]
    # Discovery and keys were fetched once for both sign-ins.
    assert (provider.discovery_requests, provider.jwks_requests) == (1, 1)
    assert [r.auth_method for r in provider.token_requests] == ["client_secret_basic"] * 2
    assert all(r.had_verifier for r in provider.token_requests)


async def test_the_authorization_request_and_the_flow_cookie(app: ApiHarness, provider: OidcProvider) -> None:
    started = await start(app, "/goals")
    location = started.headers["location"]
    assert location.startswith(f"{provider.issuer}/authorize?")
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == provider.client_id
    assert query["redirect_uri"] == CALLBACK
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32
    assert len(query["nonce"]) >= 32
    assert query["state"] != query["nonce"]
    assert started.headers["cache-control"] == "no-store"

    [flow_cookie] = [c for c in started.headers.get_list("set-cookie") if c.startswith("alex_oidc=")]
    attributes = [part.strip() for part in flow_cookie.split(";")]
    assert "HttpOnly" in attributes
    assert "SameSite=lax" in attributes
    assert "Path=/signin/oidc" in attributes
    assert "Max-Age=600" in attributes
    value = attributes[0].split("=", 1)[1]
    # Sealed: neither the state, the nonce nor the destination can be read from it.
    for secret in (query["state"], query["nonce"], "goals"):
        assert secret not in value
        assert secret not in base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("latin-1")


async def test_the_client_authenticates_by_post_when_the_provider_advertises_only_that(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    provider.auth_method = "client_secret_post"
    answer = await sign_in(app, browser)
    assert answer.status_code == 303, answer.text
    assert [r.auth_method for r in provider.token_requests] == ["client_secret_post"]


async def test_a_rotated_provider_key_is_fetched_again(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    assert (await sign_in(app, browser)).status_code == 303
    provider.rotate_key()
    app.client.cookies.clear()
    assert (await sign_in(app, browser)).status_code == 303
    assert provider.jwks_requests == 2


async def test_the_user_is_the_bare_subject_when_the_api_trusts_the_same_issuer(
    make_api: MakeApi, tmp_path: Path, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    async with make_api(oidc_settings(tmp_path, provider.issuer, auth_issuer=provider.issuer)) as app:
        assert (await sign_in(app, browser)).status_code == 303
        assert [u.id for u in await oidc_users(app)] == ["sub-ada"]


async def test_an_unverified_email_is_not_kept(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    provider.claim_overrides = {"email_verified": False}
    assert (await sign_in(app, browser)).status_code == 303
    assert [(u.id, u.email) for u in await oidc_users(app)] == [("oidc|sub-ada", None)]


@pytest.mark.parametrize(
    ("next_path", "destination"),
    [
        ("/goals", "/goals"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
    ],
)
async def test_the_destination_is_a_path_on_this_site(
    app: ApiHarness, browser: httpx.AsyncClient, next_path: str, destination: str
) -> None:
    answer = await sign_in(app, browser, next_path=next_path)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == destination


# --- refusals --------------------------------------------------------------------------------------


async def test_a_wrong_state_is_refused_before_the_code_is_used(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    started = await start(app)
    back = await at_provider(browser, started.headers["location"])
    answer = await app.client.get(with_query(back, state="forged-state"))
    assert answer.status_code == 400
    assert STALE in answer.text
    assert not session_cookie_set(answer)
    assert provider.token_requests == []
    # The attempt is over: the right state no longer works either.
    assert (await app.client.get(back)).status_code == 400
    assert await user_count(app) == 0


async def test_a_callback_without_a_sign_in_in_progress_is_refused(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    started = await start(app)
    back = await at_provider(browser, started.headers["location"])
    app.client.cookies.clear()
    answer = await app.client.get(back)
    assert answer.status_code == 400
    assert STALE in answer.text
    assert not session_cookie_set(answer)
    assert provider.token_requests == []


async def test_a_forged_flow_cookie_is_refused(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    started = await start(app)
    back = await at_provider(browser, started.headers["location"])
    sealed = app.client.cookies["alex_oidc"]
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    app.client.cookies.set("alex_oidc", flipped, domain="alex.test", path="/signin/oidc")
    answer = await app.client.get(back)
    assert answer.status_code == 400
    assert provider.token_requests == []


def _tamper(provider: OidcProvider) -> None:
    provider.tamper = tampered


def _foreign_key(provider: OidcProvider) -> None:
    provider.sign_with = new_rsa_key()


def _claims(**overrides: object) -> Callable[[OidcProvider], None]:
    def apply(provider: OidcProvider) -> None:
        provider.claim_overrides = dict(overrides)

    return apply


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(_tamper, id="tampered-claims"),
        pytest.param(_foreign_key, id="signed-by-another-key"),
        pytest.param(_claims(nonce="not-the-nonce"), id="wrong-nonce"),
        pytest.param(_claims(nonce=None), id="no-nonce"),
        pytest.param(_claims(aud="another-client"), id="wrong-audience"),
        pytest.param(_claims(aud=["another-client"]), id="audience-list-without-us"),
        pytest.param(_claims(iss="http://127.0.0.1:9/other"), id="wrong-issuer"),
        pytest.param(_claims(exp=1_000_000_000), id="expired"),
        pytest.param(_claims(name="Ada\u202egnp.exe"), id="bidi-override-in-name"),
    ],
)
async def test_an_id_token_that_does_not_prove_the_person_is_refused(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient, spoil: Callable[[OidcProvider], None]
) -> None:
    spoil(provider)
    answer = await sign_in(app, browser)
    assert answer.status_code == 401
    assert NOT_CONFIRMED in answer.text
    assert "Traceback" not in answer.text
    assert not session_cookie_set(answer)
    assert await user_count(app) == 0


async def test_cancelling_at_the_provider_is_refused(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    started = await start(app)
    back = await at_provider(browser, started.headers["location"], action="cancel")
    answer = await app.client.get(back)
    assert answer.status_code == 401
    assert "Sign-in with Test ID was cancelled or refused" in answer.text
    assert not session_cookie_set(answer)
    assert provider.token_requests == []


async def test_the_provider_refuses_a_wrong_pkce_verifier(
    provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    verifier = secrets.token_urlsafe(48)
    client = (provider.client_id, provider.client_secret)

    async def exchange(code_verifier: str | None) -> httpx.Response:
        code = provider.issue_code(redirect_uri=CALLBACK, code_challenge=s256(verifier))
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        return await browser.post(f"{provider.issuer}/token", data=form, auth=client)

    for wrong in (secrets.token_urlsafe(48), None, s256(verifier)):
        refused = await exchange(wrong)
        assert refused.status_code == 400
        assert refused.json() == {"error": "invalid_grant"}
    assert provider.refusals == ["PKCE verifier does not match the challenge"] * 3
    accepted = await exchange(verifier)
    assert accepted.status_code == 200
    assert accepted.json()["id_token"].count(".") == 2


# --- the provider unavailable ------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def assert_unreachable_page(answer: httpx.Response) -> None:
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")
    assert UNREACHABLE in answer.text
    assert "Traceback" not in answer.text
    assert answer.headers["retry-after"] == "60"
    assert not session_cookie_set(answer)


async def test_an_unreachable_provider_is_a_page_saying_so(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(oidc_settings(tmp_path, f"http://127.0.0.1:{_closed_port()}")) as app:
        answer = await app.client.get("/signin/oidc")
        assert_unreachable_page(answer)
        # The person can still use the form, and try the provider again.
        assert 'action="/signin"' in answer.text
        assert 'href="/signin/oidc?next=/"' in answer.text


async def test_a_provider_that_goes_down_before_the_code_exchange(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    started = await start(app)
    back = await at_provider(browser, started.headers["location"])
    provider.close()
    assert_unreachable_page(await app.client.get(back))


async def test_a_failing_token_endpoint(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    provider.token_error_status = 502
    assert_unreachable_page(await sign_in(app, browser))


async def test_a_discovery_document_about_another_issuer(app: ApiHarness, provider: OidcProvider) -> None:
    provider.discovery_overrides = {"issuer": "http://127.0.0.1:9"}
    assert_unreachable_page(await app.client.get("/signin/oidc"))


# --- configuration and the sign-in page ------------------------------------------------------------


async def test_without_configuration_there_is_no_oidc_sign_in(api: ApiHarness) -> None:
    assert (await api.client.get("/signin/oidc")).status_code == 404
    callback = await api.client.get("/signin/oidc/callback", params={"code": "c", "state": "s"})
    assert callback.status_code == 404
    page = await api.client.get("/signin")
    assert page.status_code == 200
    assert "/signin/oidc" not in page.text


async def test_the_sign_in_page_offers_the_provider(app: ApiHarness) -> None:
    page = await app.client.get("/signin", params={"next": "/goals?tab=a&b=c"})
    assert page.status_code == 200
    assert 'href="/signin/oidc?next=/goals%3Ftab%3Da%26b%3Dc"' in page.text
    assert "Sign in with Test ID" in page.text


async def test_the_logs_name_reasons_never_codes_tokens_or_emails(
    app: ApiHarness, provider: OidcProvider, browser: httpx.AsyncClient
) -> None:
    with structlog.testing.capture_logs() as events:
        back = await at_provider(browser, (await start(app)).headers["location"])
        assert (await app.client.get(back)).status_code == 303
        provider.claim_overrides = {"nonce": "not-the-nonce"}
        app.client.cookies.clear()
        assert (await sign_in(app, browser)).status_code == 401
    oidc_events = [e for e in events if str(e.get("event", "")).startswith("oidc")]
    assert [e["event"] for e in oidc_events] == ["oidc sign-in", "oidc sign-in failed"]
    assert oidc_events[1]["reason"] == "ID token claim rejected: nonce"
    logged = repr(events)
    code = parse_qs(urlsplit(back).query)["code"][0]
    for secret in (provider.client_secret, "ada@example.com", "not-the-nonce", code):
        assert secret not in logged
