from decimal import Decimal

import pytest

from alex.guardrails.figures import FLOWS
from alex.guardrails.grounding import (
    Fact,
    FactIndex,
    GroundingReport,
    Kind,
    Meaning,
    Quantity,
    check,
    extract_quantities,
    mentioned_tickers,
    without_names,
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


def test_ordinary_capitalised_words_are_not_tickers_but_an_unknown_bare_symbol_is() -> None:
    # Stricter than before: a bare symbol-like token nobody knows ("the ZZZZ fund") is reported too.
    assert mentioned_tickers("NVIDIA and SPDR funds, COVID-19, the ZZZZ fund", known=CATALOGUE) == ["ZZZZ"]


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


# --- stricter grounding: the issue's sentences ---------------------------------------------------

ISSUE_FACTS = FactIndex.of(
    [
        Fact(Kind.PERCENT, Decimal("7.5"), Meaning.SUCCESS_RATE),
        Fact(Kind.PERCENT, Decimal("92.5"), Meaning.FAILURE_RATE),
        Fact(Kind.MONEY, Decimal("470247.12"), Meaning.PROJECTED),
        Fact(Kind.MONEY, Decimal("253567.90"), Meaning.VALUE),
        Fact(Kind.NUMBER, Decimal(3), Meaning.ACCOUNTS),
        Fact(Kind.NUMBER, Decimal(17), Meaning.HOLDINGS),
        Fact(Kind.NUMBER, Decimal(20), Meaning.YEARS),
        Fact(Kind.NUMBER, Decimal(25), Meaning.PROJECTION_YEAR),
    ]
)


def _issue(text: str) -> GroundingReport:
    return check(text, ISSUE_FACTS, allowed_tickers=HELD, known_tickers=CATALOGUE)


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        ("Your money runs out in 7.5 % of the simulated futures.", "7.5 % (as a failure rate)"),
        ("You have 3 accounts (the $470,247).", "$470,247 (as a value held today)"),
        ("You hold 12 holdings.", "12 (as a number of holdings)"),
        ("Your money should last another 12.", "12"),
    ],
)
def test_the_issue_s_figures_are_rejected(text: str, rejected: str) -> None:
    # Each passed before: a percentage, an amount or a count that exists somewhere, or no unit.
    assert [q.describe() for q in _issue(text).quantities] == [rejected]


def test_the_issue_s_unknown_bare_ticker_is_rejected() -> None:
    assert _check("Consider QQQM for cheaper Nasdaq-100 exposure.").tickers == ("QQQM",)


@pytest.mark.parametrize(
    "text",
    [
        "Your money lasts in 7.5 % of the simulated futures.",
        "Your money runs out in 92.5 % of the simulated futures.",
        "Your money does not run out in 7.5 % of futures.",
        "You have 3 accounts (the $253,568).",
        "The median future reaches $470,247 at retirement.",
        "You hold 17 holdings in 3 accounts and retire in 20 years.",
        "In year 25 the median path is still positive.",
    ],
)
def test_the_same_figures_in_the_right_words_are_grounded(text: str) -> None:
    assert _issue(text).grounded, _issue(text).describe()


def test_a_fact_of_unknown_meaning_supports_a_figure_whatever_its_words() -> None:
    index = FactIndex.of([(Kind.PERCENT, Decimal("7.5"))])
    assert check("It runs out in 7.5% of futures.", index, allowed_tickers=(), known_tickers=()).grounded


def test_an_unnamed_number_does_not_match_a_fact_only_its_words_can_name() -> None:
    # 25 is a year of the projection: "year 25" may quote it, a bare "25" may not (nor could
    # any other number up to the horizon).
    assert [q.text for q in _issue("Plan for 25 more.").quantities] == ["25"]
    assert _issue("By year 25 it is gone.").grounded


# --- reading what a figure is ----------------------------------------------------------------


