"""A span per SQL statement (``ALEX_TRACE_DATABASE``; off by default: an analysis runs hundreds).

Hooked on SQLAlchemy's engine events for every engine, so the app's pools and the worker's alike
are covered. The statement's text is not recorded (it may hold values); its operation is.
"""

from __future__ import annotations

import threading
from typing import Any, Final

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False
_lock = threading.Lock()
_tracer: trace.Tracer = trace.get_tracer("alex.db")
_SPAN_KEY = "alex_span"


def _operation(statement: str) -> str:
    first = statement.lstrip().split(None, 1)
    return first[0].upper() if first else "SQL"


def _before(  # noqa: PLR0917 - SQLAlchemy's event signature
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if context is None:
        return
    operation = _operation(statement)
    span = _tracer.start_span(
        f"db {operation}",
        kind=SpanKind.CLIENT,
        attributes={"db.system": "postgresql", "db.operation": operation},
    )
    setattr(context, _SPAN_KEY, span)


def _after(  # noqa: PLR0917 - SQLAlchemy's event signature
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    _end(context)


def _failed(exception_context: Any) -> None:
    _end(exception_context.execution_context, error=True)


def _end(context: Any, *, error: bool = False) -> None:
    span = getattr(context, _SPAN_KEY, None)
    if span is not None:
        if error:
            span.set_status(trace.Status(trace.StatusCode.ERROR))
        span.end()
        setattr(context, _SPAN_KEY, None)


_LISTENERS: Final = (
    ("before_cursor_execute", _before),
    ("after_cursor_execute", _after),
    ("handle_error", _failed),
)


def trace_statements(provider: trace.TracerProvider | None = None) -> None:
    """Start a span per statement, from ``provider`` (default: the global one)."""
    global _installed, _tracer  # noqa: PLW0603 - listeners are process-wide; install them once
    with _lock:
        if _installed:
            return
        _tracer = trace.get_tracer("alex.db", tracer_provider=provider)
        for name, listener in _LISTENERS:
            event.listen(Engine, name, listener)
        _installed = True


def untrace_statements() -> None:
    """Remove the listeners again (a test that turned them on)."""
    global _installed  # noqa: PLW0603 - see trace_statements
    with _lock:
        if not _installed:
            return
        for name, listener in _LISTENERS:
            event.remove(Engine, name, listener)
        _installed = False
