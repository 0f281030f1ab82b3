"""The offline report's recommendations, drawn from the rule findings, drift and retirement gap.

Priority follows the evidence: a failed check is ``high``, a warning or drift outside the
band ``medium``. Holdings missing from every total (no price) and an empty portfolio are
``high`` too, since every other number is incomplete without them. The retirement gap is
``high`` when most simulated futures run out of money, else ``medium``. When fewer than three
actions come out of the findings, standing advice (keep saving, review yearly, keep costs low)
fills the list as ``low``; at most seven are kept, the most urgent first.

A recommendation that asks for something done in Alex says where, in ``actions``: a link to the
position's row on its account page (set your own price, classify it), to the goals, the what-if,
or to the suggested trades on the report page itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Final

from alex.analysis.facts import MAX_LATER_YEARS, AnalysisFacts
from alex.analysis.offline.text import plural, points, target
from alex.analysis.payloads import (
    ACTIONS_MAX,
    IMPACT_MAX,
    LOCAL_HREF,
    REASONING_MAX,
    TITLE_MAX,
    Priority,
    Recommendation,
    RecommendationAction,
)
from alex.domain.formatting import format_money, format_percent
from alex.domain.labels import label
from alex.domain.money import ZERO
from alex.domain.portfolio.classification import classification_gaps
from alex.domain.portfolio.drift import Drift, DriftReport
from alex.domain.portfolio.models import Position
from alex.domain.portfolio.rebalancing import TradeAction
from alex.domain.portfolio.rules import Finding, RuleId, Status
from alex.domain.retirement.models import MAX_YEARS

MIN_RECOMMENDATIONS: Final = 3
MAX_RECOMMENDATIONS: Final = 7
LIKELY_FAILURE: Final = 50.0
"""Success rate (percent) below which the retirement gap is urgent: most futures run out."""
_ORDER: Final[dict[Priority, int]] = {"high": 0, "medium": 1, "low": 2}

# Where the actions point: the web pages' addresses and the ids of their elements.
ACCOUNTS_PAGE: Final = "/accounts"
GOALS_PAGE: Final = "/goals"
WHAT_IF_PAGE: Final = "/what-if"
POSITION_ANCHOR: Final = "position-"
"""The id of a position's row on its account page (``position-ARKK``): its price form is there."""
CLASSIFY_ANCHOR: Final = "classify-"
"""The id of a position's classification form on its account page (``classify-ARKK``)."""
TRADES_ANCHOR: Final = "#suggested-trades"
"""The suggested trades on the report's own page."""
_LOCAL_HREF: Final = re.compile(LOCAL_HREF)


def recommendations(facts: AnalysisFacts) -> list[Recommendation]:
    """Three to seven recommendations, most urgent first (stable within a priority)."""
    found = [
        *_setup(facts),
        *(_from_finding(f, facts) for f in facts.analysis.rules.findings if f.status is not Status.OK),
        *_rebalance(facts),
        *_retirement_gap(facts),
    ]
    found.sort(key=lambda r: _ORDER[r.priority])
    for filler in _standing_advice(facts):
        if len(found) >= MIN_RECOMMENDATIONS:
            break
        found.append(filler)
    return found[:MAX_RECOMMENDATIONS]


def _setup(facts: AnalysisFacts) -> list[Recommendation]:
    found = []
    if facts.total <= 0:
        found.append(
            Recommendation(
                title="Add your accounts and holdings",
                reasoning="Your portfolio has no value yet, so there is nothing to analyse or project.",
                impact="With your accounts, cash and positions recorded, the next analysis can value them, "
                "check diversification and project your retirement.",
                priority="high",
                actions=_actions(("Add an account", ACCOUNTS_PAGE)),
            )
        )
    unpriced = sorted({w.symbol for w in facts.analysis.valuation.warnings})
    if unpriced:
        found.append(
            Recommendation(
                title=fit([f"Set a price for {', '.join(unpriced)}"], limit=TITLE_MAX),
                reasoning=fit(
                    [
                        f"{', '.join(unpriced)} {'has' if len(unpriced) == 1 else 'have'} no price yet, so "
                        "the holdings are left out of every total, share and check in this report."
                    ],
                    limit=REASONING_MAX,
                ),
                impact="Once priced, the totals, allocations and retirement projection include that money.",
                priority="high",
                actions=_price_actions(facts, unpriced),
            )
        )
    targets = facts.profile.targets
    if facts.total > 0 and not (targets.asset_class_targets or targets.region_targets):
        found.append(
            Recommendation(
                title="Set your target mix",
                reasoning="You have no asset-class or region targets, so drift and rebalancing cannot be "
                "measured.",
                impact="With targets, each analysis shows how far the portfolio has drifted and which trades "
                "bring it back.",
                priority="low",
                actions=_actions(("Set your targets", GOALS_PAGE)),
            )
        )
    return found


