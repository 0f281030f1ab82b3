"""POST /api/retirement/simulate: the what-if endpoint over the Monte Carlo engine."""

from __future__ import annotations

from typing import Any

import pytest

from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.market.prices import CataloguePrices
from tests.support.harness import ApiHarness
from tests.support.jobs import demo_job, run_to_end

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
    assert set(body["assumptions"]) == {
        "returns",
        "volatilities",
        "correlations",
        "inflation",
        "method",
        "description",
        "data",
        "history_years",
        "start_years",
        "proxies",
        "paths",
        "block_years",
    }
    assert body["assumptions"]["method"] == "parametric"  # the default, as before
    assert body["assumptions"]["paths"] == 1000
    assert body["worst_case_withdrawal_rate"] <= body["safe_withdrawal_rate"]
    assert body["worst_start_year"] is None
    assert body["params"]["withdrawal_rate"] == 4
    assert body["params"]["method"] == "parametric"
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


# --- the plan, the methods, and agreement with the analysis ---------------------------------------


async def _with_plan(api: ApiHarness, user: str, plan: dict[str, Any]) -> None:
    answer = await api.client.put("/api/user", json=plan, headers=api.auth(user))
    assert answer.status_code == 200, answer.text


async def _simulate(api: ApiHarness, user: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = await api.client.post("/api/retirement/simulate", json=body, headers=api.auth(user))
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def test_an_empty_body_simulates_the_users_plan_and_portfolio(api: ApiHarness) -> None:
    headers = api.auth("planner")
    assert (await api.client.post("/api/populate-test-data", headers=headers)).status_code == 200
    await _with_plan(
        api,
        "planner",
        {
            "current_age": 45,
            "retirement_age": 60,
            "annual_contribution": "15000",
            "contribution_growth": 1.5,
            "other_income": "18000",
            "other_income_start_age": 67,
            "glide_path_equity": 50,
        },
    )
    opened = await _simulate(api, "planner", {"paths": 500})
    params = opened["params"]
    assert float(params["current_value"]) > 200_000  # the demo portfolio
    assert params["years_until_retirement"] == 15
    assert params["annual_contribution"] == "15000.00"
    assert params["contribution_growth"] == 1.5
    assert params["target_income"] == "60000.00"
    assert params["withdrawal_rate"] is None
    assert params["other_income"] == "18000.00"
    assert params["other_income_delay_years"] == 7
    assert params["retirement_allocation"]["equity"] == 50
    assert params["method"] == "parametric"
    # No seed sent: the plan's own, so the same plan gives the same answer every time.
    assert await _simulate(api, "planner", {"paths": 500}) == opened
    # What the request says replaces the plan, and only that.
    changed = await _simulate(
        api, "planner", {"paths": 500, "annual_contribution": "0", "seed": opened["seed"]}
    )
    assert changed["params"] == {**params, "annual_contribution": "0.00"}
    assert changed["median_value_at_retirement"] < opened["median_value_at_retirement"]
    by_rate = await _simulate(api, "planner", {"paths": 500, "withdrawal_rate": 4})
    assert by_rate["params"]["target_income"] is None


async def test_without_a_portfolio_the_plan_starts_from_nothing(api: ApiHarness) -> None:
    result = await _simulate(api, "nobody", {"paths": 200})
    assert result["params"]["current_value"] == "0.00"
    assert result["params"]["allocation"] == {"cash": 100}
    assert result["success_rate"] == 0  # nothing saved, a target income to pay


@pytest.mark.parametrize("method", ["historical", "bootstrap"])
async def test_the_method_is_the_callers_choice_and_its_assumptions_come_back(
    api: ApiHarness, method: str
) -> None:
    result = await _simulate(api, "u1", {**PLAN, "method": method, "paths": 500})
    used = result["assumptions"]
    assert used["method"] == result["params"]["method"] == method
    assert used["data"]  # the historical series named
    assert used["history_years"] == [1871, 2022]
    assert used["proxies"]
    assert used["description"]
    if method == "historical":
        assert used["start_years"][0] == 1871
        assert result["paths"] == used["paths"] == 2022 - 1871 + 1 - 50 + 1  # one per 50-year sequence
        assert 1871 <= result["worst_start_year"] <= 1973
        assert used["block_years"] is None
    else:
        assert result["paths"] == 500
        assert used["block_years"] == 5
        assert result["worst_start_year"] is None
    parametric = await _simulate(api, "u1", {**PLAN, "paths": 500})
    assert parametric["assumptions"]["method"] == "parametric"
    assert (
        parametric["success_rate"] != result["success_rate"]
        or parametric["years_lasted"] != result["years_lasted"]
    )


async def test_the_plans_method_is_the_default(api: ApiHarness) -> None:
    await _with_plan(api, "u1", {"retirement_method": "bootstrap"})
    assert (await _simulate(api, "u1", PLAN))["assumptions"]["method"] == "bootstrap"
    assert (await _simulate(api, "u1", {**PLAN, "method": "parametric"}))["assumptions"][
        "method"
    ] == "parametric"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PLAN, "current_value": "-0.01"}, "current_value"),
        ({"current_value": "-250000"}, "current_value"),
        ({"method": "astrology"}, "method"),
        ({"contribution_growth": 25}, "contribution_growth"),
        ({"other_income": "-1"}, "other_income"),
        ({"target_income": "50000", "other_income": "60000"}, "other_income"),
        ({"other_income_start_age": 67}, "other_income_start_age"),  # no age to place it by
        ({"current_age": 17}, "current_age"),
        ({"current_age": 60, "years_until_retirement": 41}, "years_until_retirement"),  # age 101
        ({"glide_path_equity": 120}, "glide_path_equity"),
    ],
)
async def test_a_what_if_that_does_not_hold_is_a_422_naming_the_field(
    api: ApiHarness, body: dict[str, Any], field: str
) -> None:
    response = await api.client.post("/api/retirement/simulate", json=body, headers=api.auth("u1"))
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_a_target_below_the_plans_other_income_names_the_target(api: ApiHarness) -> None:
    await _with_plan(api, "u1", {"other_income": "30000"})
    response = await api.client.post(
        "/api/retirement/simulate", json={"target_income": "20000"}, headers=api.auth("u1")
    )
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["target_income"]


