"""The goals page over HTTP: saving goals and targets, and the server-side checks of the sums."""

from __future__ import annotations

from tests.support.harness import ApiHarness
from tests.support.web import csrf, sign_up


def _form(token: str, asset: dict[str, str], region: dict[str, str], **extra: str) -> dict[str, str]:
    data = {"csrf_token": token, "years_until_retirement": "25", "target_retirement_income": "80,000"}
    data.update({f"asset_class.{key}": value for key, value in asset.items()})
    data.update({f"region.{key}": value for key, value in region.items()})
    data.update(extra)
    return data


async def test_the_page_shows_the_current_goals_with_sliders(api: ApiHarness) -> None:
    await sign_up(api)
    page = await api.client.get("/goals")
    assert page.status_code == 200
    assert 'id="asset_class-equity-range"' in page.text
    assert 'type="range"' in page.text
    assert 'name="asset_class.equity"' in page.text
    assert 'value="70"' in page.text
    assert 'name="region.north_america"' in page.text
    assert 'id="asset_class-total" aria-live="polite">100</output>' in page.text
    assert '<script type="module" src="/static/js/goals.js"></script>' in page.text


async def test_goals_are_saved_and_shown_with_a_notice(api: ApiHarness) -> None:
    await sign_up(api)
    token = await csrf(api, "/goals")
    saved = await api.client.post(
        "/goals",
        data=_form(
            token,
            {"equity": "60.5", "fixed_income": "29.5", "real_estate": "10", "cash": "0"},
            {"north_america": "40", "europe": "30", "asia": "30", "global": ""},
        ),
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/goals?done=saved"
    user = (await api.client.get("/api/user")).json()["user"]
    assert user["years_until_retirement"] == 25
    assert user["target_retirement_income"] == "80000.00"
    assert user["asset_class_targets"] == {"equity": 60.5, "fixed_income": 29.5, "real_estate": 10.0}
    assert user["region_targets"] == {"north_america": 40.0, "europe": 30.0, "asia": 30.0}
    page = await api.client.get("/goals?done=saved")
    assert "Goals saved." in page.text
    assert 'name="asset_class.equity" min="0" max="100" step="any" value="60.5"' in page.text


async def test_sums_other_than_100_and_unknown_keys_are_refused(api: ApiHarness) -> None:
    await sign_up(api)
    token = await csrf(api, "/goals")
    short = await api.client.post(
        "/goals", data=_form(token, {"equity": "60", "fixed_income": "30"}, {"north_america": "100"})
    )
    assert short.status_code == 422
    assert 'id="goals-errors"' in short.text
    assert "Asset class targets: asset class target allocation must sum to 100" in short.text
    assert 'id="asset_class-total" aria-live="polite">90</output>' in short.text
    over = await api.client.post(
        "/goals", data=_form(token, {"equity": "100"}, {"north_america": "60", "europe": "50"})
    )
    assert over.status_code == 422
    assert "Region targets: region target allocation must sum to 100" in over.text
    unknown = await api.client.post(
        "/goals",
        data=_form(token, {"equity": "100"}, {"north_america": "100"}, **{"asset_class.crypto": "5"}),
    )
    assert unknown.status_code == 422
    assert "keys must be among" in unknown.text
    years = await api.client.post(
        "/goals",
        data=_form(token, {"equity": "100"}, {"north_america": "100"}, years_until_retirement="200"),
    )
    assert years.status_code == 422
    assert "Years until retirement:" in years.text
    user = (await api.client.get("/api/user")).json()["user"]
    assert user["asset_class_targets"] == {"equity": 70, "fixed_income": 30}  # nothing was saved
    assert user["years_until_retirement"] == 20
