"""The retirement plan in the user profile: round trip, what follows from the ages, and a 422
naming the field for every input the plan refuses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.harness import ApiHarness

U = "plan-user"
PLAN: dict[str, Any] = {
    "current_age": 45,
    "retirement_age": 65,
    "target_retirement_income": "60000",
    "annual_contribution": "12000",
    "contribution_growth": 2.5,
    "other_income": "20000",
    "other_income_start_age": 67,
    "glide_path_equity": 40,
    "retirement_method": "historical",
}


async def _put(api: ApiHarness, body: dict[str, Any]) -> Any:
    return await api.client.put("/api/user", json=body, headers=api.auth(U))


async def _saved(api: ApiHarness, body: dict[str, Any]) -> dict[str, Any]:
    response = await _put(api, body)
    assert response.status_code == 200, response.text
    saved: dict[str, Any] = response.json()
    return saved


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"].startswith("Invalid input: ")
    return [error["field"] for error in body["errors"]]


async def test_a_new_user_has_the_plan_defaults(api: ApiHarness) -> None:
    user = (await api.client.get("/api/user", headers=api.auth(U))).json()["user"]
    assert user["years_until_retirement"] == 20
    assert user["current_age"] is None
    assert user["retirement_age"] is None
    assert user["annual_contribution"] == "0.00"
    assert user["contribution_growth"] == 0
    assert user["other_income"] == "0.00"
    assert user["other_income_start_age"] is None
    assert user["glide_path_equity"] is None
    assert user["retirement_method"] == "parametric"


async def test_the_plan_round_trips_and_the_years_follow_the_ages(api: ApiHarness) -> None:
    saved = await _saved(api, PLAN)
    assert saved["years_until_retirement"] == 20
    assert saved["current_age"] == 45
    assert saved["retirement_age"] == 65
    assert saved["annual_contribution"] == "12000.00"
    assert saved["contribution_growth"] == 2.5
    assert saved["other_income"] == "20000.00"
    assert saved["other_income_start_age"] == 67
    assert saved["glide_path_equity"] == 40
    assert saved["retirement_method"] == "historical"
    assert (await api.client.get("/api/user", headers=api.auth(U))).json()["user"] == saved

    later = await _saved(api, {"retirement_age": 67})
    assert later["years_until_retirement"] == 22
    older = await _saved(api, {"current_age": 50})
    assert older["years_until_retirement"] == 17
    # The years alone move the retirement age; with the ages they must agree.
    moved = await _saved(api, {"years_until_retirement": 10})
    assert (moved["retirement_age"], moved["years_until_retirement"]) == (60, 10)
    agreed = await _saved(api, {"current_age": 40, "retirement_age": 60, "years_until_retirement": 20})
    assert agreed["years_until_retirement"] == 20
    # A partial update keeps the rest of the plan.
    assert agreed["other_income"] == "20000.00"
    assert agreed["retirement_method"] == "historical"


async def test_nulls_clear_the_optional_fields_and_leave_the_others(api: ApiHarness) -> None:
    await _saved(api, PLAN)
    cleared = await _saved(
        api,
        {
            "current_age": None,
            "retirement_age": None,
            "other_income_start_age": None,
            "glide_path_equity": None,
            "annual_contribution": None,
        },
    )
    assert cleared["current_age"] is None
    assert cleared["retirement_age"] is None
    assert cleared["other_income_start_age"] is None
    assert cleared["glide_path_equity"] is None
    assert cleared["years_until_retirement"] == 20  # the last horizon the ages gave
    assert cleared["annual_contribution"] == "12000.00"  # a null leaves it as it is
    years = await _saved(api, {"years_until_retirement": 25})
    assert years["years_until_retirement"] == 25


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_age": 17, "retirement_age": 65}, "current_age"),
        ({"current_age": 101, "retirement_age": 100}, "current_age"),
        ({"current_age": 45, "retirement_age": 101}, "retirement_age"),
        ({"current_age": 45, "retirement_age": 45}, "retirement_age"),  # retirement before (or at) today
        ({"current_age": 45, "retirement_age": 40}, "retirement_age"),
        ({"current_age": 20, "retirement_age": 91}, "retirement_age"),  # beyond the simulation's 70 years
        ({"current_age": 45}, "retirement_age"),
        ({"retirement_age": 65}, "current_age"),
        ({"current_age": 45, "retirement_age": 65, "years_until_retirement": 10}, "years_until_retirement"),
        ({"annual_contribution": "-1"}, "annual_contribution"),
        ({"annual_contribution": "10000000.01"}, "annual_contribution"),
        ({"contribution_growth": -10.5}, "contribution_growth"),
        ({"contribution_growth": 20.5}, "contribution_growth"),
        ({"target_retirement_income": "-5"}, "target_retirement_income"),
        ({"other_income": "-5"}, "other_income"),
        ({"other_income": "60000.01"}, "other_income"),  # above the target income (60,000)
        ({"other_income": "30000", "target_retirement_income": "20000"}, "other_income"),
        ({"other_income_start_age": 67}, "other_income_start_age"),  # without ages
        ({"current_age": 45, "retirement_age": 65, "other_income_start_age": 101}, "other_income_start_age"),
        ({"glide_path_equity": 101}, "glide_path_equity"),
        ({"glide_path_equity": -1}, "glide_path_equity"),
        ({"retirement_method": "astrology"}, "retirement_method"),
    ],
)
async def test_a_plan_that_does_not_hold_is_a_422_naming_the_field(
    api: ApiHarness, body: dict[str, Any], field: str
) -> None:
    assert field in _fields(await _put(api, body))
    user = (await api.client.get("/api/user", headers=api.auth(U))).json()["user"]
    assert user["current_age"] is None  # nothing was saved
    assert user["other_income"] == "0.00"


async def test_changes_that_contradict_the_stored_plan_name_the_changed_field(api: ApiHarness) -> None:
    await _saved(api, PLAN)
    assert _fields(await _put(api, {"current_age": 70})) == ["current_age"]
    assert _fields(await _put(api, {"retirement_age": 44})) == ["retirement_age"]
    assert _fields(await _put(api, {"years_until_retirement": 0})) == ["years_until_retirement"]
    assert _fields(await _put(api, {"years_until_retirement": 60})) == ["years_until_retirement"]  # age 105
    assert _fields(await _put(api, {"target_retirement_income": "10000"})) == ["target_retirement_income"]
    both = await _put(api, {"current_age": None, "retirement_age": None})
    assert _fields(both) == ["current_age"]  # other income's start age needs them
    assert "start age" in both.json()["errors"][0]["message"]
    user = (await api.client.get("/api/user", headers=api.auth(U))).json()["user"]
    assert (user["current_age"], user["retirement_age"], user["years_until_retirement"]) == (45, 65, 20)
