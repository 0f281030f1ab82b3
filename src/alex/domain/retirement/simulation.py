"""The retirement simulation: thousands of possible futures (or every past one), year by year at once.

Timeline (year 0 is today; all amounts in today's money, i.e. divided by cumulative inflation):

- accumulation, years 1..``years_until_retirement``: the portfolio earns that year's return,
  then the year's contribution is added (end of year), grown by ``contribution_growth`` a year
  after the first;
- retirement, the next ``retirement_years`` years: the year's withdrawal is taken on the first
  day (as Bengen and cFIREsim do), less the other income (a pension) once it has started, then
  the rest earns that year's return. A path *fails* in the first year its portfolio cannot pay
  the full withdrawal; it is then worth 0 for good.

Where the returns come from is the one thing ``params.method`` changes (``ReturnMethod``):

- ``parametric``: ``ReturnModel`` here, correlated lognormal asset returns drawn from
  ``assumptions`` (forward-looking capital-market assumptions, documented in ``assumptions``);
- ``historical`` and ``bootstrap``: ``SequenceReturnModel`` (``sequences``), actual US years
  since 1871 (``history``), in rolling sequences or resampled in blocks.

Each supplies, block of years by block of years, every path's real growth factor of the
portfolio (its real asset-class returns weighted by the year's allocation, rebalanced yearly)
and, for the historical methods, each path's inflation. Everything else (contributions,
withdrawals, failure, percentile bands, safe withdrawal rates) is ``_run``, shared. Every
path is simulated in the same NumPy operation; years are processed in blocks sized so that
memory stays flat (well under 200 MB at 100,000 paths): the per-year percentile bands are
computed from each block and the block is dropped, so no path history is kept.

Reproducibility: the same parameters and seed give the same result, bit for bit. The random
draws depend only on the seed, the number of paths and the number of years, so two runs that
differ only in withdrawals or contributions see the same market paths ("common random
numbers"); that is what makes comparisons between them exact rather than noisy. The bootstrap
is seeded the same way (its draws also depend on the block length and the years of history
used); the historical method draws nothing and needs no seed.

The safe withdrawal rate needs no search: with a constant withdrawal ``W`` taken at the start
of each year, a path survives ``R`` years exactly when ``W <= V / sum(1 / G_j)``, where ``G_j``
is the path's cumulative growth over the first ``j`` retirement years (``G_0 = 1``). So each
path's largest sustainable rate is known in closed form, and the rate that 90 % of paths
sustain is a quantile of those.
"""

from __future__ import annotations

import math
import secrets
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from alex.domain.arrays import FloatArray
from alex.domain.money import to_cents
from alex.domain.retirement.assumptions import (
    ALTERNATIVES_PROXY,
    SIMULATED_ASSET_CLASSES,
    CapitalMarketAssumptions,
)
from alex.domain.retirement.history import HISTORICAL_PROXIES, describe_data
from alex.domain.retirement.models import (
    PERCENTILES,
    AssumptionsUsed,
    RetirementParams,
    RetirementResult,
    ReturnMethod,
    WithdrawalStrategy,
)
from alex.domain.retirement.sequences import SequenceReturnModel
from alex.domain.retirement.weights import simulation_weights, yearly_weights
from alex.domain.retirement.withdrawals import start_withdrawals

SAFE_WITHDRAWAL_SUCCESS: Final = 0.90
_PATH_YEARS_PER_BLOCK: Final = 1_000_000
"""Path-years simulated per block: about 20 MB of float32 draws, whatever the path count."""

Float32Array = npt.NDArray[np.float32]


__all__ = [
    "SAFE_WITHDRAWAL_SUCCESS",
    "MarketModel",
    "ReturnModel",
    "SimulationStoppedError",
    "simulate_retirement",
    "simulation_weights",
    "standard_normals",
]


class MarketModel(Protocol):
    """A return method, as the shared simulation sees it."""

    def real_growth(
        self, rng: np.random.Generator, *, first_year: int, last_year: int, paths: int
    ) -> FloatArray:
        """Every path's real portfolio growth factor in years ``first_year..last_year``, (years, paths)."""
        ...

    def inflation(self, *, first_year: int, last_year: int) -> FloatArray | None:
        """Every path's inflation in those years, (years, paths); ``None``: the assumed constant rate."""
        ...


