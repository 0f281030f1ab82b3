"""The three return methods: calibration against the Trinity study and Bengen, shape, seeds, validation."""

import dataclasses
import hashlib
import itertools
import json
import math
import tracemalloc
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alex.domain.retirement.assumptions import SIMULATED_ASSET_CLASSES
from alex.domain.retirement.from_portfolio import retirement_params_from_portfolio
from alex.domain.retirement.history import HISTORICAL_PROXIES, load_history
from alex.domain.retirement.models import (
    ParameterError,
    RetirementParams,
    ReturnMethod,
    WithdrawalStrategy,
    _canonical,
)
from alex.domain.retirement.sequences import SequenceReturnModel
from alex.domain.retirement.simulation import simulate_retirement

from .helpers import as_float

TRINITY_50_50 = {3.0: 100, 4.0: 96, 5.0: 67, 6.0: 51, 7.0: 22}
"""Cooley, Hubbard and Walz, "Portfolio Success Rates: Where to Draw the Line", Journal of
Financial Planning, April 2011: 50 % stocks / 50 % bonds, 30-year payouts, inflation-adjusted
withdrawals, 1926-2009 data; success rate in percent by initial withdrawal rate."""
TOLERANCE = 6.0

BALANCED = {"equity": 60, "fixed_income": 30, "real_estate": 5, "commodities": 3, "cash": 2}


def _trinity(equity: int, rate: float) -> RetirementParams:
    """The Trinity study's set-up: retired today, 30 years, constant real withdrawals, start years 1926 on."""
    return RetirementParams(
        current_value=Decimal(1_000_000),
        allocation={"equity": equity, "fixed_income": 100 - equity},
        years_until_retirement=0,
        retirement_years=30,
        withdrawal_rate=rate,
        method=ReturnMethod.HISTORICAL,
        history_start=1926,
    )


def _plan(**changes: Any) -> RetirementParams:
    base: dict[str, Any] = {
        "current_value": Decimal(250_000),
        "allocation": BALANCED,
        "years_until_retirement": 10,
        "annual_contribution": Decimal(12_000),
        "retirement_years": 30,
        "paths": 1_000,
        "seed": 7,
    }
    base.update(changes)
    return RetirementParams(**base)


@pytest.mark.parametrize(("rate", "published"), TRINITY_50_50.items())
def test_historical_50_50_reproduces_the_trinity_study(rate: float, published: int) -> None:
    result = simulate_retirement(_trinity(50, rate))
    assert abs(result.success_rate - published) <= TOLERANCE
    if rate == 3.0:
        assert result.success_rate == 100.0


def test_historical_uses_every_complete_start_year_from_1926() -> None:
    result = simulate_retirement(_trinity(50, 4.0))
    assert result.paths == 68  # 1926..1993: the last start year whose 30 years end by 2022
    assert result.assumptions.start_years == (1926, 1993)
    assert result.assumptions.history_years == (1926, 2022)


def test_bengen_worst_start_year_rate_for_50_50() -> None:
    result = simulate_retirement(_trinity(50, 4.0))
    assert 3.4 <= result.worst_case_withdrawal_rate <= 4.4
    assert result.worst_start_year == 1966  # the stagflation retiree, as in Bengen (1994)
    lasted = simulate_retirement(_trinity(50, result.worst_case_withdrawal_rate))
    failed = simulate_retirement(_trinity(50, result.worst_case_withdrawal_rate + 0.01))
    assert lasted.success_rate == 100.0 > failed.success_rate


def test_historical_is_deterministic_and_needs_no_seed() -> None:
    params = _plan(method="historical", seed=None)
    first = simulate_retirement(params)
    assert first == simulate_retirement(params)
    assert first.seed == 0
    seeded = simulate_retirement(dataclasses.replace(params, seed=99))
    assert dataclasses.replace(seeded, seed=0) == first


def test_one_sequence_follows_history_year_by_year_with_contributions_and_a_glide_path() -> None:
    params = RetirementParams(
        current_value=Decimal(100_000),
        allocation={"equity": 80, "fixed_income": 20},
        retirement_allocation={"equity": 40, "fixed_income": 40, "cash": 20},
        years_until_retirement=4,
        annual_contribution=Decimal(10_000),
        retirement_years=6,
        withdrawal_rate=5.0,
        method=ReturnMethod.HISTORICAL,
        history_start=1970,
        history_end=1979,  # exactly ten years: one sequence
    )
    result = simulate_retirement(params)
    assert result.paths == 1
    real = load_history().window(1970, 1979).real_growth()
    start = np.array([0.8, 0.2, 0, 0, 0])
    end = np.array([0.4, 0.4, 0, 0, 0.2])
    value = 100_000.0
    expected = [value]
    withdrawal = 0.0
    for year in range(1, 11):
        weights = start + min(year - 1, 4) / 4 * (end - start)
        growth = float(real[year - 1] @ weights)
        if year <= 4:
            value = value * growth + 10_000
        else:
            if year == 5:
                withdrawal = value * 0.05
            value = (value - withdrawal) * growth
        expected.append(value)
    for band in result.percentiles.values():
        assert as_float(band) == pytest.approx(expected, rel=1e-9, abs=0.01)
    assert result.worst_start_year == 1970


