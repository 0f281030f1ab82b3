"""Grounding against one analysis: the facts a writer may quote and the tickers it may name.

``alex.guardrails.grounding`` checks a text against a ``FactIndex`` and a set of allowed
tickers; this module builds both from ``AnalysisFacts``. The model writers' validators apply it
to every text a model returns, and the offline writers are tested against it.

Facts are the numbers held in ``AnalysisFacts`` plus the numbers inside the sentences the
analytics themselves wrote (rule rationales, rebalancing notes, chart descriptions, warnings):
those were formatted from computed values too, some of which (e.g. a fee in dollars a year)
are not kept as separate fields. Percentage points are checked against differences of
percentages (drift, glide-path gaps). The allowed tickers are the person's own: every
position in every account and every symbol the rebalancing plan trades.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from alex.analysis.facts import AnalysisFacts, safe_income
from alex.domain.charts.retirement_chart import retirement_fan_chart
from alex.domain.retirement.models import DEFAULT_WITHDRAWAL_RATE
from alex.domain.retirement.simulation import SAFE_WITHDRAWAL_SUCCESS
from alex.guardrails.grounding import FactIndex, GroundingReport, Kind, check, extract_quantities


def fact_index(facts: AnalysisFacts) -> FactIndex:
    """Every number the writers may quote, by kind."""
    return FactIndex.of((*_portfolio_facts(facts), *_retirement_facts(facts), *_sentence_facts(facts)))


def allowed_tickers(facts: AnalysisFacts) -> frozenset[str]:
    """The symbols a text about this analysis may name: holdings, positions and rebalancing trades."""
    symbols = {holding.symbol for holding in facts.holdings}
    symbols.update(p.symbol for account in facts.portfolio.accounts for p in account.positions)
    symbols.update(trade.symbol for trade in facts.analysis.rebalance.trades)
    return frozenset(symbol.upper() for symbol in symbols)


@dataclass(frozen=True, slots=True)
class Grounder:
    """One analysis's fact index and ticker sets, built once and reused for every text checked."""

    index: FactIndex
    allowed: frozenset[str]
    known: frozenset[str]

    @classmethod
    def for_facts(cls, facts: AnalysisFacts, *, known_tickers: Collection[str]) -> Grounder:
        """``known_tickers``: the catalogue's symbols, so that a bare "TSLA" is recognised."""
        return cls(
            index=fact_index(facts),
            allowed=allowed_tickers(facts),
            known=frozenset(symbol.upper() for symbol in known_tickers),
        )

    def check(self, text: str) -> GroundingReport:
        """The figures and tickers in ``text`` that this analysis does not support."""
        return check(text, self.index, allowed_tickers=self.allowed, known_tickers=self.known)


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
