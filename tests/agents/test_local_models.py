"""Alex on a small local model: the loopback server behaving like llama.cpp / llama-cpp-python.

One request at a time (a second one interrupts a stream), a context window that rejects longer
prompts, no token usage in streams, runaway generation, ``tool_choice`` ignored, a model that echoes
the schema. Each test is a finding from running Alex against a real 135M-parameter model; each
failed on the main branch before the fix.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.db import accounts, ai_decisions, positions
from alex.db.engine import Database
from alex.db.models import AiDecision, Job
from alex.deadlines import Deadline
from alex.market.prices import CataloguePrices
from alex.settings import Settings
from tests.support.jobs import demo_job, run_to_end
from tests.support.loopback_agents import MODEL, agent_of, json_answer, settings_for
from tests.support.openai_server import Hang, LocalServer, OpenAIServer, echo_schema, prose, runaway
from tests.support.portfolios import demo_facts

SMALL_MODEL = LocalServer(slots=1, interrupt_requests=True, context_window=8192, stream_usage=False)
"""llama-cpp-python's server with its defaults, an 8k context."""


@contextmanager
def local_server(behaviour: LocalServer = SMALL_MODEL) -> Iterator[OpenAIServer]:
    with OpenAIServer(model="test-model", local=behaviour) as server:
        yield server


async def _analyse(database: Database, settings: Settings, *, unknown: int = 0) -> Job:
    """The demo portfolio plus ``unknown`` symbols the catalogue has never seen, analysed to the end."""
    job_id = await demo_job(database)
    if unknown:
        async with database.session() as session:
            account = await accounts.create(session, user_id="u1", fields={"account_name": "Play money"})
            for n in range(unknown):
                await positions.upsert(
                    session,
                    account_id=account.id,
                    symbol=f"ZQ{chr(65 + n // 26)}{chr(65 + n % 26)}",
                    quantity=Decimal(1),
                    as_of_date=None,
                )
            await session.commit()
    workflow = AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings))
    try:
        return await run_to_end(database, workflow, job_id)
    finally:
        await workflow.aclose()


async def _audit(database: Database, job_id: uuid.UUID) -> list[AiDecision]:
    async with database.session() as session:
        return list(await ai_decisions.for_job(session, job_id=job_id))


def _checks(row: AiDecision) -> set[str]:
    return {g["check"] for g in row.guardrails if g["outcome"] == "fell_back"}


def _sections(job: Job) -> dict[str, Any]:
    assert job.summary_payload is not None
    agents: dict[str, Any] = job.summary_payload["agents"]
    return agents


async def test_twenty_unknown_symbols_against_a_model_that_never_answers_still_complete(
    database: Database, tmp_path: Path
) -> None:
    # Before: the tagger step's timeout failed the job, which was retried three times and
    # dead-lettered after six minutes. Now the model time is a budget the offline path fits in.
    with local_server(LocalServer()) as server:
        server.default = lambda request: Hang()
        settings = settings_for(server, tmp_path, job_model_seconds=2.0, model_timeout_seconds=30)
        job = await _analyse(database, settings, unknown=20)
    assert (job.status, job.attempts) == ("completed", 1)
    assert all(section["fallback"] for section in _sections(job).values())
    warnings = job.warnings or []
    assert any("and 15 more could not be classified by the model" in w for w in warnings)
    rows = await _audit(database, job.id)
    # Every run has its row: the one that waited, the ones skipped for lack of time, the writers.
    assert sorted(row.agent for row in rows).count("tagger") == 20
    assert {row.agent for row in rows} == {"tagger", "reporter", "charter", "retirement"}
    assert all(row.outcome == "fell_back" for row in rows)
    assert all(_checks(row) & {"deadline", "breaker", "cancelled"} for row in rows)
    assert len(server.chat_requests) <= 4  # one slot: nothing piles up behind a dead model


