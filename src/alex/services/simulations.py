"""Retirement simulations on request: the user's plan changed where the request says, bounded
per user, per process, and in time.

The parameters are built as the analysis builds its own (``plan_params``), from the plan in Goals
and the portfolio, so a request that changes nothing gets the analysis's answer.

A simulation is CPU-bound (up to seconds at 100,000 paths) and holds hundreds of MB while it
runs, so: a user runs at most ``simulations_per_user`` at once (across processes), a process at
most ``simulations_per_process``, and each stops at ``simulation_time_limit_seconds``. No database
connection is held while it runs.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import suppress
from dataclasses import replace
from decimal import Decimal
from typing import Any, Final

from fastapi.concurrency import run_in_threadpool
from pydantic import Field, model_validator

from alex.db import snapshot as snapshots
from alex.db.engine import Database
from alex.db.models import User
from alex.domain.formatting import format_money
from alex.domain.portfolio.allocation import allocate
from alex.domain.portfolio.models import Portfolio
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.retirement.models import (
    DEFAULT_RETIREMENT_YEARS,
    MAX_PATHS,
    MAX_YEARS,
    MIN_PATHS,
    ParameterError,
    RetirementParams,
    RetirementResult,
    ReturnMethod,
    WithdrawalStrategy,
)
from alex.domain.retirement.plan import (
    MAX_AGE,
    RetirementPlan,
    StartingPortfolio,
    plan_params,
    starting_portfolio,
)
from alex.domain.retirement.simulation import SimulationStoppedError, simulate_retirement
from alex.domain.taxonomy import AssetClass
from alex.observability.metrics import REFUSALS
from alex.services import leases
from alex.services.errors import InvalidInputError, OverloadedError
from alex.services.fields import Input, Money, Percent
from alex.services.plans import Age, ContributionGrowth, GlidePathEquity
from alex.services.validation import FieldError
from alex.settings import Settings

SLOT_WAIT_SECONDS: Final = 5.0
"""How long a request waits for one of this process's simulation slots before a 503."""

_FROM_PLAN: Final = " (default: your plan's, from Goals)"


class SimulationRequest(Input):
    """A what-if on your retirement plan: what you send replaces what your plan (Goals) says.

    Each plan field left out (or null) is your plan's, and the portfolio's value and allocation
    are your accounts', so an empty body simulates your plan exactly as the analysis does: the
    same inputs give the same parameters, the same seed and the same success rate. Spending is
    ``withdrawal_rate`` when given, else ``target_income`` (your plan's target income when left
    out; 0 means none, and the 4 % rule applies). ``paths`` defaults to the analysis's number
    and ``seed`` to one that is a function of the inputs alone; send the answer's seed back to
    compare changes on the same simulated markets.
    """

    current_value: Money | None = Field(
        default=None, description="the portfolio today; default: the value of your accounts"
    )
    allocation: dict[AssetClass, Percent] | None = Field(
        default=None,
        min_length=1,
        description="percent by asset class, sums to 100; default: your portfolio's classified holdings",
    )
    years_until_retirement: int | None = Field(
        default=None, ge=0, le=MAX_YEARS, description="years from now" + _FROM_PLAN
    )
    annual_contribution: Money | None = Field(
        default=None, description="new savings a year until retirement" + _FROM_PLAN
    )
    contribution_growth: ContributionGrowth | None = None
    retirement_years: int = Field(default=DEFAULT_RETIREMENT_YEARS, ge=1, le=MAX_YEARS)
    withdrawal_strategy: WithdrawalStrategy = WithdrawalStrategy.CONSTANT_REAL
    withdrawal_rate: float | None = Field(
        default=None, gt=0, le=100, allow_inf_nan=False, description="percent of the value at retirement"
    )
    target_income: Money | None = Field(
        default=None, description="a year's spending in today's money" + _FROM_PLAN
    )
    other_income: Money | None = Field(
        default=None,
        description="a pension or Social Security, a year in today's money, paying part of the target "
        "income" + _FROM_PLAN,
    )
    other_income_start_age: Age | None = Field(
        default=None, description="the age other income starts at (needs current_age)" + _FROM_PLAN
    )
    current_age: Age | None = Field(default=None, description="your age today" + _FROM_PLAN)
    glide_path_equity: GlidePathEquity | None = None
    method: ReturnMethod | None = Field(
        default=None,
        description="parametric (capital-market assumptions), historical (every rolling sequence of US "
        "years since 1871) or bootstrap (blocks of US years resampled); default: your plan's, "
        "parametric unless you chose another",
    )
    inflation: float = Field(default=2.5, ge=-5, le=20, allow_inf_nan=False, description="percent a year")
    paths: int | None = Field(
        default=None, ge=MIN_PATHS, le=MAX_PATHS, description="default: as many as the analysis simulates"
    )
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)

    @model_validator(mode="after")
    def _one_spending_rule(self) -> SimulationRequest:
        if self.withdrawal_rate is not None and self.target_income is not None:
            raise ValueError("give either withdrawal_rate or target_income, not both")
        return self


_PLAN_FIELDS: Final = (
    "years_until_retirement",
    "annual_contribution",
    "contribution_growth",
    "target_income",
    "other_income",
    "other_income_start_age",
    "current_age",
    "glide_path_equity",
    "method",
)
"""Request fields that replace the ``RetirementPlan`` field of the same name."""


async def plan_simulation(
    database: Database, *, user: User, request: SimulationRequest, default_paths: int
) -> RetirementParams:
    """The simulation ``request`` asks for: the user's plan and portfolio, changed where it says.

    The portfolio is read (in a session of its own, closed before any simulation runs) only
    when the request leaves out its value or allocation. See ``simulation_params``.
    """
    check_request(user, request)
    start = await _start(database, user_id=user.id, request=request)
    return simulation_params(user, request, start, default_paths=default_paths)


