"""The offline retirement writer: explains the retirement projection in plain language.

It covers what the reference's retirement specialist was asked for (readiness, the median and
a pessimistic path, safe withdrawal rate, the gap to the target income and how to close it,
risks, assumptions), using only the simulation's own numbers, in the level-2 ``SECTIONS`` the
retirement prompt asks a model for, so that a fallback reads like the model's text. It says what
was simulated: random futures from market assumptions (parametric), every sequence of US history
(historical) or futures resampled from it in blocks (bootstrap); and how other income (a
pension) shares the target income with the portfolio.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from alex.analysis.facts import GAP_SEARCH_PATHS, AnalysisFacts, IncomeGap
from alex.analysis.offline.recommendations import closing_options
from alex.analysis.offline.text import OFFLINE_NOTICE, plural, table
from alex.analysis.payloads import RetirementOutput
from alex.domain.formatting import format_money, format_percent
from alex.domain.labels import label
from alex.domain.retirement.models import (
    DEFAULT_WITHDRAWAL_RATE,
    RetirementParams,
    RetirementResult,
    ReturnMethod,
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
                    _starting_point(facts, params),
                    "### What the simulation shows",
                    _simulation(result),
                ]
            ),
            _income(facts, result),
            _closing(facts, result),
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


def is_historical(result: RetirementResult) -> bool:
    """Whether the result replayed history's own sequences (one per start year) rather than drew futures."""
    return result.assumptions.method == ReturnMethod.HISTORICAL.value


def futures(result: RetirementResult) -> str:
    """What the result's paths are, counted: "1,000 simulated futures" or "124 historical sequences"."""
    if is_historical(result):
        return f"{result.paths:,} historical sequences"
    return f"{result.paths:,} simulated futures"


def readiness(facts: AnalysisFacts, params: RetirementParams, result: RetirementResult) -> str:
    """The headline paragraph, also used by the report's Retirement Readiness section."""
    gap = facts.income_gap
    text = (
        f"Spending {spending(params)}, adjusted for inflation, your money lasts the full "
        f"{plural(params.retirement_years, 'year')} of retirement in "
        f"**{format_percent(result.success_rate)}** of {futures(result)}: "
        f"{verdict(result.success_rate)}. The median "
        f"{'sequence' if is_historical(result) else 'future'} reaches "
        f"{format_money(result.median_value_at_retirement)} by the time you retire "
        f"in {plural(params.years_until_retirement, 'year')}."
    )
    if gap is None:
        return text
    text += (
        f" At the safe withdrawal rate of {format_percent(result.safe_withdrawal_rate, places=2)} the "
        f"portfolio supports about {format_money(gap.safe_income)} a year"
    )
    if gap.other_income > 0:
        need = (
            f"the {format_money(gap.portfolio_target)} a year it must pay beyond your other income of "
            f"{format_money(gap.other_income)}"
        )
    else:
        need = f"your {format_money(gap.target_income)} target"
    if gap.shortfall > 0:
        return text + f", {format_money(gap.shortfall)} short of {need}. {closing_options(facts)}"
    return text + f", {format_money(gap.surplus)} more than {need}."


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


def _starting_point(facts: AnalysisFacts, params: RetirementParams) -> str:
    mix = ", ".join(
        f"{label(key)} {format_percent(Decimal(str(share)))}"
        for key, share in sorted(params.allocation.items(), key=lambda item: -Decimal(str(item[1])))
    )
    strategy = (
        "the same amount every year, raised with inflation"
        if params.strategy is WithdrawalStrategy.CONSTANT_REAL
        else label(params.strategy.value).lower()
    )
    savings = f"- New savings assumed: {format_money(params.annual_contribution)} a year until retirement"
    if params.annual_contribution > 0 and params.contribution_growth != 0:
        direction = "rising" if params.contribution_growth > 0 else "falling"
        savings += (
            f"; contributions {direction} {format_percent(abs(params.contribution_growth))} a year "
            "on top of keeping pace with prices"
        )
    lines = [
        f"- Portfolio today: {format_money(params.current_value)}, invested as {mix}.",
        f"- Years until retirement: {params.years_until_retirement}; retirement is planned to last "
        f"{plural(params.retirement_years, 'year')}.",
        savings + ".",
        f"- Spending: {spending(params)}, {strategy}.",
    ]
    if params.retirement_allocation is not None:
        glide = ", ".join(
            f"{label(key)} {format_percent(Decimal(str(share)))}"
            for key, share in sorted(
                params.retirement_allocation.items(), key=lambda item: -Decimal(str(item[1]))
            )
        )
        lines.append(
            f"- Glide path: the mix moves in equal yearly steps until retirement, ending as {glide}."
        )
    if params.other_income > 0:
        lines.append(
            f"- Other income (a pension or Social Security): {format_money(params.other_income)} a year "
            f"{_other_income_start(facts, params)}."
        )
    return "\n".join(lines)


