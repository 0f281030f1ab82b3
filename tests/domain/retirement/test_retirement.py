import itertools
import math
import tracemalloc
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from alex.domain.portfolio.allocation import allocate
from alex.domain.portfolio.models import Portfolio
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.retirement.assumptions import (
    DEFAULT_ASSUMPTIONS,
    DEFAULT_CORRELATIONS,
    DEFAULT_INFLATION,
    CapitalMarketAssumptions,
)
from alex.domain.retirement.from_portfolio import retirement_params_from_portfolio
from alex.domain.retirement.models import ParameterError, RetirementParams, WithdrawalStrategy
from alex.domain.retirement.simulation import (
    ReturnModel,
    simulate_retirement,
    simulation_weights,
    standard_normals,
)

from ..builders import AOR, account, instrument
from .helpers import NO_VOLATILITY, as_float, compound_path, real_growth

BALANCED = {"equity": 60, "fixed_income": 30, "real_estate": 5, "commodities": 3, "cash": 2}


def _params(**changes: Any) -> RetirementParams:
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


def test_result_shape_and_internal_consistency() -> None:
    result = simulate_retirement(_params())
    assert result.years == list(range(41))
    assert set(result.percentiles) == {"p5", "p25", "p50", "p75", "p95"}
    bands = [as_float(result.percentiles[k]) for k in ("p5", "p25", "p50", "p75", "p95")]
    assert all(len(band) == 41 for band in bands)
    assert all(b[0] == 250_000 for b in bands)
    assert all(
        lo <= hi for lower, upper in itertools.pairwise(bands) for lo, hi in zip(lower, upper, strict=True)
    )
    assert result.median_ending_value == result.percentiles["p50"][-1]
    assert result.p10_ending_value <= result.median_ending_value
    assert math.isclose(sum(result.years_lasted), 100, abs_tol=0.05)
    assert result.years_lasted[-1] == result.success_rate
    assert len(result.years_lasted) == 31
    assert result.retirement_starts_at_year == 10
    assert result.median_value_at_retirement > 250_000
    assert 0 < result.success_rate <= 100
    assert 0 < result.safe_withdrawal_rate < 10
    assert result.assumptions.inflation == DEFAULT_INFLATION
    assert result.assumptions.returns["commodities"] == 4.0  # the reference earned nothing on commodities
    assert result.assumptions.correlations == {k: dict(v) for k, v in DEFAULT_CORRELATIONS.items()}
    assert (result.paths, result.seed) == (1_000, 7)


def test_same_seed_same_result_and_a_drawn_seed_is_reported() -> None:
    assert simulate_retirement(_params()) == simulate_retirement(_params())
    assert simulate_retirement(_params()) != simulate_retirement(_params(seed=8))
    unseeded = simulate_retirement(_params(seed=None))
    assert simulate_retirement(_params(seed=unseeded.seed)) == unseeded


def test_zero_volatility_matches_compound_growth() -> None:
    result = simulate_retirement(_params(assumptions=NO_VOLATILITY, withdrawal_rate=4.5))
    expected = compound_path(
        current_value=250_000,
        contribution=12_000,
        saving_years=10,
        retirement_years=30,
        growth=real_growth(BALANCED, DEFAULT_INFLATION),
        withdrawal_rate=4.5,
    )
    for band in result.percentiles.values():
        assert as_float(band) == pytest.approx(expected, rel=1e-9, abs=0.01)
    growth = real_growth(BALANCED, DEFAULT_INFLATION)
    annuity_due = sum(growth**-j for j in range(30))
    assert result.safe_withdrawal_rate == math.floor(100 * 100 / annuity_due) / 100
    assert result.success_rate == (100.0 if 100 / annuity_due >= 4.5 else 0.0)


def test_zero_volatility_glide_path_steps_linearly_to_the_retirement_mix() -> None:
    params = _params(
        assumptions=NO_VOLATILITY,
        allocation={"equity": 100},
        retirement_allocation={"cash": 100},
        years_until_retirement=4,
        retirement_years=2,
        annual_contribution=Decimal(0),
        current_value=Decimal(1000),
        withdrawal_rate=0.0,
    )
    value = 1000.0
    expected = [value]
    for equity_share in (1.0, 0.75, 0.5, 0.25, 0.0, 0.0):
        value *= real_growth({"equity": equity_share, "cash": 1 - equity_share}, DEFAULT_INFLATION)
        expected.append(value)
    assert as_float(simulate_retirement(params).percentiles["p50"]) == pytest.approx(
        expected, rel=1e-9, abs=0.01
    )


def test_alternatives_are_simulated_as_half_stocks_half_bonds() -> None:
    assert simulation_weights({"alternatives": 100.0}).tolist() == [0.5, 0.5, 0.0, 0.0, 0.0]
    assert simulate_retirement(_params(allocation={"alternatives": 100})) == simulate_retirement(
        _params(allocation={"equity": 50, "fixed_income": 50})
    )


def test_safe_withdrawal_rate_is_the_90_percent_boundary() -> None:
    result = simulate_retirement(_params(years_until_retirement=0, annual_contribution=Decimal(0)))
    at_rate = simulate_retirement(
        _params(years_until_retirement=0, withdrawal_rate=result.safe_withdrawal_rate)
    )
    above = simulate_retirement(
        _params(years_until_retirement=0, withdrawal_rate=result.safe_withdrawal_rate + 0.01)
    )
    assert at_rate.success_rate >= 90 > above.success_rate


def test_target_income_from_an_empty_portfolio_fails_at_once() -> None:
    result = simulate_retirement(
        _params(current_value=Decimal(0), annual_contribution=Decimal(0), target_income=Decimal(40_000))
    )
    assert result.success_rate == 0
    assert result.years_lasted[0] == 100


