"""Identity: password hashing, the built-in token issuer, and bearer token verification.

Framework-free on purpose: the FastAPI app wires these objects into its dependencies.
"""

from alex.auth.keys import BuiltinIssuer, KeyStoreError, jwk_thumbprint
from alex.auth.passwords import (
    hash_password,
    hash_password_async,
    needs_rehash,
    validate_password,
    verify_password,
    verify_password_async,
)
from alex.auth.tokens import (
    SUPPORTED_ALGORITHMS,
    BuiltinKeySource,
    Claims,
    InvalidTokenError,
    KeySource,
    RemoteJWKS,
    SigningKeysUnavailableError,
    StaticKeySource,
    TokenVerifier,
    parse_jwks,
)

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "BuiltinIssuer",
    "BuiltinKeySource",
    "Claims",
    "InvalidTokenError",
    "KeySource",
    "KeyStoreError",
    "RemoteJWKS",
    "SigningKeysUnavailableError",
    "StaticKeySource",
    "TokenVerifier",
    "hash_password",
    "hash_password_async",
    "jwk_thumbprint",
    "needs_rehash",
    "parse_jwks",
    "validate_password",
    "verify_password",
    "verify_password_async",
]