def _meanings(text: str) -> list[tuple[str, set[Meaning]]]:
    return [(q.text, set(q.meanings)) for q in extract_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A cue names the nearest figure of its kind in its clause.
        ("98.4% against a 95% limit", [("98.4%", set()), ("95%", {Meaning.LIMIT})]),
        (
            "The money lasts in 6.3% of them and runs out early in 93.7%.",
            [("6.3%", {Meaning.SUCCESS_RATE}), ("93.7%", {Meaning.FAILURE_RATE})],
        ),
        ("It does not run out in 6.3% of futures.", [("6.3%", {Meaning.SUCCESS_RATE})]),
        (
            "equity returns 7.0% with 17.0% volatility",
            [("7.0%", {Meaning.RETURN}), ("17.0%", {Meaning.VOLATILITY})],
        ),
        # A comparative widens what other words name, and names nothing alone.
        ("under 25% of the portfolio", [("25%", {Meaning.SHARE, Meaning.LIMIT, Meaning.TARGET})]),
        ("just under 7%", [("7%", set())]),
        ("Equity 83.1%, Cash 6.9%", [("83.1%", set()), ("6.9%", set())]),
        # Dollars: what is held today, projected, an income, a trade.
        ("3 accounts (the $470,247)", [("3", {Meaning.ACCOUNTS}), ("$470,247", {Meaning.VALUE})]),
        (
            "$47,386 short of your $60,000 target",
            [("$47,386", {Meaning.INCOME}), ("$60,000", {Meaning.TARGET_INCOME})],
        ),
        ("selling $141,586", [("$141,586", {Meaning.SOLD, Meaning.TRADE})]),
        # Framing words set the scene for their whole sentence, past the comma.
        (
            "After the suggested trades, equity is 69.8% of the portfolio.",
            [("69.8%", {Meaning.SHARE, Meaning.REBALANCED})],
        ),
        (
            "By the time you retire, your portfolio is worth $450,514.",
            [("$450,514", {Meaning.VALUE, Meaning.PROJECTED})],
        ),
        # "A year" keeps an amount to what flows yearly, whatever else its clause says.
        ("about $12,614 a year from the median portfolio", [("$12,614", set(FLOWS))]),
        ("Saving about $12,614 more a year", [("$12,614", {Meaning.SAVINGS})]),
        # A table's column header names its cells.
        (
            "| Asset class | Volatility |\n| --- | --- |\n| Equity | 17.0% |",
            [("17.0%", {Meaning.VOLATILITY})],
        ),
        ("| Symbol | Quantity |\n| --- | --- |\n| VTI | 12.5 |", [("12.5", {Meaning.UNITS})]),
    ],
)
def test_the_words_around_a_figure_say_what_it_is(
    text: str, expected: list[tuple[str, set[Meaning]]]
) -> None:
    assert _meanings(text) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("from 48.5 to 13.3 percentage points", [Kind.POINTS, Kind.POINTS]),
        ("between 5 and 10%", [Kind.PERCENT, Kind.PERCENT]),
        ("5–10%", [Kind.PERCENT, Kind.PERCENT]),
        ("3 accounts and 10%", [Kind.NUMBER, Kind.PERCENT]),
    ],
)
def test_a_range_shares_the_unit_written_at_its_end(text: str, kinds: list[Kind]) -> None:
    assert [q.kind for q in extract_quantities(text)] == kinds


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("across 1,000 simulated futures", Meaning.FUTURES),
        ("the 18 suggested trades", Meaning.TRADES),
        ("a 30-year retirement", Meaning.YEARS),
        ("retire in 20 years", Meaning.YEARS),
        ("you are 67 years old", Meaning.AGE),
        ("at age 67", Meaning.AGE),
        ("Year 20 (retirement)", Meaning.PROJECTION_YEAR),
        ("seed 7", Meaning.SEED),
        ("your 10 largest holdings", Meaning.RANK),
        ("1 failed", Meaning.CHECKS_FAILED),
        ("2 need attention", Meaning.CHECKS_WARNED),
        ("6 passed", Meaning.CHECKS_PASSED),
        ("3 of your accounts", Meaning.ACCOUNTS),
        ("by 2045", Meaning.CALENDAR_YEAR),
    ],
)
def test_a_plain_number_is_what_its_noun_or_label_says(text: str, meaning: Meaning) -> None:
    [quantity] = extract_quantities(text)
    assert quantity.kind is Kind.NUMBER
    assert quantity.meanings == {meaning}


@pytest.mark.parametrize(
    "text",
    [
        "1. Save more\n2) Spend less",
        "## 2. Income against your target",
        "Prepared on 2025-03-14 at 09:30.",
        "Contribute to your 401(k), 403(b) or 401k.",
        "An S&P 500 fund, a Russell 2000 fund and the Nasdaq-100.",
        "The 5th and 95th percentiles; p50; COVID-19; Q3 and FY2025.",
        "The 4% rule is a rule of thumb.",
        "A classic 60/40 portfolio.",
        "Since March 14, see step 2 and tip #3.",
    ],
)
def test_names_dates_and_numbering_are_not_claims(text: str) -> None:
    assert extract_quantities(text) == []


