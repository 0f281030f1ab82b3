"""Which failures are worth another attempt.

Transient: the database went away, a step or model call timed out, a provider answered 429 or
5xx. Everything else (bad data, a bug) is permanent: retrying would fail the same way, so the
job fails at once with its reason.
"""

from __future__ import annotations

import random

import httpx
import psycopg
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError


class TransientError(Exception):
    """A failure that may well not happen again (raise it to ask for a retry)."""


class PermanentError(Exception):
    """A failure that will happen again; the message is shown to the user."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(
        exc, (TransientError, TimeoutError, OperationalError, PoolTimeoutError, psycopg.OperationalError)
    ):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (httpx.TimeoutException, httpx.NetworkError)):
        return True
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return False


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(n-1))].

    Full jitter (AWS Architecture Blog, 2015) spreads the retries of many jobs that failed
    together (a database restart) instead of bringing them back in one wave.
    """
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(0, ceiling)


def describe(exc: BaseException) -> str:
    """A reason safe to store and show: the exception's class and message, bounded."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return (f"{name}: {text}" if text else name)[:500]
