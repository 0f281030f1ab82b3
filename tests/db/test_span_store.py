"""The built-in trace view's store: a job's spans kept (content-free), others not, old ones deleted."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import psycopg
from opentelemetry.sdk.trace import TracerProvider

from alex.db import job_spans
from alex.db.engine import Database, libpq_url
from alex.db.job_spans import NewSpan
from alex.db.span_store import JobSpanStore, kept_attributes
from tests.support.jobs import demo_job


def test_only_content_free_attributes_are_kept() -> None:
    kept = kept_attributes(
        {
            "gen_ai.request.model": "gpt",
            "gen_ai.usage.input_tokens": 12,
            "gen_ai.input.messages": '[{"content": "my portfolio"}]',
            "gen_ai.system_instructions": "You are...",
            "logfire.msg": "chat gpt",
            "http.route": "/api/analyze",
            "alex.job_id": "j",
            "gen_ai.response.finish_reasons": ("stop",),
        }
    )
    assert kept == {
        "gen_ai.request.model": "gpt",
        "gen_ai.usage.input_tokens": 12,
        "http.route": "/api/analyze",
        "alex.job_id": "j",
        "gen_ai.response.finish_reasons": ["stop"],
    }


async def test_the_store_keeps_a_jobs_spans_and_nothing_else(database: Database, database_url: str) -> None:
    job_id = await demo_job(database)
    store = JobSpanStore()
    provider = TracerProvider()
    provider.add_span_processor(store)
    store.attach(database_url, retention_days=14)
    tracer = provider.get_tracer("test")
    try:
        with (
            tracer.start_as_current_span("job portfolio_analysis", attributes={"alex.job_id": str(job_id)}),
            tracer.start_as_current_span("step analytics") as step,
        ):
            step.add_event(
                "guardrail", {"alex.guardrail.check": "schema", "alex.guardrail.outcome": "re_asked"}
            )
        with tracer.start_as_current_span("GET /health"):
            pass  # another trace, of no job: not kept
        assert store.force_flush()
    finally:
        store.detach()
    async with database.session() as session:
        rows = await job_spans.for_job(session, job_id=job_id)
    assert [row.name for row in rows] == ["job portfolio_analysis", "step analytics"]
    job, step_row = rows
    assert step_row.parent_span_id == job.span_id
    assert job.parent_span_id is None
    assert step_row.trace_id == job.trace_id
    assert step_row.events[0]["attributes"] == {
        "alex.guardrail.check": "schema",
        "alex.guardrail.outcome": "re_asked",
    }
    assert job.kind == "internal"
    assert job.ended_at >= step_row.ended_at


async def test_retention_deletes_old_spans(database: Database, database_url: str) -> None:
    job_id = await demo_job(database)
    now = datetime.now(UTC)

    def span(age_days: int) -> NewSpan:
        return NewSpan(
            job_id=job_id,
            trace_id="a" * 32,
            span_id=f"{age_days:016x}",
            parent_span_id=None,
            name=f"aged {age_days}",
            kind="internal",
            status="ok",
            started_at=now - timedelta(days=age_days),
            ended_at=now - timedelta(days=age_days),
            attributes={},
            events=[],
        )

    with psycopg.connect(libpq_url(database_url)) as connection:
        job_spans.insert_batch(connection, [span(30), span(1)])
        # A span of a job deleted meanwhile is skipped, not an error for the batch.
        job_spans.insert_batch(connection, [replace(span(2), job_id=uuid.uuid4())])
        assert job_spans.delete_older_than(connection, days=14) == 1
    async with database.session() as session:
        assert [row.name for row in await job_spans.for_job(session, job_id=job_id)] == ["aged 1"]
