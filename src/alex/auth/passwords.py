"""Password hashing for the built-in sign-up / sign-in (argon2id).

* ``hash_password`` produces an argon2id PHC string (parameters embedded, so they can be raised later
  and old hashes upgraded on the next successful sign-in via ``needs_rehash``).
* ``verify_password`` never raises and takes the same path whether the user exists or not: with no
  stored hash (unknown user) or an unusable one, it still runs one argon2 verification against a
  dummy hash made with the same parameters, so response time does not reveal which accounts exist.
* Passwords are NFKC-normalised before hashing and verifying (NIST SP 800-63B §5.1.1.2), so the
  same password typed on different keyboards/OSes (composed vs decomposed accents) still matches.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "hash_password",
    "hash_password_async",
    "needs_rehash",
    "validate_password",
    "verify_password",
    "verify_password_async",
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

# argon2-cffi's defaults are RFC 9106's "second recommended option" (argon2id, t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()


def validate_password(password: str) -> str:
    """Check the password policy; return the password unchanged or raise ``ValueError``.

    The message is safe to show to the user (it never contains the password).
    """
    if not isinstance(password, str):
        raise ValueError("password must be a string")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"password must be at most {MAX_PASSWORD_LENGTH} characters long")
    if not password.strip():
        raise ValueError("password must not be only whitespace")
    return password


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """Validate ``password`` against the policy and return its argon2id hash (PHC string)."""
    validate_password(password)
    return _HASHER.hash(_normalise(password))


@functools.cache
def _dummy_hash() -> str:
    """A hash with the current parameters, of a random secret nobody knows (computed once)."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def _burn_time(password: str) -> None:
    """Do the work of one real verification and throw the result away."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _HASHER.verify(_dummy_hash(), password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True only if ``password`` matches ``stored_hash``. Never raises.

    Pass ``None`` when the user does not exist: the call then costs the same as a real mismatch.
    """
    given: object = password  # callers may pass anything at runtime (e.g. JSON null)
    if not isinstance(given, str):
        password = ""
    if len(password) > MAX_PASSWORD_LENGTH:
        # Never feed unbounded input to argon2; still spend the usual time.
        _burn_time(password[:MAX_PASSWORD_LENGTH])
        return False
    candidate = _normalise(password)
    if not isinstance(stored_hash, str) or not stored_hash:
        _burn_time(candidate)
        return False
    try:
        return _HASHER.verify(stored_hash, candidate)
    except VerificationError:
        # Includes VerifyMismatchError (wrong password): argon2 already did the full work.
        return False
    except (InvalidHashError, ValueError, TypeError, UnicodeError):
        # Malformed / foreign hash in the database: fail closed, same cost as a real check.
        _burn_time(candidate)
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True if ``stored_hash`` was made with other parameters (or is unreadable) and should be
    replaced by ``hash_password(password)`` after the next successful sign-in."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError, TypeError, UnicodeError):
        return True


async def hash_password_async(password: str) -> str:
    """``hash_password`` in a worker thread: argon2 is CPU-bound (tens of ms) and would block the
    event loop if called directly from an async endpoint."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    """``verify_password`` in a worker thread (see ``hash_password_async``)."""
    return await asyncio.to_thread(verify_password, stored_hash, password)