def _from_finding(finding: Finding, facts: AnalysisFacts) -> Recommendation:
    title, impact = _ACTIONS[finding.rule_id](finding, facts)
    return Recommendation(
        # Names come from the user (accounts) or lists of symbols: a title too long for one
        # line falls back to the rule's own title.
        title=title if len(title) <= TITLE_MAX else f"Act on: {finding.title.lower()}",
        reasoning=fit([finding.rationale], limit=REASONING_MAX),
        impact=fit([impact], limit=IMPACT_MAX),
        priority="high" if finding.status is Status.FAIL else "medium",
        actions=_finding_actions(finding, facts),
    )


def _actions(*links: tuple[str, str | None]) -> list[RecommendationAction]:
    """Actions from (label, href) pairs; a pair without a usable address is left out."""
    return [
        RecommendationAction(label=label_text, href=href)
        for label_text, href in links
        if href is not None and _LOCAL_HREF.fullmatch(href)
    ][:ACTIONS_MAX]


def _position_link(facts: AnalysisFacts, symbol: str, anchor: str) -> str | None:
    """The first account holding ``symbol``, at the position's row (``anchor``) on its page."""
    for account in facts.portfolio.accounts:
        if any(p.symbol == symbol for p in account.positions):
            return f"{ACCOUNTS_PAGE}/{account.id}#{anchor}{symbol}"
    return None


def _classify_links(facts: AnalysisFacts, symbols: Iterable[str]) -> list[tuple[str, str | None]]:
    return [(f"Classify {symbol}", _position_link(facts, symbol, CLASSIFY_ANCHOR)) for symbol in symbols]


def _price_actions(facts: AnalysisFacts, unpriced: list[str]) -> list[RecommendationAction]:
    """Set each price on the position's row; a holding that needs classifying too gets that link."""
    unclassified = {gap.symbol for gap in classification_gaps(_positions(facts))}
    links: list[tuple[str, str | None]] = []
    for symbol in unpriced:
        links.append((f"Set a price for {symbol}", _position_link(facts, symbol, POSITION_ANCHOR)))
        if symbol in unclassified:
            links += _classify_links(facts, [symbol])
    return _actions(*links)


def _positions(facts: AnalysisFacts, *, priced: bool = False) -> list[Position]:
    return [
        p
        for a in facts.portfolio.accounts
        for p in a.positions
        if not priced or (p.instrument.price is not None and p.instrument.price > 0)
    ]


def _finding_actions(finding: Finding, facts: AnalysisFacts) -> list[RecommendationAction]:
    if finding.rule_id is RuleId.UNCLASSIFIED_HOLDINGS:
        return _actions(*_classify_links(facts, (g.symbol for g in classification_gaps(_positions(facts)))))
    if finding.rule_id is RuleId.SINGLE_POSITION_CONCENTRATION and any(
        t.symbol == finding.subject and t.action is TradeAction.SELL for t in facts.analysis.rebalance.trades
    ):
        return _actions(("See the suggested trades", TRADES_ANCHOR))
    return []


def fit(sentences: Iterable[str], *, limit: int, separator: str = " ") -> str:
    """As many whole sentences as fit in ``limit`` characters (the first cut at a word if it alone does not).

    Cutting at sentence or word boundaries never splits a number, so what is left stays grounded.
    """
    kept = ""
    for sentence in sentences:
        candidate = f"{kept}{separator}{sentence}" if kept else sentence
        if len(candidate) > limit:
            return kept or sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
        kept = candidate
    return kept


def _warn(finding: Finding) -> str:
    return format_percent(finding.warn_above, places=0)


