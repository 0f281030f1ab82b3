"""Grounding check: every dollar amount and percentage in a text must be one of the computed facts.

A quantity is *grounded* when some fact, rounded to the precision the text shows, equals it:
"$253,568" matches the fact 253,567.90, "83.1%" matches 83.06, "$1.2 million" matches
1,234,567 (precision: a hundred thousand). Rounding either way is accepted (a fact within half
a unit of the shown last digit), signs are ignored (texts say "below"/"above" instead), and
percentage points are checked against differences of percentages (drift, glide-path gaps).
The offline writers are tested against this check; the guardrails apply it to model output.

Facts are the numbers held in ``AnalysisFacts`` plus the numbers inside the sentences the
analytics themselves wrote (rule rationales, rebalancing notes, chart descriptions, warnings):
those were formatted from computed values too, some of which (e.g. a fee in dollars a year)
are not kept as separate fields.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from alex.agents.facts import AnalysisFacts, safe_income
from alex.domain.charts.retirement_chart import retirement_fan_chart
from alex.domain.retirement.models import DEFAULT_WITHDRAWAL_RATE
from alex.domain.retirement.simulation import SAFE_WITHDRAWAL_SUCCESS


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

    def supports(self, quantity: Quantity) -> bool:
        """True when a fact lies within half a shown unit of the quantity."""
        values = {Kind.MONEY: self.money, Kind.PERCENT: self.percent, Kind.POINTS: self.points}[quantity.kind]
        half = quantity.quantum / 2
        index = bisect_left(values, quantity.value - half)
        return index < len(values) and values[index] <= quantity.value + half


def ungrounded(text: str, facts: AnalysisFacts | FactIndex) -> list[Quantity]:
    """The quantities in ``text`` that match no fact (empty when the text is grounded)."""
    index = facts if isinstance(facts, FactIndex) else fact_index(facts)
    return [q for q in extract_quantities(text) if not index.supports(q)]


def fact_index(facts: AnalysisFacts) -> FactIndex:
    """Every number the writers may quote, by kind."""
    by_kind: dict[Kind, set[Decimal]] = {kind: set() for kind in Kind}
    for kind, value in (*_portfolio_facts(facts), *_retirement_facts(facts), *_sentence_facts(facts)):
        by_kind[kind].add(abs(value))
    return FactIndex(
        money=tuple(sorted(by_kind[Kind.MONEY])),
        percent=tuple(sorted(by_kind[Kind.PERCENT])),
        points=tuple(sorted(by_kind[Kind.POINTS])),
    )


_Fact = tuple[Kind, Decimal]


def _of(kind: Kind, values: Iterable[Decimal | float | None]) -> Iterator[_Fact]:
    return ((kind, v if isinstance(v, Decimal) else Decimal(str(v))) for v in values if v is not None)


def _portfolio_facts(facts: AnalysisFacts) -> Iterator[_Fact]:
    analysis = facts.analysis
    valuation, allocations, rebalance = analysis.valuation, analysis.allocations, analysis.rebalance
    yield from _of(Kind.MONEY, (valuation.total, valuation.cash, valuation.invested))
    yield from _of(Kind.MONEY, [facts.profile.target_retirement_income])
    for account in valuation.accounts:
        yield from _of(Kind.MONEY, (account.total, account.cash, account.invested))
        yield from _of(Kind.MONEY, (p.value for p in account.positions))
    yield from _of(Kind.MONEY, (h.value for h in facts.holdings))
    yield from _of(Kind.PERCENT, (h.percent for h in facts.holdings))
    for breakdown in (
        allocations.asset_class,
        allocations.region,
        allocations.sector,
        allocations.account,
        allocations.instrument_type,
    ):
        yield from _of(Kind.MONEY, breakdown.values.values())
        yield from _of(Kind.PERCENT, breakdown.percentages.values())
    for report in (analysis.drift, rebalance.after):
        for drift in (d for d in (report.asset_class, report.region) if d is not None):
            yield from _of(Kind.MONEY, (drift.base, *drift.excluded.values()))
            yield from _of(Kind.POINTS, (drift.tolerance, drift.largest_drift))
            for row in drift.rows:
                yield from _of(Kind.MONEY, [row.current_value])
                yield from _of(Kind.PERCENT, (row.current_percent, row.target_percent))
                yield from _of(Kind.POINTS, [row.drift])
    for finding in analysis.rules.findings:
        kind = Kind.PERCENT if finding.unit == "%" else Kind.POINTS
        yield from _of(kind, (finding.value, finding.threshold, finding.warn_above, finding.fail_above))
    yield from _of(Kind.MONEY, (rebalance.bought, rebalance.sold, *rebalance.cash_after.values()))
    yield from _of(Kind.MONEY, (number for t in rebalance.trades for number in (t.amount, t.price)))


def _retirement_facts(facts: AnalysisFacts) -> Iterator[_Fact]:
    params, result, gap = facts.retirement_params, facts.retirement, facts.income_gap
    if params is not None:
        yield from _of(Kind.MONEY, (params.current_value, params.annual_contribution, params.target_income))
        yield from _of(Kind.PERCENT, (*params.allocation.values(), params.inflation, params.withdrawal_rate))
        if params.withdrawal_rate is None and params.target_income is None:
            yield from _of(Kind.PERCENT, [DEFAULT_WITHDRAWAL_RATE])  # what the simulation then withdraws
    if result is not None:
        yield from _of(Kind.MONEY, (v for values in result.percentiles.values() for v in values))
        yield from _of(
            Kind.MONEY,
            (result.median_ending_value, result.p10_ending_value, result.median_value_at_retirement),
        )
        yield from _of(Kind.MONEY, [safe_income(result)])
        # The failure rate is the success rate's complement: "runs out in 93% of futures".
        yield from _of(Kind.PERCENT, (result.success_rate, 100 - result.success_rate))
        yield from _of(Kind.PERCENT, (result.safe_withdrawal_rate, SAFE_WITHDRAWAL_SUCCESS * 100))
        yield from _of(Kind.PERCENT, result.years_lasted)
        used = result.assumptions
        yield from _of(Kind.PERCENT, (*used.returns.values(), *used.volatilities.values(), used.inflation))
    if gap is not None:
        yield from _of(Kind.MONEY, (gap.safe_income, gap.target_income, gap.shortfall, gap.surplus))
        yield from _of(Kind.MONEY, [gap.extra_contribution])


def _sentence_facts(facts: AnalysisFacts) -> Iterator[_Fact]:
    analysis = facts.analysis
    sentences = [f.rationale for f in analysis.rules.findings]
    sentences += [*analysis.rebalance.notes, *facts.warnings]
    sentences += [str(chart["description"]) for chart in analysis.charts.values()]
    if facts.retirement is not None:
        sentences += [str(c["description"]) for c in retirement_fan_chart(facts.retirement).values()]
    for sentence in sentences:
        yield from ((q.kind, q.value) for q in extract_quantities(sentence))
