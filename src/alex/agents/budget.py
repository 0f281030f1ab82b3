"""The per-job model budget: tokens (always) and estimated cost (when the model is priced).

Each agent run gets ``UsageLimits`` of its own (requests and tokens), never more tokens than the
job has left, and charges what it used when it ends, failed runs included. Once the job's budget
is spent the remaining sections are written offline, flagged: a runaway model costs at most one
budget per job (OWASP LLM10, unbounded consumption). The writers run concurrently and each sees
what was left when it started, so a job can overshoot by at most its concurrent runs' own caps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pydantic_ai import UsageLimits
from pydantic_ai.usage import RunUsage

from alex.settings import Settings


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
