"""Sign-in with the configured OpenID Connect provider: ``GET /signin/oidc`` sends the browser to the
provider, ``GET /signin/oidc/callback`` brings it back and signs the person in.

What the callback checks (``state``, ``nonce``, the PKCE verifier) and where to go next travel in a
short-lived HttpOnly cookie sealed with AES-GCM under a key derived from the client secret: the
browser can neither read nor change it, and any app process can open it (no server-side store).
Both routes are a 404 when OIDC is not configured.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from alex.auth.keys import MAX_SUBJECT_LENGTH
from alex.auth.oidc import Identity, OidcClient, OidcConfig, OidcError, ProviderUnavailableError
from alex.auth.tokens import Claims
from alex.http import cookies
from alex.http.deps import ContextDep, SignInAttempt
from alex.observability.logging import get_logger
from alex.services import identity
from alex.settings import Settings
from alex.web.auth import finish_sign_in
from alex.web.pages import TEMPLATES, local_path, render

router = APIRouter(include_in_schema=False)
log = get_logger("alex.web.oidc")

START_PATH: Final = "/signin/oidc"
CALLBACK_PATH: Final = "/signin/oidc/callback"
FLOW_COOKIE: Final = "alex_oidc"
FLOW_SECONDS: Final = 600
"""How long a person has to sign in at the provider."""
_MAX_NEXT_LENGTH: Final = 1024
"""Browsers drop cookies over 4 KB; a longer destination is not worth losing the sign-in for."""
_MAX_COOKIE_LENGTH: Final = 4096
_NONCE_BYTES: Final = 12
_KEY_LABEL: Final = b"alex oidc flow cookie v1"

STALE_FLOW: Final = "This sign-in attempt has expired or was started in another tab. Please start again."


@dataclass(frozen=True, slots=True)
class _Flow:
    state: str
    nonce: str
    code_verifier: str = field(repr=False)
    next_path: str
    expires_at: int


# --- the routes ------------------------------------------------------------------------------------


@router.get(START_PATH)
async def start_oidc_sign_in(request: Request, context: ContextDep, next: str | None = None) -> Response:
    settings = context.settings
    client = _client(request, settings)
    target = _next_path(next)
    try:
        started = await client.authorization_request(_redirect_uri(request, settings))
    except OidcError as exc:
        return _failed(request, settings, exc, target)
    flow = _Flow(started.state, started.nonce, started.code_verifier, target, int(time.time()) + FLOW_SECONDS)
    response = RedirectResponse(started.url, status_code=302)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        FLOW_COOKIE,
        _seal(client.config, flow),
        max_age=FLOW_SECONDS,
        path=START_PATH,
        httponly=True,
        secure=cookies.is_https(request),
        samesite="lax",
    )
    return response


@router.get(CALLBACK_PATH, name="oidc_callback", dependencies=[SignInAttempt])
async def finish_oidc_sign_in(
    request: Request,
    context: ContextDep,
    *,
    state: str | None = None,
    code: str | None = None,
    error: str | None = None,
) -> Response:
    settings = context.settings
    client = _client(request, settings)
    checked = _returned_flow(request, client, settings, state=state, code=code, error=error)
    if isinstance(checked, Response):
        return checked
    flow, code = checked
    try:
        found = await client.identity(
            code,
            redirect_uri=_redirect_uri(request, settings),
            code_verifier=flow.code_verifier,
            nonce=flow.nonce,
        )
    except OidcError as exc:
        return _failed(request, settings, exc, flow.next_path)
    # Closed before finish_sign_in takes a connection of its own (never two at once).
    async with context.database.session() as session:
        user, created = await identity.user_for_claims(session, claims=_claims(found, settings))
    log.info("oidc sign-in", created=created)
    response = await finish_sign_in(request, context, user, flow.next_path)
    _forget_flow(response)
    return response


def oidc_provider_name(request: Request) -> str | None:
    """The provider's name when sign-in with it is configured (the sign-in page shows its button)."""
    settings = getattr(getattr(request.app.state, "context", None), "settings", None)
    if not isinstance(settings, Settings) or OidcConfig.from_settings(settings) is None:
        return None
    return settings.oidc_provider_name


# Read by signin.html: the page's own handler stays unaware of OIDC.
TEMPLATES.env.globals["oidc_provider_name"] = oidc_provider_name


# --- helpers ---------------------------------------------------------------------------------------


