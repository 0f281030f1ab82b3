"""The offline reporter: a data-driven markdown report in the reference's sections.

Sections (the reference's REPORTER_INSTRUCTIONS): Executive Summary, Portfolio Composition,
Diversification, Risk Profile, Retirement Readiness, Recommendations, Conclusion. The text
quotes the analytics' own rationales where they exist, so a number reads the same in the
report, the checks and the charts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from alex.analysis.facts import AnalysisFacts
from alex.analysis.offline.recommendations import largest_drift, off_target, recommendations
from alex.analysis.offline.retirement_writer import readiness, verdict
from alex.analysis.offline.text import OFFLINE_NOTICE, plural, points, table, target
from alex.analysis.payloads import Recommendation, ReportOutput
from alex.domain.formatting import format_money, format_percent
from alex.domain.labels import label
from alex.domain.portfolio.allocation import CASH, UNCLASSIFIED, Breakdown
from alex.domain.portfolio.drift import Drift
from alex.domain.portfolio.rebalancing import TAXABLE_SALE_NOTE
from alex.domain.portfolio.rules import Finding, RuleId, Status
from alex.domain.taxonomy import AssetClass
from alex.settings import OFFLINE_MODEL

SECTIONS: Final = (
    "Executive Summary",
    "Portfolio Composition",
    "Diversification",
    "Risk Profile",
    "Retirement Readiness",
    "Recommendations",
    "Conclusion",
)
DIVERSIFICATION_RULES: Final = (
    RuleId.SINGLE_POSITION_CONCENTRATION,
    RuleId.SECTOR_CONCENTRATION,
    RuleId.REGION_CONCENTRATION,
    RuleId.ACCOUNT_CONCENTRATION,
    RuleId.HOME_BIAS,
)
RISK_RULES: Final = (
    RuleId.CASH_DRAG,
    RuleId.FIXED_INCOME_VS_HORIZON,
    RuleId.FEE_RATIO,
    RuleId.UNCLASSIFIED_HOLDINGS,
)
TOP_HOLDINGS: Final = 10
TOP_SECTORS: Final = 6
TRADES_SHOWN: Final = 25
"""Trades listed in the report; the summary payload has them all."""
NOT_SECTORS: Final = frozenset({CASH, UNCLASSIFIED})
"""Buckets of the sector breakdown that are not industries (shown elsewhere)."""
STATUS_WORDS: Final = {Status.FAIL: "Fail", Status.WARN: "Warning", Status.OK: "OK"}
TAXABLE_SALE_MARK: Final = "taxable: may realise capital gains"
"""The trades table's mark on a sale in a taxable account (the trade's ``tax_note``)."""


def write_report(facts: AnalysisFacts) -> ReportOutput:
    """The full report with its three to seven recommendations."""
    advice = recommendations(facts)
    bodies = (
        _executive_summary(facts),
        _composition(facts),
        _diversification(facts),
        _risk_profile(facts),
        _retirement_readiness(facts),
        _recommendations(facts, advice),
        _conclusion(facts, advice),
    )
    parts = [
        f"# Portfolio report for {facts.profile.display_name}",
        f"Prepared on {facts.generated_at.date().isoformat()}.\n\n{OFFLINE_NOTICE}",
    ]
    for title, body in zip(SECTIONS, bodies, strict=True):
        parts += [f"## {title}", body]
    return ReportOutput(content="\n\n".join(parts), recommendations=advice, generated_by=OFFLINE_MODEL)


def _executive_summary(facts: AnalysisFacts) -> str:
    analysis = facts.analysis
    if facts.total <= 0:
        bullets = [
            "Your portfolio has no value yet: no cash and no priced holdings are recorded.",
            "No diversification checks or retirement projection could be run without holdings.",
            "Start by adding your accounts, cash balances and positions, then run the analysis again.",
        ]
        return _bullets(bullets)
    cash_share = analysis.allocations.asset_class.percent(AssetClass.CASH.value)
    bullets = [
        f"Your portfolio is worth **{format_money(facts.total)}** across "
        f"{plural(len(facts.portfolio.accounts), 'account')} and {plural(facts.position_count, 'position')}, "
        f"with {format_money(analysis.valuation.cash)} ({format_percent(cash_share)}) in cash.",
        f"Asset mix: {_shares(analysis.allocations.asset_class, limit=4)}; {_drift_phrase(facts)}.",
        _checks_phrase(facts),
    ]
    result, gap = facts.retirement, facts.income_gap
    if result is not None:
        text = (
            f"Retirement: your money lasts in {format_percent(result.success_rate)} of simulated futures "
            f"({verdict(result.success_rate)})"
        )
        if gap is not None:
            text += (
                f"; the median future safely supports about {format_money(gap.safe_income)} a year "
                f"against your {format_money(gap.target_income)} target"
            )
        bullets.append(text + ".")
    return _bullets(bullets)


def _drift_phrase(facts: AnalysisFacts) -> str:
    drift = facts.analysis.drift
    if drift.asset_class is None and drift.region is None:
        return "you have not set targets to compare it with"
    if drift.within_tolerance:
        return "every share is within your rebalancing band"
    return f"it is off your targets by up to {points(largest_drift(drift))}"


def _checks_phrase(facts: AnalysisFacts) -> str:
    rules = facts.analysis.rules
    counts = {status: sum(f.status is status for f in rules.findings) for status in Status}
    text = (
        f"Portfolio checks: {counts[Status.FAIL]} failed, {counts[Status.WARN]} "
        f"{'needs' if counts[Status.WARN] == 1 else 'need'} attention and {counts[Status.OK]} passed"
    )
    if rules.skipped:
        text += f" ({len(rules.skipped)} not checked)"
    worst = next((f for f in _by_severity(rules.findings) if f.status is not Status.OK), None)
    if worst is None:
        return text + "."
    return text + f"; the most serious is {worst.title.lower()} ({_measure(worst)})."


def _by_severity(findings: Iterable[Finding]) -> list[Finding]:
    rank = {Status.FAIL: 0, Status.WARN: 1, Status.OK: 2}
    return sorted(findings, key=lambda f: rank[f.status])


def _measure(finding: Finding) -> str:
    """The measured value against the limit that decided the status, in the rule's unit."""
    if finding.unit == "%":
        value, limit = format_percent(finding.value), target(finding.threshold)
    else:
        value, limit = points(finding.value), points(finding.threshold)
    word = "limit" if finding.status is Status.FAIL else "warning level"
    return f"{value} against a {limit} {word}"


