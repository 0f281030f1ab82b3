"""The app with an external issuer: tokens checked against a real JWKS server on 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

import alex.app
from alex.auth.keys import BuiltinIssuer
from alex.auth.tokens import RemoteJWKS
from alex.settings import Settings
from tests.auth.helpers import (
    AUDIENCE,
    ISSUER,
    FakeClock,
    JWKSServer,
    SigningKey,
    b64url,
    b64url_json,
    claims,
    make_ec_key,
    make_rsa_key,
)
from tests.support.api import MakeApi, ok
from tests.support.harness import ApiHarness


def now_claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims at the real current time (the app's verifier uses the real clock)."""
    now = int(time.time())
    return claims(**{"iat": now - 10, "nbf": now - 10, "exp": now + 600, **overrides})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def rsa_key() -> SigningKey:
    return make_rsa_key()


@pytest.fixture
def jwks(rsa_key: SigningKey) -> Iterator[JWKSServer]:
    server = JWKSServer()
    server.set_keys(rsa_key)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The JWKS cache's monotonic clock, moved by hand, so "30 s later" takes no time."""
    fake = FakeClock(1000.0)
    monkeypatch.setattr(alex.app, "RemoteJWKS", functools.partial(RemoteJWKS, clock=fake))
    return fake


def external_settings(tmp_path: Path, jwks_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "alex", auth_jwks_url=jwks_url, auth_issuer=ISSUER, auth_audience=AUDIENCE
    )


@pytest.fixture
async def ext(
    make_api: MakeApi, tmp_path: Path, jwks: JWKSServer, clock: FakeClock
) -> AsyncIterator[ApiHarness]:
    async with make_api(external_settings(tmp_path, jwks.url)) as api:
        assert api.context.issuer is None
        yield api


async def test_a_token_from_the_issuer_signs_the_user_in(
    ext: ApiHarness, jwks: JWKSServer, rsa_key: SigningKey
) -> None:
    token = rsa_key.sign(now_claims(sub="idp|42"))

    first = ok(await ext.client.get("/api/user", headers=bearer(token)))

    assert first["created"] is True
    assert first["user"]["id"] == "idp|42"
    assert first["user"]["clerk_user_id"] == "idp|42"
    assert first["user"]["display_name"] == "Ada Lovelace"
    assert first["user"]["email"] == "ada@example.test"
    second = ok(await ext.client.get("/api/user", headers=bearer(token)))
    assert second["created"] is False
    assert second["user"]["id"] == "idp|42"
    # The key set was fetched once and then served from the cache.
    assert jwks.requests == 1
    # The same user can use the rest of the API.
    ok(await ext.client.post("/api/accounts", json={"account_name": "Mine"}, headers=bearer(token)), 201)
    assert len(ok(await ext.client.get("/api/accounts", headers=bearer(token)))) == 1


async def test_es256_keys_are_accepted(ext: ApiHarness, jwks: JWKSServer, rsa_key: SigningKey) -> None:
    ec_key = make_ec_key()
    jwks.set_keys(rsa_key, ec_key)
    entry = ok(await ext.client.get("/api/user", headers=bearer(ec_key.sign(now_claims(sub="ec-user")))))
    assert entry["user"]["id"] == "ec-user"


async def test_a_rotated_key_is_accepted_after_exactly_one_refresh(
    ext: ApiHarness, jwks: JWKSServer, clock: FakeClock, rsa_key: SigningKey
) -> None:
    old_token = rsa_key.sign(now_claims(sub="rotating"))
    ok(await ext.client.get("/api/user", headers=bearer(old_token)))
    assert jwks.requests == 1

    new_key = make_rsa_key()
    jwks.set_keys(new_key, rsa_key)  # the issuer rotates, keeping the old key published
    new_token = new_key.sign(now_claims(sub="rotating"))
    clock.advance(30)

    entry = ok(await ext.client.get("/api/user", headers=bearer(new_token)))

    assert entry["user"]["id"] == "rotating"
    assert jwks.requests == 2  # exactly one refresh
    ok(await ext.client.get("/api/user", headers=bearer(new_token)))
    ok(await ext.client.get("/api/user", headers=bearer(old_token)))
    assert jwks.requests == 2  # both keys now come from the cache

    # When the old key is withdrawn (and the cache refreshes), its tokens stop working.
    jwks.set_keys(new_key)
    clock.advance(301)
    assert (await ext.client.get("/api/user", headers=bearer(old_token))).status_code == 401
    ok(await ext.client.get("/api/user", headers=bearer(new_token)))
    assert jwks.requests == 3


async def test_unknown_kids_refresh_at_most_once_per_30_seconds(
    ext: ApiHarness, jwks: JWKSServer, clock: FakeClock, rsa_key: SigningKey
) -> None:
    ok(await ext.client.get("/api/user", headers=bearer(rsa_key.sign(now_claims()))))
    assert jwks.requests == 1
    stranger = make_rsa_key()  # never published

    for _ in range(5):
        response = await ext.client.get("/api/user", headers=bearer(stranger.sign(now_claims())))
        assert response.status_code == 401
    assert jwks.requests == 1  # within 30 s of the last fetch: no refresh at all

    clock.advance(30)
    for _ in range(5):
        response = await ext.client.get("/api/user", headers=bearer(stranger.sign(now_claims())))
        assert response.status_code == 401
    assert jwks.requests == 2  # one refresh for all five

    # A key published meanwhile must wait for the next allowed refresh, then works.
    jwks.set_keys(rsa_key, stranger)
    assert (await ext.client.get("/api/user", headers=bearer(stranger.sign(now_claims())))).status_code == 401
    clock.advance(30)
    ok(await ext.client.get("/api/user", headers=bearer(stranger.sign(now_claims()))))
    assert jwks.requests == 3


