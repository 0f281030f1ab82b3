"""Bearer token verification: JWKS key sources and the verifier.

``TokenVerifier.verify`` accepts only RS256/ES256 tokens whose signature verifies with the key the
token's ``kid`` names, whose key type matches the algorithm, and whose ``exp``/``nbf``/``iat``,
``iss`` and ``aud`` are right; ``sub``, ``exp``, ``iss`` and ``aud`` are required. Any failure is an
:class:`InvalidTokenError` with a short reason that is safe to return to the client; no PyJWT
exception escapes.

Key sources:

* :class:`BuiltinKeySource` - the in-process built-in issuer (no HTTP);
* :class:`RemoteJWKS` - an external issuer's JWKS URL, cached; an unknown ``kid`` triggers a refresh
  at most once per ``min_refresh_interval`` (30 s), shared by concurrent requests;
* :class:`StaticKeySource` - a fixed JWKS document.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx
import jwt
from jwt import PyJWK
from jwt.exceptions import InvalidSubjectError

from alex.auth._jose import SUPPORTED_ALGORITHMS, algorithm_for, is_numeric_date
from alex.auth.keys import MAX_SUBJECT_LENGTH, BuiltinIssuer
from alex.domain.text import has_control_characters

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "BuiltinKeySource",
    "Claims",
    "InvalidTokenError",
    "KeySource",
    "RemoteJWKS",
    "SigningKeysUnavailableError",
    "StaticKeySource",
    "TokenVerifier",
    "parse_jwks",
]

logger = logging.getLogger(__name__)

MAX_TOKEN_LENGTH: Final = 16 * 1024
_MAX_KID_LENGTH: Final = 256
_ACCEPTED_TYP: Final = frozenset({"jwt", "at+jwt", "application/jwt", "application/at+jwt"})
_PRIVATE_JWK_MEMBERS: Final = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


class InvalidTokenError(Exception):
    """The bearer token is not acceptable. ``reason`` is short and safe to show to the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SigningKeysUnavailableError(InvalidTokenError):
    """The issuer's keys could not be fetched (and none are cached), so no token can be checked.

    A subclass of :class:`InvalidTokenError` (answer 401 by default); an app may map it to 503.
    """


@dataclass(frozen=True)
class Claims:
    """The verified identity carried by a token. ``subject`` is the user id."""

    subject: str
    name: str | None
    email: str | None
    issuer: str
    expires_at: datetime
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False, repr=False)


@runtime_checkable
class KeySource(Protocol):
    """Where the verifier gets public keys: ``None`` means no key with that kid."""

    async def get_key(self, kid: str) -> PyJWK | None: ...


# ---------------------------------------------------------------------------------------- JWK parsing


def _key_matches_algorithm(key: PyJWK, alg: str) -> bool:
    """The public key must fit the algorithm (see :func:`algorithm_for`), its JWK ``kty`` must agree,
    and a key that declares its own ``alg`` only verifies that one."""
    if key.algorithm_name != alg or algorithm_for(key.key) != alg:
        return False
    return key.key_type == ("RSA" if alg == "RS256" else "EC")


def _jwk_to_key(jwk: object) -> PyJWK | None:
    """A usable public signing key from one JWK, or None (skipped, never an error)."""
    if not isinstance(jwk, dict):
        return None
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > _MAX_KID_LENGTH:
        return None
    if jwk.get("kty") not in ("RSA", "EC") or _PRIVATE_JWK_MEMBERS & jwk.keys():
        return None  # symmetric keys and private key material are never used for verification
    if jwk.get("use", "sig") != "sig":
        return None
    key_ops = jwk.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        return None
    try:
        key = PyJWK(jwk)
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None
    if key.algorithm_name not in SUPPORTED_ALGORITHMS or not _key_matches_algorithm(key, key.algorithm_name):
        return None
    return key


