"""Token verification against a real loopback JWKS server (no mocks of the HTTP layer)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt
import pytest

from alex.auth import (
    InvalidTokenError,
    RemoteJWKS,
    SigningKeysUnavailableError,
    StaticKeySource,
    TokenVerifier,
)

from .helpers import (
    AUDIENCE,
    ISSUER,
    NOW,
    FakeClock,
    JWKSServer,
    SigningKey,
    b64url,
    b64url_json,
    claims,
    make_ec_key,
    make_rsa_key,
)


def remote(server: JWKSServer, client: httpx.AsyncClient, clock: FakeClock, **kwargs: Any) -> RemoteJWKS:
    return RemoteJWKS(server.url, http_client=client, clock=clock, **kwargs)


def make_verifier(source: RemoteJWKS | StaticKeySource, **kwargs: Any) -> TokenVerifier:
    return TokenVerifier(source, issuer=ISSUER, audience=AUDIENCE, clock=lambda: NOW, **kwargs)


async def rejected(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(InvalidTokenError) as err:
        await verifier.verify(token)
    return err.value.reason


# ------------------------------------------------------------------------------- happy paths


@pytest.mark.parametrize("kind", ["rsa", "ec"])
async def test_valid_token_is_accepted(
    kind: str,
    rsa_key: SigningKey,
    ec_key: SigningKey,
    jwks_server: JWKSServer,
    http_client: httpx.AsyncClient,
) -> None:
    key = rsa_key if kind == "rsa" else ec_key
    jwks_server.set_keys(rsa_key, ec_key)
    verifier = make_verifier(remote(jwks_server, http_client, FakeClock(0)))

    result = await verifier.verify(key.sign(claims()))

    assert jwt.get_unverified_header(key.sign(claims()))["alg"] == ("RS256" if kind == "rsa" else "ES256")
    assert result.subject == "user-123"
    assert result.name == "Ada Lovelace"
    assert result.email == "ada@example.test"
    assert result.issuer == ISSUER
    assert result.expires_at.timestamp() == int(NOW) + 600
    assert result.raw["aud"] == AUDIENCE
    assert jwks_server.requests == 1


async def test_keys_are_cached(
    rsa_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    jwks_server.set_keys(rsa_key)
    verifier = make_verifier(remote(jwks_server, http_client, FakeClock(0)))
    for _ in range(5):
        await verifier.verify(rsa_key.sign(claims()))
    assert jwks_server.requests == 1


async def test_audience_list_and_leeway(ec_key: SigningKey) -> None:
    verifier = make_verifier(StaticKeySource.from_jwks({"keys": [ec_key.jwk]}))
    token = ec_key.sign(claims(aud=["other", AUDIENCE], exp=int(NOW) - 20, nbf=int(NOW) + 20))
    assert (await verifier.verify(token)).subject == "user-123"  # within the 30 s leeway


async def test_optional_claims_may_be_absent(ec_key: SigningKey) -> None:
    verifier = make_verifier(StaticKeySource.from_jwks({"keys": [ec_key.jwk]}))
    result = await verifier.verify(ec_key.sign(claims(name=None, email=None, iat=None, nbf=None)))
    assert (result.name, result.email) == (None, None)


# ------------------------------------------------------------------------------- rotation and refresh


async def test_rotation_new_key_accepted_after_exactly_one_refresh(
    rsa_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    clock = FakeClock(1000)
    verifier = make_verifier(remote(jwks_server, http_client, clock))
    jwks_server.set_keys(rsa_key)
    await verifier.verify(rsa_key.sign(claims()))
    assert jwks_server.requests == 1

    new_key = make_rsa_key()
    jwks_server.set_keys(new_key, rsa_key)  # the issuer rotates
    clock.advance(31)

    assert (await verifier.verify(new_key.sign(claims(sub="after-rotation")))).subject == "after-rotation"
    assert jwks_server.requests == 2
    await verifier.verify(rsa_key.sign(claims()))  # old key still served, from cache
    await verifier.verify(new_key.sign(claims()))
    assert jwks_server.requests == 2


async def test_unknown_kid_refreshes_at_most_once_per_30_seconds(
    ec_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    clock = FakeClock(1000)
    verifier = make_verifier(remote(jwks_server, http_client, clock))
    jwks_server.set_keys(ec_key)
    await verifier.verify(ec_key.sign(claims()))
    assert jwks_server.requests == 1

    stranger = make_ec_key()
    clock.advance(31)
    assert await rejected(verifier, stranger.sign(claims())) == "unknown signing key"
    assert jwks_server.requests == 2

    jwks_server.set_keys(ec_key, stranger)  # published now, but we may not look again yet
    clock.advance(29.9)
    assert await rejected(verifier, stranger.sign(claims())) == "unknown signing key"
    assert await rejected(verifier, make_ec_key().sign(claims())) == "unknown signing key"
    assert jwks_server.requests == 2

    clock.advance(0.1)  # 30 s after the last fetch
    assert (await verifier.verify(stranger.sign(claims()))).subject == "user-123"
    assert jwks_server.requests == 3


async def test_concurrent_unknown_kids_share_one_fetch(
    ec_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    clock = FakeClock(1000)
    verifier = make_verifier(remote(jwks_server, http_client, clock))
    jwks_server.set_keys(ec_key)
    await verifier.verify(ec_key.sign(claims()))

    new_key = make_ec_key()
    jwks_server.set_keys(ec_key, new_key)
    clock.advance(60)
    results = await asyncio.gather(*(verifier.verify(new_key.sign(claims(sub=f"u{i}"))) for i in range(20)))

    assert sorted(r.subject for r in results) == sorted(f"u{i}" for i in range(20))
    assert jwks_server.requests == 2


async def test_stale_cache_is_refreshed_and_used_if_the_issuer_is_down(
    ec_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    clock = FakeClock(1000)
    verifier = make_verifier(remote(jwks_server, http_client, clock, cache_seconds=300))
    jwks_server.set_keys(ec_key)
    await verifier.verify(ec_key.sign(claims()))

    clock.advance(301)
    jwks_server.fail_with(503)
    assert (await verifier.verify(ec_key.sign(claims()))).subject == "user-123"  # stale key kept
    assert jwks_server.requests == 2
    await verifier.verify(ec_key.sign(claims()))  # rate-limited: no new fetch
    assert jwks_server.requests == 2

    jwks_server.set_keys()  # issuer back, key withdrawn
    clock.advance(30)
    assert await rejected(verifier, ec_key.sign(claims())) == "unknown signing key"
    assert jwks_server.requests == 3


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"keys": []}'),
        (200, b"<html>not json</html>"),
        (200, b'{"no": "keys"}'),
        (200, b'{"keys": [' + b'{"kty": "oct", "k": "AAAA"},' * 40_000 + b"{}]}"),  # over the size limit
    ],
    ids=["http-500", "not-json", "not-a-jwks", "too-large"],
)
async def test_unusable_jwks_response_means_keys_unavailable(
    status: int, body: bytes, ec_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    jwks_server.fail_with(status, body)
    verifier = make_verifier(remote(jwks_server, http_client, FakeClock(0)))

    with pytest.raises(SigningKeysUnavailableError) as err:
        await verifier.verify(ec_key.sign(claims()))
    assert err.value.reason == "signing keys unavailable"
    assert isinstance(err.value, InvalidTokenError)


async def test_unreachable_jwks_means_keys_unavailable(
    ec_key: SigningKey, http_client: httpx.AsyncClient
) -> None:
    server = JWKSServer()
    url = server.url
    server.stop_without_start()
    source = RemoteJWKS(url, http_client=http_client, clock=FakeClock(0), timeout_seconds=5)
    with pytest.raises(SigningKeysUnavailableError):
        await make_verifier(source).verify(ec_key.sign(claims()))


async def test_unusable_keys_in_the_set_are_skipped(
    ec_key: SigningKey, rsa_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> None:
    small_rsa = {"kty": "RSA", "kid": "small", "n": b64url(b"\xc1" * 64), "e": "AQAB"}
    jwks_server.set_keys(
        {"kty": "oct", "kid": "hmac", "k": b64url(b"secret")},
        {**rsa_key.jwk, "use": "enc"},
        {**rsa_key.jwk, "kid": "ops", "key_ops": ["encrypt"]},
        {**ec_key.jwk, "kid": "p384", "crv": "P-384"},
        small_rsa,
        "not-an-object",
        ec_key.jwk,
    )
    verifier = make_verifier(remote(jwks_server, http_client, FakeClock(0)))
    assert (await verifier.verify(ec_key.sign(claims()))).subject == "user-123"
    assert await rejected(verifier, rsa_key.sign(claims())) == "unknown signing key"


def test_remote_jwks_requires_https_except_loopback() -> None:
    with pytest.raises(ValueError, match="https"):
        RemoteJWKS("http://idp.example.test/jwks.json")
    with pytest.raises(ValueError, match="absolute"):
        RemoteJWKS("ftp://idp.example.test/jwks.json")


# ------------------------------------------------------------------------------- forged and bad tokens


@pytest.fixture
async def strict(
    rsa_key: SigningKey, ec_key: SigningKey, jwks_server: JWKSServer, http_client: httpx.AsyncClient
) -> TokenVerifier:
    jwks_server.set_keys(rsa_key, ec_key)
    return make_verifier(remote(jwks_server, http_client, FakeClock(0)))


def forge(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    return f"{b64url_json(header)}.{b64url_json(payload)}.{b64url(signature)}"


async def test_alg_none_is_rejected(strict: TokenVerifier, rsa_key: SigningKey) -> None:
    for alg in ("none", "None", "NONE"):
        token = forge({"alg": alg, "typ": "JWT", "kid": rsa_key.kid}, claims())
        assert await rejected(strict, token) == "unsupported algorithm"
    assert (
        await rejected(strict, forge({"typ": "JWT", "kid": rsa_key.kid}, claims())) == "unsupported algorithm"
    )


@pytest.mark.parametrize("kind", ["rsa", "ec"])
async def test_hs256_signed_with_the_public_key_is_rejected(
    kind: str, strict: TokenVerifier, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    key = rsa_key if kind == "rsa" else ec_key
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    signing_input = f"{b64url_json(header)}.{b64url_json(claims())}"
    for secret in (key.public_pem, json.dumps(key.jwk).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        assert await rejected(strict, f"{signing_input}.{b64url(mac)}") == "unsupported algorithm"


async def test_other_algorithms_are_not_allowed(strict: TokenVerifier, rsa_key: SigningKey) -> None:
    token = jwt.encode(claims(), rsa_key.private_key, algorithm="RS384", headers={"kid": rsa_key.kid})
    assert await rejected(strict, token) == "unsupported algorithm"
    token = jwt.encode(claims(), rsa_key.private_key, algorithm="PS256", headers={"kid": rsa_key.kid})
    assert await rejected(strict, token) == "unsupported algorithm"


async def test_key_type_must_match_algorithm(
    strict: TokenVerifier, rsa_key: SigningKey, ec_key: SigningKey
) -> None:
    # ES256 header naming the RSA key, and RS256 header naming the EC key.
    es_token = ec_key.sign(claims(), headers={"kid": rsa_key.kid})
    rs_token = rsa_key.sign(claims(), headers={"kid": ec_key.kid})
    assert await rejected(strict, es_token) == "signing key does not match algorithm"
    assert await rejected(strict, rs_token) == "signing key does not match algorithm"


async def test_jwk_declaring_another_alg_is_not_used(ec_key: SigningKey) -> None:
    rsa_key = make_rsa_key()
    verifier = make_verifier(StaticKeySource.from_jwks({"keys": [{**rsa_key.jwk, "alg": "RS256"}]}))
    assert (await verifier.verify(rsa_key.sign(claims()))).subject == "user-123"
    verifier = make_verifier(StaticKeySource.from_jwks({"keys": [{**rsa_key.jwk, "alg": "HS256"}]}))
    assert await rejected(verifier, rsa_key.sign(claims())) == "unknown signing key"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": int(NOW) - 31}, "token expired"),
        ({"nbf": int(NOW) + 31}, "token not yet valid"),
        ({"iat": int(NOW) + 3600}, "token not yet valid"),
        ({"iss": "https://evil.example.test/"}, "wrong issuer"),
        ({"aud": "someone-else"}, "wrong audience"),
        ({"aud": ["a", "b"]}, "wrong audience"),
        ({"sub": None}, "missing claim: sub"),
        ({"exp": None}, "missing claim: exp"),
        ({"iss": None}, "missing claim: iss"),
        ({"aud": None}, "missing claim: aud"),
        ({"sub": ""}, "invalid subject"),
        ({"sub": 42}, "invalid subject"),
        ({"sub": "x" * 256}, "invalid subject"),
        ({"exp": "tomorrow"}, "invalid exp claim"),
        ({"exp": True}, "invalid exp claim"),
        ({"exp": float("nan")}, "invalid exp claim"),
        ({"exp": 10**30}, "invalid exp claim"),
        ({"nbf": "now"}, "invalid nbf claim"),
    ],
)
async def test_bad_claims_are_rejected(
    overrides: dict[str, Any], reason: str, strict: TokenVerifier, ec_key: SigningKey
) -> None:
    assert await rejected(strict, ec_key.sign(claims(**overrides))) == reason


async def test_tampered_signature_and_payload_are_rejected(
    strict: TokenVerifier, rsa_key: SigningKey
) -> None:
    token = rsa_key.sign(claims())
    head, body, sig = token.split(".")
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    assert await rejected(strict, f"{head}.{body}.{flipped}") == "invalid signature"
    evil_body = b64url_json(claims(sub="admin"))
    assert await rejected(strict, f"{head}.{evil_body}.{sig}") == "invalid signature"


async def test_token_signed_by_another_key_with_a_known_kid_is_rejected(
    strict: TokenVerifier, ec_key: SigningKey
) -> None:
    impostor = make_ec_key()
    assert await rejected(strict, impostor.sign(claims(), headers={"kid": ec_key.kid})) == "invalid signature"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        "....",
        "a.b.c.d.e",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.!!!",
        "x" * 20_000,
        forge({"alg": "ES256"}, claims()),  # no kid
        forge({"alg": "ES256", "kid": 7}, claims()),
        forge({"alg": "ES256", "kid": "k", "crit": ["exp"]}, claims()),
        forge({"alg": "ES256", "kid": "k", "typ": "dpop+jwt"}, claims()),
        b64url(b"[1,2]") + "." + b64url_json(claims()) + ".c2ln",
    ],
)
async def test_garbage_never_escapes_as_another_exception(strict: TokenVerifier, token: str) -> None:
    reason = await rejected(strict, token)
    assert reason
    assert len(reason) < 60


async def test_payload_that_is_not_an_object_is_rejected(strict: TokenVerifier, ec_key: SigningKey) -> None:
    token = jwt.api_jws.encode(
        b"[1, 2, 3]", ec_key.private_key, algorithm="ES256", headers={"kid": ec_key.kid}
    )
    assert await rejected(strict, token) == "malformed token"


def test_verifier_refuses_symmetric_or_none_algorithms(ec_key: SigningKey) -> None:
    source = StaticKeySource.from_jwks({"keys": [ec_key.jwk]})
    for algs in (["HS256"], ["none"], ["ES256", "HS256"], []):
        with pytest.raises(ValueError, match="algorithms"):
            TokenVerifier(source, issuer=ISSUER, audience=AUDIENCE, algorithms=algs)


async def test_algorithm_allow_list_can_be_narrowed(rsa_key: SigningKey, ec_key: SigningKey) -> None:
    source = StaticKeySource.from_jwks({"keys": [rsa_key.jwk, ec_key.jwk]})
    verifier = make_verifier(source, algorithms=["ES256"])
    assert (await verifier.verify(ec_key.sign(claims()))).subject == "user-123"
    assert await rejected(verifier, rsa_key.sign(claims())) == "unsupported algorithm"
