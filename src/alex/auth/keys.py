"""The built-in token issuer: signing keys on disk (or from configuration), JWKS, rotation.

Layout of ``key_dir`` (created with mode 0700)::

    manifest.json              which key is active and which public keys are still published
    signing-key-<kid>.pem      the active private key (PKCS#8, mode 0600); none in configured mode
    .keys.lock                 advisory lock serialising creation and rotation between processes

The manifest is the single source of truth shared by every process using the same ``key_dir``: it
is only rewritten under the lock, atomically (temp file + ``os.replace``), and each process re-reads
it when its inode/mtime/size changes (one ``stat`` per ``mint``/``jwks`` call, plus a full re-read at
least every 60 s), so a rotation done by one process is picked up by all of them. A private key file
is always written before the manifest that names it.

Two modes:

* development (no ``private_key_pem``): an EC P-256 key is generated on first use and reused across
  restarts; ``auto_generated`` is True so production can refuse to run with it;
* configured (``private_key_pem`` given, EC P-256 or RSA >= 2048 bits): that key signs. It is recorded
  in the manifest (public part only) when the directory is writable, so after the operator swaps the
  secret the previous public key stays published until the tokens it signed have expired.

A retired public key stays in the JWKS until ``rotation time + max_token_ttl_seconds +
retirement_grace_seconds``; its private key file is deleted at rotation (it never signs again).
The key id is the RFC 7638 thumbprint of the public key, so every process derives the same kid.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from alex.auth._fs import atomic_write, exclusive_lock
from alex.auth._jose import MIN_RSA_BITS, SUPPORTED_ALGORITHMS, algorithm_for, is_numeric_date

__all__ = [
    "MAX_SUBJECT_LENGTH",
    "BuiltinIssuer",
    "KeyStoreError",
    "jwk_thumbprint",
]

logger = logging.getLogger(__name__)

MAX_SUBJECT_LENGTH: Final = 255
MANIFEST_NAME: Final = "manifest.json"
LOCK_NAME: Final = ".keys.lock"
_KEY_FILE_PREFIX: Final = "signing-key-"
_KEY_FILE_SUFFIX: Final = ".pem"
_MANIFEST_VERSION: Final = 1
_FORCED_RELOAD_SECONDS: Final = 60.0
_KID_RE: Final = re.compile(r"\A[A-Za-z0-9_-]{1,128}\Z")
# Members that define a public key, per RFC 7638 §3.2.
_THUMBPRINT_MEMBERS: Final[Mapping[str, tuple[str, ...]]] = {
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
Clock = Callable[[], float]
_Stamp = tuple[int, int, int]


class KeyStoreError(RuntimeError):
    """The key directory or the configured key cannot be used (message names no secret)."""


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of an EC or RSA public JWK."""
    kty = jwk.get("kty")
    members = _THUMBPRINT_MEMBERS.get(kty) if isinstance(kty, str) else None
    if members is None:
        raise ValueError(f"unsupported key type for thumbprint: {kty!r}")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _check_private_key(key: object) -> PrivateKey:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if algorithm_for(key.public_key()) is None:
            raise KeyStoreError(f"EC signing keys must use curve P-256, not {key.curve.name}")
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        if algorithm_for(key.public_key()) is None:
            raise KeyStoreError(f"RSA signing keys must have at least {MIN_RSA_BITS} bits")
        return key
    raise KeyStoreError("the signing key must be an EC P-256 or an RSA private key")


def _load_private_pem(pem: bytes, *, what: str) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        # Never echo the PEM (or cryptography's message, which may quote it).
        raise KeyStoreError(f"{what} is not a valid unencrypted PEM private key") from exc
    except UnsupportedAlgorithm as exc:
        raise KeyStoreError(f"{what} is not a supported private key") from exc
    return _check_private_key(key)


def _public_jwk(key: PrivateKey) -> dict[str, str]:
    """Public JWK of ``key`` with kid (thumbprint), alg and use=sig."""
    public = key.public_key()
    alg = algorithm_for(public)
    if alg is None:  # only keys that passed _check_private_key, or fresh P-256 keys, get here
        raise KeyStoreError("the signing key must be an EC P-256 or an RSA private key")
    if isinstance(public, ec.EllipticCurvePublicKey):
        raw = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        raw = RSAAlgorithm.to_jwk(public, as_dict=True)
    members = _THUMBPRINT_MEMBERS[str(raw["kty"])]
    jwk = {m: str(raw[m]) for m in members}
    jwk["kid"] = jwk_thumbprint(jwk)
    jwk["alg"] = alg
    jwk["use"] = "sig"
    return jwk


