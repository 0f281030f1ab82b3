"""Each user can override the thresholds of the portfolio checks (stored with the profile)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.harness import ApiHarness


async def test_overrides_are_stored_and_returned(api: ApiHarness) -> None:
    headers = api.auth("u1")
    overrides = {"cash_drag": {"warn_above": 15, "fail_above": 30}, "home_bias": {"enabled": False}}
    response = await api.client.put("/api/user", json={"rule_thresholds": overrides}, headers=headers)
    assert response.status_code == 200, response.text
    stored = (await api.client.get("/api/user", headers=headers)).json()["user"]["rule_thresholds"]
    assert stored == {"cash_drag": {"warn_above": 15.0, "fail_above": 30.0}, "home_bias": {"enabled": False}}
    other = (await api.client.get("/api/user", headers=api.auth("u2"))).json()["user"]["rule_thresholds"]
    assert other == {}


@pytest.mark.parametrize(
    "overrides",
    [
        {"no_such_rule": {"warn_above": 1}},
        {"cash_drag": {"warn_above": 40, "fail_above": 20}},
        {"cash_drag": {"warn_above": -1}},
        {"cash_drag": {"colour": "red"}},
    ],
)
async def test_inconsistent_overrides_are_refused(api: ApiHarness, overrides: dict[str, Any]) -> None:
    headers = api.auth("u1")
    response = await api.client.put("/api/user", json={"rule_thresholds": overrides}, headers=headers)
    assert response.status_code == 422, response.text
    assert (await api.client.get("/api/user", headers=headers)).json()["user"]["rule_thresholds"] == {}
