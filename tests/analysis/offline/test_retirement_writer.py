import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest

from alex.agents.prompts import load
from alex.analysis.facts import GAP_SEARCH_PATHS, AnalysisFacts
from alex.analysis.offline.retirement_writer import SECTIONS, verdict, write_retirement
from alex.domain.formatting import format_money, format_percent
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


@pytest.mark.parametrize("make_facts", [demo_facts, empty_facts, gappy_facts])
def test_every_amount_percentage_and_ticker_is_grounded(make_facts: Callable[[], AnalysisFacts]) -> None:
    facts = make_facts()
    output = write_retirement(facts)
    assert output.generated_by == OFFLINE_MODEL
    assert "no language model" in output.analysis
    assert ungrounded(output.analysis, facts) == []
    grounding = check_text(output.analysis, facts, known_tickers=frozenset(instruments()))
    assert grounding.grounded, grounding.describe()


@pytest.mark.parametrize("make_facts", [demo_facts, empty_facts, gappy_facts])
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