def _private_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class _KeyRecord:
    kid: str
    alg: str
    jwk: Mapping[str, str]
    created_at: float
    retired_at: float | None = None
    expires_at: float | None = None

    def published_at(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at

    def to_json(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "alg": self.alg,
            "created_at": self.created_at,
            "retired_at": self.retired_at,
            "expires_at": self.expires_at,
            "jwk": dict(self.jwk),
        }

    @classmethod
    def from_json(cls, obj: object) -> _KeyRecord:
        if not isinstance(obj, dict):
            raise ValueError("key entry is not an object")
        kid, alg, jwk = obj.get("kid"), obj.get("alg"), obj.get("jwk")
        if not isinstance(kid, str) or not _KID_RE.match(kid):
            raise ValueError("key entry has an invalid kid")
        if alg not in SUPPORTED_ALGORITHMS:
            raise ValueError("key entry has an unsupported alg")
        if not isinstance(jwk, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in jwk.items()
        ):
            raise ValueError("key entry has an invalid jwk")
        if jwk.get("kid") != kid or jwk_thumbprint(jwk) != kid:
            raise ValueError("key entry's jwk does not match its kid")
        created = obj.get("created_at")
        if not is_numeric_date(created):
            raise ValueError("key entry has an invalid created_at")
        times: list[float | None] = []
        for name in ("retired_at", "expires_at"):
            value = obj.get(name)
            if value is not None and not is_numeric_date(value):
                raise ValueError(f"key entry has an invalid {name}")
            times.append(None if value is None else float(value))
        return cls(kid, str(alg), dict(jwk), float(created), times[0], times[1])


@dataclass(frozen=True)
class _Manifest:
    active_kid: str | None
    records: tuple[_KeyRecord, ...]

    def to_bytes(self) -> bytes:
        doc = {
            "version": _MANIFEST_VERSION,
            "active_kid": self.active_kid,
            "keys": [r.to_json() for r in self.records],
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> _Manifest:
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise ValueError("manifest is not valid JSON") from exc
        if not isinstance(doc, dict) or doc.get("version") != _MANIFEST_VERSION:
            raise ValueError("manifest has an unknown format or version")
        keys = doc.get("keys")
        if not isinstance(keys, list):
            raise ValueError("manifest has no key list")
        records = tuple(_KeyRecord.from_json(k) for k in keys)
        active = doc.get("active_kid")
        if active is not None and active not in {r.kid for r in records}:
            raise ValueError("manifest's active key is not in its key list")
        return cls(active, records)


@dataclass(frozen=True)
class _State:
    """An immutable snapshot; replaced wholesale so readers never see a half-updated issuer."""

    kid: str
    alg: str
    private_key: PrivateKey
    own: _KeyRecord
    records: tuple[_KeyRecord, ...]
    stamp: _Stamp | None


class BuiltinIssuer:
    """Mints ES256/RS256 access tokens and publishes the matching JWKS. Thread-safe.

    Create it with :meth:`load_or_create`.
    """

    def __init__(
        self,
        *,
        key_dir: Path,
        issuer: str,
        audience: str,
        max_token_ttl_seconds: int,
        configured_key: PrivateKey | None,
        clock: Clock,
        retirement_grace_seconds: int,
    ) -> None:
        self._key_dir = key_dir
        self._issuer = issuer
        self._audience = audience
        self._max_ttl = max_token_ttl_seconds
        self._configured_key = configured_key
        self._clock = clock
        self._grace = retirement_grace_seconds
        self._reload_lock = threading.Lock()
        self._created_keys = False
        self._state: _State | None = None
        self._checked_at = time.monotonic()

    # ------------------------------------------------------------------ construction

    @classmethod
    def load_or_create(
        cls,
        key_dir: Path,
        *,
        issuer: str,
        audience: str,
        max_token_ttl_seconds: int,
        private_key_pem: str | None = None,
        clock: Clock = time.time,
        retirement_grace_seconds: int = 60,
    ) -> BuiltinIssuer:
        """Load the signing keys (creating a development key on first use) and return the issuer.

        ``private_key_pem`` (production, from a secret) takes precedence over keys in ``key_dir``.
        Safe to call from several processes/threads at once on the same ``key_dir``: they all end
        up with the same key. ``clock`` (Unix seconds) is injectable for tests.
        Raises ``ValueError`` for bad arguments and ``KeyStoreError`` for unusable keys/files.
        """
        if not isinstance(issuer, str) or not issuer:
            raise ValueError("issuer must be a non-empty string")
        if not isinstance(audience, str) or not audience:
            raise ValueError("audience must be a non-empty string")
        if isinstance(max_token_ttl_seconds, bool) or max_token_ttl_seconds < 1:
            raise ValueError("max_token_ttl_seconds must be a positive integer")
        if retirement_grace_seconds < 0:
            raise ValueError("retirement_grace_seconds must not be negative")
        configured: PrivateKey | None = None
        if private_key_pem is not None and private_key_pem.strip():
            configured = _load_private_pem(private_key_pem.encode("utf-8"), what="the configured signing key")
        self = cls(
            key_dir=Path(key_dir),
            issuer=issuer,
            audience=audience,
            max_token_ttl_seconds=int(max_token_ttl_seconds),
            configured_key=configured,
            clock=clock,
            retirement_grace_seconds=int(retirement_grace_seconds),
        )
        if configured is None:
            self._state = self._load_or_create_dev_key()
        else:
            self._state = self._register_configured_key(configured)
        return self

    # ------------------------------------------------------------------ public properties

    @property
    def issuer(self) -> str:
        return self._issuer

    @property
    def audience(self) -> str:
        return self._audience

    @property
    def max_token_ttl_seconds(self) -> int:
        return self._max_ttl

    @property
    def key_dir(self) -> Path:
        return self._key_dir

    @property
    def auto_generated(self) -> bool:
        """True when signing with a key Alex generated itself (development keys in ``key_dir``),
        False when the key came from ``private_key_pem``. Production must refuse True."""
        return self._configured_key is None

    @property
    def created_keys(self) -> bool:
        """True if this ``load_or_create`` call generated a new key (first start on an empty dir)."""
        return self._created_keys

    @property
    def algorithm(self) -> str:
        return self._current().alg

    @property
    def active_kid(self) -> str:
        return self._current().kid

    # ------------------------------------------------------------------ tokens and JWKS

    def mint(
        self,
        *,
        subject: str,
        name: str | None = None,
        email: str | None = None,
        ttl_seconds: int | None = None,
    ) -> str:
        """Sign an access token for ``subject`` with the active key.

        ``ttl_seconds`` defaults to, and may not exceed, ``max_token_ttl_seconds`` (key retirement
        relies on that bound). Claims: iss, aud, sub, iat, nbf, exp, jti, plus name/email if given.
        """
        if not isinstance(subject, str) or not subject.strip():
            raise ValueError("subject must be a non-empty string")
        if len(subject) > MAX_SUBJECT_LENGTH:
            raise ValueError(f"subject must be at most {MAX_SUBJECT_LENGTH} characters")
        ttl = self._max_ttl if ttl_seconds is None else ttl_seconds
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= self._max_ttl:
            raise ValueError(f"ttl_seconds must be an integer between 1 and {self._max_ttl}")
        state = self._current()
        now = int(self._clock())
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": secrets.token_urlsafe(16),
        }
        if name is not None:
            claims["name"] = name
        if email is not None:
            claims["email"] = email
        return jwt.encode(
            claims, state.private_key, algorithm=state.alg, headers={"kid": state.kid, "typ": "JWT"}
        )

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public JSON Web Key Set to serve at ``/.well-known/jwks.json`` (active key first)."""
        return {"keys": [dict(r.jwk) for r in self._published()]}

    def public_jwk(self, kid: str) -> dict[str, str] | None:
        """The published public JWK with this kid, or None (unknown or retired and expired)."""
        for record in self._published():
            if record.kid == kid:
                return dict(record.jwk)
        return None

    def rotate(self) -> str:
        """Generate a new active EC P-256 key and return its kid (development / key_dir mode).

        The previous public key stays published until its tokens have expired. In configured
        mode this raises ``KeyStoreError``: rotate by changing the configured key instead.
        """
        if self._configured_key is not None:
            raise KeyStoreError("the signing key comes from configuration; rotate it by changing the secret")
        self._ensure_dir()
        with self._reload_lock, exclusive_lock(self._key_dir / LOCK_NAME):
            self._state = self._rotate_locked()
        return self._state.kid

    def reload(self) -> None:
        """Re-read the manifest now (normally done automatically when it changes)."""
        self._refresh(force=True)

    # ------------------------------------------------------------------ internals: paths/io

    @property
    def _manifest_path(self) -> Path:
        return self._key_dir / MANIFEST_NAME

    def _key_path(self, kid: str) -> Path:
        if not _KID_RE.match(kid):  # kids become file names: never let one escape key_dir
            raise KeyStoreError("invalid key id in manifest")
        return self._key_dir / f"{_KEY_FILE_PREFIX}{kid}{_KEY_FILE_SUFFIX}"

    def _ensure_dir(self) -> None:
        try:
            self._key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise KeyStoreError(f"cannot create key directory {self._key_dir}: {exc.strerror}") from exc

    def _read_manifest(self) -> tuple[_Manifest, _Stamp] | None:
        """The manifest and the stat stamp of exactly the file read, or None if there is none."""
        try:
            fd = os.open(self._manifest_path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return None
        try:
            st = os.fstat(fd)
            with os.fdopen(os.dup(fd), "rb") as fh:
                data = fh.read(4 * 1024 * 1024)
        finally:
            os.close(fd)
        try:
            manifest = _Manifest.from_bytes(data)
        except ValueError as exc:
            raise KeyStoreError(f"key manifest {self._manifest_path} is unusable: {exc}") from exc
        return manifest, (st.st_ino, st.st_mtime_ns, st.st_size)

    def _stat_stamp(self) -> _Stamp | None:
        try:
            st = os.stat(self._manifest_path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _write_manifest(self, manifest: _Manifest) -> None:
        atomic_write(self._manifest_path, manifest.to_bytes(), mode=0o600)

    def _delete_private_keys_except(self, keep: str | None) -> None:
        """Destroy private key files of keys that no longer sign."""
        for path in self._key_dir.glob(f"{_KEY_FILE_PREFIX}*{_KEY_FILE_SUFFIX}"):
            if keep is not None and path.name == f"{_KEY_FILE_PREFIX}{keep}{_KEY_FILE_SUFFIX}":
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _retire_and_add(self, manifest: _Manifest, new: _KeyRecord, now: float) -> _Manifest:
        """New manifest with ``new`` active, the previous active retired, expired entries dropped."""
        expires = now + self._max_ttl + self._grace
        records: list[_KeyRecord] = []
        for old in manifest.records:
            if old.kid == new.kid:
                continue
            kept = replace(old, retired_at=now, expires_at=expires) if old.retired_at is None else old
            if kept.published_at(now):
                records.append(kept)
        return _Manifest(new.kid, (new, *records))

    # ------------------------------------------------------------------ internals: dev keys

    def _load_or_create_dev_key(self) -> _State:
        state = self._try_load_dev_state() if self._manifest_path.exists() else None
        if state is not None:
            return state
        self._ensure_dir()
        with exclusive_lock(self._key_dir / LOCK_NAME):
            # Someone else may have created the key while we waited for the lock.
            state = self._try_load_dev_state()
            if state is not None:
                return state
            self._created_keys = True
            return self._rotate_locked()

    def _try_load_dev_state(self) -> _State | None:
        """State from the manifest and the active private key file; None if either is missing."""
        for _attempt in range(10):
            found = self._read_manifest()
            if found is None:
                return None
            manifest, stamp = found
            if manifest.active_kid is None:
                return None
            path = self._key_path(manifest.active_kid)
            try:
                pem = self._read_private_file(path)
            except FileNotFoundError:
                if self._stat_stamp() != stamp:
                    continue  # a concurrent rotation replaced the key: read the new manifest
                logger.warning("active signing key file %s is missing; generating a new key", path)
                return None
            key = _load_private_pem(pem, what=f"signing key file {path}")
            jwk = _public_jwk(key)
            if jwk["kid"] != manifest.active_kid:
                raise KeyStoreError(f"signing key file {path} does not match its key id")
            own = next(r for r in manifest.records if r.kid == manifest.active_kid)
            return _State(jwk["kid"], jwk["alg"], key, own, manifest.records, stamp)
        raise KeyStoreError("the key manifest keeps changing; cannot load a consistent key")

    @staticmethod
    def _read_private_file(path: Path) -> bytes:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        try:
            mode = os.fstat(fd).st_mode
            if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
                logger.warning("signing key file %s is accessible to other users; run: chmod 600", path)
            with os.fdopen(os.dup(fd), "rb") as fh:
                return fh.read(1024 * 1024)
        finally:
            os.close(fd)

    def _rotate_locked(self) -> _State:
        """Create and activate a new EC P-256 key. Caller holds the key_dir lock."""
        found = self._read_manifest()
        manifest = found[0] if found else _Manifest(None, ())
        now = self._clock()
        key = ec.generate_private_key(ec.SECP256R1())
        jwk = _public_jwk(key)
        kid = jwk["kid"]
        atomic_write(self._key_path(kid), _private_pem(key), mode=0o600)  # before the manifest
        record = _KeyRecord(kid, jwk["alg"], jwk, created_at=now)
        new_manifest = self._retire_and_add(manifest, record, now)
        self._write_manifest(new_manifest)
        self._delete_private_keys_except(kid)
        logger.info("activated new signing key %s", kid)
        return _State(kid, jwk["alg"], key, record, new_manifest.records, self._stat_stamp())

    # ------------------------------------------------------------------ internals: configured key

    def _register_configured_key(self, key: PrivateKey) -> _State:
        jwk = _public_jwk(key)
        kid = jwk["kid"]
        own = _KeyRecord(kid, jwk["alg"], jwk, created_at=self._clock())
        try:
            self._ensure_dir()
            with exclusive_lock(self._key_dir / LOCK_NAME):
                found = self._read_manifest()
                manifest = found[0] if found else _Manifest(None, ())
                existing = next((r for r in manifest.records if r.kid == kid), None)
                if manifest.active_kid != kid or existing is None:
                    if existing is not None:
                        own = replace(existing, retired_at=None, expires_at=None)
                    manifest = self._retire_and_add(manifest, own, self._clock())
                    self._write_manifest(manifest)
                    self._delete_private_keys_except(None)
                    logger.info("recorded configured signing key %s in %s", kid, self._key_dir)
                else:
                    own = existing
                return _State(kid, jwk["alg"], key, own, manifest.records, self._stat_stamp())
        except (OSError, KeyStoreError) as exc:
            # Read-only or broken key_dir: still serve, but without the previous keys' history.
            logger.warning(
                "cannot record the configured signing key in %s (%s); previous keys will not be published",
                self._key_dir,
                exc,
            )
            return _State(kid, jwk["alg"], key, own, (own,), None)

    # ------------------------------------------------------------------ internals: refresh

    def _current(self) -> _State:
        self._refresh(force=False)
        state = self._state
        assert state is not None
        return state

    def _published(self) -> list[_KeyRecord]:
        state = self._current()
        now = self._clock()
        out = [state.own]
        out.extend(r for r in state.records if r.kid != state.kid and r.published_at(now))
        return out

    def _refresh(self, *, force: bool) -> None:
        """Pick up a rotation done by another process (cheap ``stat`` when nothing changed)."""
        state = self._state
        assert state is not None
        try:
            stamp = self._stat_stamp()
        except OSError:
            return
        # Besides the stat stamp, re-read periodically: a coarse-mtime filesystem plus inode reuse
        # could in theory hide a rewrite from the stamp.
        force = force or time.monotonic() - self._checked_at >= _FORCED_RELOAD_SECONDS
        if stamp is None or (stamp == state.stamp and not force):
            return
        with self._reload_lock:
            state = self._state
            assert state is not None
            if stamp == state.stamp and not force:
                return
            try:
                new_state = self._reload_state(state)
            except (OSError, KeyStoreError) as exc:
                logger.warning("keeping the current signing keys: %s", exc)
                new_state = replace(state, stamp=stamp)  # do not retry until the file changes
            self._state = new_state
            self._checked_at = time.monotonic()

    def _reload_state(self, state: _State) -> _State:
        if self._configured_key is None:
            fresh = self._try_load_dev_state()
            if fresh is not None:
                return fresh
            raise KeyStoreError("the key manifest names no usable active key")
        found = self._read_manifest()
        if found is None:
            return state
        manifest, stamp = found
        return replace(state, records=manifest.records, stamp=stamp)
