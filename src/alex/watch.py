"""``alex watch``: a live, colour-coded tail of every worker's analysis activity.

One line per job event (job started, a workflow step started or finished, retrying, completed,
failed) and per agent run, with the run's guardrail verdicts indented below it. It reads the
database (``alex.db.watch_feed``), so it sees every worker on every machine, local or remote.

The watch LISTENs on ``alex_watch``: a trigger (migration 0006) notifies it on every insert into
``job_events`` and ``ai_decisions``, so a new row shows at once. It also polls every ``interval``
seconds, in case LISTEN is unavailable (a pooler in transaction mode) or a notification is lost
with the connection. A lost connection is reopened and the position kept, so nothing is skipped
or shown twice across the gap.

Colours only on a terminal, and never with ``NO_COLOR`` set: in a pipe or a file the lines are
plain text. Text from the database (messages, guardrail details, which may quote a model's
output) is stripped of control characters before it reaches the terminal.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from types import FrameType
from typing import Final, TextIO

import psycopg
from psycopg import sql

from alex.db import watch_feed
from alex.db.engine import libpq_url
from alex.db.watch_feed import Connection, DecisionItem, Filters, Item, JobEventItem, Position
from alex.failures import describe

CHANNEL: Final = "alex_watch"
"""The NOTIFY channel of migration 0006's triggers."""
STOP_CHECK_SECONDS: Final = 0.2
"""How often a wait looks at the stop flag (a signal only sets it)."""
COALESCE_SECONDS: Final = 0.05
"""After a notification, how long to gather more: rows come in bursts, one batch reads them all."""
CONNECT_TIMEOUT_SECONDS: Final = 5
USER_WIDTH: Final = 12
WHAT_WIDTH: Final = 26
DETAIL_CHARS: Final = 160

RED: Final = "\x1b[31m"
YELLOW: Final = "\x1b[33m"
GREEN: Final = "\x1b[32m"
CYAN: Final = "\x1b[36m"
DIM: Final = "\x1b[2m"
BOLD: Final = "\x1b[1m"
RESET: Final = "\x1b[0m"

_EVENT_STYLES: Final = {
    "job_started": BOLD,
    "step_started": DIM,
    "step_progress": DIM,
    "step_finished": CYAN,
    "step_failed": RED,
    "job_retrying": YELLOW,
    "job_completed": GREEN,
    "job_failed": RED,
}
_OUTCOME_STYLES: Final = {"passed": GREEN, "re_asked": YELLOW, "fell_back": RED, "failed": RED}
# C0 and C1 controls (ESC among them), line and paragraph separators, bidirectional overrides.
_UNSAFE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


class WatchError(Exception):
    """The database could not be read at the start (later failures are retried instead)."""


def colour_wanted(stream: TextIO) -> bool:
    """Colours on a terminal, unless ``NO_COLOR`` is set (no-color.org); plain text otherwise."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def format_item(item: Item, *, colour: bool) -> list[str]:
    """The lines of one event or agent run: ``HH:MM:SS  job  user  what  message`` (local time)."""
    at = item.created_at.astimezone()
    prefix = f"{at:%H:%M:%S}  {str(item.job_id)[:8]}  {_clean(item.user_id):<{USER_WIDTH}}  "
    if isinstance(item, JobEventItem):
        what = item.kind if item.step is None else f"{item.kind} {_clean(item.step)}"
        line = f"{prefix}{what:<{WHAT_WIDTH}}  {_clean(item.message)}{_took(item)}".rstrip()
        return [_paint(line, _EVENT_STYLES.get(item.kind, ""), colour)]
    return _decision_lines(item, prefix, colour)


def follow(
    url: str,
    *,
    filters: Filters,
    lookback_minutes: float,
    interval: float,
    out: TextIO,
    notices: TextIO,
    stop: threading.Event,
    colour: bool,
) -> None:
    """Print the last ``lookback_minutes``, then each new row as it is written, until ``stop`` is set.

    Lines go to ``out``, flushed after each batch; the watch's own messages (following, lost
    and regained connection) go to ``notices``. Raises ``WatchError`` if the database cannot be
    read at the start.
    """
    connection: Connection | None = None
    try:
        connection = _connect(url)
        listening = _listen(connection, notices)
        position = watch_feed.start(connection, lookback_minutes)
    except psycopg.Error as exc:
        _close(connection)
        raise WatchError(f"cannot read the database: {describe(exc)}") from None
    live = lost = False
    try:
        while not stop.is_set():
            try:
                if connection is None:
                    connection = _connect(url)
                    listening = _listen(connection, notices)
                position = _show(connection, position, filters, out=out, colour=colour, stop=stop)
                if lost:
                    _notice(notices, "reconnected to the database")
                    lost = False
                if not live:
                    since = f"{position.since.astimezone():%H:%M:%S}"
                    _notice(notices, f"showing what happened since {since}; following live (Ctrl-C stops)")
                    live = True
                _wait(connection if listening else None, interval, stop)
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                # The database restarted or the network dropped: reconnect from the same position.
                if not lost:
                    _notice(notices, f"lost the database ({describe(exc)}); retrying every {interval:g} s")
                    lost = True
                _close(connection)
                connection = None
                stop.wait(interval)
    finally:
        _close(connection)


def run(url: str, *, filters: Filters, lookback_minutes: float, interval: float) -> None:
    """The command: standard output, Ctrl-C and SIGTERM (both stop it quietly), a reader gone away."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    try:
        follow(
            url,
            filters=filters,
            lookback_minutes=lookback_minutes,
            interval=interval,
            out=sys.stdout,
            notices=sys.stderr,
            stop=stop,
            colour=colour_wanted(sys.stdout),
        )
    except BrokenPipeError:
        # `alex watch | head`: the reader left. Send the interpreter's last flush of stdout
        # nowhere, so it does not report the broken pipe once more on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _decision_lines(item: DecisionItem, prefix: str, colour: bool) -> list[str]:
    what = f"agent {_clean(item.agent)}" + (f" [{_clean(item.subject)}]" if item.subject else "")
    message = (
        f"{_clean(item.outcome)}  {_clean(item.model)}  "
        f"{item.tokens_in:,} in / {item.tokens_out:,} out tokens, {_duration(float(item.duration_ms))}"
    )
    lines = [
        _paint(f"{prefix}{what:<{WHAT_WIDTH}}  {message}", _OUTCOME_STYLES.get(item.outcome, ""), colour)
    ]
    indent = " " * (len(prefix) + 2)
    for guardrail in item.guardrails:
        detail = _shorten(_clean(guardrail.detail), DETAIL_CHARS)
        text = f"{indent}guardrail {_clean(guardrail.check)} {_clean(guardrail.outcome)}"
        verdict = RED if guardrail.outcome == "fell_back" else YELLOW
        lines.append(_paint(f"{text}: {detail}" if detail else text, verdict, colour))
    return lines


