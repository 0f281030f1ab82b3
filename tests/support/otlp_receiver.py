"""An OTLP/HTTP trace receiver on 127.0.0.1: what a collector (or Langfuse) sees of Alex's spans.

It decodes each request's protobuf body with the OpenTelemetry proto package and keeps the spans
with their resource, and each request's path and headers. ``hold()`` makes it take requests
without answering until ``release()`` (a collector that hangs); ``refuse`` answers 503 to each.
Waiting is on a condition variable, never a sleep.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    if kind is None:
        return None
    return getattr(value, kind)


def _attributes(pairs: Any) -> dict[str, Any]:
    items: list[KeyValue] = list(pairs)
    return {pair.key: _value(pair.value) for pair in items}


@dataclass(frozen=True)
class ReceivedSpan:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: int
    attributes: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]]
    resource: dict[str, Any]
    status_code: int


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    """By lower-case name."""
    spans: list[ReceivedSpan]


@dataclass
class OtlpReceiver:
    refuse: bool = False
    requests: list[ReceivedRequest] = field(default_factory=list)
    arrivals: int = 0
    """Requests that reached the handler, answered or not (a held one counts)."""

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._gate = threading.Event()
        self._gate.set()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self._changed:
            return [span for request in self.requests for span in request.spans]

    def hold(self) -> None:
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    def wait_until(self, predicate: Callable[[OtlpReceiver], bool], *, timeout: float, what: str) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self), timeout=timeout):
                raise AssertionError(
                    f"the OTLP receiver saw no {what} within {timeout:g} s "
                    f"({len(self.requests)} requests, {sum(len(r.spans) for r in self.requests)} spans)"
                )

    def _arrived(self) -> None:
        with self._changed:
            self.arrivals += 1
            self._changed.notify_all()

    def _received(self, request: ReceivedRequest) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def start(self) -> Self:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver._arrived()
                receiver._gate.wait()
                if receiver.refuse:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                message = ExportTraceServiceRequest()
                message.ParseFromString(body)
                spans = [
                    ReceivedSpan(
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex() or None,
                        name=span.name,
                        kind=span.kind,
                        attributes=_attributes(span.attributes),
                        events=[(event.name, _attributes(event.attributes)) for event in span.events],
                        resource=_attributes(resource_spans.resource.attributes),
                        status_code=span.status.code,
                    )
                    for resource_spans in message.resource_spans
                    for scope_spans in resource_spans.scope_spans
                    for span in scope_spans.spans
                ]
                receiver._received(
                    ReceivedRequest(
                        path=self.path,
                        headers={name.lower(): value for name, value in self.headers.items()},
                        spans=spans,
                    )
                )
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="otlp-receiver", daemon=True).start()
        return self

    def close(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
