"""401s, request ids, security headers, CORS, health/readiness/metrics, the JWKS, and 503s."""

from __future__ import annotations

import re
import time
from pathlib import Path

import jwt
import pytest
from jwt import PyJWK
from structlog.testing import capture_logs

from alex.auth.keys import BuiltinIssuer
from alex.settings import Settings
from tests.auth.helpers import b64url_json, make_ec_key, make_rsa_key
from tests.support.api import UNREACHABLE_DATABASE, MakeApi, ok
from tests.support.harness import ApiHarness, harness

U = "header-user"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")
LEAKS = ("Traceback", "psycopg", "sqlalchemy", "OperationalError", "127.0.0.1:1", 'File "')


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _issuer_like(api: ApiHarness, settings: Settings, **overrides: object) -> BuiltinIssuer:
    """The app's own signing key (from its key dir), with another clock or audience."""
    options: dict[str, object] = {
        "issuer": settings.issuer,
        "audience": settings.auth_audience,
        "max_token_ttl_seconds": settings.token_ttl_seconds,
        **overrides,
    }
    issuer = BuiltinIssuer.load_or_create(settings.key_dir, **options)  # type: ignore[arg-type]
    assert api.context.issuer is not None
    assert issuer.active_kid == api.context.issuer.active_kid  # really the same key
    return issuer


# --- 401 ---------------------------------------------------------------------------------------


