"""What the writers return, and the job payloads (PRODUCT.md §4) made from it and from the facts.

The output models are the structured outputs the writers produce, offline or from a language
model, so they stay plain: documented fields, bounded lengths, no behaviour. The ``*_payload``
functions shape the JSON stored on the job: money as decimal strings (exact, never float),
percentages and chart values as JSON numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alex.analysis.facts import AnalysisFacts, IncomeGap
from alex.domain.charts.validation import validate_charts
from alex.domain.labels import label
from alex.domain.portfolio.allocation import Allocations, Breakdown
from alex.domain.portfolio.drift import Drift
from alex.domain.portfolio.rebalancing import RebalancePlan
from alex.domain.portfolio.rules import RuleReport
from alex.domain.portfolio.valuation import PortfolioValuation
from alex.domain.retirement.models import RetirementParams, RetirementResult
from alex.settings import OFFLINE_MODEL

TITLE_MAX: Final = 120
REASONING_MAX: Final = 1500
IMPACT_MAX: Final = 800
CONTENT_MAX: Final = 100_000

Priority = Literal["high", "medium", "low"]
ChartType = Literal["pie", "bar", "donut", "horizontalBar", "line", "area"]
JsonDict = dict[str, Any]


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


ACTION_LABEL_MAX: Final = 120
ACTIONS_MAX: Final = 8
LOCAL_HREF: Final = r"^(?:/[A-Za-z0-9][A-Za-z0-9/_.\-]*)?(?:#[A-Za-z0-9][A-Za-z0-9_.\-]*)?$"
"""A path on this site and/or a fragment: no scheme, no other host (``//``), no query string."""


class RecommendationAction(_Output):
    """Where in Alex to act on a recommendation: a link on this site."""

    label: str = Field(min_length=1, max_length=ACTION_LABEL_MAX, description="the link's text, imperative")
    href: str = Field(
        min_length=2,
        max_length=300,
        pattern=LOCAL_HREF,
        description='a path on this site ("/accounts/<id>#position-ARKK") or a fragment of the report page '
        '("#suggested-trades")',
    )


class RecommendationText(_Output):
    """One action for the person, with why it matters and what it would change: what a writer
    (a model included) writes. Where to do it in Alex is Alex's own to add (``Recommendation``)."""

    title: str = Field(min_length=1, max_length=TITLE_MAX, description="the action, imperative, one line")
    reasoning: str = Field(
        min_length=1,
        max_length=REASONING_MAX,
        description="why: the computed findings behind it, with their numbers",
    )
    impact: str = Field(min_length=1, max_length=IMPACT_MAX, description="what following it would change")
    priority: Priority = Field(description="high for failed checks, medium for warnings and drift, else low")


class Recommendation(RecommendationText):
    """A recommendation as published: its text, and links to where it can be done in Alex."""

    actions: list[RecommendationAction] = Field(
        default_factory=list,
        max_length=ACTIONS_MAX,
        description="where in Alex to do it, when it asks for something done in Alex (may be empty)",
    )


class ReportOutput(_Output):
    """The portfolio report: markdown in the reference's sections, plus its recommendations."""

    content: str = Field(min_length=1, max_length=CONTENT_MAX, description="the report in markdown")
    recommendations: list[Recommendation] = Field(min_length=3, max_length=7)
    generated_by: str = Field(min_length=1, max_length=200, description='model id, or "offline"')


class ChartSeries(_Output):
    """One extra numeric field of a line/area chart's points (e.g. a percentile band)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1, max_length=80)
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")


class ChartPoint(BaseModel):
    """One slice, bar or point; line/area points may carry extra numbers named by the chart's series."""

    model_config = ConfigDict(frozen=True, extra="allow", str_strip_whitespace=True)
    __pydantic_extra__: dict[str, float] = Field(init=False)

    name: str = Field(min_length=1, max_length=255, description="a category, account name or symbol")
    value: float = Field(ge=0, allow_inf_nan=False, description="dollars (chart libraries compute shares)")
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")


class ChartSpec(_Output):
    """One chart of ``charts_payload``; ``key`` becomes its key in the payload."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="snake_case, unique")
    title: str = Field(min_length=1, max_length=120)
    type: ChartType
    description: str = Field(max_length=600)
    data: list[ChartPoint] = Field(min_length=1, max_length=200)
    series: list[ChartSeries] | None = Field(default=None, max_length=10, description="line/area only")


class ChartsOutput(_Output):
    """The charter's charts (none for an empty portfolio)."""

    charts: list[ChartSpec] = Field(max_length=10)
    generated_by: str = Field(min_length=1, max_length=200)

    @field_validator("charts")
    @classmethod
    def _unique_keys(cls, charts: list[ChartSpec]) -> list[ChartSpec]:
        keys = [chart.key for chart in charts]
        if len(set(keys)) != len(keys):
            raise ValueError("chart keys must be unique")
        return charts


class RetirementOutput(_Output):
    """The retirement writer's explanation of the Monte Carlo result."""

    analysis: str = Field(min_length=1, max_length=CONTENT_MAX, description="markdown")
    generated_by: str = Field(min_length=1, max_length=200)


def report_payload(report: ReportOutput, *, generated_at: datetime) -> JsonDict:
    """``report_payload``: the reference's ``content``/``generated_at``/``agent`` plus the structure."""
    return {
        "content": report.content,
        "recommendations": [r.model_dump() for r in report.recommendations],
        "generated_by": report.generated_by,
        "generated_at": generated_at.isoformat(),
        "agent": "reporter",
        "written_offline": report.generated_by == OFFLINE_MODEL,
    }


def charts_payload(charts: ChartsOutput) -> JsonDict:
    """``charts_payload``: ``{key: {title, type, description, data[, series]}}``, validated.

    Raises ``ChartValidationError`` for anything ``validate_charts`` rejects (e.g. duplicate
    point names, which the models alone do not catch).
    """
    payload = {chart.key: chart.model_dump(exclude={"key"}, exclude_none=True) for chart in charts.charts}
    validate_charts(payload)
    return payload


def retirement_payload(output: RetirementOutput, *, facts: AnalysisFacts, generated_at: datetime) -> JsonDict:
    """``retirement_payload``: the explanation plus every number behind it (``None`` without a projection).

    ``percentiles[p][i]`` is the value in year ``years[i]``; amounts are today's money.
    """
    result, params = facts.retirement, facts.retirement_params
    return {
        "analysis": output.analysis,
        **(_simulation(result, params) if result is not None and params is not None else _no_simulation()),
        "income": None if facts.income_gap is None else _income(facts.income_gap),
        "generated_by": output.generated_by,
        "generated_at": generated_at.isoformat(),
        "agent": "retirement",
        "written_offline": output.generated_by == OFFLINE_MODEL,
    }


def summary_section(facts: AnalysisFacts, *, warnings: Sequence[str]) -> JsonDict:
    """The job's summary section, with every warning of the run (the writers' included)."""
    return {**summary_payload(facts), "warnings": list(warnings)}


def summary_payload(facts: AnalysisFacts) -> JsonDict:
    """``summary_payload``: the computed analysis in numbers, for the UI and for auditing."""
    analysis = facts.analysis
    valuation, allocations = analysis.valuation, analysis.allocations
    return {
        "total_value": _money(valuation.total),
        "cash": _money(valuation.cash),
        "invested": _money(valuation.invested),
        "accounts": {"count": len(valuation.accounts), "items": _accounts(valuation, allocations)},
        "positions": {
            "count": facts.position_count,
            "unpriced": len(valuation.warnings),
            "holdings": [
                {"symbol": h.symbol, "name": h.name, "value": _money(h.value), "percent": float(h.percent)}
                for h in facts.holdings
            ],
        },
        "allocations": {
            "asset_class": _percents(allocations.asset_class),
            "region": _percents(allocations.region),
            "sector": _percents(allocations.sector),
            "instrument_type": _percents(allocations.instrument_type),
        },
        "drift": {
            "within_tolerance": analysis.drift.within_tolerance,
            "asset_class": _drift(analysis.drift.asset_class),
            "region": _drift(analysis.drift.region),
        },
        "rules": _rules(analysis.rules),
        "rebalancing": _rebalancing(analysis.rebalance),
        "retirement": None
        if facts.retirement is None
        else {
            "success_rate": facts.retirement.success_rate,
            "safe_withdrawal_rate": facts.retirement.safe_withdrawal_rate,
            "median_value_at_retirement": _money(facts.retirement.median_value_at_retirement),
        },
        "warnings": list(facts.warnings),
        "generated_at": facts.generated_at.isoformat(),
    }


def _accounts(valuation: PortfolioValuation, allocations: Allocations) -> list[JsonDict]:
    shares = allocations.account.percentages
    return [
        {
            "id": a.account.id,
            "name": a.account.name,
            "type": a.account.account_type,
            "value": _money(a.total),
            "cash": _money(a.cash),
            "invested": _money(a.invested),
            "percent": float(shares.get(a.account.id, Decimal(0))),
            "positions": len(a.positions),
        }
        for a in valuation.accounts
    ]


def _rules(rules: RuleReport) -> JsonDict:
    return {
        "worst": rules.worst.value,
        "findings": [
            {
                "rule_id": f.rule_id.value,
                "title": f.title,
                "status": f.status.value,
                "value": float(f.value),
                "threshold": float(f.threshold),
                "warn_above": float(f.warn_above),
                "fail_above": float(f.fail_above),
                "unit": f.unit,
                "subject": f.subject,
                "rationale": f.rationale,
            }
            for f in rules.findings
        ],
        "skipped": [
            {"rule_id": rule_id.value, "reason": reason} for rule_id, reason in rules.skipped.items()
        ],
    }


def _rebalancing(plan: RebalancePlan) -> JsonDict:
    return {
        "trades": [
            {
                "account_id": t.account_id,
                "account_name": t.account_name,
                "symbol": t.symbol,
                "action": t.action.value,
                "quantity": _decimal(t.quantity),
                "price": _decimal(t.price),
                "amount": _money(t.amount),
                "position_id": t.position_id,
                "tax_note": t.tax_note,
            }
            for t in plan.trades
        ],
        "bought": _money(plan.bought),
        "sold": _money(plan.sold),
        "new_money_only": plan.new_money_only,
        "cash_after": {account_id: _money(cash) for account_id, cash in plan.cash_after.items()},
        "drift_after": {"asset_class": _drift(plan.after.asset_class), "region": _drift(plan.after.region)},
        "within_tolerance_after": plan.within_tolerance,
        "notes": list(plan.notes),
    }


def _simulation(result: RetirementResult, params: RetirementParams) -> JsonDict:
    used = result.assumptions
    return {
        "success_rate": result.success_rate,
        "years": result.years,
        "percentiles": {name: [_money(v) for v in values] for name, values in result.percentiles.items()},
        "median_ending_value": _money(result.median_ending_value),
        "p10_ending_value": _money(result.p10_ending_value),
        "median_value_at_retirement": _money(result.median_value_at_retirement),
        "safe_withdrawal_rate": result.safe_withdrawal_rate,
        "worst_case_withdrawal_rate": result.worst_case_withdrawal_rate,
        "worst_start_year": result.worst_start_year,
        "years_lasted": result.years_lasted,
        "retirement_starts_at_year": result.retirement_starts_at_year,
        "paths": result.paths,
        "seed": result.seed,
        "assumptions": {
            "returns": used.returns,
            "volatilities": used.volatilities,
            "correlations": used.correlations,
            "inflation": used.inflation,
            "method": used.method,
            "description": used.description,
            "data": used.data,
            "history_years": None if used.history_years is None else list(used.history_years),
            "start_years": None if used.start_years is None else list(used.start_years),
            "proxies": dict(used.proxies),
            "paths": used.paths,
            "block_years": used.block_years,
        },
        "params": {
            "current_value": _money(params.current_value),
            "allocation": {k: float(v) for k, v in params.allocation.items()},
            "years_until_retirement": params.years_until_retirement,
            "annual_contribution": _money(params.annual_contribution),
            "contribution_growth": params.contribution_growth,
            "retirement_years": params.retirement_years,
            "withdrawal_strategy": params.strategy.value,
            "withdrawal_rate": params.withdrawal_rate,
            "target_income": None if params.target_income is None else _money(params.target_income),
            "other_income": _money(params.other_income),
            "other_income_delay_years": params.other_income_delay_years,
            "retirement_allocation": None
            if params.retirement_allocation is None
            else {k: float(v) for k, v in params.retirement_allocation.items()},
            "method": params.return_method.value,
        },
    }


def _no_simulation() -> JsonDict:
    return dict.fromkeys(
        (
            "success_rate",
            "years",
            "percentiles",
            "median_ending_value",
            "p10_ending_value",
            "median_value_at_retirement",
            "safe_withdrawal_rate",
            "worst_case_withdrawal_rate",
            "worst_start_year",
            "years_lasted",
            "retirement_starts_at_year",
            "paths",
            "seed",
            "assumptions",
            "params",
        )
    )


def _income(gap: IncomeGap) -> JsonDict:
    return {
        "safe_income": _money(gap.safe_income),
        "target_income": _money(gap.target_income),
        "shortfall": _money(gap.shortfall),
        "surplus": _money(gap.surplus),
        "extra_contribution": None if gap.extra_contribution is None else _money(gap.extra_contribution),
        "later_retirement_years": gap.later_retirement_years,
        "other_income": _money(gap.other_income),
    }


def _drift(drift: Drift | None) -> JsonDict | None:
    if drift is None:
        return None
    return {
        "base": _money(drift.base),
        "excluded": {key: _money(value) for key, value in drift.excluded.items()},
        "tolerance": float(drift.tolerance),
        "within_tolerance": drift.within_tolerance,
        "rows": [
            {
                "key": row.key,
                "label": label(row.key),
                "current_value": _money(row.current_value),
                "current_percent": float(row.current_percent),
                "target_percent": float(row.target_percent),
                "drift": float(row.drift),
                "within_tolerance": row.within_tolerance,
            }
            for row in drift.rows
        ],
    }


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):f}"


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _percents(breakdown: Breakdown) -> dict[str, float]:
    return {key: float(value) for key, value in breakdown.percentages.items()}