def test_bootstrap_is_seeded_and_reproducible() -> None:
    params = _plan(method="bootstrap")
    assert simulate_retirement(params) == simulate_retirement(params)
    assert simulate_retirement(params) != simulate_retirement(_plan(method="bootstrap", seed=8))
    unseeded = simulate_retirement(_plan(method="bootstrap", seed=None))
    assert simulate_retirement(_plan(method="bootstrap", seed=unseeded.seed)) == unseeded
    result = simulate_retirement(params)
    assert result.paths == 1_000
    assert result.assumptions.block_years == 5
    assert result.worst_start_year is None


def test_bootstrap_strings_together_circular_blocks_of_history() -> None:
    params = _plan(method="bootstrap", paths=2_000, block_years=4, history_start=1900, history_end=1999)
    model = SequenceReturnModel.bootstrap(params, np.random.default_rng(3))
    assert model.indices.shape == (40, 2_000)
    years = model.history.years
    calendar = years[model.indices.astype(np.intp) % len(years)]
    for block_start in range(0, 40, 4):
        block = calendar[block_start : block_start + 4]
        steps = np.diff(block, axis=0)
        assert np.all((steps == 1) | (steps == -99))  # consecutive years, or 1999 wrapping to 1900
    assert np.any(np.diff(calendar[:4], axis=0) == -99)  # some block does wrap
    returns = model.asset_real_returns(first_year=1, last_year=40)
    assert returns.shape == (2_000, 40, len(SIMULATED_ASSET_CLASSES))
    history = model.history.real_growth() - 1
    assert np.array_equal(returns[5, 7], history[calendar[7, 5] - 1900])
    # Every year is equally likely: the resampled mean return matches history's.
    assert returns[..., 0].mean() == pytest.approx(history[:, 0].mean(), abs=0.005)


def test_bootstrap_block_of_one_year_shuffles_single_years() -> None:
    result = simulate_retirement(_plan(method="bootstrap", block_years=1))
    assert result.assumptions.block_years == 1
    assert result != simulate_retirement(_plan(method="bootstrap"))


@pytest.mark.parametrize("method", list(ReturnMethod))
def test_every_method_fills_the_same_result_shape(method: ReturnMethod) -> None:
    result = simulate_retirement(_plan(method=method))
    assert result.years == list(range(41))
    assert set(result.percentiles) == {"p5", "p25", "p50", "p75", "p95"}
    assert all(len(band) == 41 and band[0] == 250_000 for band in result.percentiles.values())
    bands = [as_float(result.percentiles[k]) for k in ("p5", "p25", "p50", "p75", "p95")]
    assert all(
        low <= high
        for lower, upper in itertools.pairwise(bands)
        for low, high in zip(lower, upper, strict=True)
    )
    assert result.median_ending_value == result.percentiles["p50"][-1]
    assert result.p10_ending_value <= result.median_ending_value
    assert len(result.years_lasted) == 31
    assert math.isclose(sum(result.years_lasted), 100, abs_tol=0.05)
    assert result.years_lasted[-1] == result.success_rate
    assert result.retirement_starts_at_year == 10
    assert result.median_value_at_retirement > 250_000
    assert 0 < result.success_rate <= 100
    assert 0 < result.worst_case_withdrawal_rate <= result.safe_withdrawal_rate < 10
    used = result.assumptions
    assert used.method == method.value
    assert used.description
    assert used.paths == result.paths
    assert (
        set(used.returns) == set(used.volatilities) == set(used.correlations) == set(SIMULATED_ASSET_CLASSES)
    )
    assert all(used.correlations[k][k] == 1.0 for k in SIMULATED_ASSET_CLASSES)
    if method is ReturnMethod.PARAMETRIC:
        assert (used.data, used.history_years, used.block_years) == ("", None, None)
    else:
        assert used.data.startswith("US 1871–2022 (Shiller")
        assert used.history_years == (1871, 2022)
        assert used.proxies == dict(HISTORICAL_PROXIES)
        assert used.correlations["equity"]["real_estate"] == 1.0  # real estate follows stocks
        assert 2 < used.inflation < 3  # history's compound average