def test_percent_of_portfolio_without_a_floor_never_runs_out() -> None:
    result = simulate_retirement(
        _params(
            withdrawal_strategy=WithdrawalStrategy.PERCENT_OF_PORTFOLIO,
            withdrawal_rate=8.0,
            floor_percent=0.0,
        )
    )
    assert result.success_rate == 100


def test_guardrails_rescue_an_aggressive_withdrawal_rate() -> None:
    aggressive = {"years_until_retirement": 0, "withdrawal_rate": 6.0, "annual_contribution": Decimal(0)}
    constant = simulate_retirement(_params(**aggressive))
    guarded = simulate_retirement(_params(withdrawal_strategy="guyton_klinger", **aggressive))
    assert guarded.success_rate > constant.success_rate + 10


def test_strategies_accept_their_string_names() -> None:
    assert (
        _params(withdrawal_strategy="percent_of_portfolio").strategy
        is WithdrawalStrategy.PERCENT_OF_PORTFOLIO
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"paths": 99}, "paths"),
        ({"paths": 100_001}, "paths"),
        ({"years_until_retirement": 71}, "years_until_retirement"),
        ({"years_until_retirement": 2.5}, "years_until_retirement"),
        ({"retirement_years": 0}, "retirement_years"),
        ({"current_value": Decimal(-1)}, "current_value"),
        ({"current_value": Decimal("NaN")}, "current_value"),
        ({"annual_contribution": Decimal(-1)}, "annual_contribution"),
        ({"withdrawal_rate": -0.1}, "withdrawal_rate"),
        ({"withdrawal_rate": 4.0, "target_income": Decimal(1)}, "target_income"),
        ({"target_income": Decimal(-1)}, "target_income"),
        ({"allocation": {"equity": 90}}, "allocation"),
        ({"allocation": {"crypto": 100}}, "allocation"),
        ({"retirement_allocation": {"equity": 50}}, "retirement_allocation"),
        ({"withdrawal_strategy": "yolo"}, "withdrawal_strategy"),
        ({"inflation": 50.0}, "inflation"),
        ({"seed": -1}, "seed"),
        ({"floor_percent": 120.0}, "floor_percent"),
        ({"ceiling_percent": 90.0}, "ceiling_percent"),
    ],
)
def test_out_of_range_parameters_name_their_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ParameterError) as raised:
        _params(**changes)
    assert raised.value.field == field


def test_assumptions_are_validated() -> None:
    with pytest.raises(ValueError, match="exactly"):
        CapitalMarketAssumptions(returns={"equity": 7.0})
    broken = {k: dict(v) for k, v in DEFAULT_CORRELATIONS.items()}
    broken["equity"]["real_estate"] = broken["real_estate"]["equity"] = 0.99
    broken["equity"]["commodities"] = broken["commodities"]["equity"] = -0.99
    with pytest.raises(ValueError, match="positive definite"):
        CapitalMarketAssumptions(correlations=broken)
    asymmetric = {k: dict(v) for k, v in DEFAULT_CORRELATIONS.items()}
    asymmetric["equity"]["cash"] = 0.5
    with pytest.raises(ValueError, match="symmetric"):
        CapitalMarketAssumptions(correlations=asymmetric)
    assert DEFAULT_ASSUMPTIONS.correlation_matrix().shape == (5, 5)


def test_normal_draws_have_the_right_moments() -> None:
    draws = standard_normals(np.random.default_rng(0), (200_001,)).astype(np.float64)
    assert draws.shape == (200_001,)
    assert abs(draws.mean()) < 0.01
    assert abs(draws.std() - 1) < 0.01
    assert abs(np.mean(draws**4) - 3) < 0.05


def test_correlated_returns_reproduce_the_assumptions() -> None:
    params = _params(allocation={"equity": 100}, years_until_retirement=1, retirement_years=1, paths=100)
    market = ReturnModel.build(params)
    shocks = standard_normals(np.random.default_rng(1), (400_000, 5)) @ market.shock_factor
    correlation = np.corrcoef(shocks.T.astype(np.float64))
    assert np.allclose(correlation, DEFAULT_ASSUMPTIONS.correlation_matrix(), atol=0.01)
    gross = (
        np.exp(shocks[:, 0].astype(np.float64)) * market.scaled_weights[0, 0] * (1 + DEFAULT_INFLATION / 100)
    )
    assert gross.mean() == pytest.approx(1.07, abs=0.002)
    assert gross.std() == pytest.approx(0.17, abs=0.002)


def test_memory_stays_flat_at_100000_paths() -> None:
    params = _params(paths=100_000, years_until_retirement=30, retirement_years=30)
    tracemalloc.start()
    try:
        simulate_retirement(params)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024


def test_params_from_a_portfolio_use_its_classified_mix_and_whole_value() -> None:
    untagged = instrument("NEW", "100", asset={})
    allocations = allocate(
        value_portfolio(Portfolio((account("a", (AOR, "100"), (untagged, "10"), cash="1110"),)))
    )
    params = retirement_params_from_portfolio(
        allocations, years_until_retirement=20, target_income=Decimal(30_000)
    )
    assert params.current_value == Decimal("7000.00")
    assert params.allocation == {
        "equity": Decimal("48.90"),
        "fixed_income": Decimal("32.60"),
        "cash": Decimal("18.50"),
    }
    assert simulate_retirement(params).years[-1] == 50
    empty = retirement_params_from_portfolio(allocate(value_portfolio(Portfolio())), years_until_retirement=5)
    assert empty.allocation == {"cash": Decimal(100)}