async def test_a_runaway_stream_is_closed_at_the_deadline_so_the_server_stops_generating(
    database: Database, tmp_path: Path
) -> None:
    # Before: unstreamed tagger calls left the server generating 6,612 tokens after Alex gave up,
    # starving every later call. A streamed request closed at its deadline frees the slot at once.
    behaviour = LocalServer(slots=1, seconds_per_token=0.002, stream_usage=False)
    with local_server(behaviour) as server:
        server.default = runaway("the classification is ")
        settings = settings_for(
            server,
            tmp_path,
            model="offline",
            model_tagger=MODEL,
            job_model_seconds=1.5,
            model_max_tokens_tagger=100_000,
        )
        job = await _analyse(database, settings, unknown=1)
        generations = await asyncio.to_thread(server.wait_for_generations, 1)
    assert job.status == "completed"
    assert generations[0].finish == "disconnected"
    assert generations[0].tokens < 100_000
    assert server.chat_requests[0].max_tokens is not None


async def test_writers_queue_for_a_one_slot_server_instead_of_interrupting_each_other(
    database: Database, tmp_path: Path
) -> None:
    # Before: three writers streamed at once; each new request cut the stream before it short
    # (llama-cpp-python's interrupt_requests), and six streams returned 0-38 characters.
    with local_server(LocalServer(slots=1, interrupt_requests=True, seconds_per_token=0.0002)) as server:
        server.default = json_answer
        job = await _analyse(database, settings_for(server, tmp_path, model_tagger="offline"))
        generations = server.generations
    assert job.status == "completed"
    assert {name: s["outcome"] for name, s in _sections(job).items()} == {
        "reporter": "passed",
        "charter": "passed",
        "retirement": "passed",
    }
    assert len(generations) == 3
    assert all(g.finish == "stop" and not g.waited_for_slot for g in generations)


async def test_the_reporter_prompt_is_trimmed_to_fit_an_8k_context(
    database: Database, tmp_path: Path
) -> None:
    # Before: the reporter's prompt was 8,600-9,000 tokens and could never run on an 8k model.
    with local_server() as server:
        server.default = json_answer
        job = await _analyse(database, settings_for(server, tmp_path, model_tagger="offline"))
        requests = server.chat_requests
    assert _sections(job)["reporter"]["outcome"] == "passed"
    assert all(r.prompt_tokens + (r.max_tokens or 0) <= 8192 for r in requests)
    assert all(g.finish != "rejected" for g in server.generations)
    reporter = next(r for r in await _audit(database, job.id) if r.agent == "reporter")
    trimmed = [g["detail"] for g in reporter.guardrails if g["check"] == "context"]
    assert trimmed
    assert trimmed[0].startswith("left out to fit: rebalancing")
    assert _sections(job)["reporter"]["flagged"] is False  # a trimmed prompt explains, it does not flag
    assert not any("shortened" in warning for warning in job.warnings or [])
    assert "omitted_to_fit" in next(r for r in requests if agent_of(r) == "reporter").raw_body.decode()


async def test_an_agent_that_cannot_fit_the_context_is_skipped_before_any_request(
    database: Database, tmp_path: Path
) -> None:
    # Before: the audit called it "no valid output after re-asking" with 0 requests.
    with local_server(LocalServer(context_window=2048)) as server:
        server.default = json_answer
        settings = settings_for(server, tmp_path, model_tagger="offline", model_context_windows={MODEL: 2048})
        job = await _analyse(database, settings)
    assert server.chat_requests == []
    rows = await _audit(database, job.id)
    assert {row.agent for row in rows} == {"reporter", "charter", "retirement"}
    for row in rows:
        assert (row.requests, _checks(row)) == (0, {"context"})
        assert "context window is 2,048 tokens" in (row.output_summary.get("fallback") or "")
    assert any("context window is too small" in w for w in job.warnings or [])