def test_names_are_blanked_out_before_reading() -> None:
    text = "Account 2 holds the iShares 20+ Year Treasury Bond ETF."
    blanked = without_names(text, ["Account 2", "iShares 20+ Year Treasury Bond ETF", "7"])
    assert len(blanked) == len(text)
    assert extract_quantities(blanked) == []
    report = check(text, INDEX, allowed_tickers=HELD, known_tickers=CATALOGUE, names=["Account 2"])
    assert [q.text for q in report.quantities] == ["20"]  # the fund's name was not given


@pytest.mark.parametrize(
    "text",
    [
        "## KEY RISKS TO WATCH",
        "WHAT TO DO NEXT: rebalance.",
        "Your IRA, HSA and 529 plan; a TL;DR at the end.",
    ],
)
def test_shouting_and_acronyms_cite_no_ticker(text: str) -> None:
    assert mentioned_tickers(text, known=CATALOGUE) == []


def test_shouting_still_cites_a_catalogued_or_bracketed_symbol() -> None:
    assert mentioned_tickers("## WHAT TO DO WITH TSLA AND ZZZZ (ZZZZ)", known=CATALOGUE) == ["TSLA", "ZZZZ"]


# --- the plan's newer figures: savings growth, other income, history --------------------------

PLAN_FACTS = FactIndex.of(
    [
        Fact(Kind.PERCENT, Decimal(2), Meaning.SAVINGS_GROWTH),
        Fact(Kind.PERCENT, Decimal("2.5"), Meaning.INFLATION),
        Fact(Kind.PERCENT, Decimal("3.67"), Meaning.WITHDRAWAL_RATE),
        Fact(Kind.PERCENT, Decimal("98.1"), Meaning.SUCCESS_RATE),
        Fact(Kind.MONEY, Decimal(24000), Meaning.INCOME),
        Fact(Kind.MONEY, Decimal(1037911), Meaning.PROJECTED),
        Fact(Kind.NUMBER, Decimal(67), Meaning.AGE),
        Fact(Kind.NUMBER, Decimal(5), Meaning.YEARS),
        Fact(Kind.NUMBER, Decimal(103), Meaning.FUTURES),
        *(Fact(Kind.NUMBER, Decimal(year), Meaning.CALENDAR_YEAR) for year in (1871, 1946, 1973)),
    ]
)


def _plan(text: str) -> GroundingReport:
    return check(text, PLAN_FACTS, allowed_tickers=HELD, known_tickers=CATALOGUE)


@pytest.mark.parametrize(
    "text",
    [
        "New savings: contributions rising 2.0% a year on top of keeping pace with prices.",
        "Your other income pays $24,000 a year of it from age 67.",
        "It replayed every sequence starting 1871–1973 of US history, 103 sequences in all.",
        "The hardest sequence started in 1946: the highest steady withdrawal that lasted was 3.67%.",
        "Futures resampled from US history in blocks of 5 years.",
    ],
)
def test_the_plan_s_newer_figures_are_grounded_in_their_own_words(text: str) -> None:
    assert _plan(text).grounded, _plan(text).describe()


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        # The growth of savings quoted as inflation, and inflation as the growth of savings.
        ("Inflation is assumed at 2.0% a year.", "2.0% (as an inflation rate)"),
        ("Your contributions grow 2.5% a year.", "2.5% (as a yearly growth rate of savings)"),
        # The pension is an income, not what the portfolio is worth; its age is not a count of years.
        ("Your portfolio is worth $24,000.", "$24,000 (as a value held today)"),
        ("The pension starts in 67 years.", "67 (as a number of years)"),
        # The worst start year's rate is a withdrawal rate, not how often the money lasts.
        ("The money lasts in 3.67% of the sequences.", "3.67% (as a success rate)"),
    ],
)
def test_the_plan_s_newer_figures_in_the_wrong_words_are_rejected(text: str, rejected: str) -> None:
    assert [q.describe() for q in _plan(text).quantities] == [rejected]


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("103 historical sequences", Meaning.FUTURES),
        ("starting in 1871", Meaning.CALENDAR_YEAR),
    ],
)
def test_sequences_are_counted_and_history_s_years_are_calendar_years(text: str, meaning: Meaning) -> None:
    [quantity] = extract_quantities(text)
    assert quantity.meanings == {meaning}
