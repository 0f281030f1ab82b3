"""The JOSE rules shared by the built-in issuer (``keys``) and token verification (``tokens``).

Kept in one place so the issuer never signs with a key, or records an algorithm, that the verifier
would reject: RS256 with RSA keys of at least :data:`MIN_RSA_BITS` bits, ES256 with EC P-256 keys.
"""

from __future__ import annotations

import math
from typing import Final, TypeGuard

from cryptography.hazmat.primitives.asymmetric import ec, rsa

SUPPORTED_ALGORITHMS: Final = ("RS256", "ES256")
MIN_RSA_BITS: Final = 2048


def algorithm_for(public_key: object) -> str | None:
    """The supported algorithm ``public_key`` fits, or None if it fits none (wrong type, too small
    an RSA modulus, another curve)."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return "RS256" if public_key.key_size >= MIN_RSA_BITS else None
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "ES256" if isinstance(public_key.curve, ec.SECP256R1) else None
    return None


def is_numeric_date(value: object) -> TypeGuard[int | float]:
    """A JSON number usable as Unix seconds (RFC 7519 NumericDate). ``bool`` is an ``int`` in Python
    but not a number in JSON, and NaN/infinity would compare oddly with any clock."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
