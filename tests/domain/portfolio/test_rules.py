from decimal import Decimal

import pytest

from alex.domain.portfolio.models import Portfolio
from alex.domain.portfolio.rules import (
    DEFAULT_THRESHOLDS,
    Finding,
    RuleId,
    RuleReport,
    RuleSettings,
    Status,
    Threshold,
    evaluate_rules,
    recommended_fixed_income,
)
from alex.domain.portfolio.valuation import value_portfolio

from ..builders import AOR, BND, GLD, NVDA, SPY, VEA, account, instrument


def _report(*accounts: object, years: int | None = None, settings: RuleSettings | None = None) -> RuleReport:
    portfolio = Portfolio(tuple(accounts))  # type: ignore[arg-type]
    return evaluate_rules(value_portfolio(portfolio), years_until_retirement=years, settings=settings)


def _finding(report: RuleReport, rule_id: RuleId) -> Finding:
    return next(f for f in report.findings if f.rule_id is rule_id)


def test_reference_like_portfolio() -> None:
    report = _report(
        account(
            "k", (SPY, "150"), (BND, "200"), cash="5000", account_type="401k", name="401k", interest="0.01"
        ),
        account("r", (VEA, "60"), (GLD, "25"), (AOR, "40"), cash="2500", name="Roth IRA"),
        account("b", (NVDA, "25"), cash="10000", name="Brokerage"),
        years=12,
    )
    statuses = {f.rule_id: f.status for f in report.findings}
    assert statuses == {
        RuleId.SINGLE_POSITION_CONCENTRATION: Status.WARN,
        RuleId.SECTOR_CONCENTRATION: Status.WARN,
        RuleId.REGION_CONCENTRATION: Status.OK,
        RuleId.ACCOUNT_CONCENTRATION: Status.WARN,
        RuleId.CASH_DRAG: Status.WARN,
        RuleId.HOME_BIAS: Status.FAIL,
        RuleId.FIXED_INCOME_VS_HORIZON: Status.WARN,
        RuleId.UNCLASSIFIED_HOLDINGS: Status.OK,
        RuleId.FEE_RATIO: Status.OK,
    }
    assert report.worst is Status.FAIL
    single = _finding(report, RuleId.SINGLE_POSITION_CONCENTRATION)
    assert (single.subject, single.value, single.threshold) == ("NVDA", Decimal("10.68"), Decimal(10))
    assert single.rationale.startswith(
        "NVDA is 10.7% of your portfolio ($13,069), above the 10% warning level"
    )
    cash = _finding(report, RuleId.CASH_DRAG)
    assert "Cash is 14.3% of your portfolio ($17,500)" in cash.rationale
    assert "earns 0.29% a year on average, below the 2.5% inflation assumption" in cash.rationale
    bonds = _finding(report, RuleId.FIXED_INCOME_VS_HORIZON)
    assert bonds.unit == "percentage points"
    assert bonds.subject == "below"
    assert "about 31% in bonds; you hold 12.5%, 18.3 percentage points below" in bonds.rationale


def test_funds_do_not_count_as_single_positions() -> None:
    finding = _finding(_report(account("a", (SPY, "100"))), RuleId.SINGLE_POSITION_CONCENTRATION)
    assert (finding.status, finding.value) == (Status.OK, 0)
    assert "only funds" in finding.rationale


def test_large_single_stock_fails() -> None:
    finding = _finding(_report(account("a", (NVDA, "10"), (SPY, "10"))), RuleId.SINGLE_POSITION_CONCENTRATION)
    assert finding.status is Status.FAIL
    assert finding.threshold == 20
    assert "above the 20% limit" in finding.rationale


def test_sector_concentration_looks_through_funds_and_ignores_bond_sectors() -> None:
    report = _report(account("a", (NVDA, "10"), (BND, "100")))
    finding = _finding(report, RuleId.SECTOR_CONCENTRATION)
    assert finding.subject == "technology"
    assert finding.status is Status.FAIL
    assert "Technology is your largest industry at 41.9%" in finding.rationale
    assert RuleId.SECTOR_CONCENTRATION in _report(account("a", (BND, "1"))).skipped


def test_region_concentration_is_about_foreign_regions() -> None:
    finding = _finding(_report(account("a", (VEA, "100"))), RuleId.REGION_CONCENTRATION)
    assert (finding.subject, finding.value, finding.status) == ("europe", Decimal(60), Status.FAIL)
    at_home = _finding(_report(account("a", (SPY, "1"))), RuleId.REGION_CONCENTRATION)
    assert at_home.status is Status.OK
    assert "see home bias" in at_home.rationale


