"""Grounding against one analysis: the facts a writer may quote and the tickers it may name.

``alex.guardrails.grounding`` checks a text against a ``FactIndex`` and a set of allowed
tickers; this module builds both from ``AnalysisFacts``. The model writers' validators apply it
to every text a model returns, and the offline writers are tested against it.

Every fact carries its kind and its meaning (``alex.guardrails.figures.Meaning``): the success
rate is a success rate and its complement a failure rate, the median at retirement a projected
value and the portfolio total a value held today, so that a figure quoted with the wrong words
("runs out in" the success rate) is not grounded. Plain numbers are facts too: the counts of
accounts, holdings, trades and checks, the years and ages of the plan, the simulated futures (or
historical sequences), the share quantities, the years of the projection and the calendar years
it spans or, for the historical methods, draws on.

Facts are also the numbers inside the sentences the analytics themselves wrote (rule
rationales, rebalancing notes, chart descriptions, warnings): those were formatted from
computed values too, some of which (e.g. a fee in dollars a year) are not kept as separate
fields. Such a number is added only when no computed fact already supports it with the
meaning its own sentence gives it. The allowed tickers are the person's own: every position in
every account and every symbol the rebalancing plan trades.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from alex.analysis.facts import GAP_SEARCH_PATHS, MAX_LATER_YEARS, AnalysisFacts, safe_income
from alex.domain.charts.retirement_chart import retirement_fan_chart
from alex.domain.portfolio.rebalancing import TradeAction
from alex.domain.portfolio.rules import Finding, RuleId, Status
from alex.domain.retirement.models import DEFAULT_WITHDRAWAL_RATE, MAX_YEARS, RetirementResult
from alex.domain.retirement.simulation import SAFE_WITHDRAWAL_SUCCESS
from alex.guardrails.grounding import (
    Fact,
    FactIndex,
    GroundingReport,
    Kind,
    Meaning,
    check,
    extract_quantities,
    without_names,
)


def fact_index(facts: AnalysisFacts) -> FactIndex:
    """Every number the writers may quote, by kind and meaning."""
    computed = [*_portfolio_facts(facts), *_count_facts(facts), *_retirement_facts(facts)]
    return FactIndex.of([*computed, *_sentence_facts(facts, FactIndex.of(computed))])


def allowed_tickers(facts: AnalysisFacts) -> frozenset[str]:
    """The symbols a text about this analysis may name: holdings, positions and rebalancing trades."""
    symbols = {holding.symbol for holding in facts.holdings}
    symbols.update(p.symbol for account in facts.portfolio.accounts for p in account.positions)
    symbols.update(trade.symbol for trade in facts.analysis.rebalance.trades)
    return frozenset(symbol.upper() for symbol in symbols)


def names(facts: AnalysisFacts) -> frozenset[str]:
    """Names a text may repeat without quoting a figure or a ticker: accounts, instruments, the person."""
    found = {facts.profile.display_name}
    for account in facts.portfolio.accounts:
        found.add(account.name)
        found.update(position.instrument.name for position in account.positions)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Grounder:
    """One analysis's fact index, ticker sets and names, built once and reused for every text checked."""

    index: FactIndex
    allowed: frozenset[str]
    known: frozenset[str]
    names: frozenset[str] = frozenset()

    @classmethod
    def for_facts(cls, facts: AnalysisFacts, *, known_tickers: Collection[str]) -> Grounder:
        """``known_tickers``: the catalogue's symbols, so that a bare "TSLA" is recognised."""
        return cls(
            index=fact_index(facts),
            allowed=allowed_tickers(facts),
            known=frozenset(symbol.upper() for symbol in known_tickers),
            names=names(facts),
        )

    def check(self, text: str) -> GroundingReport:
        """The figures and tickers in ``text`` that this analysis does not support."""
        return check(
            text, self.index, allowed_tickers=self.allowed, known_tickers=self.known, names=self.names
        )


def _of(kind: Kind, meaning: Meaning, values: Iterable[Decimal | float | int | None]) -> Iterator[Fact]:
    return (
        Fact(kind, v if isinstance(v, Decimal) else Decimal(str(v)), meaning) for v in values if v is not None
    )


