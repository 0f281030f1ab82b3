"""Closed-form reference for zero-volatility runs, independent of the engine's code path."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from alex.domain.retirement.assumptions import (
    DEFAULT_RETURNS,
    SIMULATED_ASSET_CLASSES,
    CapitalMarketAssumptions,
)

NO_VOLATILITY = CapitalMarketAssumptions(volatilities=dict.fromkeys(SIMULATED_ASSET_CLASSES, 0.0))


def real_growth(allocation: Mapping[str, float], inflation: float) -> float:
    weights = dict.fromkeys(SIMULATED_ASSET_CLASSES, 0.0)
    for key, percent in allocation.items():
        if key == "alternatives":
            weights["equity"] += percent / 2
            weights["fixed_income"] += percent / 2
        else:
            weights[key] += percent
    total = sum(weights.values())
    nominal = sum(weights[k] / total * DEFAULT_RETURNS[k] / 100 for k in weights)
    return (1 + nominal) / (1 + inflation / 100)


def compound_path(
    *,
    current_value: float,
    contribution: float,
    saving_years: int,
    retirement_years: int,
    growth: float,
    withdrawal_rate: float | None = None,
    target_income: float | None = None,
) -> list[float]:
    """Value by year: contributions at year end, constant real withdrawals at the start of each year."""
    value = current_value
    path = [value]
    for _ in range(saving_years):
        value = value * growth + contribution
        path.append(value)
    withdrawal = target_income if target_income is not None else value * (withdrawal_rate or 0) / 100
    alive = True
    for _ in range(retirement_years):
        alive = alive and value >= withdrawal
        value = (value - withdrawal) * growth if alive else 0.0
        path.append(value)
    return path


def as_float(amounts: list[Decimal]) -> list[float]:
    return [float(a) for a in amounts]