def check_request(user: User, request: SimulationRequest) -> None:
    """``InvalidInputError`` naming the field when the request and the plan do not hold together."""
    errors = _what_if_errors(_plan(user, request), request)
    if errors:
        raise InvalidInputError(errors)


def simulation_params(
    user: User, request: SimulationRequest, start: StartingPortfolio, *, default_paths: int
) -> RetirementParams:
    """The user's plan changed where ``request`` says, simulated from ``start`` (the portfolio's
    value and allocation unless the request gives them).

    The parameters come from ``plan_params``, as the analysis's do: the same inputs, the same
    parameters and seed. ``InvalidInputError`` names the field when the inputs do not hold
    together or are out of the simulation's range.
    """
    check_request(user, request)
    if request.current_value is not None:
        start = replace(start, value=request.current_value)
    if request.allocation is not None:
        start = replace(start, allocation=_allocation(request.allocation))
    try:
        return plan_params(
            _plan(user, request),
            start,
            paths=request.paths or default_paths,
            seed=request.seed,
            retirement_years=request.retirement_years,
            withdrawal_strategy=request.withdrawal_strategy,
            withdrawal_rate=request.withdrawal_rate,
            inflation=request.inflation,
        )
    except ParameterError as error:
        # The engine's own range checks, answered like any other field-level 422.
        raise InvalidInputError.of(error.field, str(error).split(": ", 1)[-1]) from None


def _plan(user: User, request: SimulationRequest) -> RetirementPlan:
    sent = request.model_dump(exclude_none=True)
    return replace(
        snapshots.retirement_plan(user),
        **{name: sent[name] for name in _PLAN_FIELDS if name in sent},
    )


def _blame(sent: dict[str, Any], *candidates: str) -> str:
    return next((name for name in candidates if name in sent), candidates[0])


def _what_if_errors(plan: RetirementPlan, request: SimulationRequest) -> list[FieldError]:
    """The plan's rules (``alex.services.plans``) for what a what-if can change."""
    sent = request.model_dump(exclude_none=True)
    errors = []
    retirement_age = plan.retirement_age
    if retirement_age is not None and retirement_age > MAX_AGE:
        field = _blame(sent, "years_until_retirement", "current_age")
        errors.append(FieldError(field, f"puts retirement after age {MAX_AGE} (at {retirement_age})"))
    if request.withdrawal_rate is None and plan.other_income > plan.target_income:
        field = _blame(sent, "other_income", "target_income")
        errors.append(
            FieldError(field, f"must not be above the target income ({format_money(plan.target_income)})")
            if field == "other_income"
            else FieldError(field, f"must not be below the other income ({format_money(plan.other_income)})")
        )
    if plan.other_income_start_age is not None and plan.current_age is None:
        errors.append(FieldError(_blame(sent, "other_income_start_age"), "needs current_age"))
    return errors


async def _start(database: Database, *, user_id: str, request: SimulationRequest) -> StartingPortfolio:
    if request.current_value is not None and request.allocation is not None:
        return StartingPortfolio(value=request.current_value, allocation=_allocation(request.allocation))
    async with database.session() as session:
        snapshot = await snapshots.load(session, user_id=user_id)
    portfolio = snapshot.portfolio if snapshot is not None else Portfolio()
    return await asyncio.to_thread(portfolio_start, portfolio)


def portfolio_start(portfolio: Portfolio) -> StartingPortfolio:
    """What a simulation of ``portfolio`` starts from (CPU-bound: values every holding)."""
    return starting_portfolio(allocate(value_portfolio(portfolio)))


def _allocation(allocation: dict[AssetClass, Decimal]) -> dict[str, Decimal]:
    return {key.value: value for key, value in allocation.items()}


async def simulate(
    database: Database,
    *,
    settings: Settings,
    slots: asyncio.Semaphore,
    user_id: str,
    params: RetirementParams,
) -> RetirementResult:
    limit = settings.simulation_time_limit_seconds
    async with leases.held(
        database,
        user_id=user_id,
        kind="simulation",
        limit=settings.simulations_per_user,
        ttl_seconds=limit + 60,
        refusal=f"You already have {settings.simulations_per_user} simulations running: "
        "wait for one to finish.",
    ):
        try:
            await asyncio.wait_for(slots.acquire(), SLOT_WAIT_SECONDS)
        except TimeoutError:
            REFUSALS.labels("simulation_busy").inc()
            raise OverloadedError(
                "The server is busy with other simulations: try again shortly.", retry_after=5
            ) from None
        try:
            return await _within(limit, params)
        finally:
            slots.release()


async def _within(seconds: float, params: RetirementParams) -> RetirementResult:
    stop = threading.Event()
    work = asyncio.ensure_future(run_in_threadpool(simulate_retirement, params, stop=stop))
    # If the request is cancelled the thread still ends (stopped) later: nobody awaits it then.
    work.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        return await asyncio.wait_for(asyncio.shield(work), seconds)
    except TimeoutError:
        stop.set()
        with suppress(SimulationStoppedError):
            await work  # the thread has let go of its core and memory before the slot is freed
        REFUSALS.labels("simulation_time_limit").inc()
        raise OverloadedError(
            f"The simulation took longer than {seconds:g} s: try fewer paths, or again when the "
            "server is less busy.",
            retry_after=5,
        ) from None
    except asyncio.CancelledError:
        stop.set()
        raise