def test_single_account_is_called_out() -> None:
    finding = _finding(_report(account("a", (SPY, "1"), name="Roth IRA")), RuleId.ACCOUNT_CONCENTRATION)
    assert finding.status is Status.FAIL
    assert finding.rationale.startswith("All of your money is in one account, Roth IRA")


def test_home_bias_measures_stocks_only() -> None:
    balanced = _report(account("a", (SPY, "10"), (VEA, "45"), (BND, "1000")))
    finding = _finding(balanced, RuleId.HOME_BIAS)
    assert finding.value == Decimal("67.44")
    assert finding.status is Status.OK
    assert "roughly two thirds of world stock-market value" in finding.rationale
    assert RuleId.HOME_BIAS in _report(account("a", (BND, "1"))).skipped
    europe = _report(account("a", (VEA, "10")), settings=RuleSettings(home_region="europe"))
    assert _finding(europe, RuleId.HOME_BIAS).value == Decimal(60)


def test_fixed_income_follows_a_glide_path() -> None:
    assert [recommended_fixed_income(y) for y in (0, 10, 25, 40)] == [50, 34, 10, 10]
    young = _finding(
        _report(account("a", (SPY, "20"), (BND, "12")), years=30), RuleId.FIXED_INCOME_VS_HORIZON
    )
    assert young.status is Status.OK
    retiring = _finding(
        _report(account("a", (SPY, "20"), (BND, "12")), years=0), RuleId.FIXED_INCOME_VS_HORIZON
    )
    assert retiring.status is Status.FAIL
    assert "below" in retiring.rationale
    assert RuleId.FIXED_INCOME_VS_HORIZON in _report(account("a", (SPY, "1"))).skipped


def test_unclassified_holdings_are_flagged() -> None:
    pending = instrument("NEW", "100", asset={"equity": 100}, unclassified=True)
    finding = _finding(_report(account("a", (SPY, "1"), (pending, "1"))), RuleId.UNCLASSIFIED_HOLDINGS)
    assert finding.status is Status.FAIL
    assert finding.subject == "NEW"
    assert finding.rationale.startswith(
        "NEW (region and sector unknown) is not fully classified yet (18.2% of the portfolio)"
    )


def test_fee_ratio_weights_known_expense_ratios() -> None:
    pricey = instrument(
        "ACTV", "100", asset={"equity": 100}, instrument_type="mutual_fund", expense_ratio="1.20"
    )
    unknown = instrument("UNKN", "100", asset={"equity": 100}, instrument_type="mutual_fund")
    finding = _finding(_report(account("a", (pricey, "10"), (NVDA, "1"), (unknown, "5"))), RuleId.FEE_RATIO)
    assert finding.value == Decimal("0.7881")  # $12 a year on $1,522.74 of holdings with a known cost
    assert finding.status is Status.WARN
    assert "(funds worth $500 have no known expense ratio and are not counted)" in finding.rationale
    assert "over 30 years that fee takes about 21%" in finding.rationale
    assert RuleId.FEE_RATIO in _report(account("a", (unknown, "1"))).skipped
    assert _finding(_report(account("a", (NVDA, "1"))), RuleId.FEE_RATIO).value == 0


def test_thresholds_are_user_overridable() -> None:
    settings = RuleSettings().with_overrides(
        {"cash_drag": {"warn_above": 60, "fail_above": 80}, "home_bias": {"enabled": False}}
    )
    report = _report(account("a", (SPY, "1"), cash="500"), settings=settings)
    cash = _finding(report, RuleId.CASH_DRAG)
    assert (cash.status, cash.warn_above, cash.fail_above) == (Status.OK, 60, 80)
    assert report.skipped[RuleId.HOME_BIAS] == "Turned off in your settings."
    assert DEFAULT_THRESHOLDS[RuleId.CASH_DRAG].warn_above == 10  # defaults untouched
    with pytest.raises(ValueError, match="unknown rule"):
        RuleSettings().with_overrides({"vibes": {}})
    with pytest.raises(ValueError, match="unknown settings"):
        RuleSettings().with_overrides({"cash_drag": {"colour": "red"}})
    with pytest.raises(ValueError, match="warn_above <= fail_above"):
        RuleSettings().with_overrides({"cash_drag": {"warn_above": 50}})


def test_threshold_statuses_are_strictly_above() -> None:
    threshold = Threshold(Decimal(10), Decimal(20))
    assert [threshold.status(Decimal(v)) for v in (10, "10.01", 20, "20.01")] == [
        Status.OK,
        Status.WARN,
        Status.WARN,
        Status.FAIL,
    ]


def test_empty_portfolio_skips_everything() -> None:
    report = _report()
    assert report.findings == ()
    assert set(report.skipped) == set(RuleId)
    assert report.worst is Status.OK
