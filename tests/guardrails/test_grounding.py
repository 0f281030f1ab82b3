from decimal import Decimal

import pytest

from alex.guardrails.grounding import (
    FactIndex,
    GroundingReport,
    Kind,
    Quantity,
    check,
    extract_quantities,
    mentioned_tickers,
)

CATALOGUE = frozenset({"VTI", "BND", "VXUS", "TSLA", "AAPL", "BRK.B", "NOW", "K"})
HELD = frozenset({"VTI", "BND", "VXUS"})
INDEX = FactIndex.of(
    [
        (Kind.MONEY, Decimal("253567.90")),
        (Kind.MONEY, Decimal("-5000")),
        (Kind.PERCENT, Decimal("83.06")),
        (Kind.PERCENT, Decimal("12.5")),
        (Kind.POINTS, Decimal("13.1")),
    ]
)


def _check(text: str) -> GroundingReport:
    return check(text, INDEX, allowed_tickers=HELD, known_tickers=CATALOGUE)


def test_the_index_is_sorted_unsigned_and_deduplicated() -> None:
    index = FactIndex.of([(Kind.MONEY, Decimal(3)), (Kind.MONEY, Decimal(-1)), (Kind.MONEY, Decimal(3))])
    assert index.money == (Decimal(1), Decimal(3))
    assert index.percent == index.points == ()


def test_a_wrong_percentage_is_reported() -> None:
    report = _check("About 84.1% of the portfolio is in stocks.")
    assert [q.text for q in report.quantities] == ["84.1%"]
    assert not report.grounded


@pytest.mark.parametrize("text", ["83.1% in stocks", "83% in stocks", "83.06 percent in stocks"])
def test_a_correctly_rounded_percentage_is_grounded(text: str) -> None:
    assert _check(text).grounded


def test_money_and_points_are_checked_at_the_precision_shown() -> None:
    assert _check("worth $253,568 (about $0.25 million), $5,000 below target, 13.1 pp off").grounded
    report = _check("worth $253,600 and 13.4 percentage points off")
    assert [q.text for q in report.quantities] == ["$253,600", "13.4 percentage points"]


def test_a_figure_repeated_is_reported_once() -> None:
    assert [q.text for q in _check("41.3% now, 41.3% later").quantities] == ["41.3%"]


def test_held_tickers_pass() -> None:
    text = "## VTI and friends\n\nYou hold **VTI**, Vanguard Total Bond (BND) and $VXUS."
    assert mentioned_tickers(text, known=CATALOGUE) == ["VTI", "BND", "VXUS"]
    assert _check(text).grounded


def test_a_known_ticker_that_is_not_held_is_reported() -> None:
    report = _check("Consider adding TSLA and AAPL to VTI.")
    assert report.tickers == ("TSLA", "AAPL")
    assert not report.grounded


@pytest.mark.parametrize(
    ("text", "ticker"),
    [
        ("Buy Zeta Corp (ZZZZ) instead.", "ZZZZ"),
        ("Buy $ZZZZ instead.", "ZZZZ"),
        ("the ticker ZZZZ", "ZZZZ"),
        ("ticker symbol: **ZZZZ**", "ZZZZ"),
        ("listed as NYSE: ZZZ", "ZZZ"),
        ("listed as NASDAQ:ZZZZ", "ZZZZ"),
        ("Ford ($F)", "F"),
    ],
)
def test_an_unknown_ticker_in_a_ticker_form_is_reported(text: str, ticker: str) -> None:
    assert _check(text).tickers == (ticker,)


def test_an_unknown_capitalised_word_is_not_a_ticker() -> None:
    assert mentioned_tickers("NVIDIA and SPDR funds, COVID-19, the ZZZZ fund", known=CATALOGUE) == []


@pytest.mark.parametrize(
    "text",
    [
        "An ETF (ETF) held in your IRA (IRA) or 401(k) tracks the S&P 500.",
        "US stocks (US), the U.S. market and ex-US funds; USD (USD) cash",
        "Roth IRA, HSA, FDIC-insured CD at 4.5% APY; REIT, CAGR, SWR, GDP, CPI and TIPS (TIPS)",
        "your 401(K) plan, MSCI EAFE and FTSE indexes on the NYSE",
        "**NOTE:** this is not advice. Results for Q3 (Q3) and FY2025.",
        "A plan I like: (a) save more",
    ],
)
def test_acronyms_and_ordinary_capitals_are_not_tickers(text: str) -> None:
    assert mentioned_tickers(text, known=CATALOGUE) == []


def test_an_acronym_counts_only_when_known_and_in_a_ticker_form() -> None:
    assert mentioned_tickers("Do it NOW", known=CATALOGUE) == []
    assert mentioned_tickers("ServiceNow (NOW) and Kellogg ($K)", known=CATALOGUE) == ["NOW", "K"]
    assert mentioned_tickers("ServiceNow (NOW)", known=frozenset()) == []


def test_a_single_letter_counts_only_in_a_ticker_form() -> None:
    assert mentioned_tickers("Plan A or plan F", known={"A", "F"}) == []
    assert mentioned_tickers("Agilent (A)", known=frozenset()) == ["A"]


def test_markdown_headings_and_bold_do_not_confuse_it() -> None:
    text = "# ETF BASICS\n\n## WHAT TO DO NOW WITH TSLA\n\n### VTI\n\n**IMPORTANT:** hold __BND__ and *VXUS*."
    assert mentioned_tickers(text, known=CATALOGUE) == ["TSLA", "VTI", "BND", "VXUS"]


def test_tickers_come_once_in_order_of_first_appearance_whatever_the_class_separator() -> None:
    text = "BND, then VTI, then BND again, BRK-B and BRK.B"
    assert mentioned_tickers(text, known=CATALOGUE) == ["BND", "VTI", "BRK-B"]
    assert check(text, INDEX, allowed_tickers={"BND", "VTI", "BRK.B"}, known_tickers=CATALOGUE).grounded


def test_describe_names_the_figures_and_tickers() -> None:
    report = _check("Expect 12.3% and $5,001 from TSLA (ZZZZ).")
    assert report.describe() == (
        "These figures match no computed fact: 12.3%, $5,001. "
        "These tickers are not in the portfolio: TSLA, ZZZZ."
    )
    assert _check("VTI is 83.1%.").describe() == "Every figure and ticker matches the computed facts."


def test_describe_caps_each_list_at_ten() -> None:
    quantities = tuple(
        Quantity(text=f"{n}%", kind=Kind.PERCENT, value=Decimal(n), quantum=Decimal(1)) for n in range(13)
    )
    text = GroundingReport(quantities=quantities, tickers=("TSLA",)).describe()
    assert "0%, 1%, 2%, 3%, 4%, 5%, 6%, 7%, 8%, 9% and 3 more." in text
    assert "10%" not in text
    assert text.endswith("These tickers are not in the portfolio: TSLA.")


def test_extract_quantities_still_reads_numbers_in_text_order() -> None:
    assert [q.kind for q in extract_quantities("$5 is 2% of it, 3 percentage points more")] == [
        Kind.MONEY,
        Kind.PERCENT,
        Kind.POINTS,
    ]
