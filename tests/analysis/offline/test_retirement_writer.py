import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest

from alex.agents.prompts import load
from alex.analysis.facts import GAP_SEARCH_PATHS, AnalysisFacts
from alex.analysis.offline.retirement_writer import SECTIONS, verdict, write_retirement
from alex.domain.formatting import format_money, format_percent
from alex.domain.retirement.models import ReturnMethod
from alex.settings import OFFLINE_MODEL
from tests.support.grounding import check_text, ungrounded
from tests.support.portfolios import (
    PROFILE,
    demo_facts,
    demo_portfolio,
    empty_facts,
    facts_for,
    gappy_facts,
    instruments,
)

PLAN = replace(
    PROFILE,
    current_age=45,
    annual_contribution=Decimal(10000),
    contribution_growth=Decimal(2),
    other_income=Decimal(24000),
    other_income_start_age=67,
    glide_path_equity=Decimal(40),
)
"""A fuller plan: savings that grow, a pension from two years into retirement, a glide path."""


def _plan_facts(method: ReturnMethod) -> AnalysisFacts:
    return facts_for(demo_portfolio(), profile=replace(PLAN, retirement_method=method))


def historical_facts() -> AnalysisFacts:
    return _plan_facts(ReturnMethod.HISTORICAL)


def bootstrap_facts() -> AnalysisFacts:
    return _plan_facts(ReturnMethod.BOOTSTRAP)


def parametric_plan_facts() -> AnalysisFacts:
    return _plan_facts(ReturnMethod.PARAMETRIC)


EVERY_KIND = [demo_facts, empty_facts, gappy_facts, parametric_plan_facts, historical_facts, bootstrap_facts]


@pytest.mark.parametrize("make_facts", EVERY_KIND)
def test_every_amount_percentage_and_ticker_is_grounded(make_facts: Callable[[], AnalysisFacts]) -> None:
    facts = make_facts()
    output = write_retirement(facts)
    assert output.generated_by == OFFLINE_MODEL
    assert "no language model" in output.analysis
    assert ungrounded(output.analysis, facts) == []
    grounding = check_text(output.analysis, facts, known_tickers=frozenset(instruments()))
    assert grounding.grounded, grounding.describe()


@pytest.mark.parametrize("make_facts", EVERY_KIND)
def test_the_prompt_s_sections_appear_in_order(make_facts: Callable[[], AnalysisFacts]) -> None:
    text = write_retirement(make_facts()).analysis
    assert re.findall(r"^## (.+)$", text, flags=re.MULTILINE) == list(SECTIONS)


def test_the_retirement_prompt_asks_for_the_same_sections() -> None:
    prompt = " ".join(load("retirement").text.split())  # its lines wrap inside titles
    assert all(title in prompt for title in SECTIONS)


def test_the_explanation_covers_the_result_the_gap_and_the_assumptions() -> None:
    facts = demo_facts()
    result, gap = facts.retirement, facts.income_gap
    assert result is not None
    assert gap is not None
    assert gap.extra_contribution is not None
    text = write_retirement(facts).analysis
    # The sections the retirement prompt asks a model for, so that a fallback reads the same.
    assert re.findall(r"^## (.+)$", text, flags=re.MULTILINE) == list(SECTIONS)
    for heading in ("Your starting point", "What the simulation shows", "Risks to keep in mind"):
        assert f"### {heading}" in text
    assert f"**{format_percent(result.success_rate)}**" in text
    assert format_money(result.median_value_at_retirement) in text
    assert format_money(result.percentiles["p5"][result.retirement_starts_at_year]) in text
    assert format_percent(result.safe_withdrawal_rate, places=2) in text
    assert f"shortfall of {format_money(gap.shortfall)}" in text
    assert f"about {format_money(gap.extra_contribution)} more a year" in text
    assert f"{GAP_SEARCH_PATHS:,} futures" in text
    assert format_percent(result.assumptions.inflation) in text


def test_a_surplus_is_reported_as_headroom() -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, target_retirement_income=Decimal(5000)))
    assert facts.income_gap is not None
    text = write_retirement(facts).analysis
    assert f"{format_money(facts.income_gap.surplus)} a year of headroom" in text
    assert "What would close it" not in text
    assert ungrounded(text, facts) == []


def test_retiring_later_is_explained_when_it_closes_the_gap() -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, target_retirement_income=Decimal(14000)))
    assert facts.income_gap is not None
    assert facts.income_gap.later_retirement_years is not None
    text = write_retirement(facts).analysis
    assert f"retiring {facts.income_gap.later_retirement_years} year" in text
    assert ungrounded(text, facts) == []


def test_without_a_target_income_the_default_rate_is_explained() -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, target_retirement_income=Decimal(0)))
    text = write_retirement(facts).analysis
    assert "4.0% of the portfolio's value at retirement" in text
    assert "You have not set a target income" in text
    assert ungrounded(text, facts) == []