def _portfolio_facts(facts: AnalysisFacts) -> Iterator[Fact]:
    analysis = facts.analysis
    valuation, allocations, rebalance = analysis.valuation, analysis.allocations, analysis.rebalance
    money, percent, points = Kind.MONEY, Kind.PERCENT, Kind.POINTS
    yield from _of(money, Meaning.VALUE, (valuation.total, valuation.cash, valuation.invested))
    yield from _incomes(target=[facts.profile.target_retirement_income])
    for account in valuation.accounts:
        yield from _of(money, Meaning.VALUE, (account.total, account.cash, account.invested))
        yield from _of(money, Meaning.VALUE, (p.value for p in account.positions))
        yield from _of(money, Meaning.TRADE, (p.position.instrument.price for p in account.positions))
    yield from _of(money, Meaning.VALUE, (h.value for h in facts.holdings))
    yield from _of(percent, Meaning.SHARE, (h.percent for h in facts.holdings))
    for breakdown in (
        allocations.asset_class,
        allocations.region,
        allocations.sector,
        allocations.account,
        allocations.instrument_type,
    ):
        yield from _of(money, Meaning.VALUE, breakdown.values.values())
        yield from _of(percent, Meaning.SHARE, breakdown.percentages.values())
    # Today's mix, then the mix the suggested trades would leave: "69.8%" is equity after them, not now.
    for report, (value, share) in (
        (analysis.drift, (Meaning.VALUE, Meaning.SHARE)),
        (rebalance.after, (Meaning.REBALANCED,) * 2),
    ):
        for drift in (d for d in (report.asset_class, report.region) if d is not None):
            yield from _of(money, value, (drift.base, *drift.excluded.values()))
            yield from _of(points, Meaning.LIMIT, [drift.tolerance])
            yield from _of(points, Meaning.DRIFT, [drift.largest_drift])
            for row in drift.rows:
                yield from _of(money, value, [row.current_value])
                yield from _of(percent, share, [row.current_percent])
                yield from _of(percent, Meaning.TARGET, [row.target_percent])
                yield from _of(points, Meaning.DRIFT, [row.drift])
    for finding in analysis.rules.findings:
        kind = percent if finding.unit == "%" else points
        yield from _of(kind, _measured(finding), [finding.value])
        yield from _of(kind, Meaning.LIMIT, (finding.threshold, finding.warn_above, finding.fail_above))
    yield from _of(money, Meaning.SOLD, [rebalance.sold])
    yield from _of(money, Meaning.SOLD, (t.amount for t in rebalance.trades if t.action is TradeAction.SELL))
    yield from _of(money, Meaning.BOUGHT, [rebalance.bought])
    yield from _of(money, Meaning.BOUGHT, (t.amount for t in rebalance.trades if t.action is TradeAction.BUY))
    yield from _of(
        money, Meaning.TRADE, (*rebalance.cash_after.values(), *(t.price for t in rebalance.trades))
    )


def _measured(finding: Finding) -> Meaning:
    """What a rule measured: the fee rate, a gap in percentage points, or else a share."""
    if finding.rule_id is RuleId.FEE_RATIO:
        return Meaning.FEE_RATE
    return Meaning.SHARE if finding.unit == "%" else Meaning.DRIFT


def _incomes(
    *, target: Iterable[Decimal | None] = (), safe: Iterable[Decimal] = (), other: Iterable[Decimal] = ()
) -> Iterator[Fact]:
    """Retirement incomes: each is an income, and a target or the safely supported one as well."""
    targets, safes, others = list(target), list(safe), list(other)
    yield from _of(Kind.MONEY, Meaning.INCOME, (*targets, *safes, *others))
    yield from _of(Kind.MONEY, Meaning.TARGET_INCOME, targets)
    yield from _of(Kind.MONEY, Meaning.SAFE_INCOME, safes)