def _client(request: Request, settings: Settings) -> OidcClient:
    """This app's provider client, made on first use (it caches discovery and keys); 404 if unconfigured."""
    config = OidcConfig.from_settings(settings)
    if config is None:
        raise HTTPException(status_code=404)
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = OidcClient(config)
        request.app.state.oidc_client = client
    return client


def _returned_flow(
    request: Request,
    client: OidcClient,
    settings: Settings,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
) -> tuple[_Flow, str] | Response:
    """The flow this browser started and the code it came back with, or the page refusing them."""
    flow = _unseal(client.config, request.cookies.get(FLOW_COOKIE))
    # The state ties the answer to a flow this browser started: no one else's code gets signed in.
    if flow is None or state is None or not hmac.compare_digest(flow.state.encode(), state.encode()):
        log.warning("oidc sign-in refused", reason="no sign-in in progress or wrong state")
        return _page(request, 400, STALE_FLOW, "/")
    if error is not None:
        log.warning("oidc sign-in refused", reason="the provider answered with an error")
        message = f"Sign-in with {settings.oidc_provider_name} was cancelled or refused. Please try again."
        return _page(request, 401, message, flow.next_path)
    if not code:
        log.warning("oidc sign-in refused", reason="no code")
        return _page(request, 400, STALE_FLOW, flow.next_path)
    return flow, code


def _redirect_uri(request: Request, settings: Settings) -> str:
    # Behind a proxy the request's own URL is an internal one; the provider knows the public one.
    if settings.public_url:
        return settings.public_url.rstrip("/") + CALLBACK_PATH
    return str(request.url_for("oidc_callback"))


def _next_path(value: str | None) -> str:
    path = local_path(value)
    return path if len(path) <= _MAX_NEXT_LENGTH else "/"


def _claims(found: Identity, settings: Settings) -> Claims:
    # The API's external tokens from this same issuer name the person by the bare `sub`: one user for
    # both. From any other provider the prefix keeps its subjects apart from every other user id.
    same_issuer = settings.auth_issuer is not None and settings.auth_issuer == settings.oidc_issuer
    subject = found.subject if same_issuer else f"oidc|{found.subject}"
    return Claims(
        subject=subject[:MAX_SUBJECT_LENGTH],
        name=found.name,
        # An unverified address could be anyone's: keeping it would let a stranger take the email.
        email=found.email if found.email_verified else None,
        issuer=found.issuer,
        # Nothing downstream reads it: the session the sign-in starts has its own lifetime.
        expires_at=datetime.now(UTC),
    )


def _failed(request: Request, settings: Settings, exc: OidcError, target: str) -> Response:
    log.warning("oidc sign-in failed", reason=exc.reason)
    name = settings.oidc_provider_name
    if isinstance(exc, ProviderUnavailableError):
        message = f"{name} cannot be reached right now. Please try again in a minute."
        return _page(request, 503, message, target)
    message = f"{name} did not confirm who you are, so you are not signed in. Please try again."
    return _page(request, 401, message, target)


def _page(request: Request, status: int, message: str, target: str) -> Response:
    """The sign-in page with what went wrong; whatever the outcome, the attempt is over."""
    response = render(request, "signin.html", status_code=status, next=target, email="", error=message)
    if status == 503:
        response.headers["Retry-After"] = "60"
    _forget_flow(response)
    return response


def _forget_flow(response: Response) -> None:
    response.delete_cookie(FLOW_COOKIE, path=START_PATH)


# --- the sealed flow cookie ------------------------------------------------------------------------


def _cipher(config: OidcConfig) -> AESGCM:
    # A derived key: the cookie key leaking would not reveal the client secret.
    secret = config.client_secret.get_secret_value().encode()
    return AESGCM(hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest())


def _seal(config: OidcConfig, flow: _Flow) -> str:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _cipher(config).encrypt(nonce, json.dumps(asdict(flow)).encode(), FLOW_COOKIE.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def _unseal(config: OidcConfig, value: str | None) -> _Flow | None:
    """The flow this browser started, unless the cookie is missing, forged, altered or expired."""
    if not value or len(value) > _MAX_COOKIE_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        opened = _cipher(config).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], FLOW_COOKIE.encode())
        flow = _Flow(**json.loads(opened))
    except (InvalidTag, ValueError, TypeError):
        return None
    return flow if flow.expires_at > time.time() else None
