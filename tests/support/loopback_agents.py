"""Alex's agents against the loopback OpenAI-compatible server: who is asking, and good answers.

The loopback server (``tests/support/openai_server.py``) sees only HTTP requests; these helpers tell
which agent sent one (by its instructions), read the facts it was given (the JSON in its data
block) and answer as a capable model would, as JSON content (native or prompted output) or through
the output tool.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from alex.settings import Settings
from tests.support import scripted
from tests.support.openai_server import Chat, OpenAIServer, RecordedRequest, Reply

MODEL: Final = "openai-compatible:test-model"
ROLES: Final = {
    "You classify one financial instrument": "tagger",
    "You write the portfolio report": "reporter",
    "You choose and caption the charts": "charter",
    "You explain a retirement projection": "retirement",
}


def agent_of(request: RecordedRequest) -> str:
    system = " ".join(
        str(m.get("content")) for m in request.body["messages"] if m.get("role") in ("system", "developer")
    )
    return next(agent for marker, agent in ROLES.items() if marker in system)


def user_prompt(request: RecordedRequest) -> str:
    return next(str(m["content"]) for m in request.body["messages"] if m["role"] == "user")


def facts_of(request: RecordedRequest) -> Any:
    """The JSON in the request's data block."""
    prompt = user_prompt(request)
    start = min(i for i in (prompt.find("{"), prompt.find("[")) if i >= 0)
    end = max(prompt.rfind("}"), prompt.rfind("]"))
    return json.loads(prompt[start : end + 1])


def good_payload(agent: str, request: RecordedRequest) -> dict[str, Any]:
    """What a capable model answers ``agent``, from the facts in the request."""
    facts = facts_of(request)
    if agent == "reporter":
        return scripted.report_payload(facts)
    if agent == "charter":
        return {
            "charts": [
                {
                    "key": c["key"],
                    "title": c["suggested_title"],
                    "type": c["allowed_types"][0],
                    "description": "Spread.",
                }
                for c in facts[:2]
            ]
        }
    if agent == "retirement":
        rate = facts["success_rate"]
        return {
            "analysis": (
                f"## Projection\n\nThe plan lasted in {rate:.1f}% of the simulated futures.\n\n"
                "## Income against your target\n\nSee the figures above.\n\n"
                "## What would close the gap\n\nSaving more, or retiring later.\n\n"
                "## Assumptions and limits\n\nMarkets may differ from the model."
            )
        }
    return {
        "rationale": "A US equity fund by its name.",
        "instrument_type": "etf",
        "asset_class": {"equity": 100},
        "regions": {"north_america": 100},
        "sectors": {"diversified": 100},
    }


def json_answer(request: RecordedRequest) -> Reply:
    """A capable model asked for JSON (natively or in the prompt): the answer as plain content."""
    return Chat(content=json.dumps(good_payload(agent_of(request), request)))


def settings_for(server: OpenAIServer, tmp_path: Path, **changes: Any) -> Settings:
    """Settings of a worker whose every agent uses the loopback server's model."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "retirement_paths": 200,
        "job_retry_base_seconds": 0,
        "model": MODEL,
        "model_base_url": server.base_url,
        "model_retry_base_seconds": 0,
        "model_timeout_seconds": 5,
        "model_stream": True,
        **changes,
    }
    return Settings(**values)
