"""Rate limits per user and per client address, by route class, shared by every API process.

Each class has a policy ("600 requests per 60 s"), a token bucket of that size refilling steadily,
kept in PostgreSQL (``alex.db.rate_limits``) so limits hold across processes and machines. A
signed-in request counts against its user's bucket for the class and against its address's
bucket (all users behind one address together, with a larger allowance); sign-in and sign-up
count against the address only. A refusal is a ``RateLimitedError`` (429) carrying the
``RateLimit``/``RateLimit-Policy`` fields and ``Retry-After``; a refused request consumes nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import rate_limits
from alex.db.rate_limits import Verdict
from alex.observability.metrics import REFUSALS
from alex.services.errors import TooManyRequestsError
from alex.settings import Settings, parse_rate

_SWEEP_EVERY = 1000
_checks = itertools.count(1)


class RouteClass(StrEnum):
    AUTH = "auth"
    READS = "reads"
    WRITES = "writes"
    ANALYZE = "analyze"
    SIMULATE = "simulate"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    count: int
    seconds: int

    @classmethod
    def of(cls, name: str, rate: str) -> Policy:
        count, seconds = parse_rate(rate)
        return cls(name, count, seconds)

    @property
    def field(self) -> str:
        """This policy as one item of the ``RateLimit-Policy`` field."""
        return f'"{self.name}";q={self.count};w={self.seconds}'


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the checks of one request found: the response's rate-limit fields."""

    checked: tuple[tuple[Policy, Verdict], ...]

    @property
    def headers(self) -> dict[str, str]:
        if not self.checked:
            return {}
        # RateLimit reports the tightest policy: the one that will refuse first.
        policy, verdict = min(self.checked, key=lambda pair: (pair[1].allowed, pair[1].remaining))
        return {
            "RateLimit-Policy": ", ".join(policy.field for policy, _ in self.checked),
            "RateLimit": f'"{policy.name}";r={verdict.remaining};t={verdict.reset_seconds}',
        }


class RateLimitedError(TooManyRequestsError):
    def __init__(self, outcome: Outcome, retry_after: int) -> None:
        super().__init__(
            f"Too many requests: try again in {retry_after} s.",
            retry_after=retry_after,
            headers=outcome.headers,
        )


def user_policy(settings: Settings, route_class: RouteClass) -> Policy:
    rate = {
        RouteClass.AUTH: settings.rate_limit_auth,
        RouteClass.READS: settings.rate_limit_reads,
        RouteClass.WRITES: settings.rate_limit_writes,
        RouteClass.ANALYZE: settings.rate_limit_analyze,
        RouteClass.SIMULATE: settings.rate_limit_simulate,
    }[route_class]
    return Policy.of(route_class.value, rate)


async def enforce(
    session: AsyncSession,
    *,
    settings: Settings,
    route_class: RouteClass,
    user_id: str | None,
    address: str,
) -> Outcome:
    """Count this request (no commit; the caller commits with its own work, or rolls back on a
    refusal). Raises ``RateLimitedError`` when a bucket is empty."""
    if not settings.rate_limits_enabled:
        return Outcome(())
    if route_class is RouteClass.AUTH or user_id is None:
        buckets = [(f"auth:address:{address}", Policy.of("auth", settings.rate_limit_auth))]
    else:
        buckets = [
            (f"{route_class.value}:user:{user_id}", user_policy(settings, route_class)),
            (f"address:{address}", Policy.of("address", settings.rate_limit_per_address)),
        ]
    checked = []
    for key, policy in buckets:
        verdict = await rate_limits.hit(session, key=key, count=policy.count, seconds=policy.seconds)
        checked.append((policy, verdict))
    outcome = Outcome(tuple(checked))
    refused = [verdict.reset_seconds for _, verdict in checked if not verdict.allowed]
    if refused:
        REFUSALS.labels(f"rate_limit_{route_class.value}").inc()
        raise RateLimitedError(outcome, retry_after=max(refused))
    if next(_checks) % _SWEEP_EVERY == 0:
        await rate_limits.forget_idle(session)
    return outcome
