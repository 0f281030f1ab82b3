"""The circuit breaker of one analysis: a model that keeps failing is not asked again in that job.

After ``threshold`` consecutive failed runs of a model (timeouts, transport errors, answers that
never passed the checks), the job's remaining runs of that model go straight to the offline
writers, flagged with the reason: a model that cannot help costs the person a few attempts, not
every section's full deadline. The breaker belongs to the job, so the next analysis tries the
model again (a half-open probe, in the usual terms).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Breaker:
    threshold: int
    failures: dict[str, int] = field(default_factory=dict)
    """Consecutive failed runs by model name; a run that passes resets its model's count."""

    def refusal(self, model: str) -> str | None:
        """Why ``model`` may not be asked again in this job, or ``None``."""
        failed = self.failures.get(model, 0)
        if failed >= self.threshold:
            return f"the model {model} failed {failed} runs in a row in this analysis"
        return None

    def record(self, model: str, *, passed: bool) -> None:
        self.failures[model] = 0 if passed else self.failures.get(model, 0) + 1
