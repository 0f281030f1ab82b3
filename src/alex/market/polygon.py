"""Prices from Polygon.io: the previous trading day's close of each symbol.

``GET {base_url}/v2/aggs/ticker/{SYMBOL}/prev?adjusted=true`` with the key in an
``Authorization: Bearer`` header, never in the URL, so it cannot reach access logs, httpx's
request log line or an exception message. Each symbol is looked up on its own, at most
``concurrency`` requests at a time, and a price is cached per symbol for ``cache_seconds``.

Transient failures (429, 5xx, timeouts, network errors) are retried with exponential backoff and
full jitter, honouring ``Retry-After`` (seconds, capped at ``backoff_cap``); any other answer is
final at once. A symbol whose lookup fails, or whose price is missing, not a number, zero,
negative or not finite, ends in ``problems`` with a short reason: never a made-up price.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx
import structlog

from alex.failures import backoff_seconds, is_retryable_status
from alex.market.prices import PriceQuote, PriceResult
from alex.observability.logging import get_logger

DEFAULT_BASE_URL = "https://api.polygon.io"
SOURCE = "polygon"
_MAX_SYMBOL_LENGTH = 64
_MAX_DETAIL_LENGTH = 40


def _log() -> structlog.stdlib.BoundLogger:
    # A fresh proxy per call: it follows the logging configuration in force at the time
    # (a proxy cached at import would keep whatever configuration it first met).
    return get_logger("alex.market.polygon")


class _Retry:
    """A transient failure of one attempt: its short reason and the server's Retry-After."""

    __slots__ = ("reason", "retry_after")

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        self.reason = reason
        self.retry_after = retry_after


