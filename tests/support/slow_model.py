"""A slow language model on 127.0.0.1: what a job's writers wait for when a model is configured.

An OpenAI-compatible server whose every answer comes after the delay its model name says
(``openai-compatible:slow-1.5`` answers in 1.5 s) and is plain text that fails the writers' output
checks, so each section falls back to the offline writer: a job takes as long as a model call and
still ends with the offline writers' complete result. Worker processes use it through their
settings (``SlowModel.settings``); it replaces any sleeping stand-in inside Alex itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from tests.support.openai_server import Chat, OpenAIServer, RecordedRequest, Reply

PREFIX: Final = "slow-"


def _answer_slowly(request: RecordedRequest) -> Reply:
    delay = float((request.model or PREFIX + "0").removeprefix(PREFIX))
    time.sleep(delay)  # the model's own latency (this peer's behaviour, not a test's synchronisation)
    return Chat(content="Sorry, I can only chat about the weather today.")


@dataclass(frozen=True)
class SlowModel:
    server: OpenAIServer

    def settings(self, seconds: float) -> dict[str, str]:
        """An Alex process's settings for writers whose model answers after ``seconds``."""
        return {
            "ALEX_MODEL": f"openai-compatible:{PREFIX}{seconds:g}",
            "ALEX_MODEL_TAGGER": "offline",
            "ALEX_MODEL_BASE_URL": self.server.base_url,
            # One call per writer: the wait is the model's latency, not that of re-asks.
            "ALEX_MODEL_OUTPUT_RETRIES": "0",
        }


@contextmanager
def slow_model() -> Iterator[SlowModel]:
    with OpenAIServer(default=_answer_slowly) as server:
        yield SlowModel(server)
