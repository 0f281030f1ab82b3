"""Figures in prose: every number a text prints, its unit, and what the words around it say it is.

The grounding check (``alex.guardrails.grounding``) compares each figure of a writer's text with
the computed facts. The value alone is not enough: "the money runs out in 6.3% of futures"
quotes a real number (the success rate) as something it is not. So every figure is read with

* its **kind**, the unit: dollars, a percentage, percentage points, or a plain number (a count,
  a number of years, an age, a calendar year: "3 accounts", "in 20 years", "by 2045");
* its **meanings**, from the words of its clause: "runs out" names a failure rate, "accounts"
  a number of accounts (before it) or their value (near dollars). A figure whose clause names
  nothing has no meaning, and then any fact of its kind may support it, so that ordinary prose
  ("Equity 83.1%, Cash 6.9%") is not over-rejected.

The words are small tables, the one place to look when a verdict surprises:

* ``CUES``, for dollars, percentages and points. A cue names, for each kind it speaks of, the
  nearest figure of that kind in its clause ("98.4% against a 95% *limit*": the limit is 95%);
  a figure named by several cues may be any of what they name. A comparative ("*under* 25% of
  the portfolio") names nothing of its own but lets a named figure also be a limit or a target;
  "a year" keeps an amount to what flows yearly (an income, a saving, a fee), never a value.
  Framing words ("after the trades", "by the time you retire") reach past a comma to their
  whole sentence.
* ``COUNT_NOUNS`` (the word after a plain number: "3 *accounts*", "18 suggested *trades*") and
  ``COUNT_LABELS`` (the word before one: "*age* 67", "*year* 20", "*seed* 7"). A four-digit
  number from 1800 to 2199 with neither is a calendar year (which years are facts is the fact
  index's call: the analysis's own year to the end of its projection, and the years of history
  a historical projection drew on, which start in the 1870s).
* A table's column header names every figure in its column ("| Volatility |").

Numbers that are not claims are skipped (``NOT_CLAIMS``): list and heading numbering, dates and
times, plan names ("401(k)"), index names ("S&P 500"), the "4% rule", labels of the text's own
structure ("step 2"). Numbers glued to letters are never read: ordinals ("5th"), tickers and
codes ("p50", "Q3", "FY2025"), "401k". Numbers written in words ("two thirds") are not read either.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import cache
from itertools import pairwise
from typing import Final


class Kind(StrEnum):
    """A figure's unit."""

    MONEY = "money"
    PERCENT = "percent"
    POINTS = "points"
    NUMBER = "number"
    """No unit: a count, a number of years, an age, a rank, a calendar year, a quantity of shares."""


class Meaning(StrEnum):
    """What a figure is, finer than its unit; the value is how a re-ask names it."""

    # Money.
    VALUE = "a value held today"
    PROJECTED = "a projected value"
    INCOME = "a retirement income"
    SAFE_INCOME = "the income the plan safely supports"
    TARGET_INCOME = "the target income"
    SAVINGS = "a saving"
    SOLD = "an amount sold"
    BOUGHT = "an amount bought"
    TRADE = "a price or cash left after trades"
    FEE = "a fee"
    # Percentages (a value after rebalancing can also be money, a limit points).
    SHARE = "a share"
    REBALANCED = "a figure after the suggested trades"
    TARGET = "a target"
    LIMIT = "a limit"
    SUCCESS_RATE = "a success rate"
    FAILURE_RATE = "a failure rate"
    WITHDRAWAL_RATE = "a withdrawal rate"
    RETURN = "an expected return"
    VOLATILITY = "a volatility"
    INFLATION = "an inflation rate"
    FEE_RATE = "a fee rate"
    LASTING = "a share of futures lasting a given number of years"
    SAVINGS_GROWTH = "a yearly growth rate of savings"
    # Percentage points.
    DRIFT = "a drift from target"
    # Plain numbers.
    ACCOUNTS = "a number of accounts"
    HOLDINGS = "a number of holdings"
    CATEGORIES = "a number of categories"
    TRADES = "a number of trades"
    CHECKS = "a number of checks"
    CHECKS_FAILED = "a number of failed checks"
    CHECKS_WARNED = "a number of checks needing attention"
    CHECKS_PASSED = "a number of passed checks"
    YEARS = "a number of years"
    PERIOD = "a number of months, weeks or days"
    FUTURES = "a number of simulated futures"
    UNITS = "a number of shares"
    AGE = "an age"
    PROJECTION_YEAR = "a year of the projection"
    CALENDAR_YEAR = "a calendar year"
    RANK = "a rank"
    SEED = "a random seed"
    CORRELATION = "a correlation"


