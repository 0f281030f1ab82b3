"""Sign-in with an external OpenID Connect provider: the authorization code flow with PKCE (S256).

No web framework here. :class:`OidcClient` discovers the provider (once, then cached), builds the
authorization URL with ``state``, ``nonce`` and a PKCE ``code_challenge``, exchanges the code at the
token endpoint (``client_secret_basic`` or ``client_secret_post``, as the provider advertises) and
validates the ID token with the provider's JWKS: signature, ``iss``, ``aud``, ``azp``, ``exp``, ``iat``
and ``nonce``.

Authlib supplies the protocol parts (discovery metadata checks, PKCE, the grant URI, client
authentication, the ID token's claim rules); joserfc, the JOSE library Authlib itself uses, checks
signatures. HTTP is httpx with a short timeout.

Failures are :class:`OidcError` (the provider did not vouch for the person) or its subclass
:class:`ProviderUnavailableError` (the provider could not be reached or used: try again later). Their
``reason`` is safe to log: it never holds a token, a code, a claim value or the client secret.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast

import httpx
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.oauth2.auth import ClientAuth  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from authlib.oidc.discovery import OpenIDProviderMetadata, get_well_known_url  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, KeySetSerialization
from joserfc.jws import JWSRegistry
from pydantic import SecretStr

from alex.domain.text import has_control_characters
from alex.settings import Settings

__all__ = [
    "AuthorizationRequest",
    "Identity",
    "OidcClient",
    "OidcConfig",
    "OidcError",
    "ProviderUnavailableError",
]

# Asymmetric only: "none" and the HMAC family (keyed with the client secret) are never accepted.
SIGNING_ALGORITHMS: Final = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CLIENT_AUTH_METHODS: Final = ("client_secret_basic", "client_secret_post")
_OAUTH_ERROR_CODE: Final = re.compile(r"^[a-z_]{1,40}$")


class OidcError(Exception):
    """The provider did not vouch for the person. ``reason`` is short and safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailableError(OidcError):
    """The provider could not be reached, failed, or published an unusable configuration."""


@dataclass(frozen=True, slots=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: SecretStr = field(repr=False)
    scopes: str = "openid email profile"
    timeout_seconds: float = 5.0
    leeway_seconds: int = 60
    """Clock skew tolerated on ``exp`` and ``iat``."""

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        """The configuration when issuer, client id and client secret are all set, else ``None``."""
        if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret):
            return None
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            scopes=settings.oidc_scopes,
        )


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider says signed in."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the browser, and what its return must be checked against (kept by the browser
    in a sealed cookie: ``code_verifier`` must never reach the provider before the token request)."""

    url: str
    state: str
    nonce: str
    code_verifier: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class _Provider:
    """The parts of the discovery document the flow uses, checked."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    client_auth_method: str
    algorithms: tuple[str, ...]


