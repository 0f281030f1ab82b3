"""Context budgets: each prompt is built to fit its model's context window, or not sent at all.

A local server started with an 8k context rejects a longer prompt outright, and one that barely
fits leaves no room for the answer. So before any request: the prompt's size is estimated, the
facts are trimmed by priority (whole entries dropped, least useful first, each one named in the
prompt so the model knows it is missing; never cut mid-structure), the answer's ``max_tokens`` is
lowered to what is left, and an agent whose smallest prompt still leaves too little room for its
shortest useful answer is skipped with a reason, without a request.

Sizes are estimated, not tokenized (Alex cannot know every server's tokenizer): one token per
``CHARS_PER_TOKEN`` characters. Small local vocabularies spend a token on every two or three
characters of JSON (digits, quotes, braces), so the estimate is deliberately pessimistic: a
prompt that fits by it fits on the server.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from alex.agents.llm import OPENAI_COMPATIBLE
from alex.db.models import AgentName
from alex.settings import Settings

CHARS_PER_TOKEN: Final = 2
"""Characters per token when checking a prompt fits (pessimistic; see the module docstring)."""
LOCAL_WINDOW: Final = 8192
"""An openai-compatible model not in the table: the context most local servers are started with."""
HOSTED_WINDOW: Final = 128_000
KNOWN_WINDOWS: Final[tuple[tuple[str, int], ...]] = (
    # (a fragment of the model id, lower case; its context window in tokens): first match wins.
    ("smollm", 8192),
    ("gemma-2", 8192),
    ("gemma2", 8192),
    ("phi-3-mini-4k", 4096),
    ("llama3.1", 131_072),
    ("llama3.2", 131_072),
    ("llama3.3", 131_072),
    ("llama-3.1", 131_072),
    ("llama-3.2", 131_072),
    ("llama-3.3", 131_072),
    ("llama3", 8192),
    ("qwen2.5", 32_768),
    ("qwen3", 32_768),
    ("mistral", 32_768),
    ("gpt-4o", 128_000),
    ("gpt-4.1", 1_047_576),
    ("gpt-5", 400_000),
    ("claude", 200_000),
    ("gemini", 1_048_576),
)
MIN_ANSWER_TOKENS: Final[Mapping[str, int]] = {
    # The shortest useful answer: below this the agent is skipped rather than cut off mid-answer.
    AgentName.TAGGER: 300,
    AgentName.REPORTER: 1500,
    AgentName.CHARTER: 400,
    AgentName.RETIREMENT: 600,
}
OVERHEAD_CHARS: Final = 600
"""Chat template, role markers and the output instructions a framework adds around a schema."""
OMITTED_KEY: Final = "omitted_to_fit"


def estimate_tokens(characters: int) -> int:
    return math.ceil(characters / CHARS_PER_TOKEN)


def context_window(settings: Settings, model_name: str) -> int:
    """The configured window for this model, else the table's, else a default by kind of model."""
    configured = settings.model_context_windows.get(model_name)
    if configured is not None:
        return configured
    model_id = model_name.split(":", 1)[-1].lower()
    for fragment, window in KNOWN_WINDOWS:
        if fragment in model_id:
            return window
    return LOCAL_WINDOW if model_name.startswith(OPENAI_COMPATIBLE) else HOSTED_WINDOW


@dataclass(frozen=True, slots=True)
class Fitted:
    """A prompt that fits, the answer bound that goes with it, and what was left out to fit."""

    prompt: str
    max_tokens: int
    prompt_tokens: int
    omitted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TooLarge:
    """Even the smallest prompt leaves too little room: the run is skipped for this reason."""

    reason: str


Render = Callable[[Any], str]


def fit(
    *,
    agent: str,
    payload: Any,
    render: Render,
    fixed_chars: int,
    window: int,
    max_tokens: int,
    drop: Sequence[str] = (),
) -> Fitted | TooLarge:
    """The largest version of ``payload`` whose prompt, with ``fixed_chars`` (instructions, output
    schema, tools), leaves room for at least the agent's shortest answer in ``window``.

    ``drop`` names entries of ``payload`` (dotted paths into nested mappings), least useful first:
    each is removed whole, in turn, until the prompt fits.
    """
    least = min(MIN_ANSWER_TOKENS.get(agent, 300), max_tokens)
    omitted: list[str] = []
    current = payload
    for path in (None, *drop):
        if path is not None:
            trimmed = _without(current, path)
            if trimmed is None:
                continue
            omitted.append(path)
            current = {**trimmed, OMITTED_KEY: list(omitted)}
        prompt = render(current)
        used = estimate_tokens(len(prompt) + fixed_chars + OVERHEAD_CHARS)
        room = window - used
        if room >= least:
            return Fitted(prompt, min(max_tokens, room), used, tuple(omitted))
    return TooLarge(
        f"the {agent} needs about {used + least:,} tokens of context (its prompt and shortest answer) "
        f"but the model's context window is {window:,} tokens"
    )


def _without(payload: Any, path: str) -> dict[str, Any] | None:
    """``payload`` without the entry at the dotted ``path``, or ``None`` when there is no such entry."""
    if not isinstance(payload, Mapping):
        return None
    head, _, rest = path.partition(".")
    if head not in payload:
        return None
    if not rest:
        return {key: value for key, value in payload.items() if key != head}
    inner = _without(payload[head], rest)
    return None if inner is None else {**payload, head: inner}


def schema_chars(output_type: type[Any]) -> int:
    """How much of the prompt an output type's JSON schema takes, however it is sent."""
    model_json_schema: Callable[[], Any] | None = getattr(output_type, "model_json_schema", None)
    return len(json.dumps(model_json_schema())) if model_json_schema is not None else 0