M = Meaning
MEANINGS_OF: Final[Mapping[Kind, frozenset[Meaning]]] = {
    Kind.MONEY: frozenset(
        {
            *(M.VALUE, M.PROJECTED, M.INCOME, M.SAFE_INCOME, M.TARGET_INCOME, M.SAVINGS, M.SOLD, M.BOUGHT),
            *(M.TRADE, M.REBALANCED, M.FEE),
        }
    ),
    Kind.PERCENT: frozenset(
        {
            *(M.SHARE, M.REBALANCED, M.TARGET, M.LIMIT, M.SUCCESS_RATE, M.FAILURE_RATE, M.WITHDRAWAL_RATE),
            *(M.RETURN, M.VOLATILITY, M.INFLATION, M.FEE_RATE, M.LASTING, M.SAVINGS_GROWTH),
        }
    ),
    Kind.POINTS: frozenset({M.DRIFT, M.LIMIT}),
    Kind.NUMBER: frozenset(
        {
            *(M.ACCOUNTS, M.HOLDINGS, M.CATEGORIES, M.TRADES, M.CHECKS, M.CHECKS_FAILED, M.CHECKS_WARNED),
            *(M.CHECKS_PASSED, M.YEARS, M.PERIOD, M.FUTURES, M.UNITS, M.AGE, M.PROJECTION_YEAR),
            *(M.CALENDAR_YEAR, M.RANK, M.SEED, M.CORRELATION),
        }
    ),
}
"""The meanings a figure of each kind can have."""

NAMED_ONLY: Final = frozenset(
    {M.UNITS, M.AGE, M.PROJECTION_YEAR, M.CALENDAR_YEAR, M.RANK, M.SEED, M.CORRELATION}
)
"""Meanings whose facts support only a figure whose words name them.

They are long runs of small numbers (every year of the projection, every rank, every share
quantity): if they could support any unnamed number, almost any plain number would pass."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure in a text: ``value`` (unsigned) shown to the nearest ``quantum``.

    ``meanings`` are what its words name (empty: nothing, so any fact of its kind may match).
    """

    text: str
    kind: Kind
    value: Decimal
    quantum: Decimal
    meanings: frozenset[Meaning] = frozenset()

    def describe(self) -> str:
        """The figure as a re-ask names it: "6.3%", or "6.3% (as a failure rate)"."""
        if not self.meanings:
            return self.text
        named = [meaning.value for meaning in Meaning if meaning in self.meanings]
        return f"{self.text} (as {' or '.join(named)})"


# --- the words --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cue:
    """Words that say what a nearby figure is.

    ``names``: the meanings the words give the nearest figure of each kind in their clause.
    ``widens``: meanings added only to a figure that something else names ("under 25% of the
    portfolio" is a share, or the limit or target a share is held to).
    ``keeps``: the only meanings the figure can have, whatever else names it ("$12,614 a year
    from the median portfolio" is a yearly flow: an income, not the portfolio's value).
    ``frames``: the words set the scene for their whole sentence, not only their clause ("After
    the trades, equity is 69.8%"; "By the time you retire, the portfolio is worth $450,514").
    """

    pattern: re.Pattern[str]
    """Lower-case words, matched in a lower-cased text."""
    names: frozenset[Meaning]
    widens: frozenset[Meaning]
    keeps: frozenset[Meaning]
    frames: bool
    kinds: frozenset[Kind]
    """The kinds of figure the words speak of (plain numbers have their own tables)."""


