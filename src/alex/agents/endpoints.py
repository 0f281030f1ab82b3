"""How many requests one worker sends each model endpoint at once.

A local server (llama.cpp, Ollama, LM Studio) usually answers one request at a time; with the
default ``interrupt_requests`` a second request even cuts the stream being written. So agent
runs queue for a slot of their endpoint: all models behind one ``ALEX_MODEL_BASE_URL`` share
its slots, a hosted provider has slots of its own. A run holds its slot for all its requests
(re-asks included), and waiting for it counts against the run's deadline. The slots are per
worker process.
"""

from __future__ import annotations

import asyncio
from typing import Final

from alex.agents.llm import OPENAI_COMPATIBLE
from alex.settings import Settings

LOCAL_CONCURRENCY: Final = 1
HOSTED_CONCURRENCY: Final = 8


class Endpoints:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._slots: dict[str, asyncio.Semaphore] = {}

    def slots(self, model_name: str) -> asyncio.Semaphore:
        """The slots of the endpoint that serves ``model_name``."""
        local = model_name.startswith(OPENAI_COMPATIBLE)
        endpoint = (
            f"{OPENAI_COMPATIBLE}{self.settings.model_base_url}"
            if local
            else model_name.split(":", maxsplit=1)[0]
        )
        if endpoint not in self._slots:
            limit = self.settings.model_concurrency or (LOCAL_CONCURRENCY if local else HOSTED_CONCURRENCY)
            self._slots[endpoint] = asyncio.Semaphore(limit)
        return self._slots[endpoint]
