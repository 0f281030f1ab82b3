"""The plan's cash flows (growing contributions, other income) and ``plan_params``, the one way a
plan becomes a simulation for the analysis and the what-if alike."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from alex.domain.retirement.assumptions import DEFAULT_ASSUMPTIONS, DEFAULT_INFLATION
from alex.domain.retirement.models import ParameterError, RetirementParams, ReturnMethod
from alex.domain.retirement.plan import (
    RetirementPlan,
    StartingPortfolio,
    glide_path_target,
    plan_params,
)
from alex.domain.retirement.simulation import simulate_retirement

from .helpers import NO_VOLATILITY, as_float, real_growth

MIX = {"equity": 60, "fixed_income": 40}
START = StartingPortfolio(
    value=Decimal(300_000), allocation={"equity": Decimal(60), "fixed_income": Decimal(40)}
)


def _params(**changes: Any) -> RetirementParams:
    base: dict[str, Any] = {
        "current_value": Decimal(300_000),
        "allocation": MIX,
        "years_until_retirement": 10,
        "retirement_years": 25,
        "paths": 200,
        "seed": 11,
        "assumptions": NO_VOLATILITY,
    }
    base.update(changes)
    return RetirementParams(**base)


def _path(
    *,
    value: float,
    contributions: list[float],
    withdrawals: list[float],
    growth: float,
) -> list[float]:
    """Value by year, computed by hand: contributions at year end, withdrawals at year start."""
    path = [value]
    for contribution in contributions:
        value = value * growth + contribution
        path.append(value)
    alive = True
    for withdrawal in withdrawals:
        alive = alive and value >= withdrawal
        value = (value - withdrawal) * growth if alive else 0.0
        path.append(value)
    return path


def test_contributions_grow_by_their_rate_each_year_after_the_first() -> None:
    params = _params(annual_contribution=Decimal(10_000), contribution_growth=3.0, withdrawal_rate=0.0)
    expected = _path(
        value=300_000,
        contributions=[10_000 * 1.03**k for k in range(10)],
        withdrawals=[0.0] * 25,
        growth=real_growth(MIX, DEFAULT_INFLATION),
    )
    assert as_float(simulate_retirement(params).percentiles["p50"]) == pytest.approx(
        expected, rel=1e-9, abs=0.01
    )


def test_other_income_pays_part_of_the_target_from_its_start() -> None:
    params = _params(target_income=Decimal(40_000), other_income=Decimal(15_000), other_income_delay_years=5)
    expected = _path(
        value=300_000,
        contributions=[0.0] * 10,
        withdrawals=[40_000.0] * 5 + [25_000.0] * 20,
        growth=real_growth(MIX, DEFAULT_INFLATION),
    )
    result = simulate_retirement(params)
    assert as_float(result.percentiles["p50"]) == pytest.approx(expected, rel=1e-9, abs=0.01)


def test_other_income_covering_the_target_leaves_the_portfolio_untouched() -> None:
    params = _params(
        current_value=Decimal(0), target_income=Decimal(30_000), other_income=Decimal(30_000), seed=3
    )
    assert simulate_retirement(params).success_rate == 100.0
    without = simulate_retirement(dataclasses.replace(params, other_income=Decimal(0)))
    assert without.success_rate == 0.0


def test_other_income_raises_the_success_rate_and_a_withdrawal_rate_ignores_it() -> None:
    noisy: dict[str, Any] = {"assumptions": DEFAULT_ASSUMPTIONS}
    base = _params(target_income=Decimal(45_000), paths=2_000, **noisy)
    helped = simulate_retirement(dataclasses.replace(base, other_income=Decimal(20_000)))
    assert helped.success_rate > simulate_retirement(base).success_rate
    by_rate = _params(withdrawal_rate=5.0, paths=2_000, **noisy)
    assert simulate_retirement(by_rate) == simulate_retirement(
        dataclasses.replace(by_rate, other_income=Decimal(20_000))
    )


def test_the_new_fields_at_their_defaults_change_neither_the_result_nor_the_seed() -> None:
    plain = _params(target_income=Decimal(40_000), assumptions=DEFAULT_ASSUMPTIONS)
    explicit = dataclasses.replace(
        plain, contribution_growth=0.0, other_income=Decimal("0.00"), other_income_delay_years=0
    )
    assert simulate_retirement(plain) == simulate_retirement(explicit)
    assert plain.plan_seed() == explicit.plan_seed()
    assert plain.plan_seed() != dataclasses.replace(plain, other_income=Decimal(1)).plan_seed()
    assert plain.plan_seed() != dataclasses.replace(plain, contribution_growth=1.0).plan_seed()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contribution_growth": -10.5}, "contribution_growth"),
        ({"contribution_growth": 21.0}, "contribution_growth"),
        ({"contribution_growth": float("nan")}, "contribution_growth"),
        ({"other_income": Decimal(-1)}, "other_income"),
        ({"other_income_delay_years": -1}, "other_income_delay_years"),
        ({"other_income_delay_years": 71}, "other_income_delay_years"),
    ],
)
def test_out_of_range_cash_flows_name_their_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ParameterError) as raised:
        _params(**changes)
    assert raised.value.field == field


# --- the plan ------------------------------------------------------------------------------------


def test_the_plan_places_other_income_on_its_timeline() -> None:
    plan = RetirementPlan(years_until_retirement=20, current_age=45, other_income_start_age=67)
    assert plan.retirement_age == 65
    assert plan.other_income_delay_years == 2
    assert dataclasses.replace(plan, other_income_start_age=60).other_income_delay_years == 0
    assert dataclasses.replace(plan, current_age=None).other_income_delay_years == 0
    assert dataclasses.replace(plan, other_income_start_age=None).other_income_delay_years == 0


def test_plan_params_carry_the_whole_plan() -> None:
    plan = RetirementPlan(
        years_until_retirement=20,
        target_income=Decimal(60_000),
        annual_contribution=Decimal(12_000),
        contribution_growth=Decimal("2.5"),
        other_income=Decimal(20_000),
        other_income_start_age=67,
        current_age=45,
        glide_path_equity=Decimal(40),
        method=ReturnMethod.HISTORICAL,
    )
    params = plan_params(plan, START, paths=500)
    assert params.current_value == Decimal("300000.00")
    assert params.years_until_retirement == 20
    assert params.annual_contribution == Decimal("12000.00")
    assert params.contribution_growth == 2.5
    assert params.target_income == Decimal("60000.00")
    assert params.withdrawal_rate is None
    assert params.other_income == Decimal("20000.00")
    assert params.other_income_delay_years == 2
    assert params.retirement_allocation == {"equity": Decimal(40), "fixed_income": Decimal(60)}
    assert params.method == ReturnMethod.HISTORICAL
    assert params.seed == dataclasses.replace(params, seed=None).plan_seed()


def test_without_a_target_or_with_a_rate_the_plan_withdraws_a_rate() -> None:
    plan = RetirementPlan(years_until_retirement=10)
    assert plan_params(plan, START).target_income is None
    with_target = dataclasses.replace(plan, target_income=Decimal(50_000))
    by_rate = plan_params(with_target, START, withdrawal_rate=3.5)
    assert by_rate.target_income is None
    assert by_rate.withdrawal_rate == 3.5


def test_the_same_plan_written_differently_is_the_same_simulation() -> None:
    plan = RetirementPlan(
        years_until_retirement=15, target_income=Decimal(50_000), annual_contribution=Decimal(100)
    )
    same = dataclasses.replace(plan, target_income=Decimal("50000.00"), annual_contribution=Decimal("100.0"))
    start = StartingPortfolio(
        value=Decimal("300000"), allocation={"equity": Decimal("60.00"), "fixed_income": 40}
    )
    zeros = StartingPortfolio(
        value=Decimal("300000.004"), allocation={"fixed_income": Decimal(40), "equity": 60, "cash": 0}
    )
    first, second = plan_params(plan, start, paths=300), plan_params(same, zeros, paths=300)
    assert first == second
    assert simulate_retirement(first) == simulate_retirement(second)
    assert plan_params(plan, START, seed=5).seed == 5


def test_plan_params_refuse_what_the_simulation_refuses() -> None:
    with pytest.raises(ParameterError) as raised:
        plan_params(RetirementPlan(years_until_retirement=71), START)
    assert raised.value.field == "years_until_retirement"


@pytest.mark.parametrize(
    ("allocation", "equity", "expected"),
    [
        ({"equity": 80, "fixed_income": 15, "cash": 5}, 40, {"equity": 40, "fixed_income": 45, "cash": 15}),
        ({"equity": 100}, 70, {"equity": 70, "fixed_income": 30}),
        ({"equity": 100}, 100, {"equity": 100}),
        ({"equity": 50, "fixed_income": 50}, 0, {"fixed_income": 100}),
        ({"fixed_income": 100}, 30, {"equity": 30, "fixed_income": 70}),
    ],
)
def test_the_glide_path_target_keeps_the_other_classes_proportions(
    allocation: dict[str, int], equity: int, expected: dict[str, int]
) -> None:
    target = glide_path_target({k: Decimal(v) for k, v in allocation.items()}, Decimal(equity))
    assert target == {k: Decimal(v) for k, v in expected.items()}
    assert sum(target.values()) == 100


def test_a_glide_path_target_with_thirds_still_sums_to_100() -> None:
    target = glide_path_target(
        {"equity": Decimal(70), "fixed_income": Decimal(10), "cash": Decimal(20)}, Decimal(10)
    )
    assert sum(target.values()) == 100
    assert target["equity"] == 10
    assert target["cash"] == 2 * target["fixed_income"]