def _words(pattern: str, flags: re.RegexFlag = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'’])(?:{pattern})(?![\w'’])", flags)


_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
"""Cues are matched case-sensitively in a lower-cased copy of the text: about twice as fast as
ignoring case, and lowering ASCII letters only keeps every position where it was."""


def _cue(
    pattern: str,
    *names: Meaning,
    widens: Iterable[Meaning] = (),
    keeps: Iterable[Meaning] = (),
    frames: bool = False,
) -> Cue:
    meanings = {*names, *widens, *keeps}
    kinds = frozenset(
        kind for kind in (Kind.MONEY, Kind.PERCENT, Kind.POINTS) if MEANINGS_OF[kind] & meanings
    )
    words = _words(pattern, re.NOFLAG)
    return Cue(words, frozenset(names), frozenset(widens), frozenset(keeps), frames, kinds)


FLOWS: Final = (M.INCOME, M.SAFE_INCOME, M.TARGET_INCOME, M.SAVINGS, M.FEE)
"""What an amount of money per year can be; a value held or projected is a stock, never a flow."""


_NOT: Final = r"(?:not|never|\w+n[’']t)\s+"
CUES: Final = (
    # Earlier rows win where two overlap, so negations and longer phrases come first.
    _cue(rf"{_NOT}(?:runs?|ran|running)\s+out", M.SUCCESS_RATE),
    _cue(rf"{_NOT}(?:lasts?|lasted|lasting|survives?|survived|succeeds?|succeeded)", M.FAILURE_RATE),
    _cue(rf"{_NOT}fail(?:s|ed)?", M.SUCCESS_RATE),
    _cue(r"falls?\s+short|fell\s+short", M.FAILURE_RATE, M.INCOME),
    _cue(
        r"(?:runs?|ran|running)\s+(?:out|dry)|out\s+of\s+money|fail(?:s|ed|ing|ures?)?|deplet\w*|exhaust\w*",
        M.FAILURE_RATE,
    ),
    _cue(
        r"succe\w*|lasts|lasted|lasting|last(?!\s+(?:years?|months?|quarters?|weeks?|decades?|few|\d))"
        r"|surviv\w*|on\s+track",
        M.SUCCESS_RATE,
    ),
    _cue(r"inflation|cost\s+of\s+living", M.INFLATION),
    # Savings that grow are a raise of savings, not a return ("contributions rising 2.0% a year").
    _cue(
        r"(?:contributions?|savings?)\s+(?:grow\w*|ris(?:e|es|ing)|rais\w*|increas\w*)"
        r"|(?:grow\w*|rais\w*|increas\w*)\s+(?:your\s+|the\s+)?(?:contributions?|savings?)"
        r"|contribution\s+growth",
        M.SAVINGS_GROWTH,
    ),
    _cue(r"withdraw\w*|draw(?:s|ing)?\s+down|spend\w*|tak(?:e|es|ing)\s+out", M.WITHDRAWAL_RATE, M.INCOME),
    _cue(r"safe\s+income|supports?|sustain\w*|safely|afford\w*", M.SAFE_INCOME),
    _cue(r"income|surplus|headroom|shortfall|short|live\s+on", M.INCOME),
    _cue(r"gaps?", M.DRIFT),  # "close the gap" is about what closes it, not the income
    _cue(r"target\w*|goals?|aim\w*", M.TARGET, M.TARGET_INCOME),
    _cue(
        r"sav(?:e|es|ed|ing|ings)|contribut\w*|put\s+(?:away|aside)|set\s+aside|add(?:s|ed|ing)?|deposit\w*",
        M.SAVINGS,
    ),
    # Framing words set the scene for the whole sentence: what the trades would leave, or a future.
    _cue(
        r"after\s+(?:the\s+|these\s+|those\s+)?(?:[a-z]+\s+)?(?:rebalancing|trades|trading)|once\s+rebalanced",
        M.REBALANCED,
        frames=True,
    ),
    _cue(
        r"(?:at|by)\s+retirement|(?:by\s+the\s+time|when|once)\s+you\s+retire"
        r"|in\s+(?:the\s+|a\s+|an\s+)?(?:median|pessimistic|optimistic|typical|worst|best|bad|good)\s+"
        r"(?:futures?|cases?|scenarios?|paths?|outcomes?)",
        M.PROJECTED,
        frames=True,
    ),
    _cue(r"rebalanced", M.REBALANCED),
    _cue(r"sell\w*|sold|sales?", M.SOLD, M.TRADE),
    _cue(r"buy\w*|bought|purchas\w*", M.BOUGHT, M.TRADE),
    _cue(r"trad(?:e|es|ed|ing)|rebalanc\w*|orders?|prices?|priced", M.SOLD, M.BOUGHT, M.TRADE, M.REBALANCED),
    _cue(r"fees?|costs?|costing|expense\w*|charges?|charged", M.FEE, M.FEE_RATE),
    _cue(
        r"median|percentiles?|paths?|project\w*|simulat\w*|futures?|pessimistic|optimistic"
        r"|reach\w*|grows?\s+to|grew\s+to|left|ending|at\s+the\s+end",
        M.PROJECTED,
    ),
    _cue(
        r"of\s+(?:the\s+|your\s+|all\s+|its\s+|their\s+)?(?:whole\s+|total\s+|overall\s+|invested\s+)?"
        r"(?:portfolio|money|stocks|equities|bonds|holdings|investments|assets|everything|total)"
        r"|allocat\w*|weight\w*|makes?\s+up|made\s+up|exposure|share"
        r"|in\s+(?:stocks|bonds|equit\w*|gold|real\s+estate|fixed\s+income|commodities)",
        M.SHARE,
    ),
    _cue(r"holds?|holding|owns?", M.VALUE, M.SHARE),
    _cue(
        r"worth|valued?|portfolios?|accounts?|holdings|positions?|invested|investments?|cash|balances?",
        M.VALUE,
    ),
    _cue(
        r"returns?(?!\s+(?:to|it|them|you)\b)|growth|grows?|grew|earn\w*|gains?|yield\w*|interest", M.RETURN
    ),
    _cue(r"volatil\w*|swings?|standard\s+deviation|fluctuat\w*|ups\s+and\s+downs", M.VOLATILITY),
    _cue(r"limits?|warning\s+level|threshold|maximum|ceiling|cap|band|tolerance", M.LIMIT),
    _cue(r"over|under|above|below", M.DRIFT, widens=(M.LIMIT, M.TARGET)),
    _cue(
        r"(?:more|less|fewer|lower|higher)\s+than|up\s+to|at\s+(?:least|most)|no\s+more\s+than|within|outside"
        r"|exceed\w*|beyond",
        widens=(M.LIMIT, M.TARGET),
    ),
    _cue(r"drift\w*|off|away\s+from", M.DRIFT),
    _cue(r"(?:a|per|each|every)\s+(?:year|month)|annually|yearly|monthly", keeps=FLOWS),
)
"""Words naming what a dollar amount, percentage or points figure is."""

