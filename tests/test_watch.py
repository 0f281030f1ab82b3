"""`alex watch`: a live tail of job events and agent runs, read from the database.

The command runs as a real process against the test database while a worker runs a job; the
feed's queries (lookback, filters, late commits, paging) and the loop (notifications, a lost
connection) are tested in-process against the same real PostgreSQL, and the lines' format and
colours on their own. Nothing sleeps to synchronise: output is followed line by line through a
queue, with a generous deadline.
"""

from __future__ import annotations

import asyncio
import io
import queue
import re
import signal
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from alex import watch
from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.db import watch_feed
from alex.db.engine import Database, libpq_url
from alex.db.watch_feed import Connection, DecisionItem, Filters, Guardrail, Item, JobEventItem
from alex.market.prices import CataloguePrices
from alex.settings import Settings
from tests.integration.processes import ALEX, AlexProcess, alex_env
from tests.support.jobs import demo_job, run_to_end

WAIT_SECONDS = 60.0
"""A deadline for output that should come at once, generous for a busy CI machine."""
LINE = re.compile(r"^(\d\d:\d\d:\d\d)  ([0-9a-f]{8})  (\S+) +(\S+)(?: (\S+))? +(.*)$")
"""An event or agent line: time, job, user, kind (or ``agent``), step (or agent name), message."""
STEPS = ("snapshot", "tagger", "prices", "analytics", "reporter", "charter", "retirement", "summary")


# --- the command -------------------------------------------------------------------------------


