"""A labelled corpus for the grounding check: sentences a writer could print about the demo analysis.

``GROUNDED`` holds sentences every figure and ticker of which the demo analysis supports, as a
model would write them: plain statements, tables, numbered lists, dates, plan and index names
("401(k)", "S&P 500"), counts and years. ``UNGROUNDED`` holds (sentence, problem) pairs, each
with one thing the facts do not support: an invented figure, a real figure quoted as something
it is not (the success rate as a failure rate, the median at retirement as today's value), a
wrong count, a year or an age nobody computed, a catalogued symbol the person does not hold, an
unknown one. It includes the issue's four sentences, with the demo's own numbers.

Sentences are templates over the demo facts (``tests.support.portfolios.demo_facts``): ``{total}``
is the portfolio's value formatted as the writers format it, so the corpus follows the catalogue
and the simulation if they change. ``rates()`` scores the check on it with "ungrounded" as the
positive class: precision is the share of rejected sentences that are ungrounded, recall the
share of ungrounded sentences rejected.

The corpus was written in one go before it was first scored, and scored as it stood: see the
test module for the figures then and now. A few sentences are hard on purpose and name what the
check cannot see (which of two incomes, which holding a value belongs to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Protocol

from alex.analysis.facts import MAX_LATER_YEARS, AnalysisFacts
from alex.domain.formatting import format_money, format_percent
from alex.domain.portfolio.rules import RuleId, Status
from alex.domain.retirement.models import MAX_YEARS
from alex.guardrails.grounding import GroundingReport

GROUNDED: Final[tuple[str, ...]] = (
    # The portfolio today.
    "Your portfolio is worth {total} across {accounts} accounts and {positions} positions.",
    "You hold {invested} in investments and {cash} in cash.",
    "Cash makes up {cash_share} of the portfolio.",
    "Cash makes up {cash} of the portfolio.",
    "Stocks make up {equity} of the portfolio and bonds just {bonds}.",
    "Your largest holding is SPY at {spy_value}, or {spy_share} of the portfolio.",
    "{first_account} holds {first_account_value}, which is {first_account_share} of everything you own.",
    "You have {positions} positions spread over {accounts} accounts.",
    "All {holdings} of your holdings have a price, so nothing is left out of the totals.",
    "Your Roth IRA holds {roth_positions} positions.",
    "Your 401(k) account, {first_account}, holds {first_account_positions} positions.",
    "Your S&P 500 fund, SPY, is your biggest position.",
    "The Russell 2000 fund IWM is worth {iwm_value}.",
    "VTI is held in two accounts, worth {vti_value} in total.",
    "Real estate through VNQ is {real_estate} of the portfolio.",
    "Gold through GLD is {gold} of your money.",
    "North America accounts for {north_america} of your portfolio.",
    "Your biggest single stock is NVDA at {nvda_share} of the portfolio.",
    "Microsoft (MSFT) and Apple (AAPL) are {msft_share} and {aapl_share} of the portfolio.",
    "Your 3 largest holdings are SPY, VTI and QQQ.",
    "Your ETF holdings make up {etf_share} of the portfolio and individual stocks {stock_share}.",
    "Consider moving some of SPY into VXUS, which you already hold.",
    "As of March 2025, your portfolio is worth {total}.",
    "Prepared on {date} for Dana Demo.",
    # Targets, drift and checks.
    "Your equity share of {equity} is {equity_drift} above your {equity_target} target.",
    "Bonds sit at {bonds} against a {bond_target} target, {bond_drift} under.",
    "Equity is currently {equity} against a target of {equity_target}.",
    "The largest gap from your targets is {largest_drift}, well outside your band of ±{band}.",
    "Technology is {tech} of the portfolio, above the {sector_warn} warning level.",
    "{home_bias} of your stocks are in North America, above the {home_limit} limit.",
    "Bringing Technology under {sector_warn} of the portfolio would spread the risk.",
    "Your funds cost about {fee} a year on average, roughly {fee_dollars} a year.",
    "That is comfortably within the {fee_warn} warning level.",
    "Of the nine checks, {checks_failed} failed, {checks_warn} need attention and {checks_ok} passed.",
    "With {years_until} years to go, target-date funds typically hold about 18% in bonds.",
    "A classic 60/40 mix would hold far more bonds than your {bonds}.",
    # Rebalancing.
    "The rebalancing plan suggests {trades} trades: selling {sold} and buying {bought}.",
    "After those trades the largest gap would shrink to {after_drift}.",
    "The plan sells all 25 shares of NVDA, {nvda_value} in the brokerage account.",
    "1. Rebalance toward your 70/30 target.\n2. Review your Roth IRA and 401(k) contributions.",
    "Step 2: review your fees once a year.",
    # Retirement.
    "In {paths} simulated futures, your money lasts the full {retirement_years} years of retirement "
    "in {success} of them.",
    "The plan runs out of money in {failure} of the simulated futures.",
    "The money lasts in {success} of futures and runs out early in {failure}.",
    "In {failure} of simulated futures the money does not last the full {retirement_years} years.",
    "Your target income of {target_income} a year lasts in {success} of the simulated futures.",
    "In the median future your portfolio reaches {median_at_retirement} by the time you retire in "
    "{years_until} years.",
    "By {retire_year}, when you plan to retire, the median path reaches {median_at_retirement}.",
    "In a pessimistic future (the 5th percentile) you would have {p5} at retirement.",
    "In an optimistic future (the 95th percentile) it could grow to {p95} by retirement.",
    "Even in the median future the money is gone before the end, with {median_ending} left.",
    "The median future runs out before the end of the {retirement_years}-year retirement.",
    "The safe withdrawal rate is {swr}, which supports about {safe_income} a year.",
    "That is {shortfall} short of your {target_income} target.",
    "Saving about {extra} more a year until you retire would close the gap.",
    "Retiring up to {later} years later would not be enough on its own.",
    "The 4% rule is a common rule of thumb, but your safe withdrawal rate is {swr}.",
    "The safe rate is the highest withdrawal that lasted in at least 90% of the futures.",
    "The projection assumes equities return {equity_return} a year with {equity_vol} volatility.",
    "Bonds are expected to return {bond_return} a year.",
    "Cash is assumed to earn {cash_return} a year, with {cash_vol} volatility.",
    "Inflation is assumed at {inflation} a year, and every amount is in today's money.",
    "The simulation used seed {seed}, so the same inputs give the same result.",
    "Your portfolio, at {total}, is the starting point of the projection.",
    "Age is not an input: the projection only uses your {years_until} years to retirement.",
    # Tables.
    "| Account | Value | Share |\n| --- | --- | --- |\n"
    "| {first_account} | {first_account_value} | {first_account_share} |",
    "| Asset class | Expected return | Volatility |\n| --- | --- | --- |\n"
    "| Equity | {equity_return} | {equity_vol} |",
    "| Year | Median |\n| --- | --- |\n| Year {years_until} | {median_at_retirement} |",
)
"""Sentences the demo analysis supports, figure by figure and ticker by ticker."""

UNGROUNDED: Final[tuple[tuple[str, str], ...]] = (
    # The four, with the demo's numbers.
    ("The plan runs out in {success} of the simulated futures.", "the success rate as a failure rate"),
    ("You have {accounts} accounts (the {median_at_retirement}).", "the median at retirement as their value"),
    ("You hold 12 holdings across your accounts.", "a count without a unit that no fact has"),
    ("Consider QQQM as a cheaper way to hold the Nasdaq-100.", "an unknown bare ticker"),
    # Right numbers, wrong meaning.
    ("Your money lasts in {failure} of the simulated futures.", "the failure rate as a success rate"),
    ("There is a {success} chance your money runs out.", "the success rate as a failure rate"),
    ("Only {failure} of the futures succeed.", "the failure rate as a success rate"),
    ("Your plan succeeds in 90% of futures.", "the safe-rate confidence as the success rate"),
    ("Your portfolio is worth {median_at_retirement} today.", "the median at retirement as today's value"),
    ("Your {accounts} accounts hold {p95} between them.", "a projected value as today's value"),
    ("The safe withdrawal rate is {success}.", "the success rate as a withdrawal rate"),
    ("Equities are assumed to return {equity_vol} a year.", "a volatility as a return"),
    ("Inflation is assumed at {equity_return} a year.", "a return as inflation"),
    ("Equity volatility is assumed to be {equity_return}.", "a return as a volatility"),
    ("Your funds charge {fee_warn} a year in fees.", "the fee limit as the fee rate"),
    ("Technology is {sector_warn} of the portfolio.", "the warning level as the share"),
    ("Equity is {equity_target} of your portfolio.", "the target as the share"),
    ("Your bonds are {bond_target} of the portfolio.", "the target as the share"),
    ("Your rebalancing band is ±{equity_drift}.", "a drift as the band"),
    ("Saving about {safe_income} more a year would close the gap.", "an income as a saving"),
    ("The median future safely supports about {extra} a year.", "a saving as an income"),
    ("You would need to save {target_income} more a year.", "the target income as a saving"),
    (
        "The 95th-percentile future reaches {first_account_value} at retirement.",
        "an account value as projected",
    ),
    # Hard on purpose: the right kind and meaning, the wrong thing.
    ("The plan sells {bought} of stock.", "the amount bought as the amount sold"),
    ("Your largest holding, SPY, is worth {vti_value}.", "another holding's value"),
    ("The median future safely supports about {target_income} a year.", "the target as the safe income"),
    # Invented figures.
    ("Your portfolio is worth $263,400.", "an invented value"),
    ("Cash makes up 9.4% of the portfolio.", "an invented share"),
    ("The safe withdrawal rate of 3.5% supports about {safe_income} a year.", "an invented rate"),
    ("The S&P 500 returned 24% last year.", "an invented return"),
    ("Your portfolio grew 12.4% this year.", "an invented return"),
    ("Bonds make up {bonds} now and will be 27.5% after rebalancing.", "an invented share"),
    ("Fees cost you about $450 a year.", "an invented fee"),
    ("After rebalancing, the largest gap drops to 2.1 percentage points.", "an invented drift"),
    ("Real estate returns are assumed at 8.0% a year.", "an invented return"),
    ("Inflation could average 3.5% a year.", "an invented inflation rate"),
    ("About 12.5% of your money is in international stocks.", "an invented share"),
    ("Your bond fund BND is worth $21,300.", "an invented value"),
    ("Moving $25,000 from SPY to VXUS would fix the imbalance.", "an invented trade"),
    ("Your portfolio could reach $1.5 million by retirement.", "an invented projection"),
    ("The median future supports about $18,000 a year in retirement.", "an invented income"),
    ("Your expense ratio of 0.25% is low.", "an invented fee rate"),
    # Counts, years and ages.
    ("You have 4 accounts.", "a wrong number of accounts"),
    ("You hold 21 positions.", "a wrong number of positions"),
    ("Your Roth IRA holds 9 positions.", "a wrong number of positions"),
    ("You hold 3 ETFs in your Roth IRA.", "a count nobody computed"),
    ("The simulation ran 5,000 futures.", "a wrong number of futures"),
    ("This analysis simulated {paths} futures with seed 42.", "a wrong seed"),
    ("The rebalancing plan suggests 12 trades.", "a wrong number of trades"),
    ("The rebalancing plan sells {sold}, leaving 8 trades for later.", "a wrong number of trades"),
    ("Your money needs to last 25 years in retirement.", "a wrong number of years"),
    ("You plan to retire in 15 years.", "a wrong number of years"),
    ("The plan covers 35 years of retirement.", "a wrong number of years"),
    ("Over the next 40 years your money grows steadily.", "a wrong number of years"),
    ("You plan to retire at age 65.", "an age nobody computed"),
    ("By 2090 the median path is exhausted.", "a calendar year beyond the projection"),
    ("In year 60 the median portfolio is still positive.", "a projection year beyond the projection"),
    ("Your 20 largest holdings make up most of the portfolio.", "more holdings than there are"),
    ("You hold 140 shares of SPY.", "a share quantity nobody holds"),
    ("Of the nine checks, 2 failed.", "a wrong number of failed checks"),
    # Tickers.
    ("Consider adding XLE to hedge against energy prices.", "a catalogued ticker the person does not hold"),
    ("VWO would add emerging markets exposure.", "a catalogued ticker the person does not hold"),
    ("A small position in ARKK could add growth.", "an unknown bare ticker"),
    ("Swap some QQQ for SCHD for dividends.", "an unknown bare ticker"),
    ("QQQ is {qqq_share} of the portfolio, and TQQQ would double that exposure.", "an unknown bare ticker"),
    ("The Vanguard fund VEA covers developed markets.", "a catalogued ticker the person does not hold"),
)
"""(sentence, problem): each has one figure or ticker the demo analysis does not support."""

HELD_OUT_GROUNDED: Final[tuple[str, ...]] = (
    "At {total}, your portfolio is spread across {accounts} accounts, with {first_account} the largest "
    "at {first_account_value}.",
    "Roughly {equity} of your money is in stocks, compared with your {equity_target} goal.",
    "You currently keep {cash} in cash ({cash_share} of the total).",
    "Your technology exposure of {tech} is above the {sector_warn} warning threshold.",
    "Only {success} of simulated retirements last the full {retirement_years} years.",
    "That means roughly {failure} of scenarios run out of money before the end.",
    "The safe withdrawal rate comes out at {swr}, or about {safe_income} a year from the median portfolio.",
    "Your goal of {target_income} a year leaves a shortfall of {shortfall}.",
    "To close it, you would need to save roughly {extra} more each year.",
    "The median projection shows {median_at_retirement} when you retire.",
    "Equities are modelled with a {equity_return} expected return and {equity_vol} volatility; inflation "
    "is {inflation}.",
    "The plan has {trades} suggested trades, selling {sold} in total.",
    "Your fund fees average {fee} a year.",
    "## Retirement outlook\n\nYour plan succeeds in {success} of the {paths} simulations.",
    "Your holdings include SPY, VTI, QQQ and BND.",
    "- **{first_account}**: {first_account_value} ({first_account_share})",
    "Fixed income is {bonds} versus a {bond_target} target, a gap of {bond_drift}.",
    "{checks_failed} check failed: home bias, at {home_bias}.",
    "Your Roth IRA contributions grow tax-free, and your 401(k) is your largest account.",
    "Even a 5th-percentile outcome leaves {p5} at retirement.",
)
"""Grounded sentences written after the check was tuned, scored before anything was changed for them."""

HELD_OUT_UNGROUNDED: Final[tuple[tuple[str, str], ...]] = (
    ("Your portfolio is worth about $260,000.", "a wrong rounding"),
    ("Roughly 75% of your money is in stocks.", "an invented share"),
    ("Your plan has a {failure} success rate.", "the failure rate as a success rate"),
    ("Roughly {success} of your simulated retirements fail.", "the success rate as a failure rate"),
    ("The median projection shows {total} when you retire.", "today's value as the value at retirement"),
    ("You would need to save {shortfall} more each year to close the gap.", "the shortfall as a saving"),
    ("Your fund fees average {fee_warn} a year.", "the fee limit as the fee rate"),
    ("Your 401(k) is worth $160,250.", "an invented value"),
    ("Bonds are expected to return {equity_return} a year.", "the equity return as the bond return"),
    ("You have 5 accounts.", "a wrong number of accounts"),
    ("The plan has 20 suggested trades.", "a wrong number of trades"),
    ("Inflation is modelled at 3.0%.", "an invented inflation rate"),
    ("Your holdings include SPY, VTI, QQQ and IVV.", "an unknown bare ticker"),
    ("Consider XLV for healthcare exposure.", "a catalogued ticker the person does not hold"),
    ("Your safe withdrawal rate of 4.0% supports {safe_income}.", "a rate the plan does not use"),
    ("You are 45 years old.", "an age nobody computed"),
    ("The simulation covers 40 years.", "a wrong number of years"),
    ("Your Brokerage Account holds 8 stocks.", "a wrong number of holdings"),
    ("Your home bias is {tech}.", "the technology share as the home bias"),
    ("By 2030 you will have {median_at_retirement}.", "the value at retirement, five years early"),
)
"""Ungrounded sentences written after the check was tuned, scored before anything was changed for them."""


def values(facts: AnalysisFacts) -> dict[str, str]:
    """The demo's figures as the writers format them, by template name."""
    analysis, result, gap, params = (
        facts.analysis,
        facts.retirement,
        facts.income_gap,
        facts.retirement_params,
    )
    assert result is not None
    assert gap is not None
    assert params is not None
    assert gap.extra_contribution is not None
    allocations, valuation = analysis.allocations, analysis.valuation
    holdings = {h.symbol: h for h in facts.holdings}
    first, roth = valuation.accounts[0], next(a for a in valuation.accounts if a.account.name == "Roth IRA")
    drift = analysis.drift.asset_class
    assert drift is not None
    rows = {row.key: row for row in drift.rows}
    findings = {f.rule_id: f for f in analysis.rules.findings}
    statuses = {status: sum(f.status is status for f in findings.values()) for status in Status}
    start = result.retirement_starts_at_year
    used = result.assumptions

    def share(key: str) -> str:
        return format_percent(allocations.asset_class.percent(key))

    def points(value: Decimal) -> str:
        return f"{abs(value).quantize(Decimal('0.1'))} percentage points"

    def limit(value: Decimal) -> str:
        return format_percent(value, places=0 if value == value.to_integral_value() else 2)

    # The fee in dollars a year exists only in the fee rule's own sentence, as the analytics wrote it.
    fee_dollars = re.search(r"\((\$[\d,]+) a year\)", findings[RuleId.FEE_RATIO].rationale)
    assert fee_dollars is not None
    nvda_trade = next(t for t in analysis.rebalance.trades if t.symbol == "NVDA")
    return {
        "total": format_money(facts.total),
        "invested": format_money(valuation.invested),
        "cash": format_money(valuation.cash),
        "cash_share": share("cash"),
        "equity": share("equity"),
        "bonds": share("fixed_income"),
        "real_estate": share("real_estate"),
        "gold": share("commodities"),
        "accounts": str(len(valuation.accounts)),
        "positions": str(facts.position_count),
        "holdings": str(len(facts.holdings)),
        "roth_positions": str(len(roth.positions)),
        "first_account": first.account.name,
        "first_account_value": format_money(first.total),
        "first_account_share": format_percent(allocations.account.percent(first.account.id)),
        "first_account_positions": str(len(first.positions)),
        "spy_value": format_money(holdings["SPY"].value),
        "spy_share": format_percent(holdings["SPY"].percent),
        "vti_value": format_money(holdings["VTI"].value),
        "iwm_value": format_money(holdings["IWM"].value),
        "nvda_value": format_money(nvda_trade.amount),
        "nvda_share": format_percent(holdings["NVDA"].percent),
        "msft_share": format_percent(holdings["MSFT"].percent),
        "aapl_share": format_percent(holdings["AAPL"].percent),
        "qqq_share": format_percent(holdings["QQQ"].percent),
        "north_america": format_percent(allocations.region.percent("north_america")),
        "etf_share": format_percent(allocations.instrument_type.percent("etf")),
        "stock_share": format_percent(allocations.instrument_type.percent("stock")),
        "equity_target": limit(rows["equity"].target_percent),
        "bond_target": limit(rows["fixed_income"].target_percent),
        "equity_drift": points(rows["equity"].drift),
        "bond_drift": points(rows["fixed_income"].drift),
        "largest_drift": points(
            max(d.largest_drift for d in (drift, analysis.drift.region) if d is not None)
        ),
        "band": points(drift.tolerance),
        "after_drift": points(
            max(
                d.largest_drift
                for d in (analysis.rebalance.after.asset_class, analysis.rebalance.after.region)
                if d
            )
        ),
        "tech": format_percent(allocations.sector.percent("technology")),
        "sector_warn": limit(findings[RuleId.SECTOR_CONCENTRATION].warn_above),
        "home_bias": format_percent(findings[RuleId.HOME_BIAS].value),
        "home_limit": limit(findings[RuleId.HOME_BIAS].fail_above),
        "fee": format_percent(findings[RuleId.FEE_RATIO].value, places=2),
        "fee_dollars": fee_dollars.group(1),
        "fee_warn": limit(findings[RuleId.FEE_RATIO].warn_above),
        "checks_failed": str(statuses[Status.FAIL]),
        "checks_warn": str(statuses[Status.WARN]),
        "checks_ok": str(statuses[Status.OK]),
        "trades": str(len(analysis.rebalance.trades)),
        "sold": format_money(analysis.rebalance.sold),
        "bought": format_money(analysis.rebalance.bought),
        "date": facts.generated_at.date().isoformat(),
        "paths": f"{result.paths:,}",
        "seed": str(result.seed),
        "success": format_percent(result.success_rate),
        "failure": format_percent(100 - result.success_rate),
        "median_at_retirement": format_money(result.median_value_at_retirement),
        "median_ending": format_money(result.median_ending_value),
        "p5": format_money(result.percentiles["p5"][start]),
        "p95": format_money(result.percentiles["p95"][start]),
        "swr": format_percent(result.safe_withdrawal_rate, places=2),
        "safe_income": format_money(gap.safe_income),
        "target_income": format_money(gap.target_income),
        "shortfall": format_money(gap.shortfall),
        "extra": format_money(gap.extra_contribution),
        "later": str(min(MAX_LATER_YEARS, MAX_YEARS - params.years_until_retirement)),
        "years_until": str(params.years_until_retirement),
        "retirement_years": str(params.retirement_years),
        "retire_year": str(facts.generated_at.year + params.years_until_retirement),
        "equity_return": format_percent(used.returns["equity"]),
        "equity_vol": format_percent(used.volatilities["equity"]),
        "bond_return": format_percent(used.returns["fixed_income"]),
        "cash_return": format_percent(used.returns["cash"]),
        "cash_vol": format_percent(used.volatilities["cash"]),
        "inflation": format_percent(used.inflation),
    }