COUNT_NOUNS: Final = tuple(
    (_words(pattern), meaning)
    for pattern, meaning in (
        (r"accounts?", M.ACCOUNTS),
        (r"asset\s+classes|sectors?|regions?|industries|categories|countries", M.CATEGORIES),
        (
            r"positions?|holdings?|investments?|securities|instruments?|funds?|stocks?|symbols?|tickers?"
            r"|ETFs?|companies",
            M.HOLDINGS,
        ),
        (r"trades?|sales?|purchases?|orders?|transactions?", M.TRADES),
        (r"failed|fail(?:s|ing)?", M.CHECKS_FAILED),
        (r"needs?\s+attention|warnings?", M.CHECKS_WARNED),
        (r"passed|pass(?:es|ing)?|(?:are|were)\s+(?:fine|ok)", M.CHECKS_PASSED),
        (r"checks?|rules?|findings?|not\s+checked|skipped", M.CHECKS),
        (r"years?[\s-]+old", M.AGE),
        (r"years?|yrs?", M.YEARS),
        (r"months?|weeks?|days?|decades?|quarters?", M.PERIOD),
        (r"futures?|paths?|simulations?|scenarios?|trials?|runs?|outcomes?|sequences?", M.FUTURES),
        (r"shares?|units?|quantity|quantities", M.UNITS),
        (r"largest|biggest|smallest|highest|lowest", M.RANK),
    )
)
"""The word right after a plain number (up to two other words may come between: "18 suggested trades")."""

