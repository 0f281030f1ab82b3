"""A small but real OpenID Connect provider on 127.0.0.1, for the sign-in tests.

uvicorn serves it in a thread of its own, on an ephemeral port bound and listening before the thread
starts: connections queue from the first moment, so nobody waits for it to be ready. It speaks the
authorization code flow with PKCE:

- ``/.well-known/openid-configuration`` and ``/jwks`` (an RSA key made for this provider);
- ``GET /authorize``: a login form (a username field, "Continue" and "Cancel"); ``POST /authorize``
  redirects back to the client with a single-use ``code`` and the ``state``, or ``error=access_denied``;
- ``POST /token``: checks the client's id and secret by the advertised method only, the code, the
  redirect URI and the PKCE verifier against the S256 challenge, then returns an RS256 ID token with
  ``iss``, ``aud``, ``sub``, ``email``, ``email_verified``, ``name``, ``nonce``, ``iat`` and ``exp``.

The ID token is signed with PyJWT and the S256 challenge computed with hashlib: the app, which uses
Authlib and joserfc, is checked against independent implementations.

Knobs for the app's refusals: ``claim_overrides`` (a value of ``None`` removes the claim),
``sign_with`` (a key the JWKS does not publish), ``tamper`` (alters the signed token),
``rotate_key()``, ``token_error_status`` and ``discovery_overrides``. Every refusal is recorded in
``refusals``; ``discovery_requests``, ``jwks_requests`` and ``token_requests`` count what came in::

    with OidcProvider(redirect_uris={"http://alex.test/signin/oidc/callback"}) as provider:
        settings = Settings(oidc_issuer=provider.issuer, oidc_client_id=provider.client_id, ...)
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

__all__ = ["OidcProvider", "ProviderUser", "TokenRequest", "new_rsa_key", "s256"]

STOP_SECONDS = 10.0
_AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def s256(verifier: str) -> str:
    """RFC 7636's S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class ProviderUser:
    subject: str
    name: str
    email: str

    @classmethod
    def named(cls, username: str) -> ProviderUser:
        """The provider's account of a username: always the same subject for the same name."""
        return cls(subject=f"sub-{username}", name=username.capitalize(), email=f"{username}@example.com")


@dataclass(frozen=True)
class TokenRequest:
    auth_method: str
    """How the client authenticated: ``client_secret_basic``, ``client_secret_post`` or ``none``."""
    had_verifier: bool


@dataclass(frozen=True)
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    user: ProviderUser


