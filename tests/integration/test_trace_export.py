"""Traces as an operator gets them: real `alex serve --no-worker` and `alex worker` processes
exporting over OTLP/HTTP to a receiver on 127.0.0.1, a loopback model, a real PostgreSQL.

One analysis is one trace across both processes; a worker's spans are flushed when it is told to
stop (SIGTERM), and a collector that hangs or is gone does not hold up or fail a job.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.integration.processes import (
    ALEX,
    AlexProcess,
    alex_env,
    dsn,
    enqueue_demo_jobs,
    start_worker,
    wait_until,
)
from tests.support.otlp_receiver import OtlpReceiver, ReceivedSpan
from tests.support.slow_model import SlowModel

JOB_SECONDS = 120.0
KIND_SERVER, KIND_CONSUMER = 2, 5  # OTLP's SpanKind numbers


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as running:
        yield running


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _exporting(receiver: OtlpReceiver, *, delay_ms: int = 100) -> dict[str, str]:
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": str(delay_ms)}


def _job_status(database_url: str, job_id: uuid.UUID) -> str | None:
    with psycopg.connect(dsn(database_url)) as connection:
        row = connection.execute("SELECT status FROM jobs WHERE id = %s", (job_id,)).fetchone()
    return None if row is None else str(row[0])


def _finished_status(database_url: str, job_id: uuid.UUID) -> str | None:
    status = _job_status(database_url, job_id)
    return status if status in {"completed", "failed"} else None


def _wait_finished(database_url: str, job_id: uuid.UUID, *processes: AlexProcess) -> str:
    return wait_until(
        lambda: _finished_status(database_url, job_id),
        timeout=JOB_SECONDS,
        what=f"job {job_id} to finish",
        details=lambda: "\n".join(process.transcript() for process in processes),
    )


def _stop(process: AlexProcess) -> int:
    process.process.send_signal(signal.SIGTERM)
    return process.process.wait(timeout=60)


def _named(spans: list[ReceivedSpan], prefix: str) -> list[ReceivedSpan]:
    return [span for span in spans if span.name.startswith(prefix)]


def test_one_analysis_is_one_trace_across_the_api_and_the_worker(
    tmp_path: Path, database_url: str, receiver: OtlpReceiver, model: SlowModel
) -> None:
    data_dir = tmp_path / "alex"
    port = _free_port()
    env = alex_env(data_dir, database_url, **_exporting(receiver))
    api = AlexProcess(["serve", "--no-worker", "--port", str(port)], env, label="alex serve")
    worker = None
    try:
        api.wait_for("Application startup complete")
        worker = start_worker(
            data_dir,
            database_url,
            concurrency=1,
            label="alex worker",
            **model.settings(0),
            ALEX_MODEL_STREAM="false",
            **_exporting(receiver),
        )
        minted = subprocess.run(
            [*ALEX, "token", "--user", "u1"], env=env, capture_output=True, text=True, check=True
        )
        headers = {"Authorization": f"Bearer {minted.stdout.strip().splitlines()[-1]}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
            assert client.get("/health").status_code == 200  # a probe: not traced
            assert client.post("/api/populate-test-data").status_code == 200
            job_id = uuid.UUID(client.post("/api/analyze").json()["job_id"])
        assert _wait_finished(database_url, job_id, api, worker) == "completed"
        assert _stop(worker) == 0
        # uvicorn shuts down gracefully, then re-raises the signal: a clean stop by SIGTERM.
        assert _stop(api) == -signal.SIGTERM
    finally:
        for process in (worker, api):
            if process is not None:
                process.close()

    spans = receiver.spans
    (root,) = [span for span in spans if span.name == "POST /api/analyze"]
    assert root.kind == KIND_SERVER
    assert root.parent_span_id is None
    assert root.attributes["http.route"] == "/api/analyze"
    assert root.attributes["http.response.status_code"] == 202
    assert root.attributes["session.id"] == str(job_id)
    assert root.attributes["langfuse.trace.name"] == "portfolio analysis"
    assert root.attributes["user.id"] not in {"u1", ""}  # a pseudonym, never the id itself
    trace_id = root.trace_id
    names = {span.name for span in spans}
    assert "POST /api/populate-test-data" in names
    assert not any("/health" in name for name in names)

    # Everything the worker did belongs to that trace; the two processes are told apart by resource.
    from_worker = [span for span in spans if span.resource["alex.process.role"] == "worker"]
    assert from_worker
    assert {span.trace_id for span in from_worker} == {trace_id}
    assert root.resource["alex.process.role"] == "api"
    assert root.resource["service.instance.id"] != from_worker[0].resource["service.instance.id"]

    (job,) = _named(spans, "job portfolio_analysis")
    assert job.kind == KIND_CONSUMER
    assert job.parent_span_id == root.span_id
    assert job.attributes["alex.job_id"] == str(job_id)
    steps = {span.name: span for span in _named(from_worker, "step ")}
    assert {"step snapshot", "step tagger", "step prices", "step analytics", "step summary"} <= set(steps)
    assert {"step reporter", "step charter", "step retirement"} <= set(steps)
    assert all(span.parent_span_id == job.span_id for span in steps.values() if "_fallback" not in span.name)

    by_id = {span.span_id: span for span in from_worker}
    agents = _named(from_worker, "agent ")
    assert {span.attributes["gen_ai.agent.name"] for span in agents} == {"reporter", "charter", "retirement"}
    for agent in agents:
        assert agent.parent_span_id is not None
        assert by_id[agent.parent_span_id].name == f"step {agent.attributes['gen_ai.agent.name']}"
        # The loopback model answers in prose, which fails the checks: a fallback, as an event (after
        # two of them, the breaker spares the model the third section).
        assert agent.attributes["alex.outcome"] == "fell_back"
        verdicts = [attributes for name, attributes in agent.events if name == "guardrail"]
        (fell_back,) = [verdict for verdict in verdicts if verdict["alex.guardrail.outcome"] == "fell_back"]
        assert fell_back["alex.guardrail.check"] in {"schema", "breaker"}
    checks = [
        attributes["alex.guardrail.check"]
        for span in agents
        for _, attributes in span.events
        if attributes["alex.guardrail.outcome"] == "fell_back"
    ]
    assert sorted(checks) == ["breaker", "schema", "schema"]
    invocations = _named(from_worker, "invoke_agent ")
    assert invocations
    assert all(by_id[str(span.parent_span_id)].name.startswith("agent ") for span in invocations)
    chats = _named(from_worker, "chat ")
    assert chats
    for chat in chats:
        assert by_id[str(chat.parent_span_id)].name.startswith("invoke_agent ")
        assert chat.attributes["gen_ai.request.model"] == "slow-0"
        assert chat.attributes["gen_ai.response.model"]
        assert chat.attributes["gen_ai.provider.name"] == "openai"
        assert chat.attributes["gen_ai.usage.input_tokens"] > 0
        assert chat.attributes["gen_ai.usage.output_tokens"] > 0
        assert chat.attributes["gen_ai.response.finish_reasons"] == ["stop"]

    # No prompt or answer text in any span, by default.
    text = json.dumps([span.attributes for span in spans] + [span.events for span in spans], default=str)
    assert "weather" not in text  # the model's answer
    # The messages' shape is there (roles, part types, finish reasons), their text is not.
    for chat in chats:
        for key in ("gen_ai.input.messages", "gen_ai.output.messages"):
            parts = [part for message in json.loads(chat.attributes[key]) for part in message["parts"]]
            assert parts
            assert all(set(part) == {"type"} for part in parts)
    assert "VTI" not in text  # a holding of the demo portfolio

    # The built-in trace view kept both processes' spans of the job.
    with psycopg.connect(dsn(database_url)) as connection:
        kept = {
            str(row[0])
            for row in connection.execute("SELECT name FROM job_spans WHERE job_id = %s", (job_id,))
        }
    assert {"POST /api/analyze", "job portfolio_analysis", "step analytics", "agent reporter"} <= kept

    # Log lines written inside the job name its trace.
    lines = [json.loads(line) for line in worker.output if line.startswith("{")]
    completed = next(line for line in lines if line.get("event") == "job completed")
    assert completed["trace_id"] == trace_id
    assert completed["span_id"] == job.span_id


def test_sigterm_flushes_a_workers_spans(tmp_path: Path, database_url: str, receiver: OtlpReceiver) -> None:
    # Spans would wait ten minutes for their batch: only the shutdown's flush can send them.
    worker = start_worker(
        tmp_path / "alex",
        database_url,
        concurrency=1,
        label="alex worker",
        **_exporting(receiver, delay_ms=600_000),
    )
    try:
        (job_id,) = enqueue_demo_jobs(database_url, users_and_counts=[("u1", 1)])
        assert _wait_finished(database_url, job_id, worker) == "completed"
        assert receiver.requests == []
        assert _stop(worker) == 0
    finally:
        worker.close()
    names = {span.name for span in receiver.spans}
    assert {"job portfolio_analysis", "step analytics", "step summary"} <= names


def test_a_hanging_collector_does_not_hold_up_the_job(
    tmp_path: Path, database_url: str, receiver: OtlpReceiver
) -> None:
    receiver.hold()  # takes each export and never answers, until released
    worker = start_worker(
        tmp_path / "alex",
        database_url,
        concurrency=1,
        label="alex worker",
        **_exporting(receiver, delay_ms=10),
        ALEX_OTLP_TIMEOUT_SECONDS="60",
    )
    try:
        (first,) = enqueue_demo_jobs(database_url, users_and_counts=[("u1", 1)])
        # An export of the first job's spans is now stuck in the collector...
        receiver.wait_until(lambda r: r.arrivals >= 1, timeout=JOB_SECONDS, what="export attempt")
        (second,) = enqueue_demo_jobs(database_url, users_and_counts=[("u2", 1)])
        # ...and both jobs finish all the same, while it still is.
        assert _wait_finished(database_url, first, worker) == "completed"
        assert _wait_finished(database_url, second, worker) == "completed"
        assert receiver.requests == []
        receiver.release()
        assert _stop(worker) == 0
    finally:
        receiver.release()
        worker.close()


def test_an_unreachable_collector_is_a_warning_not_a_failure(tmp_path: Path, database_url: str) -> None:
    closed = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    worker = start_worker(
        tmp_path / "alex",
        database_url,
        concurrency=1,
        label="alex worker",
        OTEL_EXPORTER_OTLP_ENDPOINT=closed,
        OTEL_BSP_SCHEDULE_DELAY="10",
        ALEX_OTLP_TIMEOUT_SECONDS="1",
    )
    try:
        (job_id,) = enqueue_demo_jobs(database_url, users_and_counts=[("u1", 1)])
        assert _wait_finished(database_url, job_id, worker) == "completed"
        line = json.loads(worker.wait_for("trace export failed"))
        assert line["level"] == "warning"
        assert line["endpoint"] == f"{closed}/v1/traces"
        assert _stop(worker) == 0
    finally:
        worker.close()
    with psycopg.connect(dsn(database_url)) as connection:
        row = connection.execute("SELECT warnings FROM jobs WHERE id = %s", (job_id,)).fetchone()
    assert row is not None
    assert not any("trace" in str(warning) for warning in row[0] or [])