async def _analysis(api: ApiHarness, user: str) -> dict[str, Any]:
    """The demo portfolio's analysis for ``user``, run to its end with the app's own settings."""
    database, settings = api.context.database, api.context.settings
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        await demo_job(database, user),
    )
    assert job.status == "completed", job.error_message
    assert job.retirement_payload is not None
    return job.retirement_payload


@pytest.mark.parametrize(
    "plan",
    [
        {},  # a new user's plan: 20 years, a $60,000 target, nothing saved
        {
            "current_age": 40,
            "retirement_age": 62,
            "annual_contribution": "18000",
            "contribution_growth": 2,
            "target_retirement_income": "70000",
            "other_income": "24000",
            "other_income_start_age": 67,
            "glide_path_equity": 45,
            "retirement_method": "bootstrap",
        },
    ],
    ids=["defaults", "full-plan"],
)
async def test_the_what_if_opens_on_the_analysis_answer_for_the_same_plan(
    api: ApiHarness, plan: dict[str, Any]
) -> None:
    user = "demo-planner"
    await api.client.get("/api/user", headers=api.auth(user))
    if plan:
        await _with_plan(api, user, plan)
    analysed = await _analysis(api, user)
    opened = await _simulate(api, user, {})  # what the what-if page sends first
    assert opened["success_rate"] == analysed["success_rate"]
    assert opened["seed"] == analysed["seed"]
    assert opened["paths"] == analysed["paths"] == api.context.settings.retirement_paths
    assert opened["safe_withdrawal_rate"] == analysed["safe_withdrawal_rate"]
    assert opened["median_value_at_retirement"] == analysed["median_value_at_retirement"]
    assert opened["assumptions"]["method"] == analysed["assumptions"]["method"]
    assert opened["params"]["allocation"] == analysed["params"]["allocation"]
    for key in ("current_value", "annual_contribution", "target_income", "other_income"):
        assert opened["params"][key] == analysed["params"][key], key
