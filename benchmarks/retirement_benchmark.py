"""Retirement Monte Carlo: the vectorised engine against a plain Python loop, side by side.

Run: ``.venv/bin/python benchmarks/retirement_benchmark.py``

Both simulate the same model (10,000 paths × 60 years: 30 saving, 30 retired; five correlated
lognormal asset classes; contributions; 4 % constant real withdrawals; percentile bands by
year; safe withdrawal rate). The loop version is written the way one would without NumPy:
one path at a time, one year at a time, ``random.gauss`` and lists. Targets from the issue:
vectorised under 50 ms, at least 50 times faster, under 200 MB at 100,000 paths.
"""

from __future__ import annotations

import math
import random
import resource
import statistics
import time
import tracemalloc
from dataclasses import replace
from decimal import Decimal

from alex.domain.retirement.assumptions import DEFAULT_ASSUMPTIONS, SIMULATED_ASSET_CLASSES
from alex.domain.retirement.models import RetirementParams
from alex.domain.retirement.simulation import simulate_retirement

PATHS = 10_000
SEED = 42
TIMED_RUNS = 20
PARAMS = RetirementParams(
    current_value=Decimal(300_000),
    allocation={"equity": 55, "fixed_income": 25, "real_estate": 10, "commodities": 5, "cash": 5},
    years_until_retirement=30,
    annual_contribution=Decimal(15_000),
    retirement_years=30,
    withdrawal_rate=4.0,
    paths=PATHS,
    seed=SEED,
)


def loop_simulation(params: RetirementParams) -> dict[str, float]:
    """The same simulation, one path and one year at a time, in pure Python."""
    rng = random.Random(params.seed)
    names = SIMULATED_ASSET_CLASSES
    mean = [DEFAULT_ASSUMPTIONS.returns[k] / 100 for k in names]
    volatility = [DEFAULT_ASSUMPTIONS.volatilities[k] / 100 for k in names]
    correlation = [[DEFAULT_ASSUMPTIONS.correlations[r][c] for c in names] for r in names]
    log_sd = [math.sqrt(math.log1p((v / (1 + m)) ** 2)) for m, v in zip(mean, volatility, strict=True)]
    log_mean = [math.log1p(m) - s * s / 2 for m, s in zip(mean, log_sd, strict=True)]
    lower = cholesky(correlation)
    weights = [float(params.allocation.get(k, 0)) / 100 for k in names]
    inflation = 1 + params.inflation / 100
    saving, retired = params.years_until_retirement, params.retirement_years
    contribution = float(params.annual_contribution)
    rate = (params.withdrawal_rate or 4.0) / 100

    by_year: list[list[float]] = [[] for _ in range(saving + retired + 1)]
    successes = 0
    sustainable_rates = []
    for _ in range(params.paths):
        value = float(params.current_value)
        by_year[0].append(value)
        withdrawal = 0.0
        alive = True
        growth_since_retirement, annuity = 1.0, 0.0
        for year in range(1, saving + retired + 1):
            normals = [rng.gauss(0.0, 1.0) for _ in names]
            growth = 0.0
            for i in range(len(names)):
                shock = sum(lower[i][j] * normals[j] for j in range(i + 1))
                growth += weights[i] * math.exp(log_mean[i] + log_sd[i] * shock)
            growth /= inflation
            if year <= saving:
                value = value * growth + contribution
            else:
                if year == saving + 1:
                    withdrawal = value * rate
                if alive and value >= withdrawal:
                    value = (value - withdrawal) * growth
                else:
                    alive, value = False, 0.0
                annuity += 1 / growth_since_retirement
                growth_since_retirement *= growth
            by_year[year].append(value)
        successes += alive
        sustainable_rates.append(1 / annuity)

    bands = {q: [percentile(sorted(values), q) for values in by_year] for q in (5, 25, 50, 75, 95)}
    sustainable_rates.sort(reverse=True)
    return {
        "success_rate": 100 * successes / params.paths,
        "median_ending_value": bands[50][-1],
        "safe_withdrawal_rate": 100 * sustainable_rates[math.ceil(0.9 * params.paths) - 1],
    }


def cholesky(matrix: list[list[float]]) -> list[list[float]]:
    size = len(matrix)
    lower = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1):
            partial = sum(lower[i][k] * lower[j][k] for k in range(j))
            lower[i][j] = (
                math.sqrt(matrix[i][i] - partial) if i == j else (matrix[i][j] - partial) / lower[j][j]
            )
    return lower


def percentile(ordered: list[float], percent: float) -> float:
    position = percent / 100 * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def main() -> None:
    years = PARAMS.total_years
    print(f"Retirement Monte Carlo: {PATHS:,} paths × {years} years, 5 correlated asset classes")
    simulate_retirement(PARAMS)  # warm-up: first-touch page faults and NumPy's lazy set-up
    timings = []
    for _ in range(TIMED_RUNS):
        start = time.perf_counter()
        vectorised = simulate_retirement(PARAMS)
        timings.append(time.perf_counter() - start)
    fast = statistics.median(timings)
    best = min(timings)
    print(f"  vectorised (NumPy):  median {fast * 1e3:7.1f} ms, best {best * 1e3:.1f} ms ({TIMED_RUNS} runs)")

    start = time.perf_counter()
    looped = loop_simulation(PARAMS)
    slow = time.perf_counter() - start
    print(f"  pure-Python loop:    {slow * 1e3:9,.0f} ms (1 run)")
    print(f"  speed-up:            {slow / fast:7.0f}×")
    median_ending = float(vectorised.median_ending_value)
    print("  same model, independent draws (vectorised vs loop):")
    print(f"    success rate          {vectorised.success_rate:6.1f} % vs {looped['success_rate']:.1f} %")
    print(f"    median ending value   ${median_ending:,.0f} vs ${looped['median_ending_value']:,.0f}")
    swr = vectorised.safe_withdrawal_rate
    print(f"    safe withdrawal rate  {swr:6.2f} % vs {looped['safe_withdrawal_rate']:.2f} %")

    large = replace(PARAMS, paths=100_000)
    tracemalloc.start()
    start = time.perf_counter()
    simulate_retirement(large)
    large_time = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  100,000 paths × {years} years: peak traced memory {peak / 2**20:.1f} MB "
        f"(process max RSS {max_rss:.0f} MB), {large_time * 1e3:.0f} ms under tracemalloc"
    )
    verdicts = {
        "< 50 ms": fast < 0.050,
        "≥ 50× faster": slow / fast >= 50,
        "< 200 MB at 100,000 paths": peak < 200 * 2**20,
    }
    print("  targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts.items()))


if __name__ == "__main__":
    main()
