"""The retirement plan's checks as a whole (``plans.checked_changes``) and the what-if's parameters
(``simulations.simulation_params``): each plan that does not hold names the field to correct."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from alex.db.models import User
from alex.domain.retirement.models import ReturnMethod
from alex.domain.retirement.plan import RetirementPlan, StartingPortfolio, plan_params
from alex.services import plans, simulations
from alex.services.errors import InvalidInputError
from alex.services.simulations import SimulationRequest

START = StartingPortfolio(
    value=Decimal(400_000), allocation={"equity": Decimal(70), "fixed_income": Decimal(30)}
)


def _user(**plan: Any) -> User:
    fields: dict[str, Any] = {
        "id": "u",
        "display_name": "U",
        "years_until_retirement": 20,
        "target_retirement_income": Decimal(60_000),
        "current_age": None,
        "retirement_age": None,
        "annual_contribution": Decimal(0),
        "contribution_growth": Decimal(0),
        "other_income": Decimal(0),
        "other_income_start_age": None,
        "glide_path_equity": None,
        "retirement_method": "parametric",
    }
    fields.update(plan)
    return User(**fields)


def _refused(user: User, changes: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInputError) as raised:
        plans.checked_changes(user, changes)
    return [(error.field, error.message) for error in raised.value.errors]


def test_ages_give_the_years_and_the_years_alone_move_the_retirement_age() -> None:
    assert plans.checked_changes(_user(), {"current_age": 40, "retirement_age": 67}) == {
        "current_age": 40,
        "retirement_age": 67,
        "years_until_retirement": 27,
    }
    aged = _user(current_age=40, retirement_age=67, years_until_retirement=27)
    assert plans.checked_changes(aged, {"years_until_retirement": 20}) == {
        "years_until_retirement": 20,
        "retirement_age": 60,
    }
    assert plans.checked_changes(aged, {"current_age": 50}) == {
        "current_age": 50,
        "years_until_retirement": 17,
    }
    assert plans.checked_changes(_user(), {"years_until_retirement": 30}) == {"years_until_retirement": 30}
    assert plans.checked_changes(aged, {"display_name": "X"}) == {
        "display_name": "X",
        "years_until_retirement": 27,
    }


@pytest.mark.parametrize(
    ("stored", "changes", "field", "words"),
    [
        ({}, {"current_age": 40}, "retirement_age", "is needed with a current age"),
        ({}, {"retirement_age": 65}, "current_age", "is needed with a retirement age"),
        ({}, {"current_age": 66, "retirement_age": 65}, "retirement_age", "after your current age (66)"),
        ({}, {"current_age": 65, "retirement_age": 65}, "retirement_age", "after your current age"),
        ({}, {"current_age": 18, "retirement_age": 89}, "retirement_age", "more than 70 years away"),
        (
            {"current_age": 40, "retirement_age": 60},
            {"current_age": 61},
            "current_age",
            "below your retirement age",
        ),
        (
            {"current_age": 40, "retirement_age": 60},
            {"years_until_retirement": 0},
            "years_until_retirement",
            "1",
        ),
        (
            {"current_age": 40, "retirement_age": 60},
            {"years_until_retirement": 61},
            "years_until_retirement",
            "100",
        ),
        (
            {"current_age": 40, "retirement_age": 60},
            {"current_age": 41, "years_until_retirement": 20},
            "years_until_retirement",
            "(19)",
        ),
        (
            {},
            {"other_income": Decimal(60_001)},
            "other_income",
            "above your target retirement income ($60,000)",
        ),
        (
            {"other_income": Decimal(30_000)},
            {"target_retirement_income": Decimal(29_999)},
            "target_retirement_income",
            "below your other retirement income ($30,000)",
        ),
        ({}, {"other_income_start_age": 67}, "other_income_start_age", "needs your current age"),
        (
            {"current_age": 40, "retirement_age": 60, "other_income_start_age": 67},
            {"current_age": None, "retirement_age": None},
            "current_age",
            "start age",
        ),
    ],
)
def test_a_plan_that_does_not_hold_names_the_field_to_correct(
    stored: dict[str, Any], changes: dict[str, Any], field: str, words: str
) -> None:
    if stored.get("current_age") is not None:
        stored = {**stored, "years_until_retirement": stored["retirement_age"] - stored["current_age"]}
    refused = _refused(_user(**stored), changes)
    assert [name for name, _ in refused] == [field]
    assert words in refused[0][1]


def test_every_problem_is_named_at_once() -> None:
    refused = _refused(_user(), {"current_age": 40, "other_income": Decimal(70_000)})
    assert [name for name, _ in refused] == ["retirement_age", "other_income"]


# --- the what-if ----------------------------------------------------------------------------------


def test_a_what_if_with_nothing_changed_is_the_plan_as_the_analysis_simulates_it() -> None:
    user = _user(
        current_age=45,
        retirement_age=65,
        annual_contribution=Decimal("12000.00"),
        contribution_growth=Decimal("2.00"),
        other_income=Decimal("20000.00"),
        other_income_start_age=67,
        glide_path_equity=Decimal("50.00"),
        retirement_method="bootstrap",
    )
    params = simulations.simulation_params(user, SimulationRequest(), START, default_paths=1_000)
    plan = RetirementPlan(
        years_until_retirement=20,
        target_income=Decimal(60_000),
        annual_contribution=Decimal(12_000),
        contribution_growth=Decimal(2),
        other_income=Decimal(20_000),
        other_income_start_age=67,
        current_age=45,
        glide_path_equity=Decimal(50),
        method=ReturnMethod.BOOTSTRAP,
    )
    assert params == plan_params(plan, START, paths=1_000)
    moved = simulations.simulation_params(
        user, SimulationRequest(annual_contribution=Decimal(0), seed=params.seed), START, default_paths=1_000
    )
    assert moved.seed == params.seed
    assert moved.annual_contribution == 0
    assert moved.other_income == params.other_income


@pytest.mark.parametrize(
    ("stored", "body", "field"),
    [
        ({}, {"other_income": "70000"}, "other_income"),
        ({"other_income": Decimal(30_000)}, {"target_income": "20000"}, "target_income"),
        ({}, {"other_income_start_age": 67}, "other_income_start_age"),
        ({"current_age": 60, "retirement_age": 80}, {"years_until_retirement": 41}, "years_until_retirement"),
        ({}, {"current_age": 80, "years_until_retirement": 21}, "years_until_retirement"),
        ({}, {"allocation": {"equity": 50}}, "allocation"),  # the simulation's own range check
    ],
)
def test_a_what_if_that_does_not_hold_names_the_field(
    stored: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    if stored.get("current_age") is not None:
        stored = {**stored, "years_until_retirement": stored["retirement_age"] - stored["current_age"]}
    with pytest.raises(InvalidInputError) as raised:
        simulations.simulation_params(
            _user(**stored), SimulationRequest.model_validate(body), START, default_paths=200
        )
    assert [error.field for error in raised.value.errors] == [field]


def test_a_withdrawal_rate_leaves_the_target_and_the_other_income_aside() -> None:
    user = _user(other_income=Decimal(30_000))
    params = simulations.simulation_params(
        user, SimulationRequest(withdrawal_rate=4.5, target_income=None), START, default_paths=200
    )
    assert (params.withdrawal_rate, params.target_income) == (4.5, None)
    lowered = SimulationRequest.model_validate({"withdrawal_rate": 4, "other_income": "90000"})
    assert simulations.simulation_params(user, lowered, START, default_paths=200).withdrawal_rate == 4