COUNT_LABELS: Final = tuple(
    (re.compile(rf"(?<![\w'’])(?:{pattern})\s*[:=#]?\s*\Z", re.IGNORECASE), meaning)
    for pattern, meaning in (
        (r"year", M.PROJECTION_YEAR),
        (r"age|aged|ages|turn(?:s|ing)?|retir(?:e|es|ing)\s+at", M.AGE),
        (r"seed", M.SEED),
        (r"top|rank(?:ed)?|number", M.RANK),
        (r"correlations?(?:\s+of)?|correlated\s+at", M.CORRELATION),
    )
)
"""The word right before a plain number."""

_HEADER_LABELS: Final = ((_words(r"year"), M.PROJECTION_YEAR),)
"""A column header "Year" labels the plain numbers below it as years of the projection."""


# --- what is not a claim ----------------------------------------------------------------------

_MONTH: Final = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
NOT_CLAIMS: Final = tuple(
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        r"^[ \t]*(?:[-*+>][ \t]+)*\d{1,3}[.)](?=[ \t])",  # the list's own numbering: "1. Save more"
        r"^[ \t]*#{1,6}[ \t]+\d{1,3}(?:\.\d{1,3})*[.)]?(?=[ \t])",  # a numbered heading: "## 2. Income"
        r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b",  # an ISO date ("prepared on")
        r"\b\d{1,2}:\d{2}\b",  # a time of day
        rf"\b{_MONTH}[ \t]+\d{{1,2}}\b(?!,\d)|\b\d{{1,2}}[ \t]+{_MONTH}",  # "March 14" (a year is still read)
        r"\b(?:401|403|457)[ \t]?\(?[kb]\)?(?!\w)|\b529[ \t]+(?:plans?|accounts?|savings)\b",  # plan names
        r"\bS&P[ \t]?(?:500|400|600|1500)\b|\bRussell[ \t](?:1000|2000|3000)\b|\bNasdaq[ \t-]?100\b"
        r"|\bFTSE[ \t](?:100|250|350)\b|\bDow(?:[ \t]Jones)?[ \t]30\b|\bWilshire[ \t]5000\b"
        r"|\bStoxx[ \t](?:50|600)\b|\bNikkei[ \t]225\b|\b(?:DAX|CAC)[ \t]40\b",  # index names
        r"\b4[ \t]?(?:%|percent|per[ \t]cent)[ \t]+rule\b",  # a rule of thumb's name, not a rate claimed
        r"\b\d{1,3}/\d{1,3}\b",  # a mix named by its split ("a 60/40 portfolio"), not a figure computed
        r"\b(?:step|option|part|phase|section|table|figure|chart|item|tip|point|priority|appendix|note)"
        r"[ \t]+#?\d{1,2}\b|#\d+\b",  # labels of the text's own structure
    )
)
"""Numbers (and the words around them) that are names, dates or numbering, never claims.

Separate patterns rather than one alternation: each scans faster on its own."""


# --- reading figures --------------------------------------------------------------------------

