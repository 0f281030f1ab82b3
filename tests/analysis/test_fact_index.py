from dataclasses import replace
from decimal import Decimal

import pytest

from alex.analysis.fact_index import Grounder, allowed_tickers, fact_index
from alex.domain.retirement.models import ReturnMethod
from alex.guardrails.grounding import FactIndex, Kind, Meaning, extract_quantities
from tests.support.grounding import check_text, ungrounded
from tests.support.portfolios import PROFILE, demo_facts, demo_portfolio, facts_for, gappy_facts, instruments

CATALOGUE = frozenset(instruments())


@pytest.mark.parametrize(
    ("text", "kind", "value", "quantum"),
    [
        ("worth $253,568 today", Kind.MONEY, Decimal(253568), Decimal(1)),
        ("a fee of $0.25", Kind.MONEY, Decimal("0.25"), Decimal("0.01")),
        ("-$5 of cash", Kind.MONEY, Decimal(5), Decimal(1)),
        ("about $1.2 million", Kind.MONEY, Decimal(1200000), Decimal(100000)),
        ("about $850k", Kind.MONEY, Decimal(850000), Decimal(1000)),
        ("83.1% in stocks", Kind.PERCENT, Decimal("83.1"), Decimal("0.1")),
        ("7 percent a year", Kind.PERCENT, Decimal(7), Decimal(1)),
        ("1,234.5% growth", Kind.PERCENT, Decimal("1234.5"), Decimal("0.1")),
        ("13.1 percentage points over", Kind.POINTS, Decimal("13.1"), Decimal("0.1")),
        ("5 pp band", Kind.POINTS, Decimal(5), Decimal(1)),
    ],
)
def test_quantities_are_extracted_with_their_precision(
    text: str, kind: Kind, value: Decimal, quantum: Decimal
) -> None:
    [quantity] = extract_quantities(text)
    assert (quantity.kind, quantity.value, quantity.quantum) == (kind, value, quantum)


def test_plain_numbers_are_read_with_what_their_words_say_and_dates_are_not() -> None:
    found = extract_quantities("17 positions in 3 accounts, prepared on 2025-03-14, seed 7")
    assert [(q.text, q.kind, set(q.meanings)) for q in found] == [
        ("17", Kind.NUMBER, {Meaning.HOLDINGS}),
        ("3", Kind.NUMBER, {Meaning.ACCOUNTS}),
        ("7", Kind.NUMBER, {Meaning.SEED}),
    ]


def test_quantities_come_in_text_order() -> None:
    found = extract_quantities("$5 is 2% of it, 3 percentage points more")
    assert [q.kind for q in found] == [Kind.MONEY, Kind.PERCENT, Kind.POINTS]


def test_a_fact_matches_at_the_precision_shown_either_rounding_way() -> None:
    index = FactIndex.of([(Kind.MONEY, Decimal("253567.90")), (Kind.PERCENT, Decimal("83.05"))])
    assert ungrounded("$253,568 and $253,567.90 and $0.25 million, 83.1% or 83.0% or 83%", index) == []
    assert [q.text for q in ungrounded("$253,570 and 83.2%", index)] == ["$253,570", "83.2%"]


def test_invented_numbers_in_a_demo_text_are_caught() -> None:
    facts = demo_facts()
    assert facts.retirement is not None
    text = f"The portfolio is worth $253,568 and the success rate is {facts.retirement.success_rate}%."
    assert ungrounded(text, facts) == []
    invented = ungrounded("Expect 41.3% and $987,654,321 by 2040; shift 7.3 percentage points.", facts)
    assert [q.text for q in invented] == ["41.3%", "$987,654,321", "7.3 percentage points"]


def test_the_index_holds_the_numbers_of_the_analytics_own_sentences() -> None:
    index = fact_index(demo_facts())
    # "$194 a year" of fees exists only inside the fee rule's rationale.
    assert not ungrounded("about $194 a year in fees", index)
    assert all(a <= b for a, b in zip(index.money, index.money[1:], strict=False))


def test_the_allowed_tickers_are_every_position_and_trade() -> None:
    facts = gappy_facts()
    # NEWCO has no price, so it is no "holding", but it is a position the person owns.
    assert "NEWCO" not in {h.symbol for h in facts.holdings}
    assert allowed_tickers(facts) == {"VTI", "BND", "NEWCO", "MYST"}
    demo = demo_facts()
    traded = {trade.symbol for trade in demo.analysis.rebalance.trades}
    assert traded
    assert traded <= allowed_tickers(demo)


def test_a_catalogue_ticker_the_person_does_not_hold_is_reported() -> None:
    facts = gappy_facts()
    assert "TSLA" in CATALOGUE
    report = check_text(
        "Hold VTI and BND (and NEWCO); add TSLA or Zeta (ZZZZ).", facts, known_tickers=CATALOGUE
    )
    assert report.tickers == ("TSLA", "ZZZZ")
    assert report.quantities == ()


def test_one_grounder_checks_many_texts_against_the_same_facts() -> None:
    facts = demo_facts()
    grounder = Grounder.for_facts(facts, known_tickers=CATALOGUE)
    assert grounder.index == fact_index(facts)
    assert grounder.check("VTI and TSLA, worth $253,568 in total.").grounded
    wrong = grounder.check("Put 41.3% in XLE.")
    assert [q.text for q in wrong.quantities] == ["41.3%"]
    assert wrong.tickers == ("XLE",)
    assert wrong == check_text("Put 41.3% in XLE.", facts, known_tickers=CATALOGUE)


def test_the_plan_s_newer_numbers_are_facts_with_their_meanings() -> None:
    profile = replace(
        PROFILE,
        current_age=45,
        annual_contribution=Decimal(10000),
        contribution_growth=Decimal(2),
        other_income=Decimal(24000),
        other_income_start_age=67,
        glide_path_equity=Decimal(40),
        retirement_method=ReturnMethod.HISTORICAL,
    )
    facts = facts_for(demo_portfolio(), profile=profile)
    result, gap = facts.retirement, facts.income_gap
    assert result is not None
    assert gap is not None
    assert result.assumptions.start_years is not None
    first, last = result.assumptions.start_years
    text = (
        f"Contributions rising 2.0% a year. Your pension of $24,000 a year starts at age 67; "
        f"you retire at age 65. The glide path ends at 40% in stocks. "
        f"Every sequence starting {first}–{last}, {result.paths} sequences over 152 years of history. "
        f"The worst started in {result.worst_start_year}, sustaining a withdrawal of "
        f"{result.worst_case_withdrawal_rate:.2f}%. The portfolio must pay "
        f"${gap.portfolio_target:,.0f} a year."
    )
    assert ungrounded(text, facts) == []
    wrong = f"Inflation was {profile.contribution_growth:.1f}% and the pension starts in 67 years."
    assert [q.text for q in ungrounded(wrong, facts)] == ["2.0%", "67"]
