"""POST /api/retirement/simulate: the what-if endpoint over the Monte Carlo engine."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.harness import ApiHarness

PLAN: dict[str, Any] = {
    "current_value": "250000",
    "allocation": {"equity": 60, "fixed_income": 35, "cash": 5},
    "years_until_retirement": 20,
    "annual_contribution": "12000",
    "retirement_years": 30,
    "withdrawal_strategy": "constant_real",
    "withdrawal_rate": 4,
    "paths": 1000,
    "seed": 7,
}


async def test_simulation_returns_the_contract_fields(api: ApiHarness) -> None:
    response = await api.client.post("/api/retirement/simulate", json=PLAN, headers=api.auth("u1"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert 0 <= body["success_rate"] <= 100
    assert body["years"] == list(range(51))
    assert set(body["percentiles"]) == {"p5", "p25", "p50", "p75", "p95"}
    for series in body["percentiles"].values():
        assert len(series) == 51
    p5, p95 = body["percentiles"]["p5"], body["percentiles"]["p95"]
    assert all(float(low) <= float(high) for low, high in zip(p5, p95, strict=True))
    assert float(body["percentiles"]["p50"][0]) == pytest.approx(250000, rel=1e-6)
    assert isinstance(body["median_ending_value"], str)  # money is a decimal string
    assert body["safe_withdrawal_rate"] > 0
    assert set(body["assumptions"]) == {"returns", "volatilities", "correlations", "inflation"}
    assert body["seed"] == 7


async def test_same_seed_same_result_and_rate_lowers_success(api: ApiHarness) -> None:
    headers = api.auth("u1")
    first = (await api.client.post("/api/retirement/simulate", json=PLAN, headers=headers)).json()
    again = (await api.client.post("/api/retirement/simulate", json=PLAN, headers=headers)).json()
    assert first == again
    greedy = (
        await api.client.post(
            "/api/retirement/simulate", json={**PLAN, "withdrawal_rate": 8}, headers=headers
        )
    ).json()
    assert greedy["success_rate"] <= first["success_rate"]


async def test_target_income_and_other_strategies(api: ApiHarness) -> None:
    plan = {key: value for key, value in PLAN.items() if key != "withdrawal_rate"}
    for strategy in ("constant_real", "percent_of_portfolio", "guyton_klinger"):
        response = await api.client.post(
            "/api/retirement/simulate",
            json={**plan, "withdrawal_strategy": strategy, "target_income": "40000"},
            headers=api.auth("u1"),
        )
        assert response.status_code == 200, (strategy, response.text)


async def test_simulation_needs_a_token(api: ApiHarness) -> None:
    response = await api.client.post("/api/retirement/simulate", json=PLAN)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"paths": 99}, "paths"),
        ({"paths": 100_001}, "paths"),
        ({"years_until_retirement": 71}, "years_until_retirement"),
        ({"retirement_years": 0}, "retirement_years"),
        ({"retirement_years": 71}, "retirement_years"),
        ({"current_value": "-1"}, "current_value"),
        ({"annual_contribution": "-5"}, "annual_contribution"),
        ({"allocation": {"equity": 60, "fixed_income": 30}}, "allocation"),
        ({"allocation": {"equity": 100, "crypto": 0}}, "allocation"),
        ({"withdrawal_rate": 0}, "withdrawal_rate"),
        ({"withdrawal_rate": 150}, "withdrawal_rate"),
        ({"inflation": 50}, "inflation"),
        ({"withdrawal_strategy": "yolo"}, "withdrawal_strategy"),
        ({"target_income": "40000"}, "body"),  # together with withdrawal_rate
        ({"seed": -1}, "seed"),
    ],
)
async def test_out_of_range_input_is_a_field_level_422(
    api: ApiHarness, change: dict[str, Any], field: str
) -> None:
    response = await api.client.post(
        "/api/retirement/simulate", json={**PLAN, **change}, headers=api.auth("u1")
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert isinstance(body["detail"], str)
    assert any(error["field"].startswith(field) for error in body["errors"]), body


async def test_nan_is_refused(api: ApiHarness) -> None:
    raw = (
        '{"current_value": "1000", "allocation": {"equity": 100}, '
        '"years_until_retirement": 5, "inflation": NaN}'
    )
    response = await api.client.post(
        "/api/retirement/simulate",
        content=raw,
        headers={**api.auth("u1"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
