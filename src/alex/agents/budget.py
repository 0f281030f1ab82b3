"""The per-job model budget: tokens (always) and estimated cost (when the model is priced).

Each agent run gets ``UsageLimits`` of its own (requests and tokens), never more tokens than the
job has left, and charges what it used when it ends, failed runs included. Once the job's budget
is spent the remaining sections are written offline, flagged: a runaway model costs at most one
budget per job (OWASP LLM10, unbounded consumption). The writers run concurrently and each sees
what was left when it started, so a job can overshoot by at most its concurrent runs' own caps.

Most local servers report no token counts when streaming. Their runs are charged an estimate
from the text instead (``estimated_usage``), marked as estimated in the audit row, so the budget
still limits them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from pydantic_ai import UsageLimits
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.usage import RunUsage

from alex.settings import Settings

CHARS_PER_TOKEN: Final = 4
"""The usual rule of thumb for English text with GPT-style tokenizers: an estimate, not a count."""


@dataclass(slots=True)
class JobBudget:
    tokens: int
    cost_usd: Decimal | None
    requests_per_run: int
    tokens_per_run: int
    used_tokens: int = 0
    used_cost_usd: Decimal = field(default_factory=Decimal)

    @classmethod
    def from_settings(cls, settings: Settings) -> JobBudget:
        return cls(
            tokens=settings.job_token_budget,
            cost_usd=settings.job_cost_budget_usd,
            requests_per_run=settings.model_requests_per_run,
            tokens_per_run=settings.model_tokens_per_run,
        )

    @property
    def remaining_tokens(self) -> int:
        return max(self.tokens - self.used_tokens, 0)

    def exhausted(self) -> str | None:
        """Why no further model run may start, or ``None``."""
        if self.remaining_tokens <= 0:
            return f"the job's model budget of {self.tokens:,} tokens is spent"
        if self.cost_usd is not None and self.used_cost_usd >= self.cost_usd:
            return f"the job's model budget of ${self.cost_usd} is spent"
        return None

    def limits(self) -> UsageLimits:
        """One run's limits: its own caps, within what the job has left."""
        return UsageLimits(
            request_limit=self.requests_per_run,
            total_tokens_limit=min(self.tokens_per_run, self.remaining_tokens),
        )

    def charge(self, usage: RunUsage) -> None:
        self.used_tokens += usage.input_tokens + usage.output_tokens
        if usage.cost is not None:
            self.used_cost_usd += usage.cost


def estimated_usage(usage: RunUsage, messages: Sequence[ModelMessage]) -> tuple[int, int] | None:
    """(input, output) tokens estimated from the conversation's text, when the server sent requests'
    answers but counted no tokens; ``None`` when it counted them (or nothing was asked).

    Input is every request's text as sent (instructions and the conversation so far, as each
    request re-sends it); output is every answer's text and tool-call arguments.
    """
    if usage.unmeasured_requests == 0 or usage.input_tokens or usage.output_tokens:
        return None
    sent = received = history = 0
    for message in messages:
        if isinstance(message, ModelRequest):
            history += sum(len(str(getattr(part, "content", ""))) for part in message.parts)
            sent += len(message.instructions or "") + history
        elif isinstance(message, ModelResponse):
            size = sum(
                len(part.content) if isinstance(part, TextPart) else len(part.args_as_json_str())
                for part in message.parts
                if isinstance(part, TextPart | ToolCallPart)
            )
            received += size
            history += size
    return math.ceil(sent / CHARS_PER_TOKEN), math.ceil(received / CHARS_PER_TOKEN)
