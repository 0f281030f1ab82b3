"""One rule for what is worth another attempt (the worker, the model calls, the price provider)."""

from __future__ import annotations

import random

import httpx
import psycopg
import pytest
from pydantic_ai.exceptions import (
    ModelHTTPError,
    ModelRateLimitError,
    ModelRequestRejectedError,
    ModelTimeoutError,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from alex.failures import (
    PermanentError,
    TransientError,
    backoff_seconds,
    describe,
    is_database_unavailable,
    is_transient,
)


def _status_error(status: int) -> httpx.HTTPStatusError:
    request = httpx.Request("GET", "http://127.0.0.1/")
    return httpx.HTTPStatusError("failed", request=request, response=httpx.Response(status, request=request))


@pytest.mark.parametrize(
    "error",
    [
        TransientError("try again"),
        TimeoutError(),
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        psycopg.OperationalError("connection refused"),
        httpx.ConnectTimeout("slow"),
        _status_error(429),
        _status_error(503),
        ModelRateLimitError("m", "slow down"),
        ModelTimeoutError("m", "no answer"),
        ModelHTTPError(502, "m"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_worth_another_attempt(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        PermanentError("bad data"),
        ValueError("a bug"),
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        _status_error(400),
        _status_error(404),
        ModelRequestRejectedError("m", "refused"),
        ModelHTTPError(422, "m"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_not_worth_another_attempt(error: BaseException) -> None:
    assert not is_transient(error)


def test_only_an_unreachable_database_is_unavailable() -> None:
    assert is_database_unavailable(psycopg.OperationalError("down"))
    assert is_database_unavailable(ConnectionRefusedError())
    assert not is_database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))


def test_backoff_has_full_jitter_under_a_growing_capped_ceiling() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        ceiling = min(10.0, 0.5 * 2 ** (attempt - 1))
        waits = [backoff_seconds(attempt, base=0.5, cap=10.0, rng=rng) for _ in range(200)]
        assert all(0 <= wait <= ceiling for wait in waits)
        assert max(waits) > ceiling / 2  # spread over the whole range, not bunched at the start
    assert backoff_seconds(10_000, base=1.0, cap=3.0, rng=rng) <= 3.0


def test_a_reason_names_the_failure_on_one_bounded_line() -> None:
    assert describe(ValueError("first line\nsecond line")) == "ValueError: first line"
    assert describe(TimeoutError()) == "TimeoutError"
    assert len(describe(RuntimeError("x" * 2000))) == 500
