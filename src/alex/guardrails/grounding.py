"""Grounding: every figure and ticker a writer prints must come from the computed facts.

A language model asked to *explain* numbers will sooner or later invent one ("about 12 %",
"consider TSLA"). Rather than trusting it, the text is checked after the fact:

* **Figures.** A dollar amount, percentage or percentage-point difference is *grounded* when
  some fact, rounded to the precision the text shows, equals it: "$253,568" matches the fact
  253,567.90, "83.1%" matches 83.06, "$1.2 million" matches 1,234,567 (precision: a hundred
  thousand). Rounding either way is accepted (a fact within half a unit of the shown last
  digit) and signs are ignored (texts say "below"/"above" instead).
* **Tickers.** A ticker the text cites must be one the caller allows (for a portfolio report:
  the person's own holdings and trades). What counts as "cited" is deliberately conservative
  so that ordinary capitals (ETF, IRA, US, NOTE) never cause a re-ask; see ``mentioned_tickers``.

This module knows nothing about the analysis: ``alex.analysis.fact_index`` builds the
``FactIndex`` and the allowed tickers from ``AnalysisFacts``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

LISTED: Final = 10
"""Items of each kind ``GroundingReport.describe`` names before saying "and N more"."""


class Kind(StrEnum):
    MONEY = "money"
    PERCENT = "percent"
    POINTS = "points"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a text: ``value`` (unsigned) shown to the nearest ``quantum``."""

    text: str
    kind: Kind
    value: Decimal
    quantum: Decimal


_NUMBER: Final = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_MONEY: Final = re.compile(rf"\$\s?{_NUMBER}(?:\s?(million|billion|thousand|[mkb])\b)?", re.IGNORECASE)
_POINTS: Final = re.compile(rf"(?<![\d.,]){_NUMBER}\s?(?:percentage points?|pp\b)", re.IGNORECASE)
_PERCENT: Final = re.compile(rf"(?<![\d.,$]){_NUMBER}\s?(?:%|percent\b)", re.IGNORECASE)
_SCALE: Final = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
}


def extract_quantities(text: str) -> list[Quantity]:
    """Dollar amounts, percentages and percentage-point differences in ``text``, in order."""
    found = [
        *_matches(_MONEY, text, Kind.MONEY),
        *_matches(_POINTS, text, Kind.POINTS),
        *_matches(_PERCENT, text, Kind.PERCENT),
    ]
    return [quantity for _, quantity in sorted(found, key=lambda item: item[0])]


def _matches(pattern: re.Pattern[str], text: str, kind: Kind) -> Iterator[tuple[int, Quantity]]:
    for match in pattern.finditer(text):
        whole, fraction = match.group(1), match.group(2)
        scale = _SCALE[match.group(3).lower()] if kind is Kind.MONEY and match.group(3) else Decimal(1)
        digits = Decimal(f"{whole.replace(',', '')}.{fraction or '0'}")
        quantum = Decimal(1).scaleb(-len(fraction or "")) * scale
        yield match.start(), Quantity(text=match.group(0), kind=kind, value=digits * scale, quantum=quantum)


@dataclass(frozen=True, slots=True)
class FactIndex:
    """The unsigned fact values of each kind, sorted, for range look-ups."""

    money: tuple[Decimal, ...]
    percent: tuple[Decimal, ...]
    points: tuple[Decimal, ...]

    @classmethod
    def of(cls, facts: Iterable[tuple[Kind, Decimal]]) -> FactIndex:
        """The index of ``(kind, value)`` pairs (signs dropped, duplicates merged)."""
        by_kind: dict[Kind, set[Decimal]] = {kind: set() for kind in Kind}
        for kind, value in facts:
            by_kind[kind].add(abs(value))
        return cls(
            money=tuple(sorted(by_kind[Kind.MONEY])),
            percent=tuple(sorted(by_kind[Kind.PERCENT])),
            points=tuple(sorted(by_kind[Kind.POINTS])),
        )

    def supports(self, quantity: Quantity) -> bool:
        """True when a fact lies within half a shown unit of the quantity."""
        values = {Kind.MONEY: self.money, Kind.PERCENT: self.percent, Kind.POINTS: self.points}[quantity.kind]
        half = quantity.quantum / 2
        index = bisect_left(values, quantity.value - half)
        return index < len(values) and values[index] <= quantity.value + half


# --- tickers -----------------------------------------------------------------------------------

NOT_TICKERS: Final = frozenset(
    {
        # Finance and tax vocabulary.
        *("ETF", "ETN", "IRA", "ROTH", "SEP", "REIT", "CAGR", "SWR", "MSCI", "FTSE", "NYSE", "NASDAQ"),
        *("S&P", "APR", "APY", "CD", "FDIC", "SIPC", "IRS", "HSA", "FSA", "401K", "403B", "457B", "K"),
        *("GDP", "CPI", "TIPS", "NAV", "YTD", "ESG", "AUM", "TER", "MER", "ER", "EPS", "PE", "RMD"),
        *("FICA", "SSA", "SS", "FIRE", "DCA", "IPO", "SEC", "FINRA", "FED", "FOMC", "ECB", "QE"),
        *("EM", "DM", "EAFE", "ACWI", "LTCG", "STCG", "AMT", "AGI", "MAGI", "CFP", "CFA", "CEO", "CFO"),
        *("AI", "ATM", "FAQ", "TBD", "NA", "OK", "PDF", "CSV", "API", "IT"),
        # Places and currencies.
        *("US", "USA", "U.S", "UK", "U.K", "EU", "E.U", "USD", "EUR", "GBP", "JPY", "CAD", "CHF", "AUD"),
        # Shouted words that are also real tickers somewhere (ServiceNow is NOW, Allstate ALL).
        *("NOT", "NO", "AND", "OR", "THE", "ALL", "NOW", "ON", "DO", "IS", "BE", "GO", "SO", "AT"),
        *("ARE", "CAN", "KEY", "LOW", "HIGH", "BIG", "NEW", "TOP", "BUY", "SELL", "HOLD", "YOU"),
        *("NOTE", "WARNING", "IMPORTANT", "TIP"),
    }
)
"""Capitalised words that are tickers only when in the catalogue *and* written in a ticker form."""

