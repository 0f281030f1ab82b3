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

By default a :class:`Chat` is answered at once, in full, whatever the request asked for. With
``OpenAIServer(local=LocalServer(...))`` the server behaves like a local model server (llama.cpp's
``llama-server``, llama-cpp-python, Ollama) instead: the reply is *generated* token by token at a speed,
capped by the request's ``max_tokens`` and by a context window, one request per slot at a time, a streamed
generation gives up its slot to a waiting request (llama-cpp-python's ``interrupt_requests``) or when its
client goes away, and usage may be missing. Each generation is logged in :attr:`OpenAIServer.generations`::

    local = LocalServer(seconds_per_token=0.005, slots=1, context_window=2048, stream_usage=False)
    with OpenAIServer(local=local, default=runaway("and so on ")) as server:
        ...  # drive a client at server.base_url
        (generation,) = server.wait_for_generations(1)
        assert generation.finish == "length"

The server's "tokenizer" is deliberately simple and deterministic: a text is cut into consecutive pieces of
4 characters (:func:`split_tokens`), and a prompt counts ceil(characters / 4) tokens over the compact JSON of
the request's ``messages``, ``tools`` and ``response_format`` (:func:`count_prompt_tokens`).

Ready-made responders for what weak local models do: :func:`prose` (plain text whatever the tools and
``tool_choice``), :func:`echo_schema` (the JSON schema it was asked to fill, as its answer) and
:func:`runaway` (text that never stops by itself).
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
from typing import Any, Literal, Self, TypeAlias
from urllib.parse import urlsplit

__all__ = [
    "CHAT_COMPLETIONS_PATH",
    "MODELS_PATH",
    "TOKEN_CHARS",
    "Chat",
    "Generation",
    "GenerationFinish",
    "Hang",
    "LocalServer",
    "OpenAIServer",
    "Raw",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Status",
    "ToolCall",
    "count_prompt_tokens",
    "echo_schema",
    "error_body",
    "prose",
    "runaway",
    "split_tokens",
]

CHAT_COMPLETIONS_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
_STREAM_PIECES = 3
"""Content and tool-call arguments are streamed in (up to) this many pieces (without ``local``)."""
TOKEN_CHARS = 4
"""Characters per token of the server's own tokenizer (see :func:`split_tokens`)."""


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
    runaway: bool = False
    """The model never stops by itself: it repeats ``content`` token by token until the request's
    ``max_tokens``, the context window, or :attr:`LocalServer.runaway_tokens` (tool calls are never reached).
    Needs a non-empty ``content``; without a ``local`` server it is generated as under a default
    :class:`LocalServer` (instantly, no slots)."""

    def __post_init__(self) -> None:
        if self.runaway and not self.content:
            raise ValueError("a runaway Chat needs a non-empty content to repeat")

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

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The request's ``messages`` (those that are JSON objects); empty when absent."""
        messages = self.body.get("messages") if isinstance(self.body, dict) else None
        return [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The request's ``tools`` (those that are JSON objects); empty when absent."""
        tools = self.body.get("tools") if isinstance(self.body, dict) else None
        return [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []

    @property
    def tool_choice(self) -> str | dict[str, Any] | None:
        """``"auto"``, ``"none"``, ``"required"``, ``{"type": "function", ...}``, or ``None`` when absent."""
        choice = self.body.get("tool_choice") if isinstance(self.body, dict) else None
        return choice if isinstance(choice, str | dict) else None

    @property
    def response_format(self) -> dict[str, Any] | None:
        response_format = self.body.get("response_format") if isinstance(self.body, dict) else None
        return response_format if isinstance(response_format, dict) else None

    @property
    def max_tokens(self) -> int | None:
        """``max_completion_tokens`` if set, else ``max_tokens``, else ``None``."""
        if not isinstance(self.body, dict):
            return None
        for key in ("max_completion_tokens", "max_tokens"):
            value = self.body.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        return None

    @property
    def prompt_tokens(self) -> int:
        """The prompt in the server's tokens (:func:`count_prompt_tokens`)."""
        return count_prompt_tokens(self.body)


# --- local model servers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalServer:
    """Behave like a local model server (llama.cpp, llama-cpp-python, Ollama) rather than OpenAI's API.

    Under it a :class:`Chat` reply is generated: its content, then each tool call's arguments, cut into the
    server's tokens (:func:`split_tokens`), one token every ``seconds_per_token``. A streamed request gets
    each token as its own chunk as it is generated. A generation ends

    * ``"stop"``: the whole reply was generated (the Chat's own finish reason is sent);
    * ``"length"``: the request's ``max_completion_tokens``/``max_tokens``, the context window, or (for a
      runaway reply and no ``max_tokens``) ``runaway_tokens`` was reached: finish reason ``"length"``, the
      content (and tool-call arguments) as generated so far;
    * ``"interrupted"``: a streamed generation gave up its slot to a waiting request (finish reason
      ``"stop"`` then ``[DONE]``, as llama-cpp-python does);
    * ``"disconnected"``: a streamed generation's client went away (a write failed), or the server closed;
    * ``"rejected"``: the prompt alone is larger than the context window (HTTP 400, nothing generated).

    Usage, when sent, counts the prompt with :func:`count_prompt_tokens` and the completion as the tokens
    generated (a Chat's ``prompt_tokens``/``completion_tokens`` are not used).
    """

    seconds_per_token: float = 0.0
    """The simulated model's speed; the handler thread waits this long for each token."""
    slots: int | None = None
    """How many chat completions generate at once; the others wait for a slot, first come first served.
    ``None``: no limit. A request holds its slot while it generates (not while its reply is chosen)."""
    interrupt_requests: bool = True
    """llama-cpp-python's default: while a request waits for a slot, a *streamed* generation stops at its
    next token and gives up its slot. Non-streamed generations always run to the end."""
    context_window: int | None = None
    """Tokens of prompt plus completion; a larger prompt is rejected with a 400 (llama.cpp's message),
    otherwise generation stops when the window is full."""
    runaway_tokens: int = 100_000
    """Where a runaway reply (``Chat(runaway=True)``) stops when the request sets no ``max_tokens``."""
    stream_usage: bool = True
    """``False``: streams never end with a usage chunk, even when ``stream_options.include_usage`` asks."""
    usage: bool = True
    """``False``: non-streamed completions carry no ``usage``."""

    def __post_init__(self) -> None:
        if self.seconds_per_token < 0:
            raise ValueError("seconds_per_token must be >= 0")
        if self.slots is not None and self.slots < 1:
            raise ValueError("slots must be None or >= 1")
        if self.context_window is not None and self.context_window < 1:
            raise ValueError("context_window must be None or >= 1")
        if self.runaway_tokens < 1:
            raise ValueError("runaway_tokens must be >= 1")


GenerationFinish: TypeAlias = Literal["stop", "length", "interrupted", "disconnected", "rejected"]


@dataclass(frozen=True)
class Generation:
    """How one chat completion was generated under :class:`LocalServer` (see its finish kinds)."""

    order: int
    """The request's :attr:`RecordedRequest.order`."""
    stream: bool
    tokens: int
    """Tokens generated (content and tool-call arguments)."""
    finish: GenerationFinish
    waited_for_slot: bool
    """The request had to wait for another generation to give up its slot first."""


def split_tokens(text: str) -> list[str]:
    """The server's tokenizer: ``text`` cut into consecutive pieces of :data:`TOKEN_CHARS` characters."""
    return [text[start : start + TOKEN_CHARS] for start in range(0, len(text), TOKEN_CHARS)]


def count_prompt_tokens(body: object) -> int:
    """A request's prompt in the server's tokens: ceil(characters / 4) over the compact JSON
    (``separators=(",", ":")``, non-ASCII kept) of its ``messages``, plus that of its ``tools`` and its
    ``response_format`` when present (not null)."""
    if not isinstance(body, Mapping):
        return 0
    characters = sum(
        len(json.dumps(body[key], separators=(",", ":"), ensure_ascii=False))
        for key in ("messages", "tools", "response_format")
        if body.get(key) is not None
    )
    return -(-characters // TOKEN_CHARS)


# --- ready-made responders -------------------------------------------------------------------------------


def prose(text: str) -> Responder:
    """Always answer ``text`` as plain content: tools, ``tool_choice`` (even ``"required"``) and
    ``response_format`` are ignored, as servers that don't honour them do."""

    def respond(request: RecordedRequest) -> Reply:
        return Chat(content=text)

    return respond


def echo_schema(request: RecordedRequest) -> Reply:
    """Answer with the JSON schema the request asked to fill, as content, like a weak model echoing it.

    The schema is ``response_format.json_schema.schema`` if present, else the first tool's
    ``parameters``, else the last JSON object in the system/developer messages (where prompted output
    puts it). A request with none of these raises ``LookupError`` (so the server answers 500).
    """
    schema = _requested_schema(request)
    if schema is None:
        raise LookupError("echo_schema: the request carries no JSON schema")
    return Chat(content=json.dumps(schema))


def runaway(text: str) -> Responder:
    """Always answer ``Chat(content=text, runaway=True)``: ``text`` over and over until a limit."""
    if not text:
        raise ValueError("runaway needs a non-empty text to repeat")

    def respond(request: RecordedRequest) -> Reply:
        return Chat(content=text, runaway=True)

    return respond


def _requested_schema(request: RecordedRequest) -> dict[str, Any] | None:
    response_format = request.response_format
    if response_format is not None:
        json_schema = response_format.get("json_schema")
        if isinstance(json_schema, dict) and isinstance(json_schema.get("schema"), dict):
            return dict(json_schema["schema"])
    if request.tools:
        function = request.tools[0].get("function")
        if isinstance(function, dict) and isinstance(function.get("parameters"), dict):
            return dict(function["parameters"])
    found: dict[str, Any] | None = None
    for message in request.messages:
        if message.get("role") in ("system", "developer"):
            for text in _message_texts(message.get("content")):
                objects = _json_objects(text)
                if objects:
                    found = objects[-1]
    return found


def _message_texts(content: object) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            part["text"]
            for part in content
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
        ]
    return []


def _json_objects(text: str) -> list[dict[str, Any]]:
    """The JSON objects embedded in ``text`` (outermost ones only), in order."""
    decoder = json.JSONDecoder()
    objects: list[dict[str, Any]] = []
    start = text.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            objects.append(value)
        start = text.find("{", end)
    return objects


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
        local: LocalServer | None = None,
    ) -> None:
        self.model = model
        self.api_key = api_key
        self.local = local
        """How the server generates :class:`Chat` replies; ``None``: at once and in full, like OpenAI."""
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._generating = threading.Condition(self._lock)
        """Notified on every change of the slots, the generation log, and on close."""
        self._waiting: deque[_SlotTicket] = deque()
        self._active = 0
        self._started = 0
        self._yielding = 0
        self._generations: list[Generation] = []
        self._closing = threading.Event()
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
            self._closing.set()  # generations stop at their next token
            self._generating.notify_all()  # requests waiting for a slot give up
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

    @property
    def generations(self) -> list[Generation]:
        """The generations under :class:`LocalServer` that have ended, in the order they ended (a copy)."""
        with self._lock:
            return list(self._generations)

    @property
    def active_generations(self) -> int:
        """Generations now holding a slot (with ``slots=None``: now generating)."""
        with self._lock:
            return self._active

    @property
    def waiting_for_slot(self) -> int:
        """Chat requests now waiting for a slot."""
        with self._lock:
            return len(self._waiting)

    def wait_for_generations(self, n: int, timeout: float = 5.0) -> list[Generation]:
        """Block until at least ``n`` generations have ended; returns them all. Raises ``TimeoutError``."""
        with self._generating:
            if not self._generating.wait_for(lambda: len(self._generations) >= n, timeout):
                raise TimeoutError(f"{len(self._generations)} of {n} generations ended within {timeout} s")
            return list(self._generations)

    def wait_for_generation_starts(self, n: int, timeout: float = 5.0) -> None:
        """Block until at least ``n`` generations have started (taken their slot), counting those that have
        ended since. Raises ``TimeoutError``."""
        with self._generating:
            if not self._generating.wait_for(lambda: self._started >= n, timeout):
                raise TimeoutError(f"{self._started} of {n} generations started within {timeout} s")

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

    def _take_slot(self, slots: int | None) -> tuple[bool, bool]:
        """Wait for a slot, first come first served: (got one, had to wait); no slot once closed."""
        with self._lock:
            if self._closed:
                return False, False
            if slots is None or (self._active < slots and not self._waiting):
                self._active += 1
                waited = False
            else:
                ticket = _SlotTicket()
                self._waiting.append(ticket)
                self._generating.notify_all()
                self._generating.wait_for(lambda: ticket.granted or self._closed)
                if not ticket.granted:
                    self._waiting.remove(ticket)
                    self._generating.notify_all()
                    return False, True
                waited = True  # the slot was handed over: self._active already counts it
            self._started += 1
            self._generating.notify_all()
            return True, waited

    def _should_yield(self) -> bool:
        """For a streamed generation under ``interrupt_requests``: give up the slot to a waiting request?

        Each waiting request makes one generation yield (``_yielding`` counts those on their way out).
        """
        with self._lock:
            if len(self._waiting) > self._yielding:
                self._yielding += 1
                return True
            return False

    def _give_slot(self, *, yielded: bool) -> None:
        """Hand the slot to the longest-waiting request, or free it (once closed, the waiting give up)."""
        with self._lock:
            if yielded:
                self._yielding -= 1
            if self._waiting and not self._closed:
                self._waiting.popleft().granted = True
            else:
                self._active -= 1
            self._generating.notify_all()

    def _generation_ended(self, generation: Generation) -> None:
        with self._lock:
            self._generations.append(generation)
            self._generating.notify_all()

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


class _SlotTicket:
    """A request's place in the queue for a slot; ``granted`` once a finishing generation hands it over."""

    __slots__ = ("granted",)

    def __init__(self) -> None:
        self.granted = False


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
            local = self.server.owner.local or (LocalServer() if reply.runaway else None)
            if local is not None:
                self._generate(request, reply, local)
            elif request.stream:
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
        self._start_stream()
        for chunk in self._chunks(request, chat):
            self._write_event(chunk)
        self._end_stream()

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("x-request-id", "req_test")
        self.end_headers()
        self.wfile.flush()

    def _write_event(self, chunk: Mapping[str, object]) -> None:
        self._write_chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")

    def _end_stream(self) -> None:
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _completion(self, request: RecordedRequest, chat: Chat) -> dict[str, object]:
        response_id = self.server.owner._next_response_id()
        calls = [(index, call, call.arguments_json()) for index, call in enumerate(chat.tool_calls)]
        return self._completion_body(
            request, chat, response_id, chat.content, calls, chat.resolved_finish_reason, chat.usage()
        )

    def _completion_body(
        self,
        request: RecordedRequest,
        chat: Chat,
        response_id: int,
        content: str | None,
        calls: Sequence[tuple[int, ToolCall, str]],
        finish_reason: str,
        usage: Mapping[str, int] | None,
    ) -> dict[str, object]:
        """A ``chat.completion`` object; ``calls`` are (index, call, arguments) and ``usage`` is left out
        when ``None``."""
        message: dict[str, object] = {"role": "assistant", "content": content, "refusal": None}
        if calls:
            message["tool_calls"] = [
                {
                    "id": call.id or f"call_{response_id}_{index}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": arguments},
                }
                for index, call, arguments in calls
            ]
        body: dict[str, object] = {
            "id": f"chatcmpl-{response_id}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self._model_name(request, chat),
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        }
        if usage is not None:
            body["usage"] = dict(usage)
        return body

    def _chunk_maker(
        self, request: RecordedRequest, chat: Chat, response_id: int, *, with_usage: bool
    ) -> Callable[[dict[str, object], str | None], dict[str, object]]:
        """Makes the ``chat.completion.chunk`` for a delta (and finish reason); each has ``"usage": null``
        when the stream ends with a usage chunk."""
        base: dict[str, object] = {
            "id": f"chatcmpl-{response_id}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self._model_name(request, chat),
        }

        def chunk(delta: dict[str, object], finish_reason: str | None = None) -> dict[str, object]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return {**base, "choices": [choice], **({"usage": None} if with_usage else {})}

        return chunk

    def _chunks(self, request: RecordedRequest, chat: Chat) -> Iterator[dict[str, object]]:
        """The ``chat.completion.chunk`` objects OpenAI would stream for ``chat``."""
        response_id = self.server.owner._next_response_id()
        include_usage = request.include_usage
        chunk = self._chunk_maker(request, chat, response_id, with_usage=include_usage)
        yield chunk(_role_delta(chat), None)
        for piece in _pieces(chat.content or ""):
            yield chunk({"content": piece}, None)
        for index, call in enumerate(chat.tool_calls):
            yield chunk({"tool_calls": [_tool_call_header(call, response_id, index, "")]}, None)
            for piece in _pieces(call.arguments_json()):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, None)
        yield chunk({}, chat.resolved_finish_reason)
        if include_usage:
            yield {
                "id": f"chatcmpl-{response_id}",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": self._model_name(request, chat),
                "choices": [],
                "usage": chat.usage(),
            }

    # generation under LocalServer

    def _generate(self, request: RecordedRequest, chat: Chat, local: LocalServer) -> None:
        """Answer ``chat`` as a local model server generates it (see :class:`LocalServer`)."""
        owner = self.server.owner
        stream = request.stream
        prompt_tokens = request.prompt_tokens
        window = local.context_window
        if window is not None and prompt_tokens > window:
            owner._generation_ended(Generation(request.order, stream, 0, "rejected", waited_for_slot=False))
            message = f"Requested tokens ({prompt_tokens}) exceed context window of {window}"
            self._send_json(400, error_body(400, message, code="context_length_exceeded"))
            return
        limit = request.max_tokens
        if chat.runaway and limit is None:
            limit = local.runaway_tokens
        if window is not None:
            room = window - prompt_tokens
            limit = room if limit is None else min(limit, room)

        has_slot, waited = owner._take_slot(local.slots)
        if not has_slot:  # the server is closing
            owner._generation_ended(Generation(request.order, stream, 0, "disconnected", waited))
            self.close_connection = True
            return
        response_id = owner._next_response_id()
        with_usage = stream and request.include_usage and local.stream_usage
        chunk = self._chunk_maker(request, chat, response_id, with_usage=with_usage)
        content: list[str] = []
        arguments: dict[int, list[str]] = {}
        generated = 0
        finish: GenerationFinish = "stop"
        yielded = False
        try:
            if stream:
                try:
                    self._start_stream()
                    self._write_event(chunk(_role_delta(chat), None))
                except OSError:
                    finish = "disconnected"
            for index, token in _tokens(chat) if finish == "stop" else ():
                if limit is not None and generated >= limit:
                    finish = "length"
                    break
                if stream and local.interrupt_requests and owner._should_yield():
                    yielded = True
                    finish = "interrupted"
                    break
                closing = owner._closing
                if closing.wait(local.seconds_per_token) if local.seconds_per_token else closing.is_set():
                    finish = "disconnected"  # the server is closing: drop the connection
                    break
                generated += 1
                if index is None:
                    content.append(token)
                    delta: dict[str, object] = {"content": token}
                elif index in arguments:
                    arguments[index].append(token)
                    delta = {"tool_calls": [{"index": index, "function": {"arguments": token}}]}
                else:
                    arguments[index] = [token]
                    call = chat.tool_calls[index]
                    delta = {"tool_calls": [_tool_call_header(call, response_id, index, token)]}
                if stream:
                    try:
                        self._write_event(chunk(delta, None))
                    except OSError:  # the client went away
                        finish = "disconnected"
                        break
            owner._generation_ended(Generation(request.order, stream, generated, finish, waited))
        finally:
            owner._give_slot(yielded=yielded)

        if finish == "disconnected":
            self.close_connection = True
            return
        # Interrupted: llama-cpp-python ends the stream as if the model had stopped.
        finish_reason = {"stop": chat.resolved_finish_reason, "length": "length"}.get(finish, "stop")
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": generated,
            "total_tokens": prompt_tokens + generated,
        }
        try:
            if stream:
                self._write_event(chunk({}, finish_reason))
                if with_usage:
                    self._write_event(
                        {
                            "id": f"chatcmpl-{response_id}",
                            "object": "chat.completion.chunk",
                            "created": int(time.time()),
                            "model": self._model_name(request, chat),
                            "choices": [],
                            "usage": usage,
                        }
                    )
                self._end_stream()
            else:
                calls = [
                    (index, chat.tool_calls[index], "".join(tokens)) for index, tokens in arguments.items()
                ]
                text = "".join(content) if chat.content is not None else None
                body = self._completion_body(
                    request, chat, response_id, text, calls, finish_reason, usage if local.usage else None
                )
                self._send_json(200, body, {"x-request-id": "req_test"})
        except OSError:  # the client went away meanwhile (e.g. it timed out): nobody to tell
            self.close_connection = True

    def _model_name(self, request: RecordedRequest, chat: Chat) -> str:
        return chat.model or request.model or self.server.owner.model