_NUMBER: Final = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_SCALE_WORDS: Final = r"million|billion|thousand"
_UNIT_PATTERNS: Final = (
    (re.compile(rf"\$\s?{_NUMBER}(?:\s?({_SCALE_WORDS}|[mkb])\b)?", re.IGNORECASE), Kind.MONEY),
    (re.compile(rf"(?<![\w.,$]){_NUMBER}(?:\s?({_SCALE_WORDS}))?\s+dollars\b", re.IGNORECASE), Kind.MONEY),
    (
        re.compile(rf"(?<![\d.,]){_NUMBER}\s?(?:(?:percentage[\s-])?points?\b|pp\b)", re.IGNORECASE),
        Kind.POINTS,
    ),
    (re.compile(rf"(?<![\d.,$]){_NUMBER}\s?(?:%|percent\b|per\s?cent\b)", re.IGNORECASE), Kind.PERCENT),
)
_PLAIN: Final = re.compile(rf"(?<![\w.,$£€¥#])(?<![A-Za-z]-){_NUMBER}(?![\w%]|[.,]\d)")
"""A number with no unit, not glued to letters ("5th", "p50", "COVID-19", "401k" are not read)."""
_SCALE: Final = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
}
_RANGE: Final = re.compile(r"\s*(?:to|and|or|-|–|—)\s*", re.IGNORECASE)
"""What joins the two ends of a range."""
_YEARS_READ: Final = (1800, 2199)
"""A bare four-digit number in this range, not followed by a noun, is read as a calendar year."""


@dataclass(frozen=True, slots=True)
class _Figure:
    start: int
    end: int
    kind: Kind
    value: Decimal
    quantum: Decimal
    text: str


def extract_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text`` that is a claim, in text order, with the meanings its words name."""
    figures = _figures(text)
    meanings = _Reader(text, figures).meanings()
    return [
        Quantity(text=f.text, kind=f.kind, value=f.value, quantum=f.quantum, meanings=named)
        for f, named in zip(figures, meanings, strict=True)
    ]


def without_names(text: str, names: Collection[str]) -> str:
    """``text`` with every occurrence of ``names`` blanked out (same length, so positions hold).

    Account and instrument names are the person's or the catalogue's words, not claims: "Account
    2", "iShares 20+ Year Treasury Bond ETF" or an account called "TSLA savings" quote nothing.
    Names without a letter are kept (blanking "2024" would hide every 2024 in the text).
    """
    kept = {n.strip() for n in names if any(c.isalpha() for c in n) and len(n.strip()) > 1}
    if not kept:
        return text
    # Longest first: a name inside a longer one ("Roth IRA" in "Roth IRA 2") does not split it.
    alternatives = "|".join(re.escape(name) for name in sorted(kept, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", lambda m: " " * len(m.group(0)), text)


class _Spans:
    """Disjoint spans of a text, sorted, to tell in O(log n) whether a new one overlaps any."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def take(self, start: int, end: int) -> bool:
        """Add the span unless it overlaps one already taken; True when added."""
        index = bisect_right(self.starts, start)
        if index > 0 and self.ends[index - 1] > start:
            return False
        if index < len(self.starts) and self.starts[index] < end:
            return False
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


def _figures(text: str) -> list[_Figure]:
    taken = _Spans()
    for pattern in NOT_CLAIMS:
        for match in pattern.finditer(text):
            taken.take(*match.span())
    found: list[_Figure] = []
    for pattern, kind in (*_UNIT_PATTERNS, (_PLAIN, Kind.NUMBER)):
        found.extend(_figure(match, kind) for match in pattern.finditer(text) if taken.take(*match.span()))
    found.sort(key=lambda figure: figure.start)
    # A range shares the unit written once at its end: "from 48.5 to 13.3 percentage points", "5–10%".
    for i in range(len(found) - 2, -1, -1):
        first, second = found[i], found[i + 1]
        if (
            first.kind is Kind.NUMBER
            and second.kind in (Kind.PERCENT, Kind.POINTS)
            and _RANGE.fullmatch(text, first.end, second.start)
        ):
            found[i] = replace(first, kind=second.kind)
    return found


def _figure(match: re.Match[str], kind: Kind) -> _Figure:
    whole, fraction = match.group(1), match.group(2)
    scale_word = match.group(3) if kind is Kind.MONEY else None
    scale = _SCALE[scale_word.lower()] if scale_word else Decimal(1)
    digits = Decimal(f"{whole.replace(',', '')}.{fraction or '0'}")
    quantum = Decimal(1).scaleb(-len(fraction or "")) * scale
    return _Figure(match.start(), match.end(), kind, digits * scale, quantum, match.group(0))


