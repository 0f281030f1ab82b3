"""A real HTTP server on 127.0.0.1 that plays Polygon's previous-close endpoint.

Per symbol it serves a closing price, a queue of failing answers to give first (429, 500, …,
each with optional headers), a raw body (garbage), or a stall (hold the request until told).
Unknown symbols get 404. It records every request (raw path with query, Authorization header)
and the peak number of requests it was handling at once.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

BAR_TIME_MS = 1_717_185_600_000
"""The ``t`` of every served bar: 2024-05-31 20:00 UTC."""

_PATH = re.compile(r"^/v2/aggs/ticker/(?P<ticker>[^/]+)/prev$")


@dataclass(frozen=True)
class Seen:
    path: str
    """The request target as sent: path and query, still escaped."""
    authorization: str | None


@dataclass
class FakePolygon:
    api_key: str
    base_url: str = ""
    prices: dict[str, str] = field(default_factory=dict)
    """Ticker → the JSON literal served as ``c`` (``"189.95"``, ``"-5"``, ``'"abc"'``, ``"NaN"``)."""
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    """Ticker → answers (status, headers) to give, in order, before serving the price."""
    bodies: dict[str, bytes] = field(default_factory=dict)
    """Ticker → a raw 200 body served instead of a price."""
    stalled: set[str] = field(default_factory=set)
    """Tickers whose requests are held until ``release`` is set."""
    release: threading.Event = field(default_factory=threading.Event)
    barrier: threading.Barrier | None = None
    """When set, each priced request waits here: requests are answered in waves of its size."""
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, ticker: str, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        with self.lock:
            self.failures.setdefault(ticker, []).extend([(status, headers or {})] * times)

    @property
    def paths(self) -> list[str]:
        with self.lock:
            return [s.path for s in self.seen]

    def requests_for(self, ticker: str) -> int:
        return sum(1 for p in self.paths if urlsplit(p).path == f"/v2/aggs/ticker/{ticker}/prev")

    # -- called from the server's threads ----------------------------------------------------

    def answer(self, target: str, authorization: str | None) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.seen.append(Seen(target, authorization))
        if authorization != f"Bearer {self.api_key}":
            return _json(401, {"status": "ERROR", "error": "Unknown API Key"})
        match = _PATH.match(urlsplit(target).path)
        if match is None:
            return _json(404, {"status": "NOT_FOUND"})
        ticker = unquote(match["ticker"])
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            queued = self.failures.get(ticker)
            failure = queued.pop(0) if queued else None
        try:
            if ticker in self.stalled:
                self.release.wait(timeout=30)
            if self.barrier is not None:
                self.barrier.wait()
        finally:
            # Leave before answering: the client frees its slot only after reading the answer,
            # so a client that respects its bound can never be seen above it.
            with self.lock:
                self.in_flight -= 1
        if failure is not None:
            status, headers = failure
            code, base_headers, body = _json(status, {"status": "ERROR", "error": "try later"})
            return code, {**base_headers, **headers}, body
        if ticker in self.bodies:
            return 200, {"Content-Type": "application/json"}, self.bodies[ticker]
        if ticker not in self.prices:
            return _json(404, {"status": "NOT_FOUND", "message": "unknown ticker"})
        return 200, {"Content-Type": "application/json"}, _bar(ticker, self.prices[ticker])


def _json(status: int, payload: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _bar(ticker: str, close_literal: str) -> bytes:
    payload = {
        "ticker": ticker,
        "queryCount": 1,
        "resultsCount": 1,
        "adjusted": True,
        "results": [
            {"T": ticker, "v": 1000, "o": 1, "h": 2, "l": 1, "c": "__CLOSE__", "t": BAR_TIME_MS, "n": 10}
        ],
        "status": "OK",
        "request_id": "fake",
        "count": 1,
    }
    return json.dumps(payload).replace('"__CLOSE__"', close_literal).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        status, headers, body = self.server.fake.answer(self.path, self.headers.get("Authorization"))
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (a timeout test)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads ``FakePolygon.seen`` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakePolygon) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up is not the test's concern."""


@contextmanager
def running(api_key: str) -> Iterator[FakePolygon]:
    fake = FakePolygon(api_key=api_key)
    server = _Server(fake)
    host, port = server.server_address[:2]
    fake.base_url = f"http://{host!s}:{port}"
    # A short poll so that shutdown() returns promptly (the default waits up to 0.5 s).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-polygon", daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        if fake.barrier is not None:
            fake.barrier.abort()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


API_KEY = "pk_test_S3CRET_9f8e7d6c5b4a"


class SleepRecorder:
    """Stands in for ``asyncio.sleep``: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