def _composition(facts: AnalysisFacts) -> str:
    analysis = facts.analysis
    valuation, allocations = analysis.valuation, analysis.allocations
    if facts.total <= 0:
        return "There is nothing to break down yet." + _warnings_note(facts)
    shares = allocations.account.percentages
    accounts = table(
        ["Account", "Type", "Value", "Share", "Cash"],
        [
            [
                a.account.name,
                label(a.account.account_type),
                format_money(a.total),
                format_percent(shares.get(a.account.id, 0)),
                format_money(a.cash),
            ]
            for a in valuation.accounts
        ],
    )
    targets = facts.profile.targets.asset_class_targets
    asset_rows = [
        [label(key), format_money(value), format_percent(allocations.asset_class.percent(key))]
        + ([target(targets.get(key, 0))] if targets else [])
        for key, value in allocations.asset_class.values.items()
    ]
    assets = table(["Asset class", "Value", "Share", *(["Target"] if targets else [])], asset_rows)
    parts = [
        f"You hold {format_money(valuation.invested)} in investments and {format_money(valuation.cash)} in "
        f"cash, {format_money(facts.total)} in all. By account:",
        accounts,
        "By asset class, looking through funds to what they hold:",
        assets,
    ]
    holdings = facts.holdings[:TOP_HOLDINGS]
    if holdings:
        parts += [
            f"Your {plural(len(holdings), 'largest holding')}, all accounts combined:",
            table(
                ["Holding", "Name", "Value", "Share"],
                [[h.symbol, h.name, format_money(h.value), format_percent(h.percent)] for h in holdings],
            ),
            f"By instrument type: {_shares(allocations.instrument_type)}.",
        ]
    return "\n\n".join(parts) + _warnings_note(facts)


def _warnings_note(facts: AnalysisFacts) -> str:
    if not facts.warnings:
        return ""
    return "\n\n**Please note:**\n\n" + _bullets(facts.warnings)


def _diversification(facts: AnalysisFacts) -> str:
    allocations = facts.analysis.allocations
    if facts.total <= 0:
        return "Diversification cannot be measured without holdings."
    parts = [
        "Where your money is invested, by region:",
        table(
            ["Region", "Value", "Share"],
            [
                [label(key), format_money(value), format_percent(allocations.region.percent(key))]
                for key, value in allocations.region.values.items()
            ],
        ),
        "Largest sectors, looking through funds: "
        f"{_shares(allocations.sector, limit=TOP_SECTORS, skip=NOT_SECTORS)}.",
        _findings(facts, DIVERSIFICATION_RULES),
    ]
    region_gaps = off_target(facts.analysis.drift.region)
    if region_gaps:
        parts.append(f"Against your regional targets (invested money only): {'; '.join(region_gaps)}.")
    return "\n\n".join(part for part in parts if part)