_TOKEN: Final = re.compile(
    # Letters and digits (1–6, a letter first), maybe a share-class suffix ("BRK.B", "BF-B"); not
    # part of a longer word, of "S&P"/"AT&T", or the tail of "U.S"/"ex-US". "_" counts as markup
    # ("__VTI__"), not as part of a word, hence [^\W_] rather than \w.
    r"(?<![^\W_])(?<!&)(?<![^\W_][.\-])[A-Z][A-Z0-9]{0,5}(?:[.\-][A-Z]{1,2})?(?![^\W_]|&)"
)
_PERIOD: Final = re.compile(r"Q[1-4]|H[12]|FY\d{2,4}")
"""Quarters, halves and fiscal years ("Q3", "FY2025") are not tickers even in brackets."""
_MARKUP: Final = "*_`"
_INTRODUCED: Final = re.compile(
    r"(?:\bticker(?:\s+symbol)?s?\s*:?|\bsymbol\s*:?|\b(?:NYSE\s?Arca|NYSEARCA|NYSE|NASDAQ|AMEX|CBOE|BATS)\s*:)"
    r"\s*\Z",
    re.IGNORECASE,
)


def mentioned_tickers(text: str, *, known: Collection[str]) -> list[str]:
    """The ticker symbols ``text`` cites, in order of first appearance, each once.

    An all-caps token counts when it is in ``known`` (the catalogue, upper-case) or written in
    a ticker form: "(XYZ)", "$XYZ", "ticker XYZ", "NYSE: XYZ"/"NASDAQ: XYZ". Exceptions, each
    to keep ordinary capitals from being taken for tickers:

    * a word in ``NOT_TICKERS`` (ETF, IRA, US, NOTE, …) counts only when known *and* in a
      ticker form ("ServiceNow (NOW)");
    * a single letter counts only in a ticker form ("$F"), since "A" and "I" are words;
    * "401(K)" is not a ticker form (the bracket is glued to the number).

    Markdown emphasis and headings are transparent: "**VTI**", "__VTI__" and "## VTI" cite VTI.

    Share classes are matched whichever separator is used ("BRK.B" is "BRK-B").
    """
    catalogue = {_canonical(symbol) for symbol in known}
    found: dict[str, str] = {}
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        key = _canonical(token)
        if key in found or _PERIOD.fullmatch(token):
            continue
        in_form = _in_ticker_form(text, match.start(), match.end())
        if key in NOT_TICKERS:
            counts = in_form and key in catalogue
        elif len(token) == 1:
            counts = in_form
        else:
            counts = in_form or key in catalogue
        if counts:
            found[key] = token
    return list(found.values())


def _canonical(symbol: str) -> str:
    return symbol.strip().upper().replace("-", ".")


def _in_ticker_form(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(_MARKUP)
    after = text[end : end + 4].lstrip(_MARKUP)
    if before.endswith("$"):
        return True
    if before.endswith("(") and after.startswith(")"):
        return not before[-2:-1].isalnum()  # "401(K)" is a plan, not a ticker
    return _INTRODUCED.search(before) is not None


# --- the check ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroundingReport:
    """What a text cites that the facts do not support: figures and tickers, each listed once."""

    quantities: tuple[Quantity, ...]
    tickers: tuple[str, ...]

    @property
    def grounded(self) -> bool:
        return not self.quantities and not self.tickers

    def describe(self) -> str:
        """One short sentence naming the problems, for a re-ask prompt and the audit log."""
        if self.grounded:
            return "Every figure and ticker matches the computed facts."
        parts = []
        if self.quantities:
            parts.append(f"These figures match no computed fact: {_listed(q.text for q in self.quantities)}.")
        if self.tickers:
            parts.append(f"These tickers are not in the portfolio: {_listed(self.tickers)}.")
        return " ".join(parts)


def _listed(items: Iterable[str]) -> str:
    names = list(items)
    shown = ", ".join(names[:LISTED])
    return shown if len(names) <= LISTED else f"{shown} and {len(names) - LISTED} more"


def check(
    text: str, index: FactIndex, *, allowed_tickers: Collection[str], known_tickers: Collection[str]
) -> GroundingReport:
    """The figures in ``text`` no fact supports and the tickers it cites that are not allowed."""
    quantities: dict[str, Quantity] = {}
    for quantity in extract_quantities(text):
        if quantity.text not in quantities and not index.supports(quantity):
            quantities[quantity.text] = quantity
    allowed = {_canonical(symbol) for symbol in allowed_tickers}
    tickers = [t for t in mentioned_tickers(text, known=known_tickers) if _canonical(t) not in allowed]
    return GroundingReport(quantities=tuple(quantities.values()), tickers=tuple(tickers))