# --- reading meanings -------------------------------------------------------------------------

_SENTENCE_END: Final = r"[.!?](?=[\s*_)\"'”’]|\Z)|[|\n]"
"""A sentence end (not a decimal point), a line end or a table cell's edge."""
_SENTENCE_BREAK: Final = re.compile(_SENTENCE_END)
_CLAUSE_BREAK: Final = re.compile(
    rf"{_SENTENCE_END}"
    r"|[;:]"
    r"|,(?=\s)"  # a comma, but not the thousands separator in "1,000"
    r"|\s[—–-]\s"
    r"|\s(?:and|but|or|while|whereas|although|though|yet)\s",
    re.IGNORECASE,
)
"""Where one clause ends: a cue names figures of its own clause only (a framing cue, its sentence's)."""
_NEXT_WORD: Final = re.compile(r"[ \t]*-?[ \t]*(?=[A-Za-z])")
_WORD: Final = re.compile(r"[A-Za-z][\w'’-]*")
_TABLE_ROW: Final = re.compile(r"^[ \t]*\|.*$", re.MULTILINE)
_SEPARATOR_ROW: Final = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}")
_CELL_BREAK: Final = re.compile(r"(?<!\\)\|")


class _Reader:
    """The meanings of each figure of one text, from its clause, its noun and its table header."""

    def __init__(self, text: str, figures: list[_Figure]) -> None:
        self.text = text
        self.figures = figures
        breaks = list(_CLAUSE_BREAK.finditer(text))
        self.clause_starts = [0, *(m.end() for m in breaks)]
        self.clause_ends = [*(m.start() for m in breaks), len(text)]
        self.sentence_starts = [0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))]
        self.names: list[set[Meaning]] = [set() for _ in figures]
        self.widened: list[set[Meaning]] = [set() for _ in figures]
        self.kept: list[set[Meaning]] = [set() for _ in figures]

    def meanings(self) -> list[frozenset[Meaning]]:
        self._read_cues()
        cells = _column_headers(self.text)
        cell_starts = [start for start, _, _ in cells]
        for i, figure in enumerate(self.figures):
            header = _header_at(cells, cell_starts, figure.start)
            if header:
                self._read_header(i, header)
            if figure.kind is Kind.NUMBER:
                self.names[i] |= self._count_meanings(figure)
        return [_combined(*read) for read in zip(self.names, self.widened, self.kept, strict=True)]

    def _clause(self, position: int) -> int:
        return bisect_right(self.clause_starts, position) - 1

    def _sentence(self, position: int) -> int:
        return bisect_right(self.sentence_starts, position) - 1

    def _read_cues(self) -> None:
        """Each cue names, for each kind it speaks of, the nearest figure of that kind in its clause
        (in its sentence for a framing cue)."""
        in_clause: dict[int, list[int]] = {}
        in_sentence: dict[int, list[int]] = {}
        for i, figure in enumerate(self.figures):
            in_clause.setdefault(self._clause(figure.start), []).append(i)
            in_sentence.setdefault(self._sentence(figure.start), []).append(i)
        for cue, start, end in _cue_hits(self.text, self.figures):
            if cue.frames:
                members = in_sentence.get(self._sentence(start), [])
            else:
                members = in_clause.get(self._clause(start), [])
            for kind in cue.kinds:
                candidates = [i for i in members if self.figures[i].kind is kind]
                if not candidates:
                    continue
                distances = {i: _distance(start, end, self.figures[i]) for i in candidates}
                nearest = min(distances.values())
                for i in (i for i, distance in distances.items() if distance == nearest):
                    self._attach(i, cue)

    def _attach(self, i: int, cue: Cue) -> None:
        possible = MEANINGS_OF[self.figures[i].kind]
        self.names[i] |= cue.names & possible
        self.widened[i] |= cue.widens & possible
        self.kept[i] |= cue.keeps & possible

    def _read_header(self, i: int, header: str) -> None:
        """A table's column header names every figure in its column ("| Volatility |")."""
        cues, counts = _header_words(header)
        kind = self.figures[i].kind
        for cue in cues:
            if kind in cue.kinds:
                self._attach(i, cue)
        if kind is Kind.NUMBER:
            self.names[i] |= counts

    def _count_meanings(self, figure: _Figure) -> set[Meaning]:
        clause = self._clause(figure.start)
        before = self.text[self.clause_starts[clause] : figure.start]
        after = self.text[figure.end : self.clause_ends[clause]]
        named = {meaning for pattern, meaning in COUNT_LABELS if pattern.search(before)}
        noun = _noun(after)
        if noun is not None:
            named.add(noun)
        low, high = _YEARS_READ
        if noun is None and re.fullmatch(r"\d{4}", figure.text) and low <= int(figure.text) <= high:
            named.add(M.CALENDAR_YEAR)  # "by 2045", and "year 2045" too
        return named


