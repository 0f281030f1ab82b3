import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest

from alex.analysis.facts import AnalysisFacts
from alex.analysis.offline.charter import write_charts
from alex.analysis.offline.reporter import SECTIONS, write_report
from alex.analysis.offline.retirement_writer import write_retirement
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

ALL_FACTS = pytest.mark.parametrize("make_facts", [demo_facts, empty_facts, gappy_facts])


@ALL_FACTS
def test_the_seven_sections_appear_in_order(make_facts: Callable[[], AnalysisFacts]) -> None:
    content = write_report(make_facts()).content
    headings = re.findall(r"^## (.+)$", content, flags=re.MULTILINE)
    assert headings == list(SECTIONS)


@ALL_FACTS
def test_three_to_seven_recommendations_most_urgent_first(make_facts: Callable[[], AnalysisFacts]) -> None:
    recommendations = write_report(make_facts()).recommendations
    assert 3 <= len(recommendations) <= 7
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[r.priority] for r in recommendations]
    assert ranks == sorted(ranks)
    assert len({r.title for r in recommendations}) == len(recommendations)


@ALL_FACTS
def test_every_amount_percentage_and_ticker_is_grounded(make_facts: Callable[[], AnalysisFacts]) -> None:
    facts = make_facts()
    report = write_report(facts)
    texts = [report.content] + [f"{r.title} {r.reasoning} {r.impact}" for r in report.recommendations]
    for text in texts:
        assert ungrounded(text, facts) == []
        grounding = check_text(text, facts, known_tickers=frozenset(instruments()))
        assert grounding.grounded, grounding.describe()


@ALL_FACTS
def test_the_report_says_it_was_written_offline(make_facts: Callable[[], AnalysisFacts]) -> None:
    report = write_report(make_facts())
    assert report.generated_by == OFFLINE_MODEL
    assert "Written offline" in report.content
    assert "no language model" in report.content


def test_the_demo_report_is_driven_by_the_demo_numbers() -> None:
    facts = demo_facts()
    report = write_report(facts)
    assert format_money(facts.total) in report.content
    for holding in facts.holdings[:10]:
        assert f"| {holding.symbol} |" in report.content
    for finding in facts.analysis.rules.findings:
        assert finding.rationale in report.content
    assert facts.retirement is not None
    assert format_percent(facts.retirement.success_rate) in report.content
    assert "### Suggested trades" in report.content
    summary = report.content.split("## Executive Summary")[1].split("## ")[0]
    assert len([line for line in summary.splitlines() if line.startswith("- ")]) == 4


def test_priorities_follow_the_findings() -> None:
    report = write_report(demo_facts())
    by_title = {r.title: r for r in report.recommendations}
    assert by_title["Add international stocks"].priority == "high"  # home bias fails
    assert by_title["Diversify away from Technology"].priority == "medium"  # sector warns
    assert by_title["Rebalance toward your target mix"].priority == "medium"  # drift
    assert by_title["Close your retirement income gap"].priority == "high"  # most futures run out


def test_gaps_in_the_data_are_named_and_prioritised() -> None:
    report = write_report(gappy_facts())
    assert "NEWCO" in report.content
    assert "MYST" in report.content
    titles = [r.title for r in report.recommendations if r.priority == "high"]
    assert "Set a price for NEWCO" in titles
    assert "Classify MYST, NEWCO" in titles  # NEWCO has no price and no classification either


def test_an_empty_portfolio_still_gets_a_useful_report() -> None:
    report = write_report(empty_facts())
    assert report.recommendations[0].title == "Add your accounts and holdings"
    assert report.recommendations[0].priority == "high"
    assert all(r.title != "Rebalance toward your target mix" for r in report.recommendations)


def test_standing_advice_fills_a_clean_portfolio_up_to_three() -> None:
    profile = replace(
        PROFILE, target_retirement_income=Decimal(1000), asset_class_targets={}, region_targets={}
    )
    facts = facts_for(demo_portfolio(), profile=profile)
    report = write_report(facts)
    assert 3 <= len(report.recommendations) <= 7
    assert "Set your target mix" in [r.title for r in report.recommendations]
    assert ungrounded(report.content, facts) == []


def test_same_seed_gives_identical_outputs() -> None:
    first, second = demo_facts(), facts_for(demo_portfolio())
    assert write_report(first) == write_report(second)
    assert write_retirement(first) == write_retirement(second)
    assert write_charts(first) == write_charts(second)


def test_recommendations_say_where_in_alex_to_act() -> None:
    by_title = {r.title: r for r in write_report(gappy_facts()).recommendations}

    def links(title: str) -> list[tuple[str, str]]:
        return [(action.label, action.href) for action in by_title[title].actions]

    # Your own price and classification are set on the position's row of its account page.
    assert links("Set a price for NEWCO") == [
        ("Set a price for NEWCO", "/accounts/acct-x#position-NEWCO"),
        ("Classify NEWCO", "/accounts/acct-x#classify-NEWCO"),
    ]
    assert links("Classify MYST, NEWCO") == [
        ("Classify MYST", "/accounts/acct-x#classify-MYST"),
        ("Classify NEWCO", "/accounts/acct-x#classify-NEWCO"),
    ]
    # The trades are on the report's own page; MYST is what rebalancing could not trade.
    assert links("Rebalance toward your target mix") == [
        ("See the suggested trades", "#suggested-trades"),
        ("Classify MYST", "/accounts/acct-x#classify-MYST"),
    ]
    assert links("Close your retirement income gap") == [
        ("Update your retirement plan", "/goals"),
        ("Try changes in the what-if", "/what-if"),
    ]
    assert links("Spread your money beyond Brokerage Account") == []  # done with a provider, not in Alex
    empty = write_report(empty_facts()).recommendations[0]
    assert [(a.label, a.href) for a in empty.actions] == [("Add an account", "/accounts")]


def test_sales_in_taxable_accounts_are_marked_in_the_trades_table() -> None:
    facts = demo_facts()
    trades = facts.analysis.rebalance.trades
    assert any(t.tax_note for t in trades)
    assert not all(t.tax_note for t in trades)
    section = write_report(facts).content.split("### Suggested trades", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    assert lines[0] == "| Account | Action | Symbol | Quantity | Amount | Tax |"
    rows = lines[2:]
    assert len(rows) == len(trades)
    for row, trade in zip(rows, trades, strict=True):
        assert row.endswith("| taxable: may realise capital gains |") == (trade.tax_note is not None), row
    assert "Selling in a taxable account may realise capital gains" in section