async def test_without_usage_from_the_server_tokens_are_estimated_and_the_budget_still_applies(
    database: Database, tmp_path: Path
) -> None:
    # Before: streams carried no usage, tokens read 0 and the per-job budget limited nothing.
    with local_server() as server:
        server.default = json_answer
        settings = settings_for(server, tmp_path, model_tagger="offline", job_token_budget=1000)
        job = await _analyse(database, settings)
    rows = {row.agent: row for row in await _audit(database, job.id)}
    asked = [row for row in rows.values() if row.requests > 0]
    assert len(asked) == 1  # the first writer spent the budget; the others were not sent
    assert asked[0].tokens_in > 1000
    assert any(g["check"] == "usage" and g["outcome"] == "estimated" for g in asked[0].guardrails)
    refused = [row for row in rows.values() if row.requests == 0]
    assert len(refused) == 2
    assert all(_checks(row) == {"budget"} for row in refused)


async def test_a_cancelled_run_still_writes_its_audit_row(database: Database, tmp_path: Path) -> None:
    # Before: runs cancelled by a timeout left no audit row (12 of 24 missing in one job).
    job_id = await demo_job(database)
    with local_server(LocalServer()) as server:
        server.default = lambda request: Hang()
        settings = settings_for(server, tmp_path)
        team = Team(settings)
        bound = team.for_job(
            database=database, job_id=job_id, user_id="u1", attempt=1, known_tickers=frozenset()
        )
        writing = asyncio.create_task(bound.write("reporter", demo_facts(), deadline=Deadline.after(60)))
        await asyncio.to_thread(server.wait_for_requests, 1)
        writing.cancel()
        await asyncio.wait([writing])
        assert writing.cancelled()
        await team.aclose()
    (row,) = await _audit(database, job_id)
    assert (row.agent, row.outcome) == ("reporter", "fell_back")
    assert _checks(row) == {"cancelled"}


async def test_local_servers_are_asked_for_native_json_schema_output(
    database: Database, tmp_path: Path
) -> None:
    # Before: tool output mode relied on tool_choice="required", which the server ignored, so the
    # model answered prose. Local servers now get the schema as response_format, which they enforce.
    with local_server() as server:
        server.default = json_answer
        job = await _analyse(database, settings_for(server, tmp_path, model_tagger="offline"))
        requests = server.chat_requests
    assert all(s["outcome"] == "passed" for s in _sections(job).values())
    for request in requests:
        assert request.response_format is not None
        assert request.response_format["type"] == "json_schema"
        assert request.tools == []


async def test_a_server_that_ignores_tool_choice_fails_tool_mode_and_the_user_reads_why_plainly(
    database: Database, tmp_path: Path
) -> None:
    with local_server() as server:
        server.default = prose("Your portfolio is fine. Buy more index funds!")
        settings = settings_for(server, tmp_path, model_tagger="offline", model_output_mode="tool")
        job = await _analyse(database, settings)
        requests = server.chat_requests
    assert requests[0].tool_choice == "required"
    assert all(s["fallback"] for s in _sections(job).values())
    warnings = " ".join(job.warnings or [])
    assert "written by Alex's offline writer instead" in warnings
    assert "Exceeded maximum" not in warnings  # the technical reason stays in the audit row


async def test_a_model_that_echoes_the_schema_never_reaches_the_user(
    database: Database, tmp_path: Path
) -> None:
    with local_server() as server:
        server.default = echo_schema
        job = await _analyse(database, settings_for(server, tmp_path, model_tagger="offline"))
    sections = _sections(job)
    assert all(s["fallback"] for s in sections.values())
    assert job.report_payload is not None
    assert "## Executive Summary" in job.report_payload["content"]  # the offline writer's report
    # The breaker stopped asking after two failed runs: the third section cost no request at all.
    rows = await _audit(database, job.id)
    assert sorted(_checks(row).pop() for row in rows) == ["breaker", "schema", "schema"]
