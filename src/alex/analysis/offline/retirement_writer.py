"""The offline retirement writer: explains the Monte Carlo result in plain language.

It covers what the reference's retirement specialist was asked for (readiness, the median and
a pessimistic path, safe withdrawal rate, the gap to the target income and how to close it,
risks, assumptions), using only the simulation's own numbers, in the level-2 ``SECTIONS`` the
retirement prompt asks a model for, so that a fallback reads like the model's text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from alex.analysis.facts import GAP_SEARCH_PATHS, AnalysisFacts
from alex.analysis.offline.recommendations import closing_options
from alex.analysis.offline.text import OFFLINE_NOTICE, plural, table
from alex.analysis.payloads import RetirementOutput
from alex.domain.formatting import format_money, format_percent
from alex.domain.labels import label
from alex.domain.retirement.models import (
    DEFAULT_WITHDRAWAL_RATE,
    RetirementParams,
    RetirementResult,
    WithdrawalStrategy,
)
from alex.domain.retirement.simulation import SAFE_WITHDRAWAL_SUCCESS
from alex.settings import OFFLINE_MODEL

# Verdict bands on the success rate. The top band matches the confidence the safe withdrawal
# rate is defined with; 75 % and 50 % are common planner thresholds for "some" and "serious" risk.
VERDICTS: Final = (
    (SAFE_WITHDRAWAL_SUCCESS * 100, "on track"),
    (75.0, "likely to last, with some risk"),
    (50.0, "at risk"),
    (0.0, "unlikely to last"),
)
TABLE_STEP_YEARS: Final = 5
SECTIONS: Final = (
    "Projection",
    "Income against your target",
    "What would close the gap",
    "Assumptions and limits",
)
"""The level-2 sections, in order; the retirement prompt lists the same and its validator requires them."""


def write_retirement(facts: AnalysisFacts) -> RetirementOutput:
    """The retirement explanation in markdown (or why there is no projection), in ``SECTIONS``."""
    params, result = facts.retirement_params, facts.retirement
    if params is None or result is None:
        bodies = (
            _no_projection_reason(facts),
            "Without a projection there is no income estimate to compare with your target.",
            "Once there is a projection, this section says what extra saving or a later retirement "
            "would close any gap.",
            "No simulation was run, so no market assumptions were used.",
        )
    else:
        bodies = (
            "\n\n".join(
                [
                    readiness(facts, params, result),
                    "### Your starting point",
                    _starting_point(params),
                    "### What the simulation shows",
                    _simulation(result),
                ]
            ),
            _income(facts, result),
            _closing(facts),
            "\n\n".join([_assumptions(result), "### Risks to keep in mind", _risks(params, result)]),
        )
    parts = ["# Retirement projection", OFFLINE_NOTICE]
    for title, body in zip(SECTIONS, bodies, strict=True):
        parts += [f"## {title}", body]
    return RetirementOutput(analysis="\n\n".join(parts), generated_by=OFFLINE_MODEL)


def verdict(success_rate: float) -> str:
    return next(text for floor, text in VERDICTS if success_rate >= floor)


def spending(params: RetirementParams) -> str:
    """What the simulated retiree withdraws, e.g. "your target income of $60,000 a year"."""
    if params.target_income is not None:
        return f"your target income of {format_money(params.target_income)} a year"
    rate = params.withdrawal_rate if params.withdrawal_rate is not None else DEFAULT_WITHDRAWAL_RATE
    return f"{format_percent(rate)} of the portfolio's value at retirement each year"


def readiness(facts: AnalysisFacts, params: RetirementParams, result: RetirementResult) -> str:
    """The headline paragraph, also used by the report's Retirement Readiness section."""
    text = (
        f"Withdrawing {spending(params)}, adjusted for inflation, your money lasts the full "
        f"{plural(params.retirement_years, 'year')} of retirement in "
        f"**{format_percent(result.success_rate)}** of {result.paths:,} simulated futures: "
        f"{verdict(result.success_rate)}. The median future reaches "
        f"{format_money(result.median_value_at_retirement)} by the time you retire "
        f"in {plural(params.years_until_retirement, 'year')}."
    )
    gap = facts.income_gap
    if gap is None:
        return text
    text += (
        f" At the safe withdrawal rate of {format_percent(result.safe_withdrawal_rate, places=2)} that "
        f"supports about {format_money(gap.safe_income)} a year"
    )
    if gap.shortfall > 0:
        return (
            text + f", {format_money(gap.shortfall)} short of your {format_money(gap.target_income)} "
            f"target. {closing_options(facts)}"
        )
    return text + f", {format_money(gap.surplus)} more than your {format_money(gap.target_income)} target."


def _no_projection_reason(facts: AnalysisFacts) -> str:
    if facts.total <= 0:
        return (
            "Your portfolio has no value yet, so there is nothing to project. Add your accounts, cash "
            "and holdings, then run the analysis again."
        )
    return (
        f"Your years until retirement ({facts.profile.years_until_retirement}) are beyond what the "
        "simulation covers; update them in your profile to get a projection."
    )