def parse_jwks(document: object, *, max_keys: int = 100) -> dict[str, PyJWK]:
    """``{kid: key}`` for the usable RS256/ES256 signing keys of a JWKS document.

    Raises ``ValueError`` if the document is not a JWKS at all; unusable keys are skipped.
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError('not a JWKS document (expected an object with a "keys" list)')
    keys: dict[str, PyJWK] = {}
    for jwk in document["keys"][:max_keys]:
        key = _jwk_to_key(jwk)
        if key is not None and key.key_id is not None:
            keys.setdefault(key.key_id, key)
    return keys


# ---------------------------------------------------------------------------------------- key sources


class StaticKeySource:
    """A fixed set of keys, e.g. from a JWKS document loaded at start-up."""

    def __init__(self, keys: Mapping[str, PyJWK]) -> None:
        self._keys = dict(keys)

    @classmethod
    def from_jwks(cls, document: Mapping[str, Any]) -> StaticKeySource:
        return cls(parse_jwks(dict(document)))

    async def get_key(self, kid: str) -> PyJWK | None:
        return self._keys.get(kid)


class BuiltinKeySource:
    """Adapter: verify tokens of the in-process :class:`BuiltinIssuer` without any HTTP.

    Follows the issuer's rotations (including ones made by other processes sharing its key_dir).
    """

    def __init__(self, issuer: BuiltinIssuer) -> None:
        self._issuer = issuer
        self._cache: dict[str, PyJWK] = {}

    async def get_key(self, kid: str) -> PyJWK | None:
        jwk = self._issuer.public_jwk(kid)
        if jwk is None:
            return None
        key = self._cache.get(kid)
        if key is None:  # kid is the key's thumbprint, so a cached key for it cannot be stale
            key = _jwk_to_key(jwk)
            if key is None:
                return None
            self._cache[kid] = key
        return key


class _FetchError(Exception):
    pass


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RemoteJWKS:
    """An external issuer's JWKS, fetched over HTTP(S) and cached.

    * keys are cached for ``cache_seconds``; after that the next request refreshes (a stale key is
      still used if the refresh fails or is rate-limited);
    * an unknown kid triggers a refresh, but there is at most one fetch (of any kind) per
      ``min_refresh_interval`` seconds, and concurrent requests wait for that one fetch;
    * each fetch is bounded by ``timeout_seconds`` (total) and ``max_bytes``; redirects are not
      followed; ``http://`` is only accepted for loopback hosts unless ``allow_insecure_http``.

    ``clock`` is monotonic seconds (injectable for tests). If the client is created here,
    call :meth:`aclose` (or use ``async with``) at shutdown.
    """

    def __init__(
        self,
        url: str,
        *,
        http_client: httpx.AsyncClient | None = None,
        cache_seconds: float = 300.0,
        min_refresh_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = 5.0,
        max_bytes: int = 512 * 1024,
        max_keys: int = 100,
        allow_insecure_http: bool = False,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("JWKS URL must be an absolute http(s) URL")
        if parts.scheme == "http" and not (allow_insecure_http or _is_loopback(parts.hostname)):
            raise ValueError("JWKS URL must use https (http is only allowed for loopback hosts)")
        if cache_seconds <= 0 or min_refresh_interval < 0 or timeout_seconds <= 0 or max_bytes <= 0:
            raise ValueError("cache_seconds, timeout_seconds and max_bytes must be positive")
        self._url = url
        self._owns_client = http_client is None
        self._client = http_client if http_client is not None else httpx.AsyncClient()
        self._cache_seconds = cache_seconds
        self._min_interval = min_refresh_interval
        self._clock = clock
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes
        self._max_keys = max_keys
        self._lock = asyncio.Lock()
        self._keys: dict[str, PyJWK] = {}
        self._loaded = False
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None

    @property
    def url(self) -> str:
        return self._url

    async def __aenter__(self) -> RemoteJWKS:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def get_key(self, kid: str) -> PyJWK | None:
        key = self._keys.get(kid)
        if key is not None and (self._is_fresh(self._clock()) or self._lock.locked()):
            return key  # fresh, or stale while another request is already refreshing
        async with self._lock:
            now = self._clock()
            key = self._keys.get(kid)
            if key is not None and self._is_fresh(now):
                return key  # refreshed by the request we waited for
            if self._may_fetch(now):
                await self._refresh_locked(now)
                key = self._keys.get(kid)
            if key is None and not self._loaded:
                raise SigningKeysUnavailableError("signing keys unavailable")
            return key

    async def refresh(self) -> bool:
        """Fetch now if the rate limit allows (e.g. to warm the cache at start-up); True if the
        key set was updated."""
        async with self._lock:
            now = self._clock()
            if not self._may_fetch(now):
                return False
            return await self._refresh_locked(now)

    def _is_fresh(self, now: float) -> bool:
        return self._fetched_at is not None and now - self._fetched_at < self._cache_seconds

    def _may_fetch(self, now: float) -> bool:
        return self._last_attempt is None or now - self._last_attempt >= self._min_interval

    async def _refresh_locked(self, now: float) -> bool:
        previous_attempt = self._last_attempt
        self._last_attempt = now  # failures count against the rate limit too
        try:
            keys = await self._fetch()
        except asyncio.CancelledError:
            self._last_attempt = previous_attempt  # the fetch did not happen: let the next one try
            raise
        except (_FetchError, httpx.HTTPError, OSError, TimeoutError, ValueError) as exc:
            logger.warning("could not fetch JWKS from %s: %s", self._url, _describe(exc))
            return False
        self._keys = keys
        self._loaded = True
        self._fetched_at = self._clock()
        logger.info("fetched JWKS from %s (%d usable keys)", self._url, len(keys))
        return True

    async def _fetch(self) -> dict[str, PyJWK]:
        async with (
            asyncio.timeout(self._timeout),
            self._client.stream(
                "GET",
                self._url,
                headers={"Accept": "application/jwk-set+json, application/json"},
                timeout=self._timeout,
                follow_redirects=False,
            ) as response,
        ):
            if response.status_code != 200:
                raise _FetchError(f"HTTP status {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self._max_bytes:
                raise _FetchError("response too large")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self._max_bytes:
                    raise _FetchError("response too large")
        try:
            document = json.loads(bytes(body))
        except (ValueError, RecursionError) as exc:
            raise _FetchError("response is not JSON") from exc
        return parse_jwks(document, max_keys=self._max_keys)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------------------- verifier


class TokenVerifier:
    """Verifies bearer JWTs against a :class:`KeySource`.

    ``algorithms`` must be a non-empty subset of RS256/ES256 (symmetric and ``none`` algorithms can
    never be enabled). ``clock`` returns Unix seconds (injectable for tests).
    """

    def __init__(
        self,
        key_source: KeySource,
        *,
        issuer: str,
        audience: str,
        algorithms: Iterable[str] = SUPPORTED_ALGORITHMS,
        leeway_seconds: float = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        algs = tuple(dict.fromkeys(algorithms))
        if not algs or any(a not in SUPPORTED_ALGORITHMS for a in algs):
            raise ValueError(f"algorithms must be a non-empty subset of {SUPPORTED_ALGORITHMS}")
        if not isinstance(issuer, str) or not issuer:
            raise ValueError("issuer must be a non-empty string")
        if not isinstance(audience, str) or not audience:
            raise ValueError("audience must be a non-empty string")
        if leeway_seconds < 0:
            raise ValueError("leeway_seconds must not be negative")
        self._keys = key_source
        self._issuer = issuer
        self._audience = audience
        self._algorithms = algs
        self._leeway = float(leeway_seconds)
        self._clock = clock

    @property
    def issuer(self) -> str:
        return self._issuer

    @property
    def audience(self) -> str:
        return self._audience

    async def verify(self, token: str) -> Claims:
        """The token's claims if it is acceptable, else :class:`InvalidTokenError`."""
        if not isinstance(token, str) or not token:
            raise InvalidTokenError("missing token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidTokenError("token too large")
        if token.count(".") != 2:
            raise InvalidTokenError("malformed token")
        try:
            header = jwt.get_unverified_header(token)
        except (jwt.PyJWTError, ValueError, TypeError):
            raise InvalidTokenError("malformed token") from None

        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise InvalidTokenError("unsupported algorithm")
        if "crit" in header or "b64" in header:
            raise InvalidTokenError("unsupported token header")
        typ = header.get("typ")
        if typ is not None and (not isinstance(typ, str) or typ.lower() not in _ACCEPTED_TYP):
            raise InvalidTokenError("unsupported token type")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid or len(kid) > _MAX_KID_LENGTH:
            raise InvalidTokenError("missing key id")

        try:
            key = await self._keys.get_key(kid)
        except jwt.PyJWTError:
            raise SigningKeysUnavailableError("signing keys unavailable") from None
        if key is None:
            raise InvalidTokenError("unknown signing key")
        if not _key_matches_algorithm(key, alg):
            raise InvalidTokenError("signing key does not match algorithm")

        payload = self._decode(token, key, alg)
        return self._check_claims(payload)

    def _decode(self, token: str, key: PyJWK, alg: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "verify_signature": True,
                    "verify_aud": True,
                    "verify_iss": True,
                    "verify_sub": True,
                    "verify_jti": True,
                    # Time claims are checked below against the injectable clock.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "require": ["exp", "iss", "aud", "sub"],
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.InvalidSignatureError:
            reason = "invalid signature"
        except jwt.MissingRequiredClaimError as exc:
            reason = f"missing claim: {exc.claim}"
        except jwt.InvalidAudienceError:
            reason = "wrong audience"
        except jwt.InvalidIssuerError:
            reason = "wrong issuer"
        except jwt.InvalidAlgorithmError:
            reason = "unsupported algorithm"
        except jwt.InvalidKeyError:
            reason = "unusable signing key"
        except InvalidSubjectError:
            reason = "invalid subject"
        except jwt.DecodeError:
            reason = "malformed token"
        except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
            reason = "invalid token"
        raise InvalidTokenError(reason)

    def _check_claims(self, payload: Mapping[str, Any]) -> Claims:
        now = self._clock()
        exp = payload.get("exp")
        if not is_numeric_date(exp):
            raise InvalidTokenError("invalid exp claim")
        if now >= exp + self._leeway:
            raise InvalidTokenError("token expired")
        for claim in ("nbf", "iat"):
            if claim not in payload:
                continue
            value = payload[claim]
            if not is_numeric_date(value):
                raise InvalidTokenError(f"invalid {claim} claim")
            if value > now + self._leeway:
                raise InvalidTokenError("token not yet valid")
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH:
            raise InvalidTokenError("invalid subject")
        try:
            expires_at = datetime.fromtimestamp(exp, tz=UTC)
        except (OverflowError, ValueError, OSError):
            raise InvalidTokenError("invalid exp claim") from None
        name = payload.get("name")
        email = payload.get("email")
        for claim, value in (("sub", subject), ("name", name), ("email", email)):
            # Not storable (NUL) or displayed as something else (bidi overrides): refuse the token.
            if isinstance(value, str) and has_control_characters(value, multiline=False):
                raise InvalidTokenError(f"control characters in the {claim} claim")
        return Claims(
            subject=subject,
            name=name if isinstance(name, str) else None,
            email=email if isinstance(email, str) else None,
            issuer=str(payload["iss"]),
            expires_at=expires_at,
            raw=MappingProxyType(dict(payload)),
        )