def _took(event: JobEventItem) -> str:
    """A finished step's or job's duration, from the event's data."""
    data = event.data or {}
    milliseconds = _number(data.get("duration_ms"))
    if milliseconds is None and (seconds := _number(data.get("seconds"))) is not None:
        milliseconds = seconds * 1000
    return "" if milliseconds is None else f" ({_duration(milliseconds)})"


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _duration(milliseconds: float) -> str:
    return f"{milliseconds:,.0f} ms" if milliseconds < 1000 else f"{milliseconds / 1000:,.1f} s"


def _clean(text: str) -> str:
    """Text safe to print on a terminal: no escape sequences, no line breaks, no reordering."""
    return _UNSAFE.sub(" ", text)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{style}{text}{RESET}" if colour and style else text


def _notice(notices: TextIO, text: str) -> None:
    notices.write(f"alex watch: {text}\n")
    notices.flush()


def _connect(url: str) -> Connection:
    # Autocommit: every query is its own short transaction; none stays open between polls.
    return psycopg.connect(
        libpq_url(url),
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        application_name="alex watch",
    )


def _close(connection: Connection | None) -> None:
    if connection is not None:
        connection.close()


def _listen(connection: Connection, notices: TextIO) -> bool:
    """LISTEN on the channel; False (and polling only) if the server or a pooler refuses it."""
    try:
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
    except psycopg.OperationalError:
        raise
    except psycopg.Error as exc:
        _notice(notices, f"no notifications ({describe(exc)}); polling only")
        return False
    return True


def _show(
    connection: Connection,
    position: Position,
    filters: Filters,
    *,
    out: TextIO,
    colour: bool,
    stop: threading.Event,
) -> Position:
    """Print batches until caught up (a long lookback takes several), flushing after each."""
    while True:
        items, position = watch_feed.next_batch(connection, position, filters)
        for item in items:
            for line in format_item(item, colour=colour):
                out.write(line + "\n")
        out.flush()
        if position.caught_up or stop.is_set():
            return position


def _wait(connection: Connection | None, interval: float, stop: threading.Event) -> None:
    """Until a notification on ``connection`` (if listening), ``interval`` seconds or ``stop``."""
    if connection is None:
        stop.wait(interval)
        return
    deadline = time.monotonic() + interval
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        if _notified(connection, timeout=min(remaining, STOP_CHECK_SECONDS), stop_after=1):
            _notified(connection, timeout=COALESCE_SECONDS, stop_after=None)
            return


def _notified(connection: Connection, *, timeout: float, stop_after: int | None) -> bool:
    # Read the generator to its end, so it releases the connection's lock at once.
    return sum(1 for _ in connection.notifies(timeout=timeout, stop_after=stop_after)) > 0