def _bad_authorizations(api: ApiHarness, settings: Settings) -> dict[str, dict[str, str]]:
    now = int(time.time())
    good_claims = {
        "iss": settings.issuer,
        "aud": settings.auth_audience,
        "sub": U,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    stranger = make_ec_key()
    assert api.context.issuer is not None
    real_kid = api.context.issuer.active_kid
    header = jwt.get_unverified_header(api.token(U))
    return {
        "missing": {},
        "empty": {"Authorization": ""},
        "basic-scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
        "bearer-without-token": {"Authorization": "Bearer"},
        "bearer-blank": {"Authorization": "Bearer    "},
        "token-without-scheme": {"Authorization": api.token(U)},
        "garbage": _bearer("garbage"),
        "three-garbage-parts": _bearer("abc.def.ghi"),
        "expired": _bearer(_issuer_like(api, settings, clock=lambda: time.time() - 7200).mint(subject=U)),
        "not-yet-valid": _bearer(
            _issuer_like(api, settings, clock=lambda: time.time() + 7200).mint(subject=U)
        ),
        "wrong-audience": _bearer(_issuer_like(api, settings, audience="someone-else").mint(subject=U)),
        "wrong-issuer": _bearer(_issuer_like(api, settings, issuer="https://evil.example/").mint(subject=U)),
        "unknown-key": _bearer(stranger.sign(good_claims)),
        "other-key-with-our-kid": _bearer(stranger.sign(good_claims, headers={"kid": real_kid})),
        "other-rsa-key-with-our-kid": _bearer(
            make_rsa_key().sign(good_claims, headers={"kid": real_kid, "alg": "RS256"})
        ),
        "alg-none": _bearer(f"{b64url_json({**header, 'alg': 'none'})}.{b64url_json(good_claims)}."),
        "tampered-payload": _bearer(
            ".".join(
                (
                    api.token(U).split(".")[0],
                    b64url_json({**good_claims, "sub": "admin"}),
                    api.token(U).split(".")[2],
                )
            )
        ),
    }


BAD_AUTH = {
    # kind: the reason the 401 must give (so each token fails for the reason it was built for)
    "missing": "send an Authorization: Bearer",
    "empty": "send an Authorization: Bearer",
    "basic-scheme": "send an Authorization: Bearer",
    "bearer-without-token": "send an Authorization: Bearer",
    "bearer-blank": "send an Authorization: Bearer",
    "token-without-scheme": "send an Authorization: Bearer",
    "garbage": "malformed token",
    "three-garbage-parts": "malformed token",
    "expired": "token expired",
    "not-yet-valid": "not yet valid",
    "wrong-audience": "wrong audience",
    "wrong-issuer": "wrong issuer",
    "unknown-key": "unknown signing key",
    "other-key-with-our-kid": "invalid signature",
    "other-rsa-key-with-our-kid": "does not match algorithm",
    "alg-none": "unsupported algorithm",
    "tampered-payload": "invalid signature",
}


@pytest.mark.parametrize("kind", list(BAD_AUTH))
async def test_bad_or_missing_tokens_get_401(api: ApiHarness, settings: Settings, kind: str) -> None:
    headers = _bad_authorizations(api, settings)[kind]

    with capture_logs() as logs:
        response = await api.client.get("/api/accounts", headers=headers)

    assert response.status_code == 401, response.text  # not the reference's 403
    assert response.headers["www-authenticate"].startswith("Bearer")
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    # A missing token is told how to send one; which check a bad token failed is only logged.
    refused = [entry["reason"] for entry in logs if entry["event"] == "security.token_refused"]
    if BAD_AUTH[kind].startswith("send"):
        assert BAD_AUTH[kind] in detail
    else:
        assert detail == "Not authenticated: the token is invalid or expired."
        assert any(BAD_AUTH[kind] in reason for reason in refused), refused
    for leak in (*LEAKS, "jwt.", "PyJWT"):
        assert leak not in response.text
    # Nobody was signed in: no user row was created for the subject.
    assert (await api.client.get("/api/user", headers=api.auth(U))).json()["created"] is True


async def test_every_api_route_needs_a_token(api: ApiHarness) -> None:
    some_id = "00000000-0000-0000-0000-000000000001"
    routes = [
        ("GET", "/api/user"),
        ("PUT", "/api/user"),
        ("GET", "/api/accounts"),
        ("POST", "/api/accounts"),
        ("GET", f"/api/accounts/{some_id}"),
        ("PUT", f"/api/accounts/{some_id}"),
        ("DELETE", f"/api/accounts/{some_id}"),
        ("GET", f"/api/accounts/{some_id}/positions"),
        ("POST", "/api/positions"),
        ("PUT", f"/api/positions/{some_id}"),
        ("DELETE", f"/api/positions/{some_id}"),
        ("GET", "/api/instruments"),
        ("GET", "/api/instruments/SPY"),
        ("PUT", "/api/instruments/SPY/price"),
        ("DELETE", "/api/instruments/SPY/price"),
        ("POST", "/api/analyze"),
        ("GET", "/api/jobs"),
        ("GET", f"/api/jobs/{some_id}"),
        ("DELETE", "/api/reset-accounts"),
        ("POST", "/api/populate-test-data"),
    ]
    # Every /api route the app serves (routes added later included), except sign-up and sign-in.
    paths = ok(await api.client.get("/openapi.json"))["paths"]
    served = {
        (method.upper(), re.sub(r"\{(\w+)\}", lambda m: "SPY" if m.group(1) == "symbol" else some_id, path))
        for path, operations in paths.items()
        if path.startswith("/api/") and not path.startswith("/api/auth/")
        for method in operations
    }
    assert set(routes) <= served
    for method, path in sorted(served):
        response = await api.client.request(method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        assert "www-authenticate" in response.headers


async def test_a_valid_token_is_accepted(api: ApiHarness) -> None:
    """The control for the 401s: the same request with the app's own token works."""
    assert ok(await api.client.get("/api/accounts", headers=api.auth(U))) == []


# --- request ids -------------------------------------------------------------------------------


async def test_a_request_id_is_generated(api: ApiHarness) -> None:
    first = await api.client.get("/health")
    second = await api.client.get("/health")
    assert HEX_ID.fullmatch(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    "incoming", ["abc-123", "req_1.2.3", "A" * 64, "0f8fad5b-d9cb-469f-a165-70867728950e"]
)
async def test_a_sane_request_id_is_kept(api: ApiHarness, incoming: str) -> None:
    response = await api.client.get("/api/accounts", headers={**api.auth(U), "X-Request-ID": incoming})
    assert response.headers["x-request-id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["<script>alert(1)</script>", "has spaces", "A" * 65, "semi;colon", 'quote"d', "ünïcode", "a/b"],
)
async def test_a_hostile_request_id_is_replaced(api: ApiHarness, incoming: str) -> None:
    response = await api.client.get(
        "/api/accounts",
        headers={**api.auth(U), "X-Request-ID": incoming.encode()},  # type: ignore[arg-type]
    )
    assert HEX_ID.fullmatch(response.headers["x-request-id"])
    assert response.headers.get_list("x-request-id") == [response.headers["x-request-id"]]


async def test_error_responses_carry_a_request_id_too(api: ApiHarness) -> None:
    for response in (
        await api.client.get("/api/accounts"),  # 401
        await api.client.get("/nowhere"),  # 404
        await api.client.post("/api/accounts", content=b"x" * (2 * 1024 * 1024)),  # 413
        await api.client.post("/api/accounts", json={}, headers=api.auth(U)),  # 422
    ):
        assert response.status_code >= 400
        assert HEX_ID.fullmatch(response.headers["x-request-id"]), response.status_code


# --- security headers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "auth", "status"),
    [
        ("GET", "/api/accounts", True, 200),
        ("GET", "/api/accounts", False, 401),
        ("POST", "/api/accounts", True, 422),
        ("GET", "/api/accounts/00000000-0000-0000-0000-000000000000", True, 404),
        ("GET", "/health", False, 200),
        ("GET", "/nowhere", False, 404),
        ("PATCH", "/api/accounts", True, 405),
    ],
)
async def test_security_headers(api: ApiHarness, method: str, path: str, auth: bool, status: int) -> None:
    response = await api.client.request(method, path, headers=api.auth(U) if auth else {})
    assert response.status_code == status
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]  # no inline or eval'd script, ever
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers  # only behind an https public URL
    assert response.headers["content-type"].startswith("application/json")


async def test_hsts_when_served_over_https(make_api: MakeApi, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "alex", public_url="https://alex.example")
    async with make_api(settings) as api:
        response = await api.client.get("/health")
        assert response.headers["strict-transport-security"].startswith("max-age=")


# --- CORS --------------------------------------------------------------------------------------


