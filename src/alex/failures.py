"""Which failures are worth another attempt, how long to wait before it, and how to name a failure.

One rule for every retry layer (the job worker, the model calls, the price provider) and for the
API's "try again shortly" answers. Transient: the database went away, something timed out, a
server answered 429 or 5xx, the network failed. Everything else (bad data, a rejected request, a
bug) is permanent: retrying would fail the same way.
"""

from __future__ import annotations

import random
import sys

import httpx
import psycopg
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError


class TransientError(Exception):
    """A failure that may well not happen again (raise it to ask for a retry)."""


class PermanentError(Exception):
    """A failure that will happen again; the message is shown to the user."""


def is_retryable_status(status: int) -> bool:
    """An HTTP answer worth asking again: rate limited, or the server's own failure."""
    return status == 429 or status >= 500


def is_database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (down, restarting, pool exhausted), as opposed to a bad query."""
    if isinstance(exc, OperationalError | PoolTimeoutError | psycopg.OperationalError | ConnectionError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientError | TimeoutError) or is_database_unavailable(exc):
        return True
    if isinstance(exc, httpx.TimeoutException | httpx.NetworkError):
        return True
    if isinstance(exc, httpx.HTTPStatusError):
        return is_retryable_status(exc.response.status_code)
    return _is_transient_model_error(exc)


def _is_transient_model_error(exc: BaseException) -> bool:
    # A model error can only exist once pydantic-ai is loaded; looking it up instead of importing
    # it keeps the API and the price provider from loading the whole agent framework for this.
    models = sys.modules.get("pydantic_ai.exceptions")
    if models is None or not isinstance(exc, models.ModelAPIError):
        return False
    if isinstance(exc, models.ModelRequestRejectedError | models.ModelQuotaExceededError):
        return False
    transient = (
        models.ModelRateLimitError
        | models.ModelUnavailableError
        | models.ModelServerError
        | models.ModelConnectionError
    )
    if isinstance(exc, transient):
        return True
    return isinstance(exc, models.ModelHTTPError) and is_retryable_status(exc.status_code)


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(n-1))].

    Full jitter (AWS Architecture Blog, 2015) spreads the retries of many callers that failed
    together (a database restart, a rate-limited provider) instead of bringing them back in one wave.
    """
    ceiling = min(cap, base * 2.0 ** min(max(0, attempt - 1), 64))
    return (rng or random).uniform(0, ceiling)


def describe(exc: BaseException) -> str:
    """A reason safe to store and show: the exception's class and first line, bounded."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return (f"{name}: {text}" if text else name)[:500]
