"""Which holdings are not fully classified, and the words every part of the analysis names them in.

One definition, ``Instrument.needs_classification``: a holding needs classification when its
instrument has no map (no positive weight) in at least one of the dimensions the analysis uses
(asset class, region, sector), or while the catalogue still flags it as awaiting the tagger.
Missing every map is "not classified"; missing some is "partly classified"; both count alike.

What reads it:

- the analysis warnings (``alex.analysis.facts``): one sentence per such holding, priced or not;
- the ``unclassified_holdings`` rule: the whole value of every *priced* such holding, as a share
  of the portfolio (a partly classified holding counts in full: the checks cannot see all of it),
  and its rationale names every such holding, the unpriced ones too;
- the rebalancing planner: it trades only holdings that need no classification, and its note
  names the priced ones it left alone.

Each of them names a holding with ``ClassificationGap.phrase`` ("ARKK (region and sector
unknown)"), so they cannot disagree about which holdings are meant or what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from alex.domain.portfolio.models import Instrument, Position

DIMENSION_WORDS: Final = {"asset_class": "asset class", "region": "region", "sector": "sector"}


@dataclass(frozen=True, slots=True)
class ClassificationGap:
    """One instrument that needs classification, and the dimensions it has no map in.

    ``missing`` is empty for an instrument the catalogue still flags as awaiting the tagger
    although every map is present (a placeholder).
    """

    symbol: str
    missing: tuple[str, ...]

    @property
    def unknown(self) -> str:
        """What is missing: "region and sector unknown" (or "awaiting classification")."""
        if not self.missing:
            return "awaiting classification"
        return f"{joined([DIMENSION_WORDS[d] for d in self.missing])} unknown"

    @property
    def phrase(self) -> str:
        """How every sentence names it: "ARKK (region and sector unknown)"."""
        return f"{self.symbol} ({self.unknown})"


def classification_gap(instrument: Instrument) -> ClassificationGap | None:
    """The instrument's gap, or ``None`` when it is fully classified."""
    if not instrument.needs_classification:
        return None
    return ClassificationGap(symbol=instrument.symbol, missing=instrument.unclassified_dimensions)


def classification_gaps(positions: Iterable[Position]) -> tuple[ClassificationGap, ...]:
    """One gap per symbol among ``positions`` that needs classification, by symbol."""
    gaps: dict[str, ClassificationGap] = {}
    for position in positions:
        gap = classification_gap(position.instrument)
        if gap is not None:
            gaps.setdefault(position.symbol, gap)
    return tuple(gaps[symbol] for symbol in sorted(gaps))


def joined(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def named(gaps: Sequence[ClassificationGap]) -> str:
    """The gaps' phrases in one list: "ARKK (region unknown) and MYST (sector unknown)"."""
    return joined([gap.phrase for gap in gaps])
