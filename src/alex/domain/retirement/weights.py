"""Portfolio weights over the simulated asset classes, year by year (shared by every return method)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alex.domain.arrays import FloatArray
from alex.domain.retirement.assumptions import ALTERNATIVES_PROXY, SIMULATED_ASSET_CLASSES
from alex.domain.retirement.models import RetirementParams


def simulation_weights(allocation: dict[str, float]) -> FloatArray:
    """Allocation in percent → weights over the simulated asset classes (alternatives via their proxy)."""
    weights = dict.fromkeys(SIMULATED_ASSET_CLASSES, 0.0)
    for asset_class, percent in allocation.items():
        if asset_class in weights:
            weights[asset_class] += percent
        else:
            for proxy, share in ALTERNATIVES_PROXY.items():
                weights[proxy] += percent * share
    vector = np.array([weights[k] for k in SIMULATED_ASSET_CLASSES])
    normalised: FloatArray = vector / vector.sum()
    return normalised


@dataclass(frozen=True, slots=True)
class YearlyWeights:
    """``by_year[t - 1]``: the weights held (and rebalanced to) during simulated year ``t``.

    ``constant`` is true when the plan has no glide path (today's mix and the retirement mix
    are the same), so every row is the same.
    """

    by_year: FloatArray  # (years, 5)
    constant: bool


def yearly_weights(params: RetirementParams) -> YearlyWeights:
    """The glide path: equal yearly steps from ``allocation`` to ``retirement_allocation``, then flat."""
    start = simulation_weights({k: float(v) for k, v in params.allocation.items()})
    end = start
    if params.retirement_allocation is not None:
        end = simulation_weights({k: float(v) for k, v in params.retirement_allocation.items()})
    saving_years = params.years_until_retirement
    steps = np.array(
        [
            min(year - 1, saving_years) / saving_years if saving_years else 1.0
            for year in range(1, params.total_years + 1)
        ]
    )
    weights = start + steps[:, None] * (end - start)
    return YearlyWeights(by_year=weights, constant=bool(np.array_equal(start, end)))