class OidcClient:
    """One provider, for the life of the process: its discovery document and keys are cached."""

    def __init__(self, config: OidcConfig) -> None:
        self.config = config
        self._provider: _Provider | None = None
        self._keys: KeySet | None = None
        self._discovery_lock = asyncio.Lock()

    async def authorization_request(self, redirect_uri: str) -> AuthorizationRequest:
        provider = await self._discover()
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        url = prepare_grant_uri(
            provider.authorization_endpoint,
            self.config.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.config.scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        return AuthorizationRequest(url=str(url), state=state, nonce=nonce, code_verifier=verifier)

    async def identity(self, code: str, *, redirect_uri: str, code_verifier: str, nonce: str) -> Identity:
        """Exchange the authorization code and return the identity its ID token proves."""
        provider = await self._discover()
        tokens = await self._exchange(provider, code, redirect_uri=redirect_uri, code_verifier=code_verifier)
        claims = await self._verified_claims(provider, tokens, nonce=nonce)
        return _identity(claims)

    # --- discovery and keys ----------------------------------------------------------------------

    async def _discover(self) -> _Provider:
        if self._provider is None:
            # One fetch for concurrent first sign-ins; a failure is not cached, the next one retries.
            async with self._discovery_lock:
                if self._provider is None:
                    url = get_well_known_url(self.config.issuer, external=True)
                    self._provider = _provider(self.config, await self._get_json(url, "discovery"))
        return self._provider

    async def _key_set(self, provider: _Provider, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            document = await self._get_json(provider.jwks_uri, "JWKS")
            try:
                self._keys = KeySet.import_key_set(cast(KeySetSerialization, document))
            except (JoseError, ValueError, TypeError, KeyError):
                raise ProviderUnavailableError("the JWKS holds no usable key") from None
        return self._keys

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            async with self._http() as http:
                response = await http.get(url, headers={"Accept": "application/json"})
        except (httpx.HTTPError, httpx.InvalidURL):
            raise ProviderUnavailableError(f"{what} request failed") from None
        if response.status_code != 200:
            raise ProviderUnavailableError(f"{what} answered HTTP {response.status_code}")
        return _json_object(response, what)

    def _http(self) -> httpx.AsyncClient:
        # A client per call: sign-ins are rare, and nothing is left open when the app stops.
        return httpx.AsyncClient(timeout=self.config.timeout_seconds, follow_redirects=False)

    # --- the code exchange and the ID token --------------------------------------------------------

    async def _exchange(
        self, provider: _Provider, code: str, *, redirect_uri: str, code_verifier: str
    ) -> dict[str, Any]:
        body = prepare_token_request(
            "authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        auth = ClientAuth(
            self.config.client_id, self.config.client_secret.get_secret_value(), provider.client_auth_method
        )
        url, headers, body = auth.prepare("POST", provider.token_endpoint, headers, body)
        try:
            async with self._http() as http:
                response = await http.post(url, content=body, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL):
            raise ProviderUnavailableError("token request failed") from None
        if response.status_code >= 500:
            raise ProviderUnavailableError(f"token endpoint answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise OidcError(f"token endpoint refused the code ({_oauth_error(response)})")
        tokens = _json_object(response, "token response")
        if not isinstance(tokens.get("id_token"), str):
            raise OidcError("token response has no ID token")
        return tokens

    async def _verified_claims(
        self, provider: _Provider, tokens: Mapping[str, Any], *, nonce: str
    ) -> dict[str, Any]:
        token = await self._decode(provider, tokens["id_token"])
        access_token = tokens.get("access_token")
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": self.config.client_id},
                "sub": {"essential": True},
            },
            {
                "nonce": nonce,
                "client_id": self.config.client_id,
                # Checked against at_hash when the ID token has one.
                "access_token": access_token if isinstance(access_token, str) else None,
            },
        )
        try:
            claims.validate(leeway=self.config.leeway_seconds)
        except ExpiredTokenError:
            raise OidcError("ID token expired") from None
        except ClaimError as exc:
            raise OidcError(f"ID token claim rejected: {exc.claim}") from None
        except (JoseError, ValueError, TypeError):
            raise OidcError("ID token claims are malformed") from None
        return dict(claims)

    async def _decode(self, provider: _Provider, id_token: str) -> jwt.Token:
        try:
            return _decode(id_token, await self._key_set(provider), provider.algorithms)
        except InvalidKeyIdError:
            pass
        # A key we have not seen: the provider may have rotated its keys since we fetched them.
        try:
            return _decode(id_token, await self._key_set(provider, refresh=True), provider.algorithms)
        except InvalidKeyIdError:
            raise OidcError("ID token signed with an unknown key") from None


def _decode(id_token: str, keys: KeySet, algorithms: tuple[str, ...]) -> jwt.Token:
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        return jwt.decode(id_token, keys, registry=registry)
    except InvalidKeyIdError:
        raise
    except BadSignatureError:
        raise OidcError("ID token signature does not verify") from None
    except (JoseError, ValueError, TypeError):
        raise OidcError("ID token is malformed or uses an unaccepted algorithm") from None


def _provider(config: OidcConfig, document: dict[str, Any]) -> _Provider:
    names = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    issuer, authorize, token, jwks = (document.get(name) for name in names)
    if not all(isinstance(value, str) and value for value in (issuer, authorize, token, jwks)):
        raise ProviderUnavailableError("the discovery document lacks the issuer or an endpoint")
    try:
        # Issuer and endpoints must be https (loopback excepted), and the OIDC fields present.
        OpenIDProviderMetadata(document).validate()
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ProviderUnavailableError("the discovery document is invalid") from None
    # Discovery 1.0 section 4.3: the document must be about the issuer we asked.
    if str(issuer).rstrip("/") != config.issuer.rstrip("/"):
        raise ProviderUnavailableError("the discovery document names another issuer")
    advertised = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in SIGNING_ALGORITHMS if alg in advertised)
    if not algorithms:
        raise ProviderUnavailableError("the provider signs ID tokens with no accepted algorithm")
    return _Provider(
        issuer=str(issuer),
        authorization_endpoint=str(authorize),
        token_endpoint=str(token),
        jwks_uri=str(jwks),
        client_auth_method=_client_auth_method(document),
        algorithms=algorithms,
    )


def _client_auth_method(document: Mapping[str, Any]) -> str:
    # RFC 8414: no list means client_secret_basic.
    supported = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    for method in CLIENT_AUTH_METHODS:
        if method in supported:
            return method
    raise ProviderUnavailableError("the provider supports neither client_secret_basic nor client_secret_post")


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError:
        raise ProviderUnavailableError(f"{what} is not JSON") from None
    if not isinstance(document, dict):
        raise ProviderUnavailableError(f"{what} is not a JSON object")
    return document


def _oauth_error(response: httpx.Response) -> str:
    """The OAuth error code when it is a plain code (safe to log), else the HTTP status."""
    try:
        code = response.json().get("error")
    except (ValueError, AttributeError):
        code = None
    return (
        code
        if isinstance(code, str) and _OAUTH_ERROR_CODE.fullmatch(code)
        else f"HTTP {response.status_code}"
    )


def _identity(claims: Mapping[str, Any]) -> Identity:
    for claim in ("sub", "name", "email"):
        value = claims.get(claim)
        # The API's rule for token claims: not storable (NUL) or displayed as something else (bidi).
        if isinstance(value, str) and has_control_characters(value, multiline=False):
            raise OidcError(f"control characters in the {claim} claim")
    email, name = claims.get("email"), claims.get("name")
    return Identity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=email if isinstance(email, str) and email else None,
        # Some providers send the boolean as a string.
        email_verified=claims.get("email_verified") in (True, "true"),
        name=name.strip() if isinstance(name, str) and name.strip() else None,
    )