@dataclass(frozen=True, slots=True)
class ReturnModel:
    """Draws each path's real (inflation-adjusted) portfolio growth factor, year by year.

    The growth of a year is ``sum_i c_i · exp(y_i)`` with ``c_i = w_i · exp(m_i) / (1 + inflation)``
    and correlated zero-mean normals ``y``; it is computed as ``sum_i c_i + sum_i c_i · expm1(y_i)``
    so that the random part can run in float32 (half the memory and time) while the
    deterministic part stays exact float64: with zero volatility the result is exactly the
    compound-growth figure.
    """

    scaled_weights: FloatArray  # (years, 5): c for each simulated year
    deterministic: FloatArray  # (years,): sum of c
    shock_factor: Float32Array  # (5, 5): y = z @ shock_factor for standard normals z
    constant_weights: bool

    @classmethod
    def build(cls, params: RetirementParams) -> ReturnModel:
        assumptions: CapitalMarketAssumptions = params.assumptions
        mean = assumptions.mean_vector()
        volatility = assumptions.volatility_vector()
        log_variance = np.log1p((volatility / (1 + mean)) ** 2)
        log_mean = np.log1p(mean) - log_variance / 2
        cholesky = np.linalg.cholesky(assumptions.correlation_matrix())
        shock_factor = (np.sqrt(log_variance)[:, None] * cholesky).T.astype(np.float32)

        weights = yearly_weights(params)
        scaled = weights.by_year * np.exp(log_mean) / (1 + params.inflation / 100)
        return cls(
            scaled_weights=scaled,
            deterministic=scaled.sum(axis=1),
            shock_factor=shock_factor,
            constant_weights=weights.constant,
        )

    def real_growth(
        self, rng: np.random.Generator, *, first_year: int, last_year: int, paths: int
    ) -> FloatArray:
        """Growth factors for years ``first_year..last_year`` (1-based), shape (years, paths)."""
        years = last_year - first_year + 1
        shocks = standard_normals(rng, (years, paths, len(SIMULATED_ASSET_CLASSES))) @ self.shock_factor
        np.expm1(shocks, out=shocks)
        rows = slice(first_year - 1, last_year)
        if self.constant_weights:
            random_part = shocks @ self.scaled_weights[0].astype(np.float32)
        else:
            random_part = np.matmul(shocks, self.scaled_weights[rows, :, None].astype(np.float32))[..., 0]
        growth: FloatArray = self.deterministic[rows, None] + random_part
        return growth

    def inflation(self, *, first_year: int, last_year: int) -> FloatArray | None:
        """The assumed rate is constant: the withdrawal rules use ``params.inflation``."""
        return None


def standard_normals(rng: np.random.Generator, shape: tuple[int, ...]) -> Float32Array:
    """Independent standard normal draws in float32, by the Box-Muller transform.

    Box-Muller is exact (not an approximation) and, vectorised over float32 uniforms, about
    three times faster here than NumPy's ziggurat sampler; the draws are the bulk of the
    simulation's time. The price of float32 uniforms is that no draw lies beyond about 5.8
    standard deviations, an event of probability 10^-8 per draw.
    """
    count = math.prod(shape)
    half = (count + 1) // 2
    uniforms = rng.random((2, half), dtype=np.float32)
    radius = np.log1p(-uniforms[0])
    radius *= -2
    np.sqrt(radius, out=radius)
    angle = uniforms[1]
    angle *= np.float32(2 * np.pi)
    normals = np.empty(2 * half, dtype=np.float32)
    np.cos(angle, out=normals[:half])
    normals[:half] *= radius
    np.sin(angle, out=normals[half:])
    normals[half:] *= radius
    return normals[:count].reshape(shape)


class SimulationStoppedError(Exception):
    """``stop`` was set: the caller no longer wants the result (its time ran out)."""


def simulate_retirement(params: RetirementParams, *, stop: threading.Event | None = None) -> RetirementResult:
    """Run the simulation described in the module docstring, with the return method of ``params``.

    ``stop`` is looked at between blocks of years, so a caller with a deadline gets the thread
    (and its memory) back within one block's work instead of at the end."""
    method = params.return_method
    if method is ReturnMethod.HISTORICAL:
        seed = params.seed if params.seed is not None else 0
        sequences = SequenceReturnModel.rolling(params)
        return _run(
            params,
            sequences,
            np.random.default_rng(seed),
            paths=sequences.paths,
            seed=seed,
            stop=stop,
            start_years=sequences.start_years,
            assumptions=_history_assumptions(params, sequences),
        )
    seed = params.seed if params.seed is not None else secrets.randbits(53)
    rng = np.random.default_rng(seed)
    if method is ReturnMethod.BOOTSTRAP:
        sequences = SequenceReturnModel.bootstrap(params, rng)
        return _run(
            params,
            sequences,
            rng,
            paths=sequences.paths,
            seed=seed,
            stop=stop,
            assumptions=_history_assumptions(params, sequences),
        )
    return _run(
        params,
        ReturnModel.build(params),
        rng,
        paths=params.paths,
        seed=seed,
        stop=stop,
        assumptions=_assumptions_used(params),
    )