def test_no_projection_says_why() -> None:
    assert "no value yet" in write_retirement(empty_facts()).analysis
    beyond = facts_for(demo_portfolio(), profile=replace(PROFILE, years_until_retirement=85))
    assert "(85)" in write_retirement(beyond).analysis


@pytest.mark.parametrize(
    ("rate", "words"),
    [(100.0, "on track"), (90.0, "on track"), (80.0, "some risk"), (60.0, "at risk"), (6.3, "unlikely")],
)
def test_verdict_bands(rate: float, words: str) -> None:
    assert words in verdict(rate)


METHOD_WORDS = {
    ReturnMethod.PARAMETRIC: ("possible futures of correlated market returns", "Expected return (a year)"),
    ReturnMethod.HISTORICAL: ("sequence starting", "historical sequences"),
    ReturnMethod.BOOTSTRAP: ("futures resampled from US history in blocks of 5 years", "resampled"),
}
"""Words only the text of each method uses."""


@pytest.mark.parametrize("method", list(ReturnMethod))
def test_the_text_describes_the_method_that_was_simulated(method: ReturnMethod) -> None:
    facts = _plan_facts(method)
    text = write_retirement(facts).analysis
    for other, words in METHOD_WORDS.items():
        for phrase in words:
            assert (phrase in text) is (other is method), (method, phrase)
    assumed = "Inflation is assumed at"
    history = "history's own"
    assert (assumed in text) is (method is ReturnMethod.PARAMETRIC)
    assert (history in text) is (method is not ReturnMethod.PARAMETRIC)


def test_the_historical_text_names_the_years_replayed_and_the_worst_start() -> None:
    facts = historical_facts()
    result = facts.retirement
    assert result is not None
    assert result.assumptions.start_years is not None
    assert result.worst_start_year is not None
    first, last = result.assumptions.start_years
    text = write_retirement(facts).analysis
    assert f"every 50-year sequence starting {first}–{last} of US history (Shiller's data)" in text
    assert f"{result.paths:,} sequences in all" in text
    assert f"started in {result.worst_start_year}" in text
    assert format_percent(result.worst_case_withdrawal_rate, places=2) in text
    assert "Average return those years delivered" in text
    assert "seed" not in text


def test_the_bootstrap_text_says_how_history_was_resampled() -> None:
    facts = bootstrap_facts()
    result = facts.retirement
    assert result is not None
    text = write_retirement(facts).analysis
    assert f"{result.paths:,} futures resampled from US history in blocks of 5 years (seed 7" in text
    assert "drawn from 1871–2022" in text


@pytest.mark.parametrize("method", list(ReturnMethod))
def test_with_a_pension_the_income_paragraph_adds_up(method: ReturnMethod) -> None:
    facts = _plan_facts(method)
    gap = facts.income_gap
    assert gap is not None
    assert gap.other_income == Decimal(24000)
    text = write_retirement(facts).analysis
    income = text.split("## Income against your target")[1].split("## ")[0]
    combined = gap.other_income + gap.safe_income
    assert (
        f"Of your {format_money(gap.target_income)} target, your other income pays "
        f"{format_money(gap.other_income)} a year of it from age 67, after 2 years of retirement, "
        f"so the portfolio must pay {format_money(gap.portfolio_target)} a year."
    ) in income
    assert f"supports about {format_money(gap.safe_income)} a year from the portfolio" in income
    assert (
        f"that is {format_money(combined)} a year against your target of {format_money(gap.target_income)}"
        in income
    )
    # Pension and portfolio income against the target: the headroom is their sum less the target.
    if gap.shortfall > 0:
        assert gap.target_income - combined == gap.shortfall
        assert f"a shortfall of {format_money(gap.shortfall)} a year" in income
    else:
        assert combined - gap.target_income == gap.surplus
        assert f"{format_money(gap.surplus)} a year of headroom" in income
    assert "the portfolio pays the whole target" in income
    assert ungrounded(text, facts) == []


def test_contribution_growth_and_the_glide_path_are_described() -> None:
    text = write_retirement(parametric_plan_facts()).analysis
    assert "contributions rising 2.0% a year" in text
    assert (
        "- Glide path: the mix moves in equal yearly steps until retirement, ending as Equity 40.0%" in text
    )
    assert "Other income (a pension or Social Security): $24,000 a year from age 67" in text


def test_a_shortfall_with_a_pension_is_measured_against_what_the_portfolio_must_pay() -> None:
    profile = replace(PLAN, other_income=Decimal(10000), target_retirement_income=Decimal(90000))
    facts = facts_for(demo_portfolio(), profile=profile)
    gap = facts.income_gap
    assert gap is not None
    assert gap.shortfall > 0
    assert gap.shortfall == gap.portfolio_target - gap.safe_income
    text = write_retirement(facts).analysis
    assert f"a shortfall of {format_money(gap.shortfall)} a year" in text
    assert f"short of the {format_money(gap.portfolio_target)} a year it must pay" in text
    assert ungrounded(text, facts) == []