def _other_income_start(facts: AnalysisFacts, params: RetirementParams) -> str:
    """When other income starts, e.g. "from age 67, after 2 years of retirement"."""
    start_age = facts.profile.other_income_start_age
    retirement_age = facts.profile.plan.retirement_age
    if params.other_income_delay_years > 0 and start_age is not None:
        return f"from age {start_age}, after {plural(params.other_income_delay_years, 'year')} of retirement"
    if retirement_age is not None:
        return f"from age {retirement_age}, when you retire"
    return "from the start of retirement"


def _method(result: RetirementResult) -> str:
    """What was simulated, in a sentence or two, by return method."""
    used = result.assumptions
    total_years = len(result.years) - 1
    if used.method == ReturnMethod.HISTORICAL.value and used.start_years is not None:
        first, last = used.start_years
        text = (
            f"The simulation replayed every {total_years}-year sequence starting {first}–{last} of "
            f"US history (Shiller's data), {result.paths:,} sequences in all: each start year lives "
            "through the actual returns and inflation that followed, in order, so nothing is random."
        )
        if result.worst_start_year is not None:
            text += (
                f" The hardest sequence started in {result.worst_start_year}: the highest steady "
                f"withdrawal that lasted through it was "
                f"{format_percent(result.worst_case_withdrawal_rate, places=2)} of the value at retirement."
            )
        return text
    if used.method == ReturnMethod.BOOTSTRAP.value and used.history_years is not None:
        first, last = used.history_years
        return (
            f"The simulation played out {result.paths:,} futures resampled from US history in blocks of "
            f"{plural(used.block_years or 0, 'year')} (seed {result.seed}, so it can be reproduced): each "
            f"future strings together runs of consecutive years drawn from {first}–{last} (Shiller's "
            "data), keeping history's runs of good and bad years and its inflation while mixing their order."
        )
    return (
        f"The simulation played out {result.paths:,} possible futures of correlated market returns "
        f"(seed {result.seed}, so it can be reproduced)."
    )