def _count_facts(facts: AnalysisFacts) -> Iterator[Fact]:
    """Plain numbers: what the analysis counted, and the quantities and years it works with."""
    analysis, number = facts.analysis, Kind.NUMBER
    accounts, trades = facts.portfolio.accounts, analysis.rebalance.trades
    yield from _of(number, Meaning.ACCOUNTS, [len(accounts)])
    yield from _of(
        number,
        Meaning.HOLDINGS,
        (facts.position_count, len(facts.holdings), len(analysis.valuation.warnings)),
    )
    yield from _of(number, Meaning.HOLDINGS, (len(account.positions) for account in accounts))
    allocations = analysis.allocations
    breakdowns = (
        allocations.asset_class,
        allocations.region,
        allocations.sector,
        allocations.instrument_type,
    )
    yield from _of(number, Meaning.CATEGORIES, (len(b.values) for b in breakdowns))
    yield from _of(number, Meaning.TRADES, [len(trades)])
    yield from _of(number, Meaning.TRADES, (sum(t.account_id == a.id for t in trades) for a in accounts))
    rules = analysis.rules
    statuses = {status: sum(f.status is status for f in rules.findings) for status in Status}
    yield from _of(number, Meaning.CHECKS_FAILED, [statuses[Status.FAIL]])
    yield from _of(number, Meaning.CHECKS_WARNED, (statuses[Status.WARN], len(facts.warnings)))
    yield from _of(number, Meaning.CHECKS_PASSED, [statuses[Status.OK]])
    yield from _of(
        number, Meaning.CHECKS, (*statuses.values(), statuses[Status.FAIL] + statuses[Status.WARN])
    )
    yield from _of(
        number,
        Meaning.CHECKS,
        (len(rules.skipped), len(rules.findings), len(rules.findings) + len(rules.skipped)),
    )
    yield from _of(number, Meaning.YEARS, [facts.profile.years_until_retirement])
    yield from _of(number, Meaning.UNITS, (p.quantity for account in accounts for p in account.positions))
    yield from _of(number, Meaning.UNITS, (t.quantity for t in trades))
    # Ranks: "your 10 largest holdings", "the 3 biggest sectors".
    yield from _of(
        number, Meaning.RANK, range(1, max(len(facts.holdings), *(len(b.values) for b in breakdowns)) + 1)
    )


def _retirement_facts(facts: AnalysisFacts) -> Iterator[Fact]:
    params, result, gap = facts.retirement_params, facts.retirement, facts.income_gap
    money, percent, number = Kind.MONEY, Kind.PERCENT, Kind.NUMBER
    start = facts.generated_at.year
    if params is not None:
        yield from _of(money, Meaning.VALUE, [params.current_value])
        yield from _of(money, Meaning.SAVINGS, [params.annual_contribution])
        yield from _of(percent, Meaning.SAVINGS_GROWTH, [params.contribution_growth])
        yield from _incomes(target=[params.target_income], other=[params.other_income])
        yield from _of(percent, Meaning.SHARE, params.allocation.values())
        # The glide path's mix at retirement: a share, and the target the allocation moves to.
        glide = (params.retirement_allocation or {}).values()
        yield from _of(percent, Meaning.SHARE, glide)
        yield from _of(percent, Meaning.TARGET, glide)
        yield from _of(number, Meaning.YEARS, [params.other_income_delay_years])
        yield from _of(percent, Meaning.INFLATION, [params.inflation])
        yield from _of(percent, Meaning.WITHDRAWAL_RATE, [params.withdrawal_rate])
        if params.withdrawal_rate is None and params.target_income is None:
            yield from _of(
                percent, Meaning.WITHDRAWAL_RATE, [DEFAULT_WITHDRAWAL_RATE]
            )  # what the simulation withdraws
        later = min(MAX_LATER_YEARS, MAX_YEARS - params.years_until_retirement)  # how much later was tried
        yield from _of(number, Meaning.YEARS, (params.years_until_retirement, params.retirement_years, later))
        yield from _of(number, Meaning.YEARS, [params.total_years])
        # Calendar years: from the analysis's own year to the end of the projection ("by 2045").
        yield from _of(number, Meaning.CALENDAR_YEAR, range(start, start + params.total_years + 1))
    else:
        yield from _of(number, Meaning.CALENDAR_YEAR, [start])
    yield from _plan_facts(facts)
    if result is not None:
        yield from _of(
            money, Meaning.PROJECTED, (v for values in result.percentiles.values() for v in values)
        )
        yield from _of(
            money,
            Meaning.PROJECTED,
            (result.median_ending_value, result.p10_ending_value, result.median_value_at_retirement),
        )
        yield from _incomes(safe=[safe_income(result)])
        yield from _of(percent, Meaning.SUCCESS_RATE, [result.success_rate])
        # The failure rate is the success rate's complement: "runs out in 93.7% of futures".
        yield from _of(percent, Meaning.FAILURE_RATE, [100 - result.success_rate])
        yield from _of(percent, Meaning.WITHDRAWAL_RATE, [result.safe_withdrawal_rate])
        # The confidence the safe withdrawal rate is defined with ("lasted in at least 90% of futures"):
        # a target for the success rate, not the plan's success rate.
        yield from _of(percent, Meaning.TARGET, [SAFE_WITHDRAWAL_SUCCESS * 100])
        yield from _of(percent, Meaning.LASTING, result.years_lasted)
        used = result.assumptions
        yield from _of(percent, Meaning.RETURN, used.returns.values())
        yield from _of(percent, Meaning.VOLATILITY, used.volatilities.values())
        yield from _of(percent, Meaning.INFLATION, [used.inflation])
        yield from _of(
            number, Meaning.CORRELATION, (c for row in used.correlations.values() for c in row.values())
        )
        yield from _of(number, Meaning.FUTURES, (result.paths, GAP_SEARCH_PATHS))
        yield from _of(number, Meaning.PROJECTION_YEAR, result.years)
        yield from _of(number, Meaning.SEED, [result.seed])
        yield from _history_facts(result)
    if gap is not None:
        yield from _incomes(
            target=[gap.target_income, gap.portfolio_target],
            safe=[gap.safe_income],
            other=[gap.shortfall, gap.surplus, gap.other_income],
        )
        if gap.other_income > 0:
            # Other income and the portfolio's safe income together: what the plan supports in all.
            yield from _incomes(safe=[gap.other_income + gap.safe_income])
        yield from _of(money, Meaning.SAVINGS, [gap.extra_contribution])
        yield from _of(number, Meaning.YEARS, [gap.later_retirement_years])