class OidcProvider:
    default_client_id: ClassVar[str] = "alex-test-client"
    default_client_secret: ClassVar[str] = "test-client-secret-0123456789"

    def __init__(
        self,
        *,
        client_id: str = default_client_id,
        client_secret: str = default_client_secret,
        auth_method: str = "client_secret_basic",
        redirect_uris: set[str] | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.auth_method = auth_method
        self.redirect_uris: set[str] = set(redirect_uris or ())
        """Registered redirect URIs (mutable: a live server's is known only once it runs)."""
        self.claim_overrides: dict[str, Any] = {}
        self.discovery_overrides: dict[str, Any] = {}
        self.sign_with: rsa.RSAPrivateKey | None = None
        self.tamper: Callable[[str], str] | None = None
        self.token_error_status: int | None = None
        self.refusals: list[str] = []
        self.token_requests: list[TokenRequest] = []
        self.discovery_requests = 0
        self.jwks_requests = 0
        self._key = new_rsa_key()
        self._kid = "key-1"
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        # Listening before the thread starts: requests wait in the backlog until uvicorn takes them.
        self._socket.listen(64)
        config = uvicorn.Config(
            self._app(), lifespan="off", log_config=None, access_log=False, timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="oidc-provider", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; the port then refuses connections."""
        if self._server is None or self._thread is None:
            self._socket.close()
            return
        self._server.should_exit = True
        self._thread.join(STOP_SECONDS)
        if self._thread.is_alive():
            raise RuntimeError(f"the OIDC provider did not stop within {STOP_SECONDS:.0f} s")
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # --- knobs ------------------------------------------------------------------------------------

    def rotate_key(self) -> None:
        """A new signing key under a new key id; the JWKS publishes only the new one."""
        self._key = new_rsa_key()
        self._kid = f"key-{secrets.token_hex(4)}"

    def issue_code(
        self, *, redirect_uri: str, code_challenge: str, username: str = "ada", nonce: str | None = None
    ) -> str:
        """A code as ``POST /authorize`` would issue it (for tests of the token endpoint itself)."""
        user = ProviderUser.named(username)
        return self._new_code(self.client_id, redirect_uri, code_challenge, nonce, user)

    # --- the endpoints ----------------------------------------------------------------------------

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks", self._jwks),
                Route("/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/token", self._token, methods=["POST"]),
            ]
        )

    async def _discovery(self, request: Request) -> Response:
        self.discovery_requests += 1
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "grant_types_supported": ["authorization_code"],
            "token_endpoint_auth_methods_supported": [self.auth_method],
            "code_challenge_methods_supported": ["S256"],
            **self.discovery_overrides,
        }
        return JSONResponse(document)

    async def _jwks(self, request: Request) -> Response:
        self.jwks_requests += 1
        public = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**public, "kid": self._kid, "use": "sig", "alg": "RS256"}]})

    async def _authorize(self, request: Request) -> Response:
        params = dict(request.query_params) if request.method == "GET" else await _form(request)
        problem = self._authorize_problem(params)
        if problem is not None:
            self.refusals.append(problem)
            return HTMLResponse(f"<p>{html.escape(problem)}</p>", status_code=400)
        if request.method == "GET":
            return HTMLResponse(_login_form(params))
        if params.get("action") == "cancel":
            return _back(params, {"error": "access_denied", "state": params["state"]})
        username = params.get("username", "").strip().lower()
        if not username:
            return HTMLResponse(_login_form(params), status_code=400)
        code = self._new_code(
            params["client_id"],
            params["redirect_uri"],
            params["code_challenge"],
            params.get("nonce"),
            ProviderUser.named(username),
        )
        return _back(params, {"code": code, "state": params["state"]})

    def _authorize_problem(self, params: Mapping[str, str]) -> str | None:
        if params.get("client_id") != self.client_id:
            return "unknown client"
        if params.get("redirect_uri") not in self.redirect_uris:
            return "unregistered redirect_uri"
        if params.get("response_type") != "code":
            return "unsupported response_type"
        if "openid" not in params.get("scope", "").split():
            return "scope lacks openid"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE S256 challenge required"
        if not params.get("state"):
            return "state required"
        return None

    async def _token(self, request: Request) -> Response:
        form = await _form(request)
        method, client_id, secret = _client_credentials(request, form)
        self.token_requests.append(TokenRequest(auth_method=method, had_verifier="code_verifier" in form))
        if method != self.auth_method or client_id != self.client_id or secret != self.client_secret:
            return self._refuse("invalid_client", f"client authentication failed ({method})", status=401)
        if self.token_error_status is not None:
            return JSONResponse({"error": "server_error"}, status_code=self.token_error_status)
        if form.get("grant_type") != "authorization_code":
            return self._refuse("unsupported_grant_type", "grant_type is not authorization_code")
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # single use, even when refused below
        if grant is None or grant.client_id != client_id:
            return self._refuse("invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._refuse("invalid_grant", "redirect_uri differs from the authorization request")
        if s256(form.get("code_verifier", "")) != grant.code_challenge:
            return self._refuse("invalid_grant", "PKCE verifier does not match the challenge")
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            },
            headers={"Cache-Control": "no-store"},
        )

    # --- helpers ----------------------------------------------------------------------------------

    def _new_code(
        self, client_id: str, redirect_uri: str, challenge: str, nonce: str | None, user: ProviderUser
    ) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(client_id, redirect_uri, challenge, nonce, user)
        return code

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant.user.subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "email": grant.user.email,
            "email_verified": True,
            "name": grant.user.name,
        }
        claims.update(self.claim_overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        token = jwt.encode(claims, self.sign_with or self._key, algorithm="RS256", headers={"kid": self._kid})
        return self.tamper(token) if self.tamper else token

    def _refuse(self, error: str, reason: str, *, status: int = 400) -> Response:
        self.refusals.append(reason)
        return JSONResponse({"error": error}, status_code=status)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _client_credentials(request: Request, form: Mapping[str, str]) -> tuple[str, str | None, str | None]:
    """How the client authenticated, and its id and secret."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        decoded = base64.b64decode(header[6:]).decode()
        client_id, _, secret = decoded.partition(":")
        return "client_secret_basic", client_id, secret
    if "client_secret" in form:
        return "client_secret_post", form.get("client_id"), form["client_secret"]
    return "none", form.get("client_id"), None


def _back(params: Mapping[str, str], answer: Mapping[str, str]) -> Response:
    return RedirectResponse(f"{params['redirect_uri']}?{urlencode(answer)}", status_code=303)


def _login_form(params: Mapping[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
        for name in _AUTHORIZE_PARAMS
        if name in params
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test ID</title></head><body>'
        '<h1>Sign in to Test ID</h1><form method="post" action="/authorize">'
        f'{hidden}<label for="username">Username</label> <input id="username" name="username" required> '
        '<button type="submit" name="action" value="continue">Continue</button> '
        '<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>'
        "</form></body></html>"
    )
