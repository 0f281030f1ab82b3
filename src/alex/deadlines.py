"""Deadlines that nest: an analysis's model time, each step's share of it, each agent run, each call.

A deadline is a point on the monotonic clock, never a duration restarted at each level: a step
gets ``job.within(step_seconds)``, an agent run the step's deadline, a model call
``run.within(call_seconds)``, so no inner wait can outlast the outer one. Whatever is left when a
deadline passes is written by the offline writers, which need no model and about a second, so
an analysis ends complete however slow its model is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Deadline:
    at: float
    """``time.monotonic()`` value at which the time is up."""

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + max(seconds, 0.0))

    def within(self, seconds: float) -> Deadline:
        """The earlier of this deadline and ``seconds`` from now."""
        return Deadline(min(self.at, time.monotonic() + max(seconds, 0.0)))

    def share(self, fraction: float) -> Deadline:
        """A deadline ``fraction`` of the way from now to this one (for a step that must leave time)."""
        return self.within(self.remaining() * fraction)

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0