def _risk_profile(facts: AnalysisFacts) -> str:
    analysis = facts.analysis
    if facts.total <= 0:
        return "There is no risk to profile without holdings."
    assets = analysis.allocations.asset_class
    parts = [
        f"Stocks make up {format_percent(assets.percent(AssetClass.EQUITY.value))} of the portfolio and "
        f"bonds {format_percent(assets.percent(AssetClass.FIXED_INCOME.value))}: stocks drive both the "
        "growth and the swings of a portfolio, bonds and cash soften them.",
    ]
    drift = analysis.drift.asset_class
    if drift is not None:
        # Drift leaves unclassified money out of its base, so its shares can differ from the table above.
        basis = " as shares of the money with a known asset class" if drift.excluded else ""
        parts += [
            f"Your mix against your targets{basis} (band ±{points(drift.tolerance)}):",
            _drift_table(drift),
        ]
    parts.append(_findings(facts, RISK_RULES))
    skipped = analysis.rules.skipped
    if skipped:
        titles = {f.rule_id: f.title for f in analysis.rules.findings}
        parts.append(
            "Not checked:\n\n"
            + _bullets(
                f"{titles.get(rule_id, label(rule_id.value))}: {reason}"
                for rule_id, reason in skipped.items()
            )
        )
    return "\n\n".join(part for part in parts if part)


def _drift_table(drift: Drift) -> str:
    return table(
        ["Asset class", "Current", "Target", "Gap", "Within band"],
        [
            [
                label(row.key),
                format_percent(row.current_percent),
                target(row.target_percent),
                f"{points(row.drift)} {'over' if row.drift > 0 else 'under'}" if row.drift else "none",
                "yes" if row.within_tolerance else "no",
            ]
            for row in drift.rows
        ],
    )


def _findings(facts: AnalysisFacts, rule_ids: tuple[RuleId, ...]) -> str:
    findings = [f for f in facts.analysis.rules.findings if f.rule_id in rule_ids]
    return _bullets(f"**{f.title}** ({STATUS_WORDS[f.status]}): {f.rationale}" for f in findings)


def _retirement_readiness(facts: AnalysisFacts) -> str:
    params, result = facts.retirement_params, facts.retirement
    if params is None or result is None:
        return "There is no retirement projection yet; see the notes above for why."
    return (
        readiness(facts, params, result) + "\n\nThe retirement section has the full projection, year by year."
    )


def _recommendations(facts: AnalysisFacts, advice: list[Recommendation]) -> str:
    items = [
        f"{number}. **{r.title}** ({r.priority} priority)\n   {r.reasoning}\n   *Impact:* {r.impact}"
        for number, r in enumerate(advice, start=1)
    ]
    parts = ["\n".join(items)]
    trades = facts.analysis.rebalance.trades
    if trades:
        shown = trades[:TRADES_SHOWN]
        more = len(trades) - len(shown)
        parts += [
            "### Suggested trades",
            table(
                ["Account", "Action", "Symbol", "Quantity", "Amount", "Tax"],
                [
                    [
                        t.account_name,
                        t.action.value,
                        t.symbol,
                        f"{t.quantity.normalize():f}",
                        format_money(t.amount),
                        TAXABLE_SALE_MARK if t.tax_note else "",
                    ]
                    for t in shown
                ],
            ),
            # The total, not the number left out: only the total is a computed fact.
            (f"The analysis summary lists all {plural(len(trades), 'trade')}. " if more else "")
            + "Each account pays for its purchases with its own cash and sales; quantities are estimates at "
            "today's prices, so check them before trading."
            + (f" {TAXABLE_SALE_NOTE}" if any(t.tax_note for t in shown) else ""),
        ]
    return "\n\n".join(parts)


def _conclusion(facts: AnalysisFacts, advice: list[Recommendation]) -> str:
    if facts.total <= 0:
        opening = "There is not enough information for a full assessment yet."
    else:
        opening = {
            Status.FAIL: "Your portfolio has issues that deserve attention soon.",
            Status.WARN: "Your portfolio is broadly sound, with some points to watch.",
            Status.OK: "Your portfolio passes every check that could be run.",
        }[facts.analysis.rules.worst]
    urgent = [r for r in advice if r.priority == "high"]
    if len(urgent) > 1:
        # No count of the actions: it is not a computed fact, so the grounding check would not know it.
        focus = f"Start with the high-priority actions, beginning with “{urgent[0].title}”."
    else:
        focus = f"The first step is “{advice[0].title}”."
    return (
        f"{opening} {focus} Run the analysis again after making changes, and at least once a year, to "
        "see their effect. This report explains the computed numbers and is not personal financial "
        "advice; it was written offline, without a language model."
    )


def _shares(breakdown: Breakdown, *, limit: int | None = None, skip: frozenset[str] = frozenset()) -> str:
    items = [(key, share) for key, share in breakdown.percentages.items() if key not in skip][:limit]
    return ", ".join(f"{label(key)} {format_percent(share)}" for key, share in items)


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)