def _single_position(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    symbol = finding.subject or "your largest position"
    sales = [  # "selling" next to each amount says it is a trade, not the value of the account named
        f"selling {format_money(t.amount)} in {t.account_name}"
        for t in facts.analysis.rebalance.trades
        if t.symbol == finding.subject and t.action is TradeAction.SELL
    ]
    impact = (
        f"Keeping any one company under {_warn(finding)} of the portfolio limits what a single bad year "
        "can do to your plan."
    )
    if sales:
        impact += f" The rebalancing plan already does: {'; '.join(sales)}."
    return f"Reduce your {symbol} position", impact


def _sector(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    sector = label(finding.subject or "other")
    return (
        f"Diversify away from {sector}",
        f"Bringing {sector} under {_warn(finding)} of the portfolio, for example by holding broad index "
        "funds instead of single stocks or sector funds, spreads the risk of one industry's downturn.",
    )


def _region(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    region = label(finding.subject or "global")
    return (
        f"Reduce your reliance on {region}",
        f"Keeping any one foreign region under {_warn(finding)} of invested money spreads economic and "
        "currency risk.",
    )


def _account(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    name = finding.subject or "your largest account"
    return (
        f"Spread your money beyond {name}",
        f"Directing new savings to other accounts until {name} holds under {_warn(finding)} of the total "
        "limits the harm one provider problem, lockout or fraud could do.",
    )


def _cash(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    return (
        "Put idle cash to work",
        f"Investing cash beyond an emergency reserve, down to under {_warn(finding)} of the portfolio, "
        "lets it grow with the markets instead of losing buying power.",
    )


def _home_bias(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    home = label(finding.subject or "north_america")
    return (
        "Add international stocks",
        f"Moving toward a world-market mix, with under {_warn(finding)} of your stocks in {home}, spreads "
        "your stocks across economies and currencies.",
    )


def _fixed_income(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    below = finding.subject == "below"
    return (
        "Increase your bond allocation" if below else "Reduce your bond allocation",
        f"Moving within {points(finding.warn_above)} of a target-date glide path "
        + (
            "cushions a crash in the years just before you need the money."
            if below
            else "leaves more money growing in the years you still have."
        ),
    )


def _unclassified(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    return (
        f"Classify {finding.subject or 'your unclassified holdings'}",
        "Once classified, the allocations, drift, rebalancing and every other check cover that money too.",
    )


def _fees(finding: Finding, facts: AnalysisFacts) -> tuple[str, str]:
    return (
        "Lower your fund costs",
        "Replacing expensive funds with low-cost index funds, to under "
        f"{format_percent(finding.warn_above, places=2)} a year on average, keeps more of every year's "
        "return compounding for you.",
    )


_ACTIONS: Final[dict[RuleId, Callable[[Finding, AnalysisFacts], tuple[str, str]]]] = {
    RuleId.SINGLE_POSITION_CONCENTRATION: _single_position,
    RuleId.SECTOR_CONCENTRATION: _sector,
    RuleId.REGION_CONCENTRATION: _region,
    RuleId.ACCOUNT_CONCENTRATION: _account,
    RuleId.CASH_DRAG: _cash,
    RuleId.HOME_BIAS: _home_bias,
    RuleId.FIXED_INCOME_VS_HORIZON: _fixed_income,
    RuleId.UNCLASSIFIED_HOLDINGS: _unclassified,
    RuleId.FEE_RATIO: _fees,
}


def largest_drift(report: DriftReport) -> Decimal:
    """The largest gap between a share and its target, in percentage points, over both dimensions."""
    return max((d.largest_drift for d in (report.asset_class, report.region) if d is not None), default=ZERO)


def off_target(drift: Drift | None) -> list[str]:
    """ "Equity 83.1% against a 70% target (13.1 percentage points over)" for each row outside the band."""
    if drift is None:
        return []
    return [
        f"{label(row.key)} {format_percent(row.current_percent)} against a {target(row.target_percent)} "
        f"target ({points(row.drift)} {'over' if row.drift > 0 else 'under'})"
        for row in drift.rows
        if not row.within_tolerance
    ]


def _rebalance(facts: AnalysisFacts) -> list[Recommendation]:
    drift = facts.analysis.drift
    if drift.within_tolerance or facts.total <= 0:
        return []
    plan = facts.analysis.rebalance
    rows = off_target(drift.asset_class) + off_target(drift.region)
    reasoning = (
        fit(
            [f"Outside your band of ±{_tolerance(drift)}: {rows[0]}", *rows[1:]],
            limit=REASONING_MAX - 1,
            separator="; ",
        )
        + "."
    )
    if plan.trades:
        before, after = largest_drift(plan.before), largest_drift(plan.after)
        impact = (
            f"The {plural(len(plan.trades), 'suggested trade')} below (selling {format_money(plan.sold)}, "
            f"buying {format_money(plan.bought)}, no money leaving any account) "
            + (
                f"bring the largest gap from {points(before)} to {points(after)}."
                if after < before
                else f"improve the mix, though the largest gap stays at {points(after)}."
            )
        )
    else:
        impact = "No trade with the instruments you hold brings the mix closer to your targets."
    impact = fit([impact, *plan.notes], limit=IMPACT_MAX)
    # The holdings rebalancing left alone are the priced ones that need classifying (its note).
    frozen = [gap.symbol for gap in classification_gaps(_positions(facts, priced=True))]
    links = [("See the suggested trades", TRADES_ANCHOR if plan.trades else None)]
    return [
        Recommendation(
            title="Rebalance toward your target mix",
            reasoning=reasoning,
            impact=impact,
            priority="medium",
            actions=_actions(*links, *_classify_links(facts, frozen)),
        )
    ]


def _tolerance(drift: DriftReport) -> str:
    present = next(d for d in (drift.asset_class, drift.region) if d is not None)
    return points(present.tolerance)


def _retirement_gap(facts: AnalysisFacts) -> list[Recommendation]:
    gap, result = facts.income_gap, facts.retirement
    if gap is None or result is None or gap.shortfall <= 0:
        return []
    reasoning = (
        f"Your target income of {format_money(gap.target_income)} a year lasts in "
        f"{format_percent(result.success_rate)} of the simulated futures; the median future safely "
        f"supports about {format_money(gap.safe_income)} a year, {format_money(gap.shortfall)} short."
    )
    return [
        Recommendation(
            title="Close your retirement income gap",
            reasoning=reasoning,
            impact=closing_options(facts),
            priority="high" if result.success_rate < LIKELY_FAILURE else "medium",
            actions=_actions(
                ("Update your retirement plan", GOALS_PAGE), ("Try changes in the what-if", WHAT_IF_PAGE)
            ),
        )
    ]


def closing_options(facts: AnalysisFacts) -> str:
    """What closes the income gap, in one or two sentences (the retirement writer says it too)."""
    gap = facts.income_gap
    assert gap is not None
    options = []
    if gap.extra_contribution is not None:
        options.append(f"saving about {format_money(gap.extra_contribution)} more a year until you retire")
    if gap.later_retirement_years is not None:
        options.append(f"retiring {plural(gap.later_retirement_years, 'year')} later")
    if not options:
        return (
            "Neither saving more nor retiring a few years later closes it on its own; a combination, "
            "together with a lower target income, would."
        )
    sentence = " or ".join(options)
    if len(options) > 1:
        return f"Either {sentence} would close it on its own."
    text = f"{sentence[0].upper()}{sentence[1:]} would close it."
    params = facts.retirement_params
    searched = 0 if params is None else min(MAX_LATER_YEARS, MAX_YEARS - params.years_until_retirement)
    if gap.later_retirement_years is None and searched > 0:
        text += f" Retiring up to {plural(searched, 'year')} later would not be enough on its own."
    return text


def _standing_advice(facts: AnalysisFacts) -> list[Recommendation]:
    params = facts.retirement_params
    saving = (
        f"The retirement projection assumes you add {format_money(params.annual_contribution)} a year "
        "from now on."
        if params is not None
        else "Regular saving is what builds a retirement portfolio."
    )
    drift = facts.analysis.drift
    has_targets = drift.asset_class is not None or drift.region is not None
    review = "Markets move your mix away from its targets over time" + (
        f"; your rebalancing band is ±{_tolerance(drift)}." if has_targets else "."
    )
    fees = next((f for f in facts.analysis.rules.findings if f.rule_id is RuleId.FEE_RATIO), None)
    return [
        Recommendation(
            title="Keep saving regularly",
            reasoning=saving,
            impact="Every extra dollar saved before retirement raises the value the projection starts "
            "from and compounds until you need it.",
            priority="low",
        ),
        Recommendation(
            title="Review your plan once a year",
            reasoning=review,
            impact="A yearly analysis catches drift, new concentrations and changes in your retirement "
            "outlook early, while small adjustments still suffice.",
            priority="low",
            actions=_actions(("Review your goals", GOALS_PAGE)),
        ),
        Recommendation(
            title="Keep your costs low",
            reasoning=fees.rationale
            if fees is not None
            else "Fund fees are charged every year, whatever the markets do.",
            impact="Low-cost index funds leave more of each year's return compounding for you.",
            priority="low",
        ),
    ]