def _alg_none(key: SigningKey) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": key.kid}
    return f"{b64url_json(header)}.{b64url_json(now_claims(sub='victim'))}."


def _hs256_with_public_key(key: SigningKey) -> str:
    """The classic key-confusion forgery: HMAC-sign with the (public) RSA key as the secret."""
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    signing_input = f"{b64url_json(header)}.{b64url_json(now_claims(sub='victim'))}"
    signature = hmac.new(key.public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def _signed(key: SigningKey, **overrides: Any) -> str:
    return key.sign(now_claims(sub="victim", **overrides))


def _builtin_token(tmp_path: Path) -> str:
    issuer = BuiltinIssuer.load_or_create(
        tmp_path / "other-keys", issuer=ISSUER, audience=AUDIENCE, max_token_ttl_seconds=600
    )
    return issuer.mint(subject="victim")


def _published_kid_other_key(key: SigningKey) -> str:
    return make_rsa_key().sign(now_claims(sub="victim"), headers={"kid": key.kid})


FORGED = {
    "alg-none": (_alg_none, "unsupported algorithm"),
    "hs256-with-public-key": (_hs256_with_public_key, "unsupported algorithm"),
    "expired": (lambda k: _signed(k, exp=int(time.time()) - 3600), "expired"),
    "not-yet-valid": (lambda k: _signed(k, nbf=int(time.time()) + 3600), "not yet valid"),
    "issued-in-the-future": (lambda k: _signed(k, iat=int(time.time()) + 3600), "not yet valid"),
    "wrong-issuer": (lambda k: _signed(k, iss="https://evil.example/"), "wrong issuer"),
    "wrong-audience": (lambda k: _signed(k, aud="another-api"), "wrong audience"),
    "no-audience": (lambda k: _signed(k, aud=None), "missing claim"),
    "no-expiry": (lambda k: _signed(k, exp=None), "missing claim"),
    "published-kid-other-key": (_published_kid_other_key, "invalid signature"),
}


@pytest.mark.parametrize("kind", list(FORGED))
async def test_forged_and_invalid_tokens_get_401(ext: ApiHarness, rsa_key: SigningKey, kind: str) -> None:
    forge, reason = FORGED[kind]

    with capture_logs() as logs:
        response = await ext.client.get("/api/user", headers=bearer(forge(rsa_key)))

    assert response.status_code == 401, response.text
    assert response.json()["detail"] == "Not authenticated: the token is invalid or expired."
    assert any(
        reason in entry.get("reason", "") for entry in logs if entry["event"] == "security.token_refused"
    )
    assert response.headers["www-authenticate"].startswith("Bearer")
    # Nobody was signed in as the victim.
    entry = ok(await ext.client.get("/api/user", headers=bearer(rsa_key.sign(now_claims(sub="victim")))))
    assert entry["created"] is True


async def test_a_builtin_issuer_token_is_not_accepted(ext: ApiHarness, tmp_path: Path) -> None:
    response = await ext.client.get("/api/user", headers=bearer(_builtin_token(tmp_path)))
    assert response.status_code == 401


async def test_builtin_issuer_endpoints_are_absent(ext: ApiHarness) -> None:
    assert (await ext.client.get("/.well-known/jwks.json")).status_code == 404
    signup = await ext.client.post(
        "/api/auth/signup", json={"email": "new@example.test", "password": "a long enough password"}
    )
    assert signup.status_code == 404
    assert "access_token" not in signup.text
    signin = await ext.client.post(
        "/api/auth/signin", json={"email": "new@example.test", "password": "a long enough password"}
    )
    assert signin.status_code == 404


async def test_503_while_the_issuer_is_unreachable(
    make_api: MakeApi, tmp_path: Path, clock: FakeClock, rsa_key: SigningKey
) -> None:
    down = JWKSServer()
    down.stop_without_start()  # the port refuses connections
    async with make_api(external_settings(tmp_path, down.url)) as api:
        response = await api.client.get("/api/user", headers=bearer(rsa_key.sign(now_claims())))
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) > 0
        for leak in ("Traceback", "httpx", "ConnectError", "127.0.0.1"):
            assert leak not in response.text
        # Without a token it is still a plain 401: nothing to verify.
        assert (await api.client.get("/api/user")).status_code == 401


async def test_issuer_errors_recover_after_the_next_allowed_refresh(
    ext: ApiHarness, jwks: JWKSServer, clock: FakeClock, rsa_key: SigningKey
) -> None:
    jwks.fail_with(500)
    token = rsa_key.sign(now_claims())
    assert (await ext.client.get("/api/user", headers=bearer(token))).status_code == 503
    jwks.set_keys(rsa_key)
    clock.advance(30)
    ok(await ext.client.get("/api/user", headers=bearer(token)))
    assert jwks.requests == 2