def _plan_facts(facts: AnalysisFacts) -> Iterator[Fact]:
    """The plan's ages (today, at retirement, when other income starts) and its glide path's equity."""
    profile = facts.profile
    if facts.retirement_params is None:
        return
    plan = profile.plan
    ages = [profile.current_age, plan.retirement_age, profile.other_income_start_age]
    if plan.retirement_age is not None and profile.other_income_start_age is not None:
        ages.append(max(plan.retirement_age, profile.other_income_start_age))  # when it is paid from
    yield from _of(Kind.NUMBER, Meaning.AGE, ages)
    yield from _of(Kind.PERCENT, Meaning.SHARE, [profile.glide_path_equity])
    yield from _of(Kind.PERCENT, Meaning.TARGET, [profile.glide_path_equity])


def _history_facts(result: RetirementResult) -> Iterator[Fact]:
    """What the historical methods drew on: the calendar years of history and of the start years,
    how many years that is, the block length, the number of sequences and the worst start."""
    used, number = result.assumptions, Kind.NUMBER
    yield from _of(Kind.PERCENT, Meaning.WITHDRAWAL_RATE, [result.worst_case_withdrawal_rate])
    yield from _of(number, Meaning.CALENDAR_YEAR, [result.worst_start_year])
    yield from _of(number, Meaning.FUTURES, [used.paths])
    yield from _of(number, Meaning.YEARS, [used.block_years])
    for span in (used.history_years, used.start_years):
        if span is not None:
            first, last = span
            yield from _of(number, Meaning.CALENDAR_YEAR, span)
            yield from _of(number, Meaning.YEARS, [last - first + 1])


def _sentence_facts(facts: AnalysisFacts, computed: FactIndex) -> Iterator[Fact]:
    """Numbers in the analytics' own sentences that no computed fact supports as they are worded."""
    analysis = facts.analysis
    sentences = [f.rationale for f in analysis.rules.findings]
    sentences += [*analysis.rebalance.notes, *facts.warnings]
    sentences += [str(chart["description"]) for chart in analysis.charts.values()]
    if facts.retirement is not None:
        sentences += [str(c["description"]) for c in retirement_fan_chart(facts.retirement).values()]
        used = facts.retirement.assumptions
        sentences += [used.description, used.data, *used.proxies.values()]
    ignored = names(facts)
    for sentence in sentences:
        for quantity in extract_quantities(without_names(sentence, ignored)):
            if computed.supports(quantity):
                continue
            meanings: Iterable[Meaning | None] = quantity.meanings or [None]
            yield from (Fact(quantity.kind, quantity.value, meaning) for meaning in meanings)
