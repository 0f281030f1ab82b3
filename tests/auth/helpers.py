"""Helpers for the identity tests: signing keys, token forging and a real JWKS server.

The JWKS server is a genuine HTTP server on 127.0.0.1 (random free port) running in a thread; the
test changes the key set it serves and reads how many requests it received.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from alex.auth import jwk_thumbprint

ISSUER = "https://idp.example.test/"
AUDIENCE = "alex-api"
NOW = 1_900_000_000.0  # a fixed "current time" (Unix seconds) for the verifier's injected clock


@dataclass(frozen=True)
class SigningKey:
    """A private key, its public JWK (with kid) and helpers to sign tokens with it."""

    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    alg: str
    jwk: dict[str, Any]

    @property
    def kid(self) -> str:
        return str(self.jwk["kid"])

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def sign(self, claims: dict[str, Any], *, headers: dict[str, Any] | None = None) -> str:
        hdr = {"kid": self.kid, **(headers or {})}
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers=hdr)


def make_rsa_key() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = dict(RSAAlgorithm.to_jwk(key.public_key(), as_dict=True))
    jwk.update(kid=jwk_thumbprint(jwk), alg="RS256", use="sig")
    return SigningKey(key, "RS256", jwk)


def make_ec_key() -> SigningKey:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = dict(ECAlgorithm.to_jwk(key.public_key(), as_dict=True))
    jwk.update(kid=jwk_thumbprint(jwk), alg="ES256", use="sig")
    return SigningKey(key, "ES256", jwk)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj: dict[str, Any]) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims at NOW; pass name=None to drop a claim."""
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-123",
        "iat": int(NOW) - 10,
        "nbf": int(NOW) - 10,
        "exp": int(NOW) + 600,
        "name": "Ada Lovelace",
        "email": "ada@example.test",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


# ------------------------------------------------------------------------------- JWKS HTTP server


class JWKSServer:
    """Serves ``/.well-known/jwks.json`` from 127.0.0.1; thread-safe knobs for the test."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: list[dict[str, Any] | str] = []
        self._requests = 0
        self._status = 200
        self._raw_body: bytes | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, status = server._respond(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="jwks-server", daemon=True
        )

    def _respond(self, path: str) -> tuple[bytes, int]:
        with self._lock:
            if path != "/.well-known/jwks.json":
                return b'{"error": "not found"}', 404
            self._requests += 1
            if self._raw_body is not None:
                return self._raw_body, self._status
            return json.dumps({"keys": self._keys}).encode(), self._status

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/.well-known/jwks.json"

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def set_keys(self, *keys: SigningKey | dict[str, Any] | str) -> None:
        with self._lock:
            self._keys = [k.jwk if isinstance(k, SigningKey) else k for k in keys]
            self._raw_body = None
            self._status = 200

    def fail_with(self, status: int, body: bytes = b"{}") -> None:
        with self._lock:
            self._status = status
            self._raw_body = body

    def start(self) -> None:
        self._thread.start()

    def stop_without_start(self) -> None:
        """Close the listening socket so the URL refuses connections."""
        self._httpd.server_close()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