def _role_delta(chat: Chat) -> dict[str, object]:
    return {"role": "assistant", "content": "" if chat.content is not None else None, "refusal": None}


def _tool_call_header(call: ToolCall, response_id: int, index: int, arguments: str) -> dict[str, object]:
    return {
        "index": index,
        "id": call.id or f"call_{response_id}_{index}",
        "type": "function",
        "function": {"name": call.name, "arguments": arguments},
    }


def _tokens(chat: Chat) -> Iterator[tuple[int | None, str]]:
    """What the model generates for ``chat``: (``None``, content token) then (tool-call index, argument
    token); a runaway reply repeats its content tokens forever. A tool call whose arguments are empty
    still takes one (empty) token."""
    content = split_tokens(chat.content or "")
    if chat.runaway:
        for token in itertools.cycle(content):
            yield None, token
        return  # not reached: the caller stops a runaway reply at its limit
    for token in content:
        yield None, token
    for index, call in enumerate(chat.tool_calls):
        for token in split_tokens(call.arguments_json()) or [""]:
            yield index, token


def _model_entry(model: str) -> dict[str, object]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "alex-tests"}


def _pieces(text: str, count: int = _STREAM_PIECES) -> list[str]:
    """``text`` cut into at most ``count`` non-empty pieces of near-equal length."""
    if not text:
        return []
    size = -(-len(text) // count)
    return [text[start : start + size] for start in range(0, len(text), size)]
