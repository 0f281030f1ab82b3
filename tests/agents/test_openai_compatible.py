"""The real HTTP path: ALEX_MODEL=openai-compatible:<model> against a loopback server.

The server (tests/support/openai_server.py) speaks the OpenAI chat-completions protocol on
127.0.0.1 and is scripted per test: tool calls, prompted JSON, 429s, 500s, a hang past the
timeout, 400s, and streamed answers. Nothing is mocked between Alex and the socket.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.db import accounts, ai_decisions, job_events, positions
from alex.db.engine import Database
from alex.db.models import AiDecision, Job
from alex.domain.charts.validation import validate_charts
from alex.market.prices import CataloguePrices
from alex.settings import Settings
from tests.support import scripted
from tests.support.jobs import demo_job, run_to_end
from tests.support.loopback_agents import MODEL, agent_of, facts_of, good_payload, settings_for
from tests.support.openai_server import Chat, Hang, OpenAIServer, RecordedRequest, Reply, Status, ToolCall

KEY = "sk-loopback-test"


def prompted(request: RecordedRequest) -> Reply:
    """A model asked for JSON (natively or in the prompt): the answer as plain content, with usage."""
    return Chat(
        content=json.dumps(good_payload(agent_of(request), request)), prompt_tokens=400, completion_tokens=90
    )


def with_tools(request: RecordedRequest) -> Reply:
    """A tool-calling model: the reporter first looks a holding up, then answers via the output tool."""
    agent = agent_of(request)
    tools = [t["function"]["name"] for t in request.body.get("tools", [])]
    output_tool = next(name for name in tools if name.startswith("final_"))
    already_looked = any(m.get("role") == "tool" for m in request.body["messages"])
    if agent == "reporter" and not already_looked:
        return Chat(
            tool_calls=[ToolCall("holding", {"symbol": "VTI"})], prompt_tokens=300, completion_tokens=20
        )
    return Chat(
        tool_calls=[ToolCall(output_tool, good_payload(agent, request))],
        prompt_tokens=400,
        completion_tokens=90,
    )


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(model="test-model", api_key=KEY) as running:
        yield running


def _settings(tmp_path: Path, server: OpenAIServer, **changes: Any) -> Settings:
    """The loopback worker's settings, with the server's key; whole answers unless a test streams."""
    return settings_for(server, tmp_path, model_api_key=KEY, **{"model_stream": False, **changes})


async def _analyse(database: Database, settings: Settings) -> Job:
    job_id = await demo_job(database)
    planner = AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings))
    return await run_to_end(database, planner, job_id)


async def _audit(database: Database, job_id: uuid.UUID) -> dict[str, AiDecision]:
    async with database.session() as session:
        return {row.agent: row for row in await ai_decisions.for_job(session, job_id=job_id)}


async def test_a_full_analysis_runs_through_an_openai_compatible_server(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = prompted
    job = await _analyse(database, _settings(tmp_path, server))
    assert job.status == "completed"
    for payload in (job.report_payload, job.retirement_payload):
        assert payload is not None
        assert payload["generated_by"] == MODEL
        assert "fallback" not in payload
    assert job.charts_payload is not None
    assert len(job.charts_payload) == 2
    requests = server.chat_requests
    assert {agent_of(r) for r in requests} == {"reporter", "charter", "retirement"}
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in requests)
    # Native JSON output: the schema goes as response_format, no tools.
    assert all(r.body["model"] == "test-model" and "tools" not in r.body for r in requests)
    audit = await _audit(database, job.id)
    for row in audit.values():
        assert (row.outcome, row.model, row.requests) == ("passed", MODEL, 1)
        assert (row.tokens_in, row.tokens_out) == (400, 90)  # what the server reported
        assert row.estimated_cost is None  # a local model has no price


async def test_every_request_bounds_what_the_answer_may_generate(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    # A weak model that rambles must stop at the bound: the server is told it, in the field local
    # servers read (`max_tokens`), on every request of every agent.
    server.default = prompted
    settings = _settings(tmp_path, server, model_max_tokens_reporter=1234, model_max_tokens_charter=567)
    job = await _analyse(database, settings)
    assert job.status == "completed"
    bounds = {agent_of(r): r.body.get("max_tokens") for r in server.chat_requests}
    assert bounds == {"reporter": 1234, "charter": 567, "retirement": settings.model_max_tokens_retirement}
    assert all("max_completion_tokens" not in r.body for r in server.chat_requests)


async def test_tool_calls_and_usage_are_accounted_over_several_requests(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = with_tools
    job = await _analyse(database, _settings(tmp_path, server, model_output_mode="tool"))
    assert job.status == "completed"
    assert job.report_payload is not None
    assert job.report_payload["generated_by"] == MODEL
    reporter_requests = [r for r in server.chat_requests if agent_of(r) == "reporter"]
    assert len(reporter_requests) == 2
    tool_result = next(m for m in reporter_requests[1].body["messages"] if m.get("role") == "tool")
    assert '"symbol":"VTI"' in tool_result["content"].replace(" ", "")
    assert "accounts" in tool_result["content"]
    row = (await _audit(database, job.id))["reporter"]
    assert (row.requests, row.tokens_in, row.tokens_out) == (2, 700, 110)


def _only_reporter(tmp_path: Path, server: OpenAIServer, **changes: Any) -> Settings:
    return _settings(tmp_path, server, model="offline", model_reporter=MODEL, **changes)


async def test_429_twice_then_success_is_retried_by_one_layer(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = prompted
    server.enqueue(Status(429, headers={"retry-after-ms": "1"}), Status(429, headers={"retry-after-ms": "1"}))
    job = await _analyse(database, _only_reporter(tmp_path, server))
    assert job.report_payload is not None
    assert job.report_payload["generated_by"] == MODEL
    requests = server.chat_requests
    assert len(requests) == 3
    # One retry layer: the SDK's own retries are off, so every attempt is a fresh first try.
    assert {r.headers.get("x-stainless-retry-count", "0") for r in requests} == {"0"}
    row = (await _audit(database, job.id))["reporter"]
    assert row.outcome == "passed"
    assert any(g["check"] == "transport" and "3 calls" in g["detail"] for g in row.guardrails)


async def test_a_server_error_that_persists_falls_back_after_the_retries(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = lambda request: Status(500)
    job = await _analyse(database, _only_reporter(tmp_path, server, model_max_retries=2))
    assert job.status == "completed"
    assert job.report_payload is not None
    assert job.report_payload["fallback"] is True
    assert len(server.chat_requests) == 3
    row = (await _audit(database, job.id))["reporter"]
    assert row.outcome == "fell_back"
    assert any(g["check"] == "transport" and g["outcome"] == "fell_back" for g in row.guardrails)


async def test_a_rejected_request_is_not_retried(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = lambda request: Status(400)
    job = await _analyse(database, _only_reporter(tmp_path, server, model_max_retries=3))
    assert job.report_payload is not None
    assert job.report_payload["fallback"] is True
    assert len(server.chat_requests) == 1


async def test_a_hanging_server_times_out_and_falls_back(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = lambda request: Hang()
    settings = _only_reporter(tmp_path, server, model_timeout_seconds=0.3, model_max_retries=1)
    job = await _analyse(database, settings)
    assert job.status == "completed"
    assert job.report_payload is not None
    assert job.report_payload["fallback"] is True
    assert len(server.chat_requests) == 2
    row = (await _audit(database, job.id))["reporter"]
    assert "could not be reached" in (row.output_summary.get("fallback") or "")


async def test_streamed_answers_report_progress_and_count_usage(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    def long_prompted(request: RecordedRequest) -> Reply:
        payload = scripted.report_payload(facts_of(request), words=900)
        return Chat(content=json.dumps(payload), prompt_tokens=500, completion_tokens=1200)

    server.default = long_prompted
    job = await _analyse(database, _only_reporter(tmp_path, server, model_stream=True))
    assert job.report_payload is not None
    assert job.report_payload["generated_by"] == MODEL
    request = server.chat_requests[0]
    assert request.body["stream"] is True
    row = (await _audit(database, job.id))["reporter"]
    assert (row.tokens_in, row.tokens_out) == (500, 1200)
    progress = [
        e for e in await job_events.since(database, job_id=job.id, after_id=0) if e.kind == "step_progress"
    ]
    assert progress
    assert progress[0].step == "reporter"
    assert "characters written" in progress[0].message


async def test_with_a_bad_model_every_section_still_ends_valid_and_flagged(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = lambda request: Chat(content="Sure! Your portfolio looks great, buy more XLE.")
    job_id = await demo_job(database)
    async with database.session() as session:  # and an instrument for the tagger to fail on
        account = await accounts.create(session, user_id="u1", fields={"account_name": "Play money"})
        await positions.upsert(
            session, account_id=account.id, symbol="ZZQW", quantity=Decimal(1), as_of_date=None
        )
        await session.commit()
    settings = _settings(tmp_path, server)
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        job_id,
    )
    assert job.status == "completed"
    assert job.report_payload is not None
    assert job.report_payload["fallback"] is True
    assert job.retirement_payload is not None
    assert job.retirement_payload["fallback"] is True
    assert job.charts_payload is not None
    validate_charts(job.charts_payload)
    assert job.summary_payload is not None
    agents = job.summary_payload["agents"]
    assert {name: (a["fallback"], a["flagged"]) for name, a in agents.items()} == {
        "reporter": (True, True),
        "charter": (True, True),
        "retirement": (True, True),
    }
    async with database.session() as session:
        rows = await ai_decisions.for_job(session, job_id=job.id)
    assert {(row.agent, row.outcome) for row in rows} == {
        ("tagger", "fell_back"),
        ("reporter", "fell_back"),
        ("charter", "fell_back"),
        ("retirement", "fell_back"),
    }
    # Two runs failed in a row (the tagger's, then the first writer's): the breaker kept the model
    # from the last two sections, which went straight to the offline writers.
    asked = settings.model_output_retries + 1
    assert sorted(row.requests for row in rows) == [0, 0, asked, asked]
    for row in rows:
        if row.requests == 0:
            assert {g["check"] for g in row.guardrails if g["outcome"] == "fell_back"} == {"breaker"}
    assert any("ZZQW could not be classified" in w for w in job.warnings or [])
    assert any("failed repeatedly earlier in this analysis" in w for w in job.warnings or [])


async def test_a_stream_that_never_opens_times_out_is_retried_and_falls_back(
    database: Database, server: OpenAIServer, tmp_path: Path
) -> None:
    server.default = lambda request: Hang()
    settings = _only_reporter(
        tmp_path, server, model_stream=True, model_timeout_seconds=0.3, model_max_retries=1
    )
    job = await _analyse(database, settings)
    assert job.report_payload is not None
    assert job.report_payload["fallback"] is True
    assert [r.body["stream"] for r in server.chat_requests] == [True, True]
    row = (await _audit(database, job.id))["reporter"]
    assert "could not be reached after 2 attempts" in (row.output_summary.get("fallback") or "")
