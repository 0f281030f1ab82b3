import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from pydantic import ValidationError

from alex.analysis.facts import AnalysisFacts
from alex.analysis.offline.charter import write_charts
from alex.analysis.offline.reporter import write_report
from alex.analysis.offline.retirement_writer import write_retirement
from alex.analysis.payloads import (
    ChartsOutput,
    ChartSpec,
    Recommendation,
    RecommendationAction,
    ReportOutput,
    charts_payload,
    report_payload,
    retirement_payload,
    summary_payload,
)
from alex.domain.charts.validation import ChartValidationError, validate_charts
from alex.settings import OFFLINE_MODEL
from tests.support.portfolios import WHEN, demo_facts, empty_facts, gappy_facts

RECOMMENDATION = Recommendation(title="Do it", reasoning="Because.", impact="Better.", priority="low")


def test_report_payload_shape() -> None:
    report = write_report(demo_facts())
    payload = json.loads(json.dumps(report_payload(report, generated_at=WHEN)))
    assert set(payload) == {
        "content",
        "recommendations",
        "generated_by",
        "generated_at",
        "agent",
        "written_offline",
    }
    assert payload["agent"] == "reporter"
    assert payload["generated_by"] == OFFLINE_MODEL
    assert payload["written_offline"] is True
    assert payload["generated_at"] == "2025-03-14T09:30:00+00:00"
    assert all(
        set(r) == {"title", "reasoning", "impact", "priority", "actions"} for r in payload["recommendations"]
    )


def test_a_model_written_report_is_not_marked_offline() -> None:
    report = ReportOutput(
        content="# Report", recommendations=[RECOMMENDATION] * 3, generated_by="openai:gpt-5"
    )
    assert report_payload(report, generated_at=WHEN)["written_offline"] is False


@pytest.mark.parametrize("make_facts", [demo_facts, gappy_facts])
def test_charts_payload_has_the_portfolio_charts_and_the_fan_chart(
    make_facts: Callable[[], AnalysisFacts],
) -> None:
    payload = charts_payload(write_charts(make_facts()))
    json.dumps(payload)
    validate_charts(payload)
    expected = {"asset_allocation", "geographic_exposure", "sector_breakdown", "retirement_projection"}
    assert expected <= set(payload)
    fan = payload["retirement_projection"]
    assert fan["type"] == "area"
    assert [s["key"] for s in fan["series"]] == ["p5", "p25", "p50", "p75", "p95"]
    assert {"p5", "p50", "p95"} <= set(fan["data"][0])
    assert all("series" not in chart for key, chart in payload.items() if key != "retirement_projection")


def test_charts_payload_is_the_domain_charts_unchanged() -> None:
    facts = demo_facts()
    payload = charts_payload(write_charts(facts))
    for key, chart in facts.analysis.charts.items():
        assert payload[key] == chart


def test_an_empty_portfolio_has_no_charts() -> None:
    assert charts_payload(write_charts(empty_facts())) == {}


def test_charts_payload_rejects_what_the_validator_rejects() -> None:
    point = {"name": "Equity", "value": 1.0, "color": "#209DD7"}
    chart = ChartSpec.model_validate(
        {"key": "mix", "title": "Mix", "type": "pie", "description": "", "data": [point, point]}
    )
    with pytest.raises(ChartValidationError, match="duplicate name"):
        charts_payload(ChartsOutput(charts=[chart], generated_by="model"))


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "radar"},
        {"key": "Not Snake"},
        {"data": [{"name": "x", "value": -1, "color": "#209DD7"}]},
        {"data": [{"name": "x", "value": 1, "color": "red"}]},
        {"data": []},
    ],
)
def test_chart_specs_are_strict(bad: dict[str, object]) -> None:
    base = {
        "key": "mix",
        "title": "Mix",
        "type": "pie",
        "description": "",
        "data": [{"name": "x", "value": 1, "color": "#209DD7"}],
    }
    with pytest.raises(ValidationError):
        ChartSpec.model_validate(base | bad)


def test_chart_keys_must_be_unique() -> None:
    chart = write_charts(demo_facts()).charts[0]
    with pytest.raises(ValidationError, match="unique"):
        ChartsOutput(charts=[chart, chart], generated_by=OFFLINE_MODEL)


@pytest.mark.parametrize(
    "changes",
    [
        {"priority": "urgent"},
        {"title": ""},
        {"title": "x" * 121},
        {"unexpected": "field"},
    ],
)
def test_recommendations_are_validated(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Recommendation.model_validate(RECOMMENDATION.model_dump() | changes)


@pytest.mark.parametrize("href", ["/accounts/acct-1#position-BRK.B", "#suggested-trades", "/goals"])
def test_an_action_links_to_a_page_of_alex(href: str) -> None:
    assert RecommendationAction(label="Go there", href=href).href == href


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "https://example.com/",
        "//example.com/accounts",
        "/\\example.com",
        "/accounts?next=//example.com",
        "/accounts /x",
        "#",
        "",
    ],
)
def test_an_action_never_links_outside_alex(href: str) -> None:
    with pytest.raises(ValidationError):
        RecommendationAction(label="Go there", href=href)


