"""The goals page over HTTP: saving goals and targets, and the server-side checks of the sums."""

from __future__ import annotations

import re

from alex.web.goals import LABELS
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


PLAN_FORM = {
    "current_age": "45",
    "retirement_age": "65",
    "years_until_retirement": "25",  # ignored: with ages the years follow from them
    "target_retirement_income": "70,000",
    "annual_contribution": "12,000",
    "contribution_growth": "2.5",
    "other_income": "24,000",
    "other_income_start_age": "67",
    "glide_path_equity": "40",
    "retirement_method": "historical",
}


async def test_the_page_has_every_plan_field_with_its_label(api: ApiHarness) -> None:
    await sign_up(api)
    page = await api.client.get("/goals")
    for field in (*PLAN_FORM, "years_until_retirement"):
        assert f'<label for="{field}">' in page.text, field
        assert f'id="{field}" name="{field}"' in page.text, field
    for method in ("parametric", "historical", "bootstrap"):
        assert f'<option value="{method}"' in page.text
    assert '<option value="parametric" selected>' in page.text


async def test_the_plan_is_saved_and_shown_again(api: ApiHarness) -> None:
    await sign_up(api)
    token = await csrf(api, "/goals")
    saved = await api.client.post(
        "/goals", data=_form(token, {"equity": "100"}, {"north_america": "100"}, **PLAN_FORM)
    )
    assert saved.status_code == 303, saved.text
    user = (await api.client.get("/api/user")).json()["user"]
    assert (user["current_age"], user["retirement_age"], user["years_until_retirement"]) == (45, 65, 20)
    assert user["target_retirement_income"] == "70000.00"
    assert user["annual_contribution"] == "12000.00"
    assert user["contribution_growth"] == 2.5
    assert user["other_income"] == "24000.00"
    assert user["other_income_start_age"] == 67
    assert user["glide_path_equity"] == 40
    assert user["retirement_method"] == "historical"
    page = await api.client.get("/goals")
    assert 'id="years_until_retirement" name="years_until_retirement"' in page.text
    assert 'value="20"' in page.text
    assert 'value="12000.00"' in page.text
    assert '<option value="historical" selected>' in page.text

    # Empty boxes clear the ages and the glide path, and mean 0 for the savings.
    cleared = {
        **PLAN_FORM,
        "current_age": "",
        "retirement_age": "",
        "other_income_start_age": "",
        "glide_path_equity": "",
        "annual_contribution": "",
    }
    again = await api.client.post(
        "/goals", data=_form(token, {"equity": "100"}, {"north_america": "100"}, **cleared)
    )
    assert again.status_code == 303, again.text
    user = (await api.client.get("/api/user")).json()["user"]
    assert (user["current_age"], user["retirement_age"], user["years_until_retirement"]) == (None, None, 25)
    assert user["glide_path_equity"] is None
    assert user["annual_contribution"] == "0.00"


async def test_a_plan_that_does_not_hold_shows_the_problem_next_to_its_field(api: ApiHarness) -> None:
    await sign_up(api)
    token = await csrf(api, "/goals")
    cases = [
        ({"retirement_age": "40"}, "retirement_age", "must be after your current age (45)"),
        ({"current_age": "12"}, "current_age", "greater than or equal to 18"),
        ({"annual_contribution": "-100"}, "annual_contribution", "greater than or equal to 0"),
        ({"other_income": "80,000"}, "other_income", "must not be above your target retirement income"),
        ({"retirement_age": ""}, "retirement_age", "is needed with a current age"),
    ]
    for change, field, message in cases:
        refused = await api.client.post(
            "/goals",
            data=_form(token, {"equity": "100"}, {"north_america": "100"}, **{**PLAN_FORM, **change}),
        )
        assert refused.status_code == 422, field
        html = refused.text
        error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
        assert error is not None, (field, html)
        assert message in error.group(1)
        assert re.search(rf'<input id="{field}" name="{field}" [^>]*aria-invalid="true"', html), field
        assert re.search(rf'<input id="{field}" [^>]*aria-describedby="{field}-error', html), field
        assert 'id="goals-errors"' in html  # and in the list above the form
        assert f"{LABELS[field]}: " in html
    user = (await api.client.get("/api/user")).json()["user"]
    assert user["current_age"] is None  # nothing was saved