@pytest.mark.parametrize("method", [ReturnMethod.HISTORICAL, ReturnMethod.BOOTSTRAP])
def test_historical_methods_support_every_withdrawal_strategy(method: ReturnMethod) -> None:
    retired = {"years_until_retirement": 0, "annual_contribution": Decimal(0), "method": method}
    constant = simulate_retirement(_plan(withdrawal_rate=6.0, **retired))
    guarded = simulate_retirement(_plan(withdrawal_rate=6.0, withdrawal_strategy="guyton_klinger", **retired))
    assert guarded.success_rate > constant.success_rate
    floating = simulate_retirement(
        _plan(
            withdrawal_rate=8.0,
            withdrawal_strategy=WithdrawalStrategy.PERCENT_OF_PORTFOLIO,
            floor_percent=0.0,
            **retired,
        )
    )
    assert floating.success_rate == 100
    broke = simulate_retirement(_plan(current_value=Decimal(0), target_income=Decimal(40_000), **retired))
    assert broke.success_rate == 0


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from([ReturnMethod.HISTORICAL, ReturnMethod.BOOTSTRAP]),
    st.integers(0, 100),
    st.integers(0, 30),
    st.integers(1, 40),
    st.floats(0, 12),
    st.floats(0, 12),
    st.integers(0, 2**32),
)
def test_success_never_rises_with_the_withdrawal_rate(
    method: ReturnMethod, equity: int, saving: int, retired: int, first: float, second: float, seed: int
) -> None:
    low, high = sorted((first, second))
    common: dict[str, Any] = {
        "current_value": Decimal(500_000),
        "allocation": {"equity": equity, "fixed_income": 100 - equity},
        "years_until_retirement": saving,
        "annual_contribution": Decimal(10_000),
        "retirement_years": retired,
        "paths": 200,
        "seed": seed,
        "method": method,
    }
    at_low = simulate_retirement(RetirementParams(**common, withdrawal_rate=low))
    at_high = simulate_retirement(RetirementParams(**common, withdrawal_rate=high))
    assert at_low.success_rate >= at_high.success_rate


def test_parametric_stays_the_default_and_unchanged() -> None:
    default = _plan()
    assert default.method == ReturnMethod.PARAMETRIC
    explicit = _plan(method="parametric")
    assert simulate_retirement(default) == simulate_retirement(explicit)
    assert default.plan_seed() == explicit.plan_seed()
    result = simulate_retirement(default)
    assert result.assumptions.method == "parametric"
    assert result.assumptions.paths == 1_000
    assert result.worst_start_year is None


def _seed_before_the_methods(params: RetirementParams) -> int:
    """``plan_seed`` as written before the return-method fields (and the later cash-flow ones) existed."""
    new_fields = {
        "method",
        "history_start",
        "history_end",
        "block_years",
        "contribution_growth",
        "other_income",
        "other_income_delay_years",
    }
    plan = {
        name: getattr(params, name)
        for name in params.__dataclass_fields__
        if name != "seed" and name not in new_fields
    }
    canonical = json.dumps(plan, sort_keys=True, default=_canonical)
    return int(hashlib.sha256(canonical.encode()).hexdigest()[:13], 16)


def test_plan_seed_is_unchanged_for_parametric_plans_and_differs_per_method() -> None:
    plan = _plan(withdrawal_rate=4.5, retirement_allocation={"fixed_income": 100})
    assert plan.plan_seed() == _seed_before_the_methods(plan)
    seeds = {dataclasses.replace(plan, method=m).plan_seed() for m in ReturnMethod}
    assert len(seeds) == 3
    bootstrap = dataclasses.replace(plan, method=ReturnMethod.BOOTSTRAP)
    assert bootstrap.plan_seed() != dataclasses.replace(bootstrap, block_years=10).plan_seed()
    assert bootstrap.plan_seed() != dataclasses.replace(bootstrap, history_start=1926).plan_seed()


def test_params_from_a_portfolio_carry_the_method() -> None:
    from alex.domain.portfolio.allocation import allocate
    from alex.domain.portfolio.models import Portfolio
    from alex.domain.portfolio.valuation import value_portfolio

    allocations = allocate(value_portfolio(Portfolio()))
    params = retirement_params_from_portfolio(
        allocations, years_until_retirement=5, method=ReturnMethod.BOOTSTRAP
    )
    assert params.return_method is ReturnMethod.BOOTSTRAP


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"method": "monte_carlo"}, "method"),
        ({"method": "historical", "history_start": 1870}, "history_start"),
        ({"history_end": 2023}, "history_end"),
        ({"history_start": 1950.5}, "history_start"),
        ({"history_start": 1990, "history_end": 1980}, "history_end"),
        ({"block_years": 0}, "block_years"),
        ({"block_years": 31}, "block_years"),
        ({"block_years": True}, "block_years"),
        # 40 years of plan, 30 years of history: not one complete sequence.
        ({"method": "historical", "history_start": 1950, "history_end": 1979}, "history_start"),
        ({"method": "bootstrap", "history_start": 2020, "block_years": 5}, "block_years"),
    ],
)
def test_method_fields_are_validated(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ParameterError) as raised:
        _plan(**changes)
    assert raised.value.field == field


def test_narrow_windows_are_fine_when_they_fit() -> None:
    assert _plan(method="bootstrap", history_start=2020, block_years=3).history_window == (2020, 2022)
    assert simulate_retirement(_plan(method="historical", history_start=1983)).paths == 1


def test_bootstrap_memory_stays_flat_at_100000_paths() -> None:
    params = _plan(method="bootstrap", paths=100_000, years_until_retirement=30, retirement_years=30)
    tracemalloc.start()
    try:
        simulate_retirement(params)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024