def test_recommendations_written_before_actions_existed_still_read() -> None:
    stored = {"title": "Do it", "reasoning": "Because.", "impact": "Better.", "priority": "low"}
    assert Recommendation.model_validate(stored).actions == []


@pytest.mark.parametrize("count", [2, 8])
def test_a_report_has_three_to_seven_recommendations(count: int) -> None:
    with pytest.raises(ValidationError):
        ReportOutput(content="# Report", recommendations=[RECOMMENDATION] * count, generated_by=OFFLINE_MODEL)


def test_retirement_payload_carries_the_numbers_as_decimal_strings() -> None:
    facts = demo_facts()
    assert facts.retirement is not None
    assert facts.income_gap is not None
    payload = json.loads(
        json.dumps(retirement_payload(write_retirement(facts), facts=facts, generated_at=WHEN))
    )
    assert payload["agent"] == "retirement"
    assert payload["generated_by"] == OFFLINE_MODEL
    assert payload["written_offline"] is True
    assert payload["success_rate"] == facts.retirement.success_rate
    assert payload["safe_withdrawal_rate"] == facts.retirement.safe_withdrawal_rate
    assert payload["years"] == list(range(51))
    assert set(payload["percentiles"]) == {"p5", "p25", "p50", "p75", "p95"}
    assert all(len(values) == 51 for values in payload["percentiles"].values())
    assert Decimal(payload["percentiles"]["p50"][0]) == facts.total
    assert Decimal(payload["median_ending_value"]) == facts.retirement.median_ending_value
    assert Decimal(payload["p10_ending_value"]) == facts.retirement.p10_ending_value
    assert set(payload["assumptions"]) == {
        "returns",
        "volatilities",
        "correlations",
        "inflation",
        "method",
        "description",
        "data",
        "history_years",
        "start_years",
        "proxies",
        "paths",
        "block_years",
    }
    assert payload["assumptions"]["method"] == "parametric"
    assert payload["assumptions"]["description"]
    assert payload["worst_case_withdrawal_rate"] == facts.retirement.worst_case_withdrawal_rate
    assert payload["params"]["target_income"] == "60000.00"
    assert payload["params"]["method"] == "parametric"
    assert payload["params"]["other_income"] == "0.00"
    assert payload["income"]["shortfall"] == f"{facts.income_gap.shortfall:.2f}"
    assert isinstance(payload["income"]["extra_contribution"], str)


def test_retirement_payload_without_a_projection_has_null_numbers() -> None:
    facts = empty_facts()
    payload = retirement_payload(write_retirement(facts), facts=facts, generated_at=WHEN)
    json.dumps(payload)
    assert payload["analysis"]
    assert payload["success_rate"] is None
    assert payload["percentiles"] is None
    assert payload["income"] is None


def test_summary_payload_shape_and_values() -> None:
    facts = demo_facts()
    payload = json.loads(json.dumps(summary_payload(facts)))
    assert payload["total_value"] == "253567.90"
    assert payload["cash"] == "17500.00"
    assert payload["accounts"]["count"] == 3
    assert [a["value"] for a in payload["accounts"]["items"]] == ["152777.50", "46018.00", "54772.40"]
    assert payload["positions"]["count"] == 17
    for dimension in ("asset_class", "region", "sector"):
        assert sum(payload["allocations"][dimension].values()) == pytest.approx(100)
    assert payload["allocations"]["asset_class"]["equity"] == 83.06
    rows = {row["key"]: row for row in payload["drift"]["asset_class"]["rows"]}
    assert rows["equity"]["target_percent"] == 70
    assert rows["equity"]["drift"] == pytest.approx(13.06)
    findings = {f["rule_id"]: f for f in payload["rules"]["findings"]}
    assert findings["home_bias"]["status"] == "fail"
    assert set(findings["home_bias"]) >= {"rule_id", "status", "value", "threshold", "rationale"}
    trades = payload["rebalancing"]["trades"]
    assert trades
    assert all(isinstance(t["amount"], str) and isinstance(t["quantity"], str) for t in trades)
    # The demo's brokerage account is taxable: its sales carry the tax note, other trades do not.
    assert any(t["tax_note"] for t in trades)
    assert all(
        t["action"] == "sell" and t["account_name"] == "Brokerage Account" for t in trades if t["tax_note"]
    )
    assert all(t["tax_note"] is None for t in trades if t["account_name"] != "Brokerage Account")
    assert payload["warnings"] == []


def test_summary_payload_lists_the_warnings_and_works_when_empty() -> None:
    gappy = summary_payload(gappy_facts())
    assert gappy["positions"]["unpriced"] == 1
    assert any("NEWCO" in w for w in gappy["warnings"])
    empty = json.loads(json.dumps(summary_payload(empty_facts())))
    assert empty["total_value"] == "0.00"
    assert empty["accounts"]["count"] == 0
    assert empty["allocations"]["asset_class"] == {}
    assert empty["retirement"] is None
    assert empty["rules"]["findings"] == []