async def test_the_command_follows_a_job_live_in_plain_text_and_stops_on_sigterm(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    job_id = await demo_job(database)
    watcher = AlexProcess(
        ["watch", "--lookback", "5", "--interval", "0.2", "--job", str(job_id)],
        alex_env(tmp_path / "watch", database_url),
        label="alex watch",
    )
    try:
        # Live from here on: every line of the job below comes through the live loop.
        await asyncio.to_thread(watcher.wait_for, "following live", timeout=WAIT_SECONDS)
        settings = Settings(data_dir=tmp_path / "worker", retirement_paths=200, job_retry_base_seconds=0)
        workflow = AnalysisWorkflow(
            database, settings=settings, prices=CataloguePrices(), team=Team(settings)
        )
        job = await run_to_end(database, workflow, job_id)
        assert job.status == "completed"
        await asyncio.to_thread(watcher.wait_for, "job_completed", timeout=WAIT_SECONDS)
        watcher.process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(watcher.process.wait, 30)
    finally:
        watcher.close()

    output = "".join(watcher.output)
    assert exit_code == 0, watcher.transcript()
    assert "\x1b" not in output  # stdout is a pipe: plain text
    assert "Traceback" not in output
    lines = [match for line in watcher.output if (match := LINE.match(line.rstrip("\n")))]
    assert {(match[2], match[3]) for match in lines} == {(str(job_id)[:8], "u1")}
    kinds = [(match[4], match[5]) for match in lines]
    assert kinds[0] == ("job_started", None)
    assert kinds[-1] == ("job_completed", None)
    for step in STEPS:  # each once: the lookback and the live loop never repeat a row
        assert kinds.count(("step_started", step)) == 1, output
        assert kinds.count(("step_finished", step)) == 1, output
    # The offline writers' audit rows: one agent run each, passed.
    agents = [match for match in lines if match[4] == "agent"]
    assert sorted(match[5] for match in agents) == ["charter", "reporter", "retirement"]
    assert all(match[6].startswith("passed  offline  0 in / 0 out tokens") for match in agents)


def test_the_command_refuses_bad_options_and_an_unreachable_database(tmp_path: Path) -> None:
    unreachable = alex_env(tmp_path, "postgresql://alex@127.0.0.1:1/alex")

    def alex_watch(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*ALEX, "watch", *options],
            env=unreachable,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    not_a_job = alex_watch("--job", "42")
    assert (not_a_job.returncode, not_a_job.stdout) == (2, "")
    assert "--job is not a job id" in not_a_job.stderr
    unknown_agent = alex_watch("--agent", "oracle")
    assert unknown_agent.returncode == 2
    assert "--agent must be tagger, reporter, charter or retirement" in unknown_agent.stderr
    no_database = alex_watch()
    assert no_database.returncode == 1
    assert no_database.stderr.startswith("error: cannot read the database: OperationalError")


# --- the loop, in-process ----------------------------------------------------------------------


class _Lines(io.StringIO):
    """A text stream whose complete lines can be awaited, as a reader of the pipe would."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._partial = ""
        self._queue: queue.Queue[str | None] = queue.Queue()

    def write(self, text: str, /) -> int:
        *complete, self._partial = (self._partial + text).split("\n")
        for line in complete:
            self.lines.append(line)
            self._queue.put(line)
        return len(text)

    def end(self) -> None:
        self._queue.put(None)

    def wait_for(self, text: str) -> str:
        while True:
            try:
                line = self._queue.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                raise AssertionError(f"no {text!r} within {WAIT_SECONDS:g} s: {self.lines}") from None
            if line is None:
                raise AssertionError(f"the watch stopped before {text!r}: {self.lines}")
            if text in line:
                return line


@dataclass
class _Watch:
    out: _Lines
    notices: _Lines
    error: list[BaseException]


@contextmanager
def _following(database_url: str, *, interval: float, lookback: float = 0) -> Iterator[_Watch]:
    """``watch.follow`` in a thread; stopped (and checked to stop) on leaving."""
    running = _Watch(out=_Lines(), notices=_Lines(), error=[])
    stop = threading.Event()

    def follow() -> None:
        try:
            watch.follow(
                database_url,
                filters=Filters(),
                lookback_minutes=lookback,
                interval=interval,
                out=running.out,
                notices=running.notices,
                stop=stop,
                colour=False,
            )
        except BaseException as exc:
            running.error.append(exc)
        finally:
            running.out.end()
            running.notices.end()

    thread = threading.Thread(target=follow, name="alex watch", daemon=True)
    thread.start()
    try:
        yield running
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the watch did not stop"
    assert running.error == []


def test_a_notification_shows_a_new_row_long_before_the_next_poll(
    conn: Connection, database_url: str
) -> None:
    job = _job(conn, "u1")
    # Polling once an hour: within the test's deadline only the NOTIFY can wake the watch.
    with _following(database_url, interval=3600) as running:
        running.notices.wait_for("following live")
        _event(conn, job, "job_started", message="woken by a notification")
        line = running.out.wait_for("woken by a notification")
    assert line.split()[1:4] == [str(job)[:8], "u1", "job_started"]


def test_a_lost_connection_is_reopened_and_nothing_is_missed(conn: Connection, database_url: str) -> None:
    job = _job(conn, "u1")
    with _following(database_url, interval=0.2) as running:
        running.notices.wait_for("following live")
        # End the watch's session (and wait until it is gone), then write while it is away.
        ended = conn.execute(
            "SELECT bool_and(pg_terminate_backend(pid, 30000)) FROM pg_stat_activity "
            "WHERE application_name = 'alex watch' AND datname = current_database()"
        ).fetchone()
        assert ended == (True,)
        _event(conn, job, "step_started", step="snapshot", message="written while it was away")
        running.notices.wait_for("lost the database")
        running.notices.wait_for("reconnected to the database")
        running.out.wait_for("written while it was away")
        _event(conn, job, "step_finished", step="snapshot", message="written after it came back")
        running.out.wait_for("written after it came back")
    assert sum("written while it was away" in line for line in running.out.lines) == 1


# --- the feed's queries ------------------------------------------------------------------------


@pytest.fixture
def conn(database_url: str) -> Iterator[Connection]:
    """An autocommit connection to the test's database, with users ``u1`` and ``u2``."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        connection.execute("INSERT INTO users (id, display_name) VALUES ('u1', 'U1'), ('u2', 'U2')")
        yield connection


def _job(conn: Connection, user: str) -> uuid.UUID:
    row = conn.execute("INSERT INTO jobs (user_id) VALUES (%s) RETURNING id", (user,)).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _event(
    conn: Connection, job: uuid.UUID, kind: str, *, step: str | None = None, message: str = "", ago: float = 0
) -> int:
    """A job event, ``ago`` seconds before now (the inserting transaction's start)."""
    row = conn.execute(
        "INSERT INTO job_events (job_id, attempt, kind, step, message, created_at) "
        "VALUES (%s, 1, %s, %s, %s, now() - make_interval(secs => %s)) RETURNING id",
        (job, kind, step, message or kind, float(ago)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def _decision(
    conn: Connection,
    job: uuid.UUID,
    user: str,
    agent: str,
    *,
    ago: float = 0,
    guardrails: list[dict[str, str]] | None = None,
) -> uuid.UUID:
    row = conn.execute(
        "INSERT INTO ai_decisions (job_id, user_id, attempt, agent, model, prompt_version, input_sha256, "
        "outcome, duration_ms, guardrails, created_at) VALUES (%s, %s, 1, %s, 'offline', 'offline', %s, "
        "'passed', 5, %s, now() - make_interval(secs => %s)) RETURNING id",
        (job, user, agent, "0" * 64, Jsonb(guardrails or []), float(ago)),
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _read(
    conn: Connection, filters: Filters, *, lookback: float = 10, limit: int = watch_feed.PAGE
) -> list[Any]:
    """The keys of everything a watch started now shows, in order (until it has caught up)."""
    position = watch_feed.start(conn, lookback)
    keys: list[Any] = []
    while True:
        items, position = watch_feed.next_batch(conn, position, filters, limit=limit)
        keys.extend(item.id for item in items)
        if position.caught_up:
            return keys


def test_the_lookback_shows_only_what_is_newer(conn: Connection) -> None:
    job = _job(conn, "u1")
    _event(conn, job, "job_started", ago=20 * 60)
    _decision(conn, job, "u1", "reporter", ago=20 * 60)
    recent_event = _event(conn, job, "step_started", step="snapshot", ago=60)
    recent_decision = _decision(conn, job, "u1", "charter", ago=30)
    # A newer id, but older than the lookback (its transaction started earlier).
    _event(conn, job, "step_finished", step="snapshot", ago=10 * 60 + 10)
    assert _read(conn, Filters(), lookback=10) == [recent_event, recent_decision]
    assert _read(conn, Filters(), lookback=0.75) == [recent_decision]


def test_filters_keep_only_that_job_user_or_agent(conn: Connection) -> None:
    first, second = _job(conn, "u1"), _job(conn, "u2")
    rows = {
        "1 job": _event(conn, first, "job_started"),
        "1 reporter": _event(conn, first, "step_started", step="reporter"),
        "1 reporter fallback": _event(conn, first, "step_finished", step="reporter_fallback"),
        "1 charter": _event(conn, first, "step_started", step="charter"),
        "1 reporter run": _decision(conn, first, "u1", "reporter"),
        "1 charter run": _decision(conn, first, "u1", "charter"),
        "2 job": _event(conn, second, "job_started"),
        "2 reporter": _event(conn, second, "step_started", step="reporter"),
        "2 reporter run": _decision(conn, second, "u2", "reporter"),
    }
    label = {key: name for name, key in rows.items()}

    def shown(filters: Filters) -> set[str]:
        return {label[key] for key in _read(conn, filters)}

    assert shown(Filters()) == set(rows)
    assert shown(Filters(job_id=first)) == {name for name in rows if name.startswith("1 ")}
    assert shown(Filters(user_id="u2")) == {"2 job", "2 reporter", "2 reporter run"}
    assert shown(Filters(agent="reporter")) == {
        "1 reporter",
        "1 reporter fallback",
        "1 reporter run",
        "2 reporter",
        "2 reporter run",
    }
    assert shown(Filters(agent="charter", user_id="u1")) == {"1 charter", "1 charter run"}
    assert shown(Filters(job_id=second, user_id="u1")) == set()


def test_a_row_committed_after_a_later_one_is_shown_once(conn: Connection, database_url: str) -> None:
    job = _job(conn, "u1")
    position = watch_feed.start(conn, 10)
    with psycopg.connect(libpq_url(database_url)) as slow:  # a transaction that stays open
        early_event = _event(slow, job, "step_started", step="reporter")
        early_decision = _decision(slow, job, "u1", "reporter")
        later_event = _event(conn, job, "step_started", step="charter")
        later_decision = _decision(conn, job, "u1", "charter")
        first, position = watch_feed.next_batch(conn, position, Filters())
        slow.commit()
    second, position = watch_feed.next_batch(conn, position, Filters())
    third, position = watch_feed.next_batch(conn, position, Filters())
    assert early_event < later_event  # the early rows sort before what the first batch read
    assert [item.id for item in first] == [later_event, later_decision]
    assert [item.id for item in second] == [early_event, early_decision]
    assert third == []
    assert early_decision in {key for key, _ in position.shown_decisions}


def test_a_backlog_is_read_in_pages_in_time_order_without_repeats(conn: Connection) -> None:
    job = _job(conn, "u1")
    # Eleven rows, a second apart, both tables interleaved; all inside the late window too.
    expected: list[Any] = [
        _decision(conn, job, "u1", "reporter", ago=20 - i)
        if i % 3 == 1
        else _event(conn, job, "step_progress", step="reporter", ago=20 - i)
        for i in range(11)
    ]
    position = watch_feed.start(conn, 10)
    batches: list[list[Item]] = []
    while not batches or not position.caught_up:
        items, position = watch_feed.next_batch(conn, position, Filters(), limit=3)
        batches.append(items)
    assert len(batches) >= 3
    assert [item.id for batch in batches for item in batch] == expected
    assert watch_feed.next_batch(conn, position, Filters(), limit=3)[0] == []


# --- the lines -----------------------------------------------------------------------------------

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
JOB = uuid.UUID("3f2a1b4c-0000-4000-8000-000000000000")


def _event_item(
    kind: str, step: str | None = None, message: str = "", data: dict[str, Any] | None = None
) -> JobEventItem:
    return JobEventItem(
        id=1,
        job_id=JOB,
        user_id="u1",
        attempt=1,
        kind=kind,
        step=step,
        message=message or kind,
        data=data,
        created_at=AT,
    )


def _decision_item(outcome: str, guardrails: tuple[Guardrail, ...] = ()) -> DecisionItem:
    return DecisionItem(
        id=uuid.uuid4(),
        job_id=JOB,
        user_id="u1",
        attempt=1,
        agent="tagger",
        subject="VTI",
        model="openai:gpt-x",
        outcome=outcome,
        tokens_in=1200,
        tokens_out=34,
        duration_ms=Decimal("2500.0"),
        guardrails=guardrails,
        created_at=AT,
    )


def test_a_line_shows_time_job_user_what_and_message() -> None:
    clock = AT.astimezone().strftime("%H:%M:%S")
    step = watch.format_item(
        _event_item("step_finished", "reporter", "reporter finished", {"duration_ms": 1234.5}), colour=False
    )
    assert step == [f"{clock}  3f2a1b4c  u1            step_finished reporter      reporter finished (1.2 s)"]
    run = watch.format_item(
        _decision_item("re_asked", (Guardrail("grounding", "re_asked", "a number not in the facts"),)),
        colour=False,
    )
    assert run == [
        f"{clock}  3f2a1b4c  u1            agent tagger [VTI]          "
        "re_asked  openai:gpt-x  1,200 in / 34 out tokens, 2.5 s",
        " " * 36 + "guardrail grounding re_asked: a number not in the facts",
    ]


def test_colours_mark_failures_red_retries_yellow_and_completions_green() -> None:
    def style(item: Item) -> list[str]:
        lines = watch.format_item(item, colour=True)
        assert all(line.endswith(watch.RESET) for line in lines)
        return [line[: line.index("m") + 1] for line in lines]

    assert style(_event_item("job_failed")) == [watch.RED]
    assert style(_event_item("step_failed", "analytics")) == [watch.RED]
    assert style(_event_item("job_retrying")) == [watch.YELLOW]
    assert style(_event_item("job_completed")) == [watch.GREEN]
    assert style(_event_item("step_started", "snapshot")) == [watch.DIM]
    assert style(_event_item("step_finished", "snapshot")) == [watch.CYAN]
    assert style(_decision_item("passed")) == [watch.GREEN]
    fell_back = _decision_item(
        "fell_back",
        (Guardrail("schema", "re_asked", "invalid JSON"), Guardrail("grounding", "fell_back", "ungrounded")),
    )
    assert style(fell_back) == [watch.RED, watch.YELLOW, watch.RED]
    assert "\x1b" not in "".join(watch.format_item(fell_back, colour=False))


def test_text_from_the_database_cannot_drive_the_terminal() -> None:
    hostile = _event_item("step_failed", "reporter", "boom\x1b[2J\x1b]0;pwned\x07\nnext line\u202eesrever")
    (line,) = watch.format_item(hostile, colour=False)
    assert not re.search(r"[\x00-\x1f\x7f\u202e]", line)
    assert line.endswith("boom [2J ]0;pwned next line esrever")


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert watch.colour_wanted(Terminal())
    assert not watch.colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not watch.colour_wanted(Terminal())
