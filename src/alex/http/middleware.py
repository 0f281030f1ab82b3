"""ASGI middleware: request ids and access logs, body size limit, security headers.

Written as plain ASGI (not BaseHTTPMiddleware) so streaming responses such as Server-Sent
Events pass through untouched.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alex.observability import tracing
from alex.observability.logging import get_logger
from alex.observability.metrics import observe_request

log = get_logger("alex.http")

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Give every request an id (the caller's X-Request-ID when sane), bind it to every log line,
    echo it in the response, and write one access line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Fields the request's handling decided on (e.g. its rate limits), on any answer.
                decided = scope["state"].get("response_headers", {})
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(
                        (name.lower().encode(), value.encode())
                        for name, value in decided.items()
                        if name.lower().encode() not in present
                    ),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        method = scope["method"]
        tracing.annotate_request(request_id)
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                # The route template, not the raw path, so ids do not explode label cardinality.
                route = getattr(scope.get("route"), "path", "unmatched")
                observe_request(method=method, route=route, status=status, seconds=elapsed)
                log.info(
                    "request",
                    method=method,
                    path=scope["path"],
                    status=status,
                    duration_ms=round(elapsed * 1000, 1),
                )


class _BodyTooLargeError(Exception):
    pass


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _send_json(send, 413, "The request body is too large.")
            return
        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The framework may catch our exception while reading the body and answer on its
                # own (FastAPI says 400 "error parsing the body"): answer 413 instead, once.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_json(send, 413, "The request body is too large.")
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLargeError:
            if not started:
                await _send_json(send, 413, "The request body is too large.")


# Scripts only from our own files, never inline. Styles may be inline: Plotly.js writes its own
# <style> rules at run time, and an injected style cannot run code.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The interactive API docs page boots Swagger UI with an inline script; only that page may run one.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
STATIC_PREFIX = "/static/"
NO_STORE = (b"cache-control", b"no-store")


def security_headers(*, hsts: bool) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if hsts:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(key.encode(), value.encode()) for key, value in headers.items()]


class SecurityHeadersMiddleware:
    """Add the security headers to every response that does not set its own."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts)
        self.docs_headers = [
            (name, DOCS_CSP.encode() if name == b"content-security-policy" else value)
            for name, value in self.headers
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path: str = scope["path"]
        headers = self.docs_headers if path in DOCS_PATHS else self.headers
        if not path.startswith(STATIC_PREFIX):
            # Pages and API answers are personal: no browser or proxy may keep a copy.
            headers = [*headers, NO_STORE]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # No Server field: what runs Alex is nobody's business.
                own = [
                    (name, value) for name, value in message.get("headers", []) if name.lower() != b"server"
                ]
                present = {name.lower() for name, _ in own}
                message["headers"] = [*own, *(header for header in headers if header[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_json(
    send: Send, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