def _preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_cors_allows_only_the_configured_origin(make_api: MakeApi, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "alex", cors_origins=["https://app.example"])
    async with make_api(settings) as api:
        allowed = await api.client.options("/api/accounts", headers=_preflight("https://app.example"))
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert allowed.headers["access-control-allow-credentials"] == "true"
        assert "PUT" in allowed.headers["access-control-allow-methods"]
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()

        refused = await api.client.options("/api/accounts", headers=_preflight("https://evil.example"))
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers

        # Simple (non-preflight) requests: the allowed origin can read the reply, another cannot.
        mine = await api.client.get("/api/accounts", headers={**api.auth(U), "Origin": "https://app.example"})
        assert mine.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-request-id" in mine.headers["access-control-expose-headers"].lower()
        theirs = await api.client.get(
            "/api/accounts", headers={**api.auth(U), "Origin": "https://evil.example"}
        )
        assert theirs.status_code == 200  # CORS is enforced by the browser, which gets no grant
        assert "access-control-allow-origin" not in theirs.headers

        # Prefix and suffix tricks are not the configured origin either.
        for trick in ("https://app.example.evil.example", "http://app.example", "https://evilapp.example"):
            response = await api.client.options("/api/accounts", headers=_preflight(trick))
            assert "access-control-allow-origin" not in response.headers, trick


async def test_cors_is_closed_by_default(api: ApiHarness) -> None:
    response = await api.client.options("/api/accounts", headers=_preflight("https://app.example"))
    assert "access-control-allow-origin" not in response.headers
    response = await api.client.get("/api/accounts", headers={**api.auth(U), "Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_wildcard_cors_never_grants_credentials(make_api: MakeApi, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "alex", cors_origins=["*"])
    async with make_api(settings) as api:
        response = await api.client.options("/api/accounts", headers=_preflight("https://any.example"))
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers


# --- health, readiness, metrics, JWKS ----------------------------------------------------------


async def test_health(api: ApiHarness) -> None:
    body = ok(await api.client.get("/health"))
    assert body["status"] == "healthy"
    assert body["timestamp"]


async def test_ready(api: ApiHarness) -> None:
    body = ok(await api.client.get("/ready"))
    assert body == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


async def test_metrics(api: ApiHarness) -> None:
    ok(await api.client.get("/api/accounts", headers=api.auth(U)))
    await api.client.get("/api/accounts")
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "# TYPE alex_http_requests_total counter" in text
    assert re.search(
        r'alex_http_requests_total\{[^}]*method="GET"[^}]*route="/api/accounts"[^}]*status="200"', text
    )
    assert re.search(r'alex_http_requests_total\{[^}]*route="/api/accounts"[^}]*status="401"', text)
    assert "alex_http_request_duration_seconds_bucket" in text
    # Route templates, never raw ids, label the series.
    await api.client.get("/api/jobs/00000000-0000-0000-0000-0000000000ab", headers=api.auth(U))
    text = (await api.client.get("/metrics")).text
    assert 'route="/api/jobs/{job_id}"' in text
    assert "0000000000ab" not in text


async def test_jwks_publishes_the_key_that_signs_tokens(api: ApiHarness, settings: Settings) -> None:
    jwks = ok(await api.client.get("/.well-known/jwks.json"))
    token = api.token(U)
    kid = jwt.get_unverified_header(token)["kid"]
    keys = {key["kid"]: key for key in jwks["keys"]}
    assert kid in keys
    for key in jwks["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(key)  # public parts only
    # An outside verifier can check the token with nothing but the published key.
    claims = jwt.decode(
        token,
        key=PyJWK(keys[kid]),
        algorithms=["RS256", "ES256"],
        audience=settings.auth_audience,
        issuer=settings.issuer,
    )
    assert claims["sub"] == U


async def test_openapi_is_served(api: ApiHarness) -> None:
    schema = ok(await api.client.get("/openapi.json"))
    assert "/api/accounts/{account_id}" in schema["paths"]


# --- database unreachable ----------------------------------------------------------------------


async def test_503_when_the_database_is_unreachable(settings: Settings) -> None:
    async with harness(settings, UNREACHABLE_DATABASE) as api:
        for method, path in (
            ("GET", "/api/user"),
            ("GET", "/api/accounts"),
            ("POST", "/api/analyze"),
            ("GET", "/api/jobs/00000000-0000-0000-0000-000000000001"),
        ):
            response = await api.client.request(method, path, headers=api.auth(U))
            assert response.status_code == 503, (path, response.text)
            assert int(response.headers["retry-after"]) > 0
            assert isinstance(response.json()["detail"], str)
            for leak in LEAKS:
                assert leak not in response.text, (path, leak)
            assert HEX_ID.fullmatch(response.headers["x-request-id"])

        ready = await api.client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["status"] == "not ready"
        assert ready.json()["checks"]["database"] == "unreachable"
        for leak in LEAKS:
            assert leak not in ready.text
        # Liveness does not depend on the database, and a bad token is still a 401, not a 503.
        assert (await api.client.get("/health")).status_code == 200
        assert (await api.client.get("/api/user", headers=_bearer("garbage"))).status_code == 401
