"""Spans for every agent run and model call, and the reporter's tool bound to the job's user."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo

from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.db import accounts, ai_decisions, positions
from alex.db.engine import Database
from alex.market.prices import CataloguePrices
from alex.settings import Settings
from tests.support import scripted
from tests.support.jobs import demo_job, run_to_end
from tests.support.spans import captured


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        retirement_paths=200,
        job_retry_base_seconds=0,
        model_stream=False,
        model_retry_base_seconds=0,
    )


@pytest.fixture
def spans(settings: Settings) -> Iterator[InMemorySpanExporter]:
    with captured(settings) as exporter:
        yield exporter


def _by_name(finished: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [span for span in finished if span.name.startswith(prefix)]


async def test_every_agent_run_and_model_call_is_a_span(
    database: Database, settings: Settings, spans: InMemorySpanExporter
) -> None:
    job_id = await demo_job(database)
    team = Team(settings, models=scripted.team_models())
    job = await run_to_end(
        database, AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=team), job_id
    )
    assert job.status == "completed"
    finished = spans.get_finished_spans()
    ours = {
        str(span.attributes["gen_ai.agent.name"]): span
        for span in _by_name(finished, "agent ")
        if span.attributes
    }
    assert set(ours) == {"reporter", "charter", "retirement"}
    calls = [s for s in finished if s.attributes and s.attributes.get("gen_ai.operation.name") == "chat"]
    assert len(calls) >= 3
    for call in calls:
        assert call.attributes is not None
        assert str(call.attributes["gen_ai.request.model"]).startswith("scripted-")
        assert int(str(call.attributes["gen_ai.usage.input_tokens"])) > 0
        # Prompts hold people's portfolios: span content is off by default.
        assert not any("portfolio_facts" in str(value) for value in call.attributes.values())
    # Model calls nest inside their agent's span, and the audit row names the trace.
    async with database.session() as session:
        rows = {row.agent: row for row in await ai_decisions.for_job(session, job_id=job.id)}
    for name, span in ours.items():
        assert span.context is not None
        assert rows[name].trace_id == f"{span.context.trace_id:032x}"
        assert any(c.context is not None and c.context.trace_id == span.context.trace_id for c in calls)


async def test_the_reporters_tool_sees_only_the_jobs_user(database: Database, settings: Settings) -> None:
    job_id = await demo_job(database)  # u1's demo portfolio has no XLE
    async with database.session() as session:
        theirs = await accounts.create(session, user_id="u2", fields={"account_name": "Other person"})
        await positions.upsert(
            session, account_id=theirs.id, symbol="XLE", quantity=Decimal(50), as_of_date=None
        )
        await session.commit()
    answers: list[dict[str, object]] = []

    def curious(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = [
            part
            for message in messages
            if isinstance(message, ModelRequest)
            for part in message.parts
            if isinstance(part, ToolReturnPart) and part.tool_name == "holding"
        ]
        if len(returns) < 2:
            symbol = "XLE" if not returns else "VTI"
            return ModelResponse(
                parts=[ToolCallPart(tool_name="holding", args=json.dumps({"symbol": symbol}))]
            )
        answers.extend(dict(part.content) for part in returns if isinstance(part.content, dict))
        return scripted.good_reporter(messages, info)

    team = Team(settings, models=scripted.team_models(reporter=curious))
    job = await run_to_end(
        database, AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=team), job_id
    )
    assert job.status == "completed"
    assert answers[0] == {"symbol": "XLE", "held": False, "note": "the person does not hold this symbol"}
    assert answers[1]["symbol"] == "VTI"
    assert "Other person" not in json.dumps(answers)