def _starting_point(params: RetirementParams) -> str:
    mix = ", ".join(
        f"{label(key)} {format_percent(Decimal(str(share)))}"
        for key, share in sorted(params.allocation.items(), key=lambda item: -Decimal(str(item[1])))
    )
    strategy = (
        "the same amount every year, raised with inflation"
        if params.strategy is WithdrawalStrategy.CONSTANT_REAL
        else label(params.strategy.value).lower()
    )
    return "\n".join(
        [
            f"- Portfolio today: {format_money(params.current_value)}, invested as {mix}.",
            f"- Years until retirement: {params.years_until_retirement}; retirement is planned to last "
            f"{plural(params.retirement_years, 'year')}.",
            f"- New savings assumed: {format_money(params.annual_contribution)} a year until retirement.",
            f"- Spending: {spending(params)}, {strategy}.",
        ]
    )


def _simulation(result: RetirementResult) -> str:
    start = result.retirement_starts_at_year
    at_retirement = {name: values[start] for name, values in result.percentiles.items()}
    lines = [
        f"The simulation played out {result.paths:,} possible futures of correlated market returns "
        f"(seed {result.seed}, so it can be reproduced). The money lasts in "
        f"{format_percent(result.success_rate)} of them and runs out early in "
        f"{format_percent(100 - result.success_rate)}.",
        "",
        f"- **Median path:** {format_money(at_retirement['p50'])} at retirement; "
        + (
            f"{format_money(result.median_ending_value)} left at the end of retirement."
            if result.median_ending_value > 0
            else "the money runs out before the end of retirement."
        ),
        f"- **Pessimistic path** (5th percentile): {format_money(at_retirement['p5'])} at retirement; "
        + (
            f"at the end, one future in ten is left with {format_money(result.p10_ending_value)} or less."
            if result.p10_ending_value > 0
            else "at least one future in ten runs out of money before the end."
        ),
        f"- **Optimistic path** (95th percentile): {format_money(at_retirement['p95'])} at retirement.",
        "",
        "Portfolio value in today's money, by year:",
        "",
        _bands_table(result),
    ]
    return "\n".join(lines)


def _bands_table(result: RetirementResult) -> str:
    last = result.years[-1]
    shown = sorted(
        {0, result.retirement_starts_at_year, last}
        | {year for year in result.years if year % TABLE_STEP_YEARS == 0}
    )
    columns = ("p5", "p25", "p50", "p75", "p95")
    rows = [
        [f"Year {year}" + (" (retirement)" if year == result.retirement_starts_at_year else "")]
        + [format_money(result.percentiles[c][result.years.index(year)]) for c in columns]
        for year in shown
    ]
    return table(["Year", "5th percentile", "25th", "Median", "75th", "95th percentile"], rows)


def _income(facts: AnalysisFacts, result: RetirementResult) -> str:
    gap = facts.income_gap
    swr = format_percent(result.safe_withdrawal_rate, places=2)
    text = (
        f"The safe withdrawal rate, the highest steady withdrawal (raised with inflation) that lasted in "
        f"at least {format_percent(SAFE_WITHDRAWAL_SUCCESS * 100, places=0)} of the futures, is {swr} of "
        "the value at retirement."
    )
    if gap is None:
        return text + " You have not set a target income, so there is no gap to measure."
    text += (
        f" Applied to the median value at retirement, that is about {format_money(gap.safe_income)} a "
        f"year against your target of {format_money(gap.target_income)}"
    )
    if gap.shortfall <= 0:
        return text + f": {format_money(gap.surplus)} a year of headroom."
    return text + f": a shortfall of {format_money(gap.shortfall)} a year."


def _closing(facts: AnalysisFacts) -> str:
    gap = facts.income_gap
    if gap is None:
        return "With no target income there is no gap to close; set one in your profile to measure it."
    if gap.shortfall <= 0:
        return "There is no gap to close: the median future already supports your target income."
    return (
        f"{closing_options(facts)} These what-ifs re-ran the simulation with {GAP_SEARCH_PATHS:,} futures "
        "and the same seed, so treat them as estimates."
    )


def _assumptions(result: RetirementResult) -> str:
    used = result.assumptions
    rows = [
        [label(key), format_percent(used.returns[key]), format_percent(used.volatilities[key])]
        for key in used.returns
    ]
    return "\n".join(
        [
            table(["Asset class", "Expected return (a year)", "Volatility"], rows),
            "",
            f"Inflation is assumed at {format_percent(used.inflation)} a year and every amount is in "
            "today's money. Returns are drawn with realistic correlations (stocks and real estate tend "
            "to fall together, bonds less so) and the portfolio is rebalanced once a year. These are "
            "long-run assumptions, not forecasts.",
        ]
    )


def _risks(params: RetirementParams, result: RetirementResult) -> str:
    return "\n".join(
        [
            "- **Sequence of returns:** a crash just before or early in retirement does the most damage; "
            "the pessimistic path shows what that looks like.",
            "- **Inflation:** higher inflation than the assumed "
            f"{format_percent(result.assumptions.inflation)} raises what your spending costs.",
            f"- **Longevity:** the plan covers {plural(params.retirement_years, 'year')} of retirement; "
            "living longer needs money for longer.",
            "- **Healthcare and one-off costs:** large expenses late in life are not modelled separately.",
        ]
    )