def _run(
    params: RetirementParams,
    market: MarketModel,
    rng: np.random.Generator,
    *,
    paths: int,
    seed: int,
    stop: threading.Event | None,
    assumptions: AssumptionsUsed,
    start_years: npt.NDArray[np.int64] | None = None,
) -> RetirementResult:
    """The cash flows, identical for every return method: ``market`` supplies the growth."""
    saving_years = params.years_until_retirement
    total_years = params.total_years
    contribution = float(params.annual_contribution)
    contribution_growth = 1 + params.contribution_growth / 100
    # Other income pays part of a target income (see ``RetirementParams``), from its start on.
    other_income = float(params.other_income) if params.target_income is not None else 0.0
    other_income_from = params.other_income_delay_years + 1
    # Only the guardrail rules look at the past year's inflation.
    needs_inflation = params.strategy is WithdrawalStrategy.GUYTON_KLINGER

    value = np.full(paths, float(params.current_value))
    bands = np.empty((len(PERCENTILES), total_years + 1))
    bands[:, 0] = float(params.current_value)
    alive = np.ones(paths, dtype=bool)
    years_funded = np.zeros(paths, dtype=np.int64)
    growth_since_retirement = np.ones(paths)
    annuity_factor = np.zeros(paths)
    value_at_retirement = value
    withdrawals = None
    previous_growth: FloatArray | None = None
    previous_inflation: FloatArray | None = None
    ending_p10 = 0.0

    block = max(1, _PATH_YEARS_PER_BLOCK // paths)
    for first_year in range(1, total_years + 1, block):
        if stop is not None and stop.is_set():
            raise SimulationStoppedError
        last_year = min(total_years, first_year + block - 1)
        growth = market.real_growth(rng, first_year=first_year, last_year=last_year, paths=paths)
        inflation = market.inflation(first_year=first_year, last_year=last_year) if needs_inflation else None
        values = np.empty_like(growth)
        for row, year in enumerate(range(first_year, last_year + 1)):
            year_growth = growth[row]
            if year <= saving_years:
                value = value * year_growth + contribution * contribution_growth ** (year - 1)
            else:
                if withdrawals is None:
                    value_at_retirement = value
                    withdrawals = start_withdrawals(params, value_at_retirement)
                amount = withdrawals.amount(
                    year=year - saving_years,
                    value=value,
                    previous_real_growth=previous_growth,
                    previous_inflation=previous_inflation,
                )
                if other_income > 0 and year - saving_years >= other_income_from:
                    amount = np.maximum(amount - other_income, 0.0)
                alive &= value >= amount
                value = np.where(alive, (value - amount) * year_growth, 0.0)
                years_funded += alive
                annuity_factor += 1 / growth_since_retirement
                growth_since_retirement *= year_growth
                previous_growth = year_growth
                previous_inflation = None if inflation is None else inflation[row]
            values[row] = value
        values.sort(axis=1)
        bands[:, first_year : last_year + 1] = _percentiles(values, PERCENTILES).T
        if last_year == total_years:
            ending_p10 = float(_percentiles(values[-1:], (10,))[0, 0])

    retirement_years = params.retirement_years
    lasted = np.bincount(years_funded, minlength=retirement_years + 1) * (100 / paths)
    worst_path = int(np.argmax(annuity_factor))
    return RetirementResult(
        success_rate=round(100 * int(alive.sum()) / paths, 2),
        years=list(range(total_years + 1)),
        percentiles={f"p{q}": [_money(v) for v in bands[i]] for i, q in enumerate(PERCENTILES)},
        median_ending_value=_money(bands[PERCENTILES.index(50), -1]),
        p10_ending_value=_money(ending_p10),
        safe_withdrawal_rate=_safe_withdrawal_rate(annuity_factor),
        assumptions=assumptions,
        years_lasted=[round(float(share), 2) for share in lasted],
        retirement_starts_at_year=saving_years,
        median_value_at_retirement=_money(float(np.median(value_at_retirement))),
        paths=paths,
        seed=seed,
        worst_case_withdrawal_rate=_rate_floor(1 / float(annuity_factor[worst_path])),
        worst_start_year=None if start_years is None else int(start_years[worst_path]),
    )


def _percentiles(sorted_rows: FloatArray, percents: tuple[int, ...]) -> FloatArray:
    """Linear-interpolation percentiles (NumPy's default method) of rows already sorted."""
    count = sorted_rows.shape[1]
    positions = np.array(percents) / 100 * (count - 1)
    below = np.floor(positions).astype(np.int64)
    above = np.minimum(below + 1, count - 1)
    fraction = positions - below
    result: FloatArray = sorted_rows[:, below] * (1 - fraction) + sorted_rows[:, above] * fraction
    return result


def _safe_withdrawal_rate(annuity_factor: FloatArray) -> float:
    """Highest constant real withdrawal rate (percent, rounded down to 0.01) lasting in ≥ 90 % of paths."""
    sustainable = np.sort(1 / annuity_factor)[::-1]
    needed = math.ceil(SAFE_WITHDRAWAL_SUCCESS * len(sustainable))
    return _rate_floor(float(sustainable[needed - 1]))


def _rate_floor(rate: float) -> float:
    """A rate as a fraction → percent, rounded down to 0.01."""
    return math.floor(rate * 100 * 100) / 100


def _money(amount: float) -> Decimal:
    return to_cents(Decimal(repr(float(amount))))


_PARAMETRIC_PROXIES: Final = {
    "alternatives": ", ".join(
        f"{100 * share:g} % {name.replace('_', ' ')}" for name, share in ALTERNATIVES_PROXY.items()
    )
}
"""How the parametric model simulates what has no assumptions of its own."""


def _assumptions_used(params: RetirementParams) -> AssumptionsUsed:
    assumptions = params.assumptions
    return AssumptionsUsed(
        returns={k: float(assumptions.returns[k]) for k in SIMULATED_ASSET_CLASSES},
        volatilities={k: float(assumptions.volatilities[k]) for k in SIMULATED_ASSET_CLASSES},
        correlations={
            r: {c: float(assumptions.correlations[r][c]) for c in SIMULATED_ASSET_CLASSES}
            for r in SIMULATED_ASSET_CLASSES
        },
        inflation=params.inflation,
        method=ReturnMethod.PARAMETRIC.value,
        description=(
            "Correlated lognormal annual returns drawn from forward-looking capital-market "
            "assumptions, rebalanced yearly, with constant inflation."
        ),
        proxies=dict(_PARAMETRIC_PROXIES),
        paths=params.paths,
    )


def _history_assumptions(params: RetirementParams, sequences: SequenceReturnModel) -> AssumptionsUsed:
    """What the years of history drawn on delivered, and how they were used."""
    history = sequences.history
    nominal = history.nominal_returns()
    mean = nominal.mean(axis=0)
    classes = len(SIMULATED_ASSET_CLASSES)
    volatility: FloatArray = np.zeros(classes)
    correlation: FloatArray = np.eye(classes)
    if len(nominal) > 1:  # one year has no spread; a series that never moves has no correlation
        volatility = nominal.std(axis=0, ddof=1)
        centred = nominal - mean
        scale = np.sqrt((centred**2).sum(axis=0))
        moving = scale > 0
        normalised = np.divide(centred, scale, out=np.zeros_like(centred), where=moving)
        correlation = normalised.T @ normalised
        np.fill_diagonal(correlation, 1.0)
    compound_inflation = float(np.prod(1 + history.inflation) ** (1 / len(history.inflation)) - 1)
    first, last = history.first_year, history.last_year
    if params.return_method is ReturnMethod.HISTORICAL:
        starts = sequences.start_years
        start_years: tuple[int, int] | None = (int(starts[0]), int(starts[-1]))
        description = (
            f"Actual US years in order: one path per start year from {starts[0]} to {starts[-1]}, "
            f"each living through the {params.total_years} years that followed; only complete "
            "sequences are used."
        )
        block_years = None
    else:
        start_years = None
        block_years = params.block_years
        description = (
            f"{sequences.paths:,} random paths strung together from blocks of {block_years} "
            f"consecutive US years drawn with replacement from {first}-{last} (circular: a block "
            "may run on from the last year to the first)."
        )
    return AssumptionsUsed(
        returns=_percent_by_class(mean),
        volatilities=_percent_by_class(volatility),
        correlations={
            r: {c: round(float(correlation[i, j]), 2) for j, c in enumerate(SIMULATED_ASSET_CLASSES)}
            for i, r in enumerate(SIMULATED_ASSET_CLASSES)
        },
        inflation=round(100 * compound_inflation, 2),
        method=params.return_method.value,
        description=description,
        data=describe_data(first, last),
        history_years=(first, last),
        start_years=start_years,
        proxies=dict(HISTORICAL_PROXIES),
        paths=sequences.paths,
        block_years=block_years,
    )


def _percent_by_class(fractions: FloatArray) -> dict[str, float]:
    return {k: round(100 * float(v), 2) for k, v in zip(SIMULATED_ASSET_CLASSES, fractions, strict=True)}
