"""A real OpenAI-compatible chat-completions server on 127.0.0.1, scripted by the test that starts it.

Tests point the real ``openai`` client, or pydantic-ai's ``OpenAIChatModel``, at ``server.base_url`` and
exercise the whole HTTP path (headers, JSON, SSE streaming, status codes, timeouts) without mocking the
client. Each request to ``POST /v1/chat/completions`` is recorded and answered by the next reply of a FIFO
script, or by the ``default`` responder once the script is empty::

    with OpenAIServer(api_key="sk-test") as server:
        server.enqueue(Chat(tool_calls=[ToolCall("lookup", {"ticker": "VWRL"})]), Chat("done"))
        ...  # drive a client at server.base_url
        assert server.requests[0].body["model"] == "test-model"

Replies: :class:`Chat` (a completion, streamed as SSE when the request asks for ``"stream": true``),
:class:`Status` (an error status with an OpenAI-style error body), :class:`Hang` (no answer until
:meth:`OpenAIServer.release_hangs` or :meth:`OpenAIServer.close`), and :class:`Raw` (any bytes).

Only chat-completion requests with a valid JSON body and the right key take a reply from the script; the
others (``GET /v1/models``, 401, 404, 405, malformed JSON) are answered by the server itself, but every
request is recorded.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, TypeAlias
from urllib.parse import urlsplit

__all__ = [
    "CHAT_COMPLETIONS_PATH",
    "MODELS_PATH",
    "Chat",
    "Hang",
    "OpenAIServer",
    "Raw",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Status",
    "ToolCall",
    "error_body",
]

CHAT_COMPLETIONS_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
_STREAM_PIECES = 3
"""Content and tool-call arguments are streamed in (up to) this many pieces."""


# --- replies ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolCall:
    """A function call in a :class:`Chat` reply; a mapping of ``arguments`` is JSON-encoded."""

    name: str
    arguments: str | Mapping[str, object] = "{}"
    id: str | None = None
    """Defaults to ``call_<response>_<index>``."""

    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, separators=(",", ":"))


@dataclass(frozen=True)
class Chat:
    """A successful completion; streamed in chunks when the request has ``"stream": true``."""

    content: str | None = None
    tool_calls: Sequence[ToolCall] = ()
    finish_reason: str | None = None
    """Defaults to ``"tool_calls"`` when there are tool calls, else ``"stop"``."""
    prompt_tokens: int = 10
    completion_tokens: int = 5
    model: str | None = None
    """Defaults to the model the request named, else the server's model."""

    @property
    def resolved_finish_reason(self) -> str:
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"

    def usage(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


@dataclass(frozen=True)
class Status:
    """An error status; ``body`` defaults to an OpenAI-style ``{"error": {"message", "type", "code"}}``."""

    code: int
    body: Mapping[str, object] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def json_body(self) -> Mapping[str, object]:
        return self.body if self.body is not None else error_body(self.code)


@dataclass(frozen=True)
class Hang:
    """Accept the request and never answer it; the connection is dropped, unanswered, on release or close."""


@dataclass(frozen=True)
class Raw:
    """Any other response, e.g. a malformed JSON body or a plain-text page."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


Reply: TypeAlias = Chat | Status | Hang | Raw
Responder: TypeAlias = Callable[["RecordedRequest"], Reply]

_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "not_found"),
    405: ("invalid_request_error", "method_not_allowed"),
    408: ("timeout", None),
    409: ("conflict", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
}


def error_body(status: int, message: str | None = None, *, code: str | None = None) -> dict[str, object]:
    """OpenAI's error JSON for ``status``: the type and code OpenAI uses for it, unless ``code`` is given."""
    error_type, default_code = _ERROR_KINDS.get(
        status, ("server_error" if status >= 500 else "api_error", None)
    )
    if message is None:
        try:
            message = f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            message = f"HTTP {status}"
    return {"error": {"message": message, "type": error_type, "param": None, "code": code or default_code}}


# --- recorded requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    order: int
    """0, 1, 2, … in order of arrival (across all paths)."""
    received_at: float
    """``time.monotonic()`` at arrival."""
    method: str
    path: str
    """Without the query string."""
    query: str
    headers: Mapping[str, str]
    """Lower-case keys."""
    raw_body: bytes
    body: Any
    """The parsed JSON body; ``None`` when the body was empty or not JSON."""

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def include_usage(self) -> bool:
        options = self.body.get("stream_options") if isinstance(self.body, dict) else None
        return isinstance(options, dict) and options.get("include_usage") is True

    @property
    def model(self) -> str | None:
        model = self.body.get("model") if isinstance(self.body, dict) else None
        return model if isinstance(model, str) else None


# --- the server ------------------------------------------------------------------------------------------


class OpenAIServer:
    """A scripted OpenAI-compatible server on ``127.0.0.1`` (ephemeral port), served from a background thread.

    Use it as a context manager, or call :meth:`start` and :meth:`close` (e.g. from a fixture). It serves
    each connection in its own thread, so concurrent and streamed requests are fine, and a hanging request
    doesn't hold up the others.
    """

    def __init__(
        self,
        *,
        model: str = "test-model",
        api_key: str | None = None,
        default: Responder | None = None,
        script: Sequence[Reply] = (),
    ) -> None:
        self.model = model
        self.api_key = api_key
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._script: deque[Reply] = deque(script)
        self._default = default
        self._requests: list[RecordedRequest] = []
        self._errors: list[BaseException] = []
        self._order = itertools.count()
        self._response_ids = itertools.count(1)
        self._hang_release = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    # lifecycle

    def start(self) -> Self:
        with self._lock:
            if self._closed:
                raise RuntimeError("OpenAIServer is closed")
            if self._httpd is not None:
                raise RuntimeError("OpenAIServer is already started")
            self._httpd = _HTTPServer(self)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"openai-server-{self.port}",
                daemon=True,
            )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, release hanging handlers, drop open connections, join every thread. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._hang_release.set()
            httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.shutdown()  # no more accepts once this returns; every accepted connection is registered
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            # Wakes handlers waiting on an idle keep-alive connection (and ends streams being written).
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()  # joins the handler threads
        thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("OpenAIServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``, as the OpenAI client's ``base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # scripting

    def enqueue(self, *replies: Reply) -> None:
        """Append replies to the script; each chat-completion request takes the next one."""
        with self._lock:
            self._script.extend(replies)

    def remaining(self) -> int:
        """How many scripted replies have not been taken yet."""
        with self._lock:
            return len(self._script)

    @property
    def default(self) -> Responder | None:
        """Answers chat-completion requests once the script is empty; without one they get a 500."""
        with self._lock:
            return self._default

    @default.setter
    def default(self, responder: Responder | None) -> None:
        with self._lock:
            self._default = responder

    def release_hangs(self) -> None:
        """Let every request now hanging on a :class:`Hang` go (dropped unanswered); later ones hang anew."""
        with self._lock:
            released, self._hang_release = self._hang_release, threading.Event()
            if self._closed:
                self._hang_release.set()
        released.set()

    # inspection

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The received ``POST /v1/chat/completions`` requests."""
        return [r for r in self.requests if r.method == "POST" and r.path == CHAT_COMPLETIONS_PATH]

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised by the ``default`` responder (each answered with a 500)."""
        with self._lock:
            return list(self._errors)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``n`` requests have arrived; returns them all. Raises ``TimeoutError``."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._requests) >= n, timeout):
                raise TimeoutError(f"{len(self._requests)} of {n} requests arrived within {timeout} s")
            return list(self._requests)

    # used by the handler threads

    def _admit(
        self,
        *,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        raw_body: bytes,
        body: Any,
        scripted: bool,
    ) -> tuple[RecordedRequest, Reply | None, Responder | None]:
        """Record a request and, if ``scripted``, take its reply (or the responder) in the same step."""
        with self._lock:
            request = RecordedRequest(
                order=next(self._order),
                received_at=time.monotonic(),
                method=method,
                path=path,
                query=query,
                headers=headers,
                raw_body=raw_body,
                body=body,
            )
            self._requests.append(request)
            self._arrived.notify_all()
            if not scripted:
                return request, None, None
            if self._script:
                return request, self._script.popleft(), None
            return request, None, self._default

    def _respond_by_default(self, request: RecordedRequest, responder: Responder | None) -> Reply:
        if responder is None:
            return Status(500, error_body(500, "OpenAIServer: the script is empty and there is no default"))
        try:
            return responder(request)
        except Exception as exc:
            with self._lock:
                self._errors.append(exc)
            return Status(500, error_body(500, f"OpenAIServer: the default responder raised {exc!r}"))

    def _hang_event(self) -> threading.Event:
        with self._lock:
            return self._hang_release

    def _next_response_id(self) -> int:
        with self._lock:
            return next(self._response_ids)

    def _register(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _unregister(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # joined by server_close() all the same (block_on_close)

    def __init__(self, owner: OpenAIServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Registered here, in the serving thread, so close() sees every accepted connection.
        self.owner._register(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._unregister(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (or close() cutting a connection) is normal here; print anything else.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "alex-test-openai/1.0"
    timeout = 60  # an idle keep-alive connection is dropped after this; close() drops them at once
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    # routing

    def _dispatch(self) -> None:
        owner = self.server.owner
        url = urlsplit(self.path)
        headers = {key.lower(): value for key, value in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw_body = self.rfile.read(length) if length > 0 else b""
        body: Any = None
        malformed = False
        if raw_body:
            try:
                body = json.loads(raw_body)
            except ValueError:
                malformed = True
        authorized = owner.api_key is None or headers.get("authorization") == f"Bearer {owner.api_key}"
        is_chat = url.path == CHAT_COMPLETIONS_PATH
        valid_chat = is_chat and self.command == "POST" and isinstance(body, dict)
        request, reply, responder = owner._admit(
            method=self.command,
            path=url.path,
            query=url.query,
            headers=headers,
            raw_body=raw_body,
            body=body,
            scripted=authorized and valid_chat,
        )

        if not authorized:
            message = "Incorrect API key provided." if "authorization" in headers else "Missing API key."
            self._send_json(401, error_body(401, message))
        elif (is_chat and self.command != "POST") or (url.path == MODELS_PATH and self.command != "GET"):
            self._send_json(405, error_body(405))
        elif is_chat and not valid_chat:
            problem = "not valid JSON" if malformed else "not a JSON object"
            self._send_json(400, error_body(400, f"The request body is {problem}."))
        elif is_chat:
            if reply is None:
                reply = owner._respond_by_default(request, responder)
            self._send_reply(request, reply)
        elif url.path == MODELS_PATH:
            self._send_json(200, {"object": "list", "data": [_model_entry(owner.model)]})
        elif url.path.startswith(MODELS_PATH + "/") and self.command == "GET":
            name = url.path.removeprefix(MODELS_PATH + "/")
            if name == owner.model:
                self._send_json(200, _model_entry(owner.model))
            else:
                self._send_json(
                    404, error_body(404, f"The model '{name}' does not exist", code="model_not_found")
                )
        else:
            self._send_json(404, error_body(404, f"Unknown path: {self.command} {url.path}"))

    def _send_reply(self, request: RecordedRequest, reply: Reply) -> None:
        if isinstance(reply, Chat):
            if request.stream:
                self._send_stream(request, reply)
            else:
                self._send_json(200, self._completion(request, reply), {"x-request-id": "req_test"})
        elif isinstance(reply, Status):
            self._send_json(reply.code, reply.json_body(), reply.headers)
        elif isinstance(reply, Raw):
            self._send(reply.status, reply.body, reply.content_type, reply.headers)
        else:
            self.server.owner._hang_event().wait()
            self.close_connection = True  # released: drop the connection without an answer

    # responses

    def _send(
        self, status: int, data: bytes, content_type: str, extra_headers: Mapping[str, str] | None = None
    ) -> None:
        headers = {"content-type": content_type, "content-length": str(len(data))}
        headers.update({key.lower(): value for key, value in (extra_headers or {}).items()})
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_json(
        self, status: int, payload: Mapping[str, object], extra_headers: Mapping[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra_headers)

    def _send_stream(self, request: RecordedRequest, chat: Chat) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("x-request-id", "req_test")
        self.end_headers()
        for chunk in self._chunks(request, chat):
            self._write_chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _completion(self, request: RecordedRequest, chat: Chat) -> dict[str, object]:
        response_id = self.server.owner._next_response_id()
        message: dict[str, object] = {"role": "assistant", "content": chat.content, "refusal": None}
        if chat.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id or f"call_{response_id}_{index}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments_json()},
                }
                for index, call in enumerate(chat.tool_calls)
            ]
        return {
            "id": f"chatcmpl-{response_id}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self._model_name(request, chat),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": chat.resolved_finish_reason,
                }
            ],
            "usage": chat.usage(),
        }

    def _chunks(self, request: RecordedRequest, chat: Chat) -> Iterator[dict[str, object]]:
        """The ``chat.completion.chunk`` objects OpenAI would stream for ``chat``."""
        response_id = self.server.owner._next_response_id()
        include_usage = request.include_usage
        base: dict[str, object] = {
            "id": f"chatcmpl-{response_id}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self._model_name(request, chat),
        }

        def chunk(delta: dict[str, object], finish_reason: str | None = None) -> dict[str, object]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return {**base, "choices": [choice], **({"usage": None} if include_usage else {})}

        yield chunk(
            {"role": "assistant", "content": "" if chat.content is not None else None, "refusal": None}
        )
        for piece in _pieces(chat.content or ""):
            yield chunk({"content": piece})
        for index, call in enumerate(chat.tool_calls):
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id or f"call_{response_id}_{index}",
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
            for piece in _pieces(call.arguments_json()):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield chunk({}, chat.resolved_finish_reason)
        if include_usage:
            yield {**base, "choices": [], "usage": chat.usage()}

    def _model_name(self, request: RecordedRequest, chat: Chat) -> str:
        return chat.model or request.model or self.server.owner.model


def _model_entry(model: str) -> dict[str, object]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "alex-tests"}


def _pieces(text: str, count: int = _STREAM_PIECES) -> list[str]:
    """``text`` cut into at most ``count`` non-empty pieces of near-equal length."""
    if not text:
        return []
    size = -(-len(text) // count)
    return [text[start : start + size] for start in range(0, len(text), size)]