@dataclass(frozen=True, slots=True)
class Rates:
    """The check's verdicts on the corpus, "ungrounded" being the positive class."""

    rejected_ungrounded: int
    rejected_grounded: list[str]
    passed_ungrounded: list[tuple[str, str]]
    grounded: int
    ungrounded: int

    @property
    def precision(self) -> float:
        rejected = self.rejected_ungrounded + len(self.rejected_grounded)
        return self.rejected_ungrounded / rejected if rejected else 1.0

    @property
    def recall(self) -> float:
        return self.rejected_ungrounded / self.ungrounded


class Checker(Protocol):
    """What ``rates`` needs: a ``Grounder``, or anything else that checks one text."""

    def check(self, text: str) -> GroundingReport: ...


def rates(
    checker: Checker,
    facts: AnalysisFacts,
    *,
    grounded_templates: tuple[str, ...] = GROUNDED,
    ungrounded_templates: tuple[tuple[str, str], ...] = UNGROUNDED,
) -> Rates:
    """Run the check on every sentence of the corpus (or another batch), filled with the demo facts."""
    figures = values(facts)
    grounded = [template.format(**figures) for template in grounded_templates]
    ungrounded = [(template.format(**figures), why) for template, why in ungrounded_templates]
    rejected_grounded = [s for s in grounded if not checker.check(s).grounded]
    verdicts = [(s, why, checker.check(s).grounded) for s, why in ungrounded]
    return Rates(
        rejected_ungrounded=sum(not passed for _, _, passed in verdicts),
        rejected_grounded=rejected_grounded,
        passed_ungrounded=[(s, why) for s, why, passed in verdicts if passed],
        grounded=len(grounded),
        ungrounded=len(ungrounded),
    )
