"""Grounding: every figure and ticker a writer prints must come from the computed facts.

A language model asked to *explain* numbers will sooner or later invent one ("about 12 %",
"consider TSLA"), or quote a real one as something it is not ("runs out in 6.3 %" when 6.3 % is
the success rate). Rather than trusting it, the text is checked after the fact:

* **Figures.** Every number is read (``alex.guardrails.figures``): dollar amounts, percentages,
  percentage points and plain numbers ("3 accounts", "in 20 years", "by 2045"), each with the
  meanings the words of its clause name. A figure is *grounded* when a fact of its kind, and of
  one of those meanings when it has any, equals it rounded to the precision the text shows:
  "$253,568" matches the fact 253,567.90, "83.1%" matches 83.06, "$1.2 million" matches
  1,234,567 (precision: a hundred thousand). Rounding either way is accepted (a fact within half
  a unit of the shown last digit) and signs are ignored (texts say "below"/"above" instead).
* **Tickers.** Every ticker-like token (two to five capitals, maybe with digits or a class
  suffix) must be one the caller allows (for a portfolio report: the person's own holdings and
  trades): a catalogued symbol the person does not hold is reported, and so is an unknown one
  ("QQQM"). Ordinary capitals (ETF, IRA, US, NOTE) are a vocabulary, ``NOT_TICKERS``, and
  shouted phrases are not read as symbols; see ``mentioned_tickers``.

This module knows nothing about the analysis: ``alex.analysis.fact_index`` builds the
``FactIndex``, the allowed tickers and the names to ignore from ``AnalysisFacts``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, NamedTuple

from alex.guardrails.figures import NAMED_ONLY, Kind, Meaning, Quantity, extract_quantities, without_names

__all__ = [
    "LISTED",
    "NOT_TICKERS",
    "Fact",
    "FactIndex",
    "GroundingReport",
    "Kind",
    "Meaning",
    "Quantity",
    "check",
    "extract_quantities",
    "mentioned_tickers",
    "without_names",
]

LISTED: Final = 10
"""Items of each kind ``GroundingReport.describe`` names before saying "and N more"."""


class Fact(NamedTuple):
    """One computed number: its kind, its value and what it is.

    ``meaning`` ``None`` is a number whose meaning is not known (one read from a sentence whose
    words name nothing): nothing can contradict it, so it supports a figure whatever its words.
    """

    kind: Kind
    value: Decimal
    meaning: Meaning | None = None


@dataclass(frozen=True, slots=True)
class FactIndex:
    """The unsigned fact values by kind and meaning, each sorted, for range look-ups."""

    values: Mapping[Kind, Mapping[Meaning | None, tuple[Decimal, ...]]]

    @classmethod
    def of(cls, facts: Iterable[Fact | tuple[Kind, Decimal]]) -> FactIndex:
        """The index of the facts (signs dropped, duplicates merged); a pair has no known meaning."""
        grouped: dict[Kind, dict[Meaning | None, set[Decimal]]] = {}
        for item in facts:
            fact = item if isinstance(item, Fact) else Fact(*item)
            grouped.setdefault(fact.kind, {}).setdefault(fact.meaning, set()).add(abs(fact.value))
        return cls(
            values={
                kind: {meaning: tuple(sorted(values)) for meaning, values in by_meaning.items()}
                for kind, by_meaning in grouped.items()
            }
        )

    def of_kind(self, kind: Kind) -> tuple[Decimal, ...]:
        """Every value of one kind, whatever its meaning, sorted."""
        return tuple(sorted({v for values in self.values.get(kind, {}).values() for v in values}))

    @property
    def money(self) -> tuple[Decimal, ...]:
        return self.of_kind(Kind.MONEY)

    @property
    def percent(self) -> tuple[Decimal, ...]:
        return self.of_kind(Kind.PERCENT)

    @property
    def points(self) -> tuple[Decimal, ...]:
        return self.of_kind(Kind.POINTS)

    @property
    def numbers(self) -> tuple[Decimal, ...]:
        return self.of_kind(Kind.NUMBER)

    def supports(self, quantity: Quantity) -> bool:
        """True when a fact of the quantity's kind lies within half a shown unit of it.

        A quantity whose words name meanings needs a fact of one of them (or of no known
        meaning); one whose words name nothing may match any fact of its kind, except the
        ``NAMED_ONLY`` ones (years of the projection, ranks, share quantities, …).
        """
        by_meaning = self.values.get(quantity.kind, {})
        if quantity.meanings:
            pools = [by_meaning[m] for m in (*quantity.meanings, None) if m in by_meaning]
        else:
            pools = [values for meaning, values in by_meaning.items() if meaning not in NAMED_ONLY]
        return any(_near(values, quantity) for values in pools)


def _near(values: tuple[Decimal, ...], quantity: Quantity) -> bool:
    half = quantity.quantum / 2
    index = bisect_left(values, quantity.value - half)
    return index < len(values) and values[index] <= quantity.value + half


# --- tickers -----------------------------------------------------------------------------------

NOT_TICKERS: Final = frozenset(
    {
        # Finance and tax vocabulary: a writer uses these as words, and some are also real
        # symbols somewhere, which is why they count only in a ticker form *and* catalogued.
        *("ETF", "ETN", "ETP", "IRA", "ROTH", "SEP", "REIT", "MLP", "BDC", "ADR", "CAGR", "SWR", "MSCI"),
        *("FTSE", "NYSE", "NASDAQ", "AMEX", "CBOE", "OTC", "S&P", "SPDR", "CRSP", "DJIA", "DOW", "SPX"),
        *("NDX", "RUT", "VIX", "APR", "APY", "CD", "CDS", "FDIC", "SIPC", "IRS", "HSA", "FSA", "TSP"),
        *("ESPP", "RSU", "ISA", "SIPP", "TFSA", "RRSP", "RESP", "RRIF", "LIRA", "ABLE", "UTMA", "UGMA"),
        *("HYSA", "MMF", "401K", "403B", "457B", "K", "GDP", "CPI", "PCE", "PPI", "TIPS", "MBS", "ABS"),
        *("NAV", "YTD", "QTD", "MTD", "YOY", "YTM", "ESG", "SRI", "AUM", "TER", "MER", "OER", "ER"),
        *("EPS", "PE", "PEG", "PB", "CAPE", "ROI", "ROE", "ROA", "IRR", "NPV", "DCF", "FCF", "EBIT"),
        *("RMD", "RMDS", "QCD", "SPIA", "COLA", "LTC", "LTCI", "FICA", "SSA", "SSI", "SSDI", "SS"),
        *("FIRE", "DCA", "DRIP", "IPO", "SPAC", "SEC", "FINRA", "FED", "FOMC", "ECB", "BOE", "BOJ"),
        *("QE", "QT", "FX", "EM", "DM", "EAFE", "ACWI", "IG", "HY", "LTCG", "STCG", "NIIT", "AMT"),
        *("AGI", "MAGI", "ACA", "HDHP", "CFP", "CFA", "CPA", "RIA", "CEO", "CFO", "CTO", "EV", "ATH"),
        *("AI", "ATM", "FAQ", "TBD", "TBA", "NA", "N/A", "OK", "PDF", "CSV", "API", "IT", "ID", "PIN"),
        *("URL", "LLM", "GPT", "FYI", "ASAP", "DIY", "TL", "DR", "TLDR", "PS", "NB", "AM", "PM", "UTC"),
        *("EST", "GMT", "LLC", "INC", "CORP", "LTD", "PLC", "AG", "SA", "NV", "CO", "COVID", "PIMCO"),
        *("II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "USPS", "USSR"),
        # Places and currencies.
        *("US", "USA", "U.S", "UK", "U.K", "EU", "E.U", "UAE", "UN", "APAC", "EMEA", "LATAM", "NYC"),
        *("USD", "EUR", "GBP", "JPY", "CAD", "CHF", "AUD", "CNY", "HKD", "INR"),
        # Shouted words that are also real tickers somewhere (ServiceNow is NOW, Allstate ALL).
        *("NOT", "NO", "AND", "OR", "THE", "ALL", "NOW", "ON", "DO", "IS", "BE", "GO", "SO", "AT", "TO"),
        *("ARE", "CAN", "KEY", "LOW", "HIGH", "BIG", "NEW", "TOP", "BUY", "SELL", "HOLD", "YOU", "ACT"),
        *("NOTE", "WARNING", "IMPORTANT", "TIP", "MUST", "NEVER", "ONLY", "VERY", "MORE", "LESS", "MOST"),
        *("YES", "OFF", "OUT", "UP", "DOWN", "OVER", "SAFE", "RISK", "RISKS", "GAP", "PLAN", "GOAL"),
        *("WHY", "HOW", "WHAT", "WHEN", "OF", "IN", "IF", "BY", "FOR", "WITH", "YOUR", "ANY", "ONE"),
        *("CASH", "BOND", "BONDS", "STOCK", "FUND", "FUNDS", "GOLD", "FEE", "FEES", "TAX", "DEBT", "RATE"),
        *("STEP", "NEXT", "DONE", "FREE", "GOOD", "BAD", "BEST", "KEEP", "SAVE", "STOP", "WAIT", "HELP"),
    }
)
"""Capitalised words that are tickers only when in the catalogue *and* written in a ticker form."""

_TOKEN: Final = re.compile(
    # Letters and digits (1–6, a letter first), maybe a share-class suffix ("BRK.B", "BF-B"); not
    # part of a longer word, of "S&P"/"AT&T", or the tail of "U.S"/"ex-US". "_" counts as markup
    # ("__VTI__"), not as part of a word, hence [^\W_] rather than \w.
    r"(?<![^\W_])(?<!&)(?<![^\W_][.\-])[A-Z][A-Z0-9]{0,5}(?:[.\-][A-Z]{1,2})?(?![^\W_]|&)"
)
_TICKER_LIKE: Final = re.compile(r"[A-Z][A-Z0-9]{1,4}(?:[.\-][A-Z]{1,2})?")
"""What a bare symbol looks like: two to five capitals or digits, maybe a share class."""
_PERIOD: Final = re.compile(r"Q[1-4]|H[12]|FY\d{2,4}")
"""Quarters, halves and fiscal years ("Q3", "FY2025") are not tickers even in brackets."""
_MARKUP: Final = "*_`"
_INTRODUCED: Final = re.compile(
    r"(?:\bticker(?:\s+symbol)?s?\s*:?|\bsymbol\s*:?|\b(?:NYSE\s?Arca|NYSEARCA|NYSE|NASDAQ|AMEX|CBOE|BATS)\s*:)"
    r"\s*\Z",
    re.IGNORECASE,
)
_CAPS_WORD: Final = r"[A-Z][A-Z0-9'&.\-]*"
_SHOUTED: Final = re.compile(
    rf"(?<![^\W_])(?:{_CAPS_WORD}[ \t*_`]+){{2,}}{_CAPS_WORD}(?![^\W_])"  # three or more capitalised words
    rf"|^[ \t]*#{{1,6}}[ \t]+[^a-z\n]*$",  # a heading in capitals
    re.MULTILINE,
)
"""Shouting ("WHAT TO DO NOW", "## KEY RISKS"): its words are read as symbols only when catalogued."""


def mentioned_tickers(text: str, *, known: Collection[str]) -> list[str]:
    """The ticker symbols ``text`` cites, in order of first appearance, each once.

    A token counts when it is in ``known`` (the catalogue, upper-case), written in a ticker form
    ("(XYZ)", "$XYZ", "ticker XYZ", "NYSE: XYZ"/"NASDAQ: XYZ"), or looks like a symbol (two to
    five capitals or digits, maybe a class suffix: "QQQM", "BRK.B"). Exceptions, each to keep
    ordinary capitals from being taken for tickers:

    * a word in ``NOT_TICKERS`` (ETF, IRA, US, NOTE, …) counts only when known *and* in a
      ticker form ("ServiceNow (NOW)");
    * a single letter counts only in a ticker form ("$F"), since "A" and "I" are words;
    * an unknown word in shouting (three capitalised words in a row, or a heading in capitals)
      counts only in a ticker form: "WHAT TO DO" cites nothing, "WHAT TO DO WITH TSLA" cites TSLA;
    * "401(K)" is not a ticker form (the bracket is glued to the number).

    Markdown emphasis and headings are transparent: "**VTI**", "__VTI__" and "## VTI" cite VTI.

    Share classes are matched whichever separator is used ("BRK.B" is "BRK-B").
    """
    catalogue = {_canonical(symbol) for symbol in known}
    shouted = [m.span() for m in _SHOUTED.finditer(text)]
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
        elif in_form or key in catalogue:
            counts = True
        else:
            loud = any(start <= match.start() < end for start, end in shouted)
            counts = not loud and _TICKER_LIKE.fullmatch(token) is not None
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
            figures = _listed(q.describe() for q in self.quantities)
            parts.append(f"These figures match no computed fact: {figures}.")
        if self.tickers:
            parts.append(f"These tickers are not in the portfolio: {_listed(self.tickers)}.")
        return " ".join(parts)


def _listed(items: Iterable[str]) -> str:
    names = list(items)
    shown = ", ".join(names[:LISTED])
    return shown if len(names) <= LISTED else f"{shown} and {len(names) - LISTED} more"


def check(
    text: str,
    index: FactIndex,
    *,
    allowed_tickers: Collection[str],
    known_tickers: Collection[str],
    names: Collection[str] = (),
) -> GroundingReport:
    """The figures in ``text`` no fact supports and the tickers it cites that are not allowed.

    ``names`` (accounts, instruments) are blanked out first: they are labels, not claims.
    """
    text = without_names(text, names)
    quantities: dict[str, Quantity] = {}
    for quantity in extract_quantities(text):
        if quantity.text not in quantities and not index.supports(quantity):
            quantities[quantity.text] = quantity
    allowed = {_canonical(symbol) for symbol in allowed_tickers}
    tickers = [t for t in mentioned_tickers(text, known=known_tickers) if _canonical(t) not in allowed]
    return GroundingReport(quantities=tuple(quantities.values()), tickers=tuple(tickers))