def _simulation(result: RetirementResult) -> str:
    start = result.retirement_starts_at_year
    at_retirement = {name: values[start] for name, values in result.percentiles.items()}
    path = "sequence" if is_historical(result) else "future"
    lines = [
        f"{_method(result)} The money lasts in {format_percent(result.success_rate)} of them and runs "
        f"out early in {format_percent(100 - result.success_rate)}.",
        "",
        f"- **Median path:** {format_money(at_retirement['p50'])} at retirement; "
        + (
            f"{format_money(result.median_ending_value)} left at the end of retirement."
            if result.median_ending_value > 0
            else "the money runs out before the end of retirement."
        ),
        f"- **Pessimistic path** (5th percentile): {format_money(at_retirement['p5'])} at retirement; "
        + (
            f"at the end, one {path} in ten is left with {format_money(result.p10_ending_value)} or less."
            if result.p10_ending_value > 0
            else f"at least one {path} in ten runs out of money before the end."
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
    paths = "sequences" if is_historical(result) else "futures"
    text = (
        f"The safe withdrawal rate, the highest steady withdrawal (raised with inflation) that lasted in "
        f"at least {format_percent(SAFE_WITHDRAWAL_SUCCESS * 100, places=0)} of the {paths}, is {swr} of "
        "the value at retirement."
    )
    if gap is None:
        return text + " You have not set a target income, so there is no gap to measure."
    if gap.other_income > 0:
        return text + " " + _income_with_other(facts, gap)
    text += (
        f" Applied to the median value at retirement, that is about {format_money(gap.safe_income)} a "
        f"year against your target of {format_money(gap.target_income)}"
    )
    if gap.shortfall <= 0:
        return text + f": {format_money(gap.surplus)} a year of headroom."
    return text + f": a shortfall of {format_money(gap.shortfall)} a year."


def _income_with_other(facts: AnalysisFacts, gap: IncomeGap) -> str:
    """The target split between other income and the portfolio, and how the two add up."""
    params = facts.retirement_params
    assert params is not None  # a gap comes with a projection
    combined = gap.other_income + gap.safe_income
    text = (
        f"Of your {format_money(gap.target_income)} target, your other income pays "
        f"{format_money(gap.other_income)} a year of it {_other_income_start(facts, params)}, so the "
        "portfolio must "
        f"pay {format_money(gap.portfolio_target)} a year. Applied to the median value at retirement, "
        f"the safe withdrawal rate supports about {format_money(gap.safe_income)} a year from the "
        f"portfolio; together with your other income, that is {format_money(combined)} a year "
        f"against your target of {format_money(gap.target_income)}"
    )
    if gap.shortfall <= 0:
        text += f": {format_money(gap.surplus)} a year of headroom."
    else:
        text += f": a shortfall of {format_money(gap.shortfall)} a year."
    if params.other_income_delay_years > 0:
        text += (
            " Until your other income starts, the portfolio pays the whole target; this estimate counts "
            "the other income from the first year, while the success rate above models its later start."
        )
    return text


def _closing(facts: AnalysisFacts, result: RetirementResult) -> str:
    gap = facts.income_gap
    if gap is None:
        return "With no target income there is no gap to close; set one in your profile to measure it."
    if gap.shortfall <= 0:
        return "There is no gap to close: the median projection already supports your target income."
    if is_historical(result):
        rerun = "re-ran the same historical sequences"
    else:
        rerun = f"re-ran the simulation with {GAP_SEARCH_PATHS:,} futures and the same seed"
    return f"{closing_options(facts)} These what-ifs {rerun}, so treat them as estimates."


def _assumptions(result: RetirementResult) -> str:
    used = result.assumptions
    if used.method != ReturnMethod.PARAMETRIC.value and used.history_years is not None:
        return _history_assumptions(result)
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


def _history_assumptions(result: RetirementResult) -> str:
    """What the years of history delivered, and that history is a record, not a forecast."""
    used = result.assumptions
    assert used.history_years is not None
    first, last = used.history_years
    rows = [
        [label(key), format_percent(used.returns[key]), format_percent(used.volatilities[key])]
        for key in used.returns
    ]
    proxied = [
        f"{label(key)} as {used.proxies[key]}"
        for key in ("real_estate", "commodities", "cash", "alternatives")
        if key in used.proxies and key in used.returns
    ]
    return "\n".join(
        [
            table(["Asset class", "Average return those years delivered", "Volatility"], rows),
            "",
            "Returns and inflation are history's own, year by year, and every amount is in today's "
            f"money; compounded over {first}–{last}, inflation averaged {format_percent(used.inflation)} "
            "a year. The portfolio is rebalanced once a year. Asset classes without a long record of "
            f"their own are simulated from the closest series: {'; '.join(proxied)}. History is one "
            "record, not a forecast: the future can hold worse sequences than any it contains.",
        ]
    )


def _risks(params: RetirementParams, result: RetirementResult) -> str:
    if result.assumptions.method == ReturnMethod.PARAMETRIC.value:
        inflation = (
            "- **Inflation:** higher inflation than the assumed "
            f"{format_percent(result.assumptions.inflation)} raises what your spending costs."
        )
    else:
        inflation = (
            "- **Inflation:** the projection lives through history's inflation, including its worst "
            "decades; a worse spell than those would raise what your spending costs."
        )
    sequence = (
        "the hardest start year shows what that looks like"
        if is_historical(result)
        else "the pessimistic path shows what that looks like"
    )
    return "\n".join(
        [
            "- **Sequence of returns:** a crash just before or early in retirement does the most damage; "
            f"{sequence}.",
            inflation,
            f"- **Longevity:** the plan covers {plural(params.retirement_years, 'year')} of retirement; "
            "living longer needs money for longer.",
            "- **Healthcare and one-off costs:** large expenses late in life are not modelled separately.",
        ]
    )