class PolygonPrices:
    """The Polygon.io provider (see the module docstring); ``name`` is ``"polygon"``."""

    name: str = "polygon"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx.AsyncClient | None = None,
        cache_seconds: float = 900,
        max_attempts: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        timeout_seconds: float = 10,
        concurrency: int = 4,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        key = api_key.strip()
        # The messages below never quote the key.
        if not key:
            raise ValueError("the Polygon API key is empty")
        if any(ch.isspace() or not ch.isprintable() for ch in key):
            raise ValueError("the Polygon API key contains whitespace or control characters")
        url = httpx.URL(base_url.strip().rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("the Polygon base URL must be an http(s) URL")
        if url.query or url.userinfo:
            raise ValueError("the Polygon base URL must not carry a query or credentials")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not (timeout_seconds > 0):
            raise ValueError("timeout_seconds must be positive")
        if not (cache_seconds >= 0 and backoff_base >= 0 and backoff_cap >= 0):
            raise ValueError("cache_seconds, backoff_base and backoff_cap must not be negative")

        self.__key = key
        self._headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        self._base_url = str(url)
        self._client = http_client
        self._owns_client = http_client is None
        self._cache_seconds = float(cache_seconds)
        self._max_attempts = max_attempts
        self._backoff_base = float(backoff_base)
        self._backoff_cap = float(backoff_cap)
        self._timeout = httpx.Timeout(timeout_seconds)
        self._concurrency = concurrency
        self._semaphore = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._sleep = sleep
        # Jitter only spreads retries; it need not be unpredictable.
        self._rng = rng or random.Random()  # noqa: S311
        self._cache: dict[str, tuple[PriceQuote, float]] = {}

    def __repr__(self) -> str:
        return (
            f"PolygonPrices(base_url={self._base_url!r}, cache_seconds={self._cache_seconds:g}, "
            f"max_attempts={self._max_attempts}, concurrency={self._concurrency})"
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this provider created it (an injected one is left open)."""
        if self._owns_client and self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def clear_cache(self) -> None:
        self._cache.clear()

    async def quotes(self, symbols: Sequence[str]) -> PriceResult:
        if isinstance(symbols, str):
            raise TypeError("symbols must be a sequence of symbols, not one string")
        wanted = list(dict.fromkeys(symbols))
        self._prune_cache()
        outcomes = await asyncio.gather(*(self._lookup(symbol) for symbol in wanted))
        result = PriceResult()
        for symbol, outcome in zip(wanted, outcomes, strict=True):
            if isinstance(outcome, PriceQuote):
                result.quotes[symbol] = outcome
            else:
                result.problems[symbol] = outcome
        _log().debug(
            "prices looked up", provider=self.name, priced=len(result.quotes), unpriced=len(result.problems)
        )
        return result

    # -- one symbol ---------------------------------------------------------------------------

    async def _lookup(self, symbol: str) -> PriceQuote | str:
        ticker = symbol.strip().upper()
        if (
            not ticker
            or len(ticker) > _MAX_SYMBOL_LENGTH
            or set(ticker) <= {"."}  # "." and ".." would be read as path segments
            or not ticker.isprintable()
        ):
            return "not a valid symbol"
        cached = self._cache.get(ticker)
        if cached is not None and self._clock() - cached[1] < self._cache_seconds:
            quote_ = cached[0]
            return quote_ if quote_.symbol == symbol else replace(quote_, symbol=symbol)
        try:
            outcome = await self._fetch(symbol, ticker)
        except Exception as exc:  # a bug must not cost the other symbols their prices
            outcome = f"no price from Polygon (unexpected {type(exc).__name__})"
            _log().error(
                "price lookup crashed", symbol=symbol, error=self._redact(f"{type(exc).__name__}: {exc}")
            )
            return outcome
        if isinstance(outcome, PriceQuote):
            if self._cache_seconds > 0:
                self._cache[ticker] = (outcome, self._clock())
            return outcome
        outcome = self._redact(outcome)
        _log().warning("no price", provider=self.name, symbol=symbol, reason=outcome)
        return outcome

    async def _fetch(self, symbol: str, ticker: str) -> PriceQuote | str:
        url = f"{self._base_url}/v2/aggs/ticker/{quote(ticker, safe='')}/prev"
        client = self._client_for_use()
        failure = _Retry("no attempt")
        for attempt in range(1, self._max_attempts + 1):
            try:
                async with self._semaphore:
                    response = await client.get(
                        url, params={"adjusted": "true"}, headers=self._headers, timeout=self._timeout
                    )
            except httpx.TimeoutException:
                failure = _Retry("timed out")
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                failure = _Retry(f"network error: {type(exc).__name__}")
            except httpx.HTTPError as exc:
                return f"no price from Polygon (request failed: {type(exc).__name__})"
            else:
                status = response.status_code
                if is_retryable_status(status):
                    failure = _Retry(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
                elif status != 200:
                    return f"no price from Polygon (HTTP {status})"
                else:
                    return self._parse(symbol, ticker, response.content)
            if attempt == self._max_attempts:
                break
            delay = self._delay(attempt, failure.retry_after)
            _log().info(
                "price lookup will be retried",
                provider=self.name,
                symbol=symbol,
                attempt=attempt,
                reason=failure.reason,
                delay=round(delay, 3),
            )
            await self._sleep(delay)
        attempts = "1 attempt" if self._max_attempts == 1 else f"{self._max_attempts} attempts"
        return f"no price from Polygon ({failure.reason}, {attempts})"

    def _parse(self, symbol: str, ticker: str, content: bytes) -> PriceQuote | str:
        try:
            payload: Any = json.loads(content, parse_float=Decimal, parse_constant=_reject_constant)
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            return "no price from Polygon (unreadable response)"
        results = payload.get("results") if isinstance(payload, dict) else None
        if not isinstance(results, list) or not results:
            return "no price from Polygon (no results)"
        first = results[0]
        if not isinstance(first, dict):
            return "no price from Polygon (unreadable response)"
        answered_for = first.get("T")
        if isinstance(answered_for, str) and answered_for.upper() != ticker:
            return "no price from Polygon (answer for another symbol)"
        close = first.get("c")
        if close is None:
            return "no price from Polygon (no closing price)"
        price = _decimal(close)
        if price is None or not price.is_finite() or price <= 0:
            return f"no price from Polygon (invalid price {_shorten(close)})"
        return PriceQuote(symbol=symbol, price=price, source=SOURCE, as_of=_as_of(first.get("t")))

    # -- helpers ------------------------------------------------------------------------------

    def _client_for_use(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        return self._client

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self._backoff_cap, retry_after)
        return backoff_seconds(attempt, base=self._backoff_base, cap=self._backoff_cap, rng=self._rng)

    def _prune_cache(self) -> None:
        now = self._clock()
        stale = [t for t, (_, stored) in self._cache.items() if now - stored >= self._cache_seconds]
        for ticker in stale:
            del self._cache[ticker]

    def _redact(self, text: str) -> str:
        return text.replace(self.__key, "[redacted]")


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds; ``None`` when absent or not a number (an HTTP date is ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a price")


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _as_of(timestamp: object) -> datetime:
    """The bar's time (milliseconds since the epoch) or, failing that, now."""
    if isinstance(timestamp, (int, Decimal)) and not isinstance(timestamp, bool):
        try:
            return datetime.fromtimestamp(float(timestamp) / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.now(UTC)


def _shorten(value: object) -> str:
    text = repr(value) if not isinstance(value, (int, Decimal)) else str(value)
    return text if len(text) <= _MAX_DETAIL_LENGTH else text[: _MAX_DETAIL_LENGTH - 1] + "…"
