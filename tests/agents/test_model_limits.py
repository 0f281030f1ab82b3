"""The limits every model run works within: context budgets, output modes, the breaker, estimated tokens,
deadlines. Pure parts, tested without a model; the loopback tests show them end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.usage import RunUsage

from alex.agents import briefs
from alex.agents.breaker import Breaker
from alex.agents.budget import estimated_usage
from alex.agents.context import LOCAL_WINDOW, OMITTED_KEY, Fitted, TooLarge, context_window, fit
from alex.agents.llm import output_mode
from alex.agents.team import TRIM_ORDER
from alex.deadlines import Deadline
from alex.settings import Settings
from tests.support.portfolios import demo_facts


def _render(payload: Any) -> str:
    return json.dumps(payload)


def test_a_prompt_that_fits_is_sent_whole_with_the_configured_bound() -> None:
    fitted = fit(
        agent="charter", payload={"a": 1}, render=_render, fixed_chars=100, window=8192, max_tokens=500
    )
    assert isinstance(fitted, Fitted)
    assert (fitted.prompt, fitted.max_tokens, fitted.omitted) == ('{"a": 1}', 500, ())


def test_the_answer_bound_shrinks_to_what_the_window_leaves() -> None:
    fitted = fit(
        agent="charter", payload={"a": 1}, render=_render, fixed_chars=0, window=1000, max_tokens=4000
    )
    assert isinstance(fitted, Fitted)
    assert fitted.max_tokens == 1000 - fitted.prompt_tokens
    assert fitted.max_tokens >= 400  # the charter's shortest useful answer


def test_entries_are_dropped_whole_in_priority_order_and_named_in_the_prompt() -> None:
    payload = {"keep": "k" * 100, "details": {"table": "t" * 4000, "note": "n"}, "extra": "e" * 4000}
    fitted = fit(
        agent="charter",
        payload=payload,
        render=_render,
        fixed_chars=0,
        window=1800,
        max_tokens=400,
        drop=("details.table", "extra", "keep"),
    )
    assert isinstance(fitted, Fitted)
    assert fitted.omitted == ("details.table", "extra")
    sent = json.loads(fitted.prompt)
    assert sent == {"keep": "k" * 100, "details": {"note": "n"}, OMITTED_KEY: ["details.table", "extra"]}


def test_an_agent_whose_smallest_prompt_cannot_fit_is_refused_with_the_figures() -> None:
    fitted = fit(
        agent="reporter",
        payload={"a": "x" * 4000},
        render=_render,
        fixed_chars=0,
        window=2048,
        max_tokens=8000,
    )
    assert isinstance(fitted, TooLarge)
    assert "context window is 2,048 tokens" in fitted.reason
    assert fitted.reason.startswith("the reporter needs about ")


def test_the_demo_reporter_prompt_fits_an_8k_window_by_dropping_details_only() -> None:
    facts = demo_facts()
    fitted = fit(
        agent="reporter",
        payload=briefs.portfolio_facts(facts),
        render=_render,
        fixed_chars=3000,
        window=8192,
        max_tokens=8000,
        drop=TRIM_ORDER["reporter"],
    )
    assert isinstance(fitted, Fitted)
    assert fitted.omitted  # the whole facts do not fit 8k
    assert fitted.omitted[0] == "rebalancing"  # details the report's own sections show anyway go first
    sent = json.loads(fitted.prompt)
    assert {"total_value", "allocations", "accounts"} <= set(sent)


def test_context_windows_come_from_settings_then_the_table_then_a_default_by_kind() -> None:
    settings = Settings(model_context_windows={"openai-compatible:mine": 16_384})
    assert context_window(settings, "openai-compatible:mine") == 16_384
    assert context_window(settings, "openai-compatible:smollm2-135m-instruct") == 8192
    assert context_window(settings, "openai-compatible:qwen2.5:7b") == 32_768
    assert context_window(settings, "openai-compatible:unknown") == LOCAL_WINDOW
    assert context_window(settings, "anthropic:claude-sonnet-4-5") == 200_000


def test_output_mode_is_native_for_local_servers_tool_for_hosted_and_settable_per_model() -> None:
    settings = Settings(model_output_modes={"openai-compatible:tiny": "prompted"})
    assert output_mode(settings, "openai-compatible:llama3.2") == "native"
    assert output_mode(settings, "openai:gpt-5-mini") == "tool"
    assert output_mode(settings, "openai-compatible:tiny") == "prompted"
    assert output_mode(Settings(model_output_mode="tool"), "openai-compatible:llama3.2") == "tool"


def test_the_breaker_opens_after_consecutive_failures_and_a_pass_resets_it() -> None:
    breaker = Breaker(threshold=2)
    breaker.record("m", passed=False)
    breaker.record("m", passed=True)
    breaker.record("m", passed=False)
    assert breaker.refusal("m") is None
    breaker.record("m", passed=False)
    assert breaker.refusal("m") == "the model m failed 2 runs in a row in this analysis"
    assert breaker.refusal("other") is None  # per model


def test_tokens_are_estimated_from_the_text_only_when_the_server_counted_none() -> None:
    messages: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("u" * 400)], instructions="i" * 400),
        ModelResponse(parts=[TextPart("a" * 200)]),
        ModelRequest(parts=[UserPromptPart("again " * 10)], instructions="i" * 400),
        ModelResponse(parts=[TextPart("b" * 200)]),
    ]
    unmeasured = RunUsage(requests=2, unmeasured_requests=2)
    # Each request re-sends the instructions and the conversation so far.
    assert estimated_usage(unmeasured, messages) == ((800 + 400 + 400 + 200 + 60) // 4, 400 // 4)
    counted = RunUsage(requests=2, input_tokens=10, output_tokens=5)
    assert estimated_usage(counted, messages) is None


def test_deadlines_nest_and_never_extend_the_outer_one() -> None:
    job = Deadline.after(10)
    assert job.within(100).at == job.at
    assert job.within(1).at < job.at
    assert job.share(0.5).remaining() <= 5.0
    assert Deadline.after(-1).expired


@pytest.mark.parametrize("agent", ["tagger", "reporter", "charter", "retirement"])
def test_the_answer_bound_never_exceeds_the_setting(agent: str) -> None:
    fitted = fit(agent=agent, payload={}, render=_render, fixed_chars=0, window=100_000, max_tokens=50)
    assert isinstance(fitted, Fitted)
    assert fitted.max_tokens == 50  # never above what the settings allow