def _combined(names: set[Meaning], widened: set[Meaning], kept: set[Meaning]) -> frozenset[Meaning]:
    """What a figure may be: what its words name (widened), within what they keep it to."""
    if kept:
        return frozenset((names | widened) & kept or kept)
    return frozenset(names | widened) if names else frozenset()


@cache
def _header_words(header: str) -> tuple[tuple[Cue, ...], frozenset[Meaning]]:
    """The cues in a column header, and what it names a plain number ("Quantity", "Year")."""
    cues = tuple(cue for cue in CUES if cue.pattern.search(header.translate(_ASCII_LOWER)))
    counts = {meaning for pattern, meaning in (*COUNT_NOUNS, *_HEADER_LABELS) if pattern.search(header)}
    return cues, frozenset(counts)


def _cue_hits(text: str, figures: list[_Figure]) -> Iterator[tuple[Cue, int, int]]:
    """Every cue in ``text``, earlier rows of ``CUES`` first, never two over the same words or a figure."""
    taken = _Spans()
    for figure in figures:
        taken.take(figure.start, figure.end)
    lowered = text.translate(_ASCII_LOWER)
    for cue in CUES:
        for match in cue.pattern.finditer(lowered):
            if taken.take(*match.span()):
                yield cue, match.start(), match.end()


def _distance(start: int, end: int, figure: _Figure) -> int:
    if end <= figure.start:
        return figure.start - end
    if figure.end <= start:
        return start - figure.end
    return 0


def _noun(after: str) -> Meaning | None:
    """The meaning of the first count noun among the next three words ("1,000 simulated futures")."""
    position = 0
    for _ in range(3):
        gap = _NEXT_WORD.match(after, position)
        if gap is None:
            return None
        for pattern, meaning in COUNT_NOUNS:
            if pattern.match(after, gap.end()):
                return meaning
        word = _WORD.match(after, gap.end())
        assert word is not None  # the gap ends before a letter
        position = word.end()
    return None


def _column_headers(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, header)`` of every body cell of every markdown table in ``text``."""
    cells: list[tuple[int, int, str]] = []
    header: list[str] | None = None
    previous_end = -2
    for row in _TABLE_ROW.finditer(text):
        if row.start() != previous_end + 1:  # not the next line: a new table starts
            header = None
        previous_end = row.end()
        line = row.group(0)
        if header is None:
            header = [cell.strip() for _, _, cell in _cells(line)]
            continue
        if _SEPARATOR_ROW.match(line):
            continue
        for column, (start, end, _) in enumerate(_cells(line)):
            if column < len(header):
                cells.append((row.start() + start, row.start() + end, header[column]))
    return cells


def _cells(line: str) -> list[tuple[int, int, str]]:
    bars = [m.start() for m in _CELL_BREAK.finditer(line)]
    return [(a + 1, b, line[a + 1 : b]) for a, b in pairwise(bars)]


def _header_at(cells: list[tuple[int, int, str]], starts: list[int], position: int) -> str | None:
    index = bisect_right(starts, position) - 1
    if index >= 0 and cells[index][0] <= position < cells[index][1]:
        return cells[index][2]
    return None
