from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from alex.analysis.facts import (
    CONTRIBUTION_STEP,
    GAP_SEARCH_PATHS,
    AnalysisFacts,
    UserProfile,
    build_facts,
    safe_income,
)
from alex.domain.portfolio.models import Account, Portfolio, Targets
from alex.domain.portfolio.rules import RuleId, Status
from alex.domain.retirement.models import ReturnMethod
from alex.domain.retirement.plan import plan_params, starting_portfolio
from alex.domain.retirement.simulation import simulate_retirement
from alex.domain.taxonomy import AllocationError
from tests.support.portfolios import (
    PATHS,
    PROFILE,
    SEED,
    demo_facts,
    demo_portfolio,
    empty_facts,
    facts_for,
    gappy_facts,
)


def test_demo_facts_hold_the_analysis_and_the_projection() -> None:
    facts = demo_facts()
    assert facts.total == Decimal("253567.90")
    assert facts.position_count == 17
    assert len(facts.portfolio.accounts) == 3
    assert facts.warnings == ()
    assert facts.retirement is not None
    assert facts.retirement_params is not None
    assert facts.retirement_params.current_value == facts.total
    assert facts.retirement_params.years_until_retirement == 20
    assert facts.retirement_params.target_income == Decimal(60000)
    assert facts.retirement.seed == SEED
    assert facts.retirement.paths == 1_000


def test_holdings_are_summed_over_accounts_with_shares_of_the_whole_portfolio() -> None:
    facts = demo_facts()
    holdings = {h.symbol: h for h in facts.holdings}
    assert holdings["VTI"].value == Decimal("47772.00")  # 100 in the 401(k) + 80 in the Roth IRA
    assert [h.value for h in facts.holdings] == sorted((h.value for h in facts.holdings), reverse=True)
    cash_share = facts.analysis.allocations.asset_class.percent("cash")
    assert sum(h.percent for h in facts.holdings) + cash_share == Decimal(100)


def test_the_income_gap_is_closed_by_the_contribution_found_and_not_by_one_step_less() -> None:
    facts = demo_facts()
    gap, params, result = facts.income_gap, facts.retirement_params, facts.retirement
    assert gap is not None
    assert params is not None
    assert result is not None
    assert gap.safe_income == safe_income(result) < gap.target_income
    assert gap.shortfall == gap.target_income - gap.safe_income
    assert gap.surplus == 0
    assert gap.extra_contribution is not None

    def safe_with(extra: Decimal) -> Decimal:
        trial = replace(params, paths=GAP_SEARCH_PATHS, seed=result.seed, annual_contribution=extra)
        return safe_income(simulate_retirement(trial))

    assert safe_with(gap.extra_contribution) >= gap.target_income
    assert safe_with(gap.extra_contribution - CONTRIBUTION_STEP) < gap.target_income


def test_retiring_later_is_offered_when_a_few_years_close_the_gap() -> None:
    profile = replace(PROFILE, target_retirement_income=Decimal(14000))
    facts = facts_for(demo_portfolio(), profile=profile)
    gap = facts.income_gap
    assert gap is not None
    assert gap.shortfall > 0
    assert gap.later_retirement_years is not None
    assert 1 <= gap.later_retirement_years <= 10


def test_a_modest_target_has_a_surplus_and_nothing_to_close() -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, target_retirement_income=Decimal(5000)))
    gap = facts.income_gap
    assert gap is not None
    assert gap.shortfall == 0 < gap.surplus
    assert gap.extra_contribution is None
    assert gap.later_retirement_years is None


def test_no_target_income_means_the_default_withdrawal_rate_and_no_gap() -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, target_retirement_income=Decimal(0)))
    assert facts.retirement_params is not None
    assert facts.retirement_params.target_income is None
    assert facts.retirement is not None
    assert facts.income_gap is None


def test_empty_portfolio_gives_facts_without_a_projection_and_says_why() -> None:
    facts = empty_facts()
    assert facts.total == 0
    assert facts.position_count == 0
    assert facts.holdings == ()
    assert facts.retirement is None
    assert facts.retirement_params is None
    assert facts.income_gap is None
    assert any("no retirement projection" in w for w in facts.warnings)


def test_accounts_with_only_zero_cash_count_as_empty() -> None:
    portfolio = Portfolio((Account(id="a", name="New", account_type="taxable", cash_balance=Decimal(0)),))
    assert facts_for(portfolio).retirement is None


def test_unpriced_and_unclassified_holdings_are_warned_about_in_words() -> None:
    warnings = gappy_facts().warnings
    assert any(w.startswith("NEWCO in Brokerage Account has no price yet") for w in warnings)
    assert (
        "MYST (asset class, region and sector unknown) and NEWCO (asset class, region and sector unknown) "
        "are not fully classified yet, so what is unknown shows as “Not yet classified” and rebalancing "
        "leaves them alone." in warnings
    )
    assert gappy_facts().retirement is not None  # the priced part is still projected


def test_a_horizon_beyond_the_simulation_is_a_warning_not_an_error() -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, years_until_retirement=85))
    assert facts.retirement is None
    assert any("beyond the 70 years" in w for w in facts.warnings)


def test_earlier_warnings_come_first_and_duplicates_are_dropped() -> None:
    facts = build_facts(
        profile=PROFILE,
        portfolio=Portfolio(),
        paths=1_000,
        seed=1,
        extra_warnings=("Prices could not be refreshed.", "Prices could not be refreshed."),
    )
    assert facts.warnings[0] == "Prices could not be refreshed."
    assert facts.warnings.count("Prices could not be refreshed.") == 1


def test_rule_overrides_and_explicit_targets_are_applied() -> None:
    facts = build_facts(
        profile=PROFILE,
        portfolio=demo_portfolio(),
        targets=Targets(asset_class_targets={"equity": Decimal(85), "cash": Decimal(15)}),
        rule_overrides={"home_bias": {"enabled": False}, "sector_concentration": {"warn_above": 40}},
        paths=1_000,
        seed=1,
    )
    assert RuleId.HOME_BIAS in facts.analysis.rules.skipped
    sector = next(f for f in facts.analysis.rules.findings if f.rule_id is RuleId.SECTOR_CONCENTRATION)
    assert sector.status is Status.OK
    assert facts.analysis.drift.region is None
    assert facts.analysis.drift.asset_class is not None


def test_bad_targets_and_overrides_raise_as_the_analytics_do() -> None:
    bad_targets = UserProfile(
        display_name="x",
        years_until_retirement=10,
        target_retirement_income=Decimal(1),
        asset_class_targets={"equity": Decimal(120)},
    )
    with pytest.raises(AllocationError):
        build_facts(profile=bad_targets, portfolio=demo_portfolio(), paths=1_000, seed=1)
    with pytest.raises(ValueError, match="unknown rule"):
        build_facts(profile=PROFILE, portfolio=demo_portfolio(), rule_overrides={"nope": {}}, paths=1_000)


def test_same_seed_same_facts_and_generated_at_defaults_to_now() -> None:
    again = facts_for(demo_portfolio())
    assert again.retirement == demo_facts().retirement
    assert again.income_gap == demo_facts().income_gap
    before = datetime.now(UTC)
    fresh: AnalysisFacts = build_facts(profile=PROFILE, portfolio=Portfolio(), paths=1_000)
    assert fresh.generated_at >= before
    assert fresh.generated_at.tzinfo is not None


def test_the_same_portfolio_and_plan_give_the_same_advice_every_run() -> None:
    # No seed given, as in an analysis: the seed comes from the plan, so the "save about $X more
    # a year" figure does not move with Monte Carlo noise between runs of the same portfolio.
    profile = replace(PROFILE, target_retirement_income=Decimal(40000))
    runs = [build_facts(profile=profile, portfolio=demo_portfolio(), paths=PATHS) for _ in range(2)]
    gaps = [facts.income_gap for facts in runs]
    results = [facts.retirement for facts in runs]
    assert gaps[0] is not None
    assert gaps[0].extra_contribution is not None
    assert gaps[0] == gaps[1]
    assert results[0] is not None
    assert results[1] is not None
    assert results[0].seed == results[1].seed
    assert results[0].success_rate == results[1].success_rate


def test_a_different_plan_gets_a_different_seed() -> None:
    one = facts_for(demo_portfolio(), profile=replace(PROFILE, target_retirement_income=Decimal(40000)))
    params = one.retirement_params
    assert params is not None
    assert params.plan_seed() == replace(params, seed=12345).plan_seed()  # the seed is not the plan
    assert params.plan_seed() != replace(params, target_income=Decimal(41000)).plan_seed()
    assert (
        params.plan_seed()
        != replace(params, years_until_retirement=params.years_until_retirement + 1).plan_seed()
    )


# --- the whole plan -------------------------------------------------------------------------------

FULL_PLAN = replace(
    PROFILE,
    years_until_retirement=20,
    current_age=45,
    annual_contribution=Decimal(12000),
    contribution_growth=Decimal(2),
    other_income=Decimal(24000),
    other_income_start_age=67,
    glide_path_equity=Decimal(40),
)


def test_the_analysis_simulates_the_whole_plan_as_the_what_if_does() -> None:
    facts = facts_for(demo_portfolio(), profile=FULL_PLAN)
    params = facts.retirement_params
    assert params is not None
    start = starting_portfolio(facts.analysis.allocations)
    assert params == plan_params(FULL_PLAN.plan, start, paths=PATHS, seed=SEED)
    assert params.annual_contribution == Decimal(12000)
    assert params.contribution_growth == 2.0
    assert params.other_income == Decimal(24000)
    assert params.other_income_delay_years == 2  # retiring at 65, the pension from 67
    assert params.retirement_allocation is not None
    assert params.retirement_allocation["equity"] == 40
    # Without a seed (as in a real analysis) the plan's own: the what-if's, for the same plan.
    unseeded = build_facts(profile=FULL_PLAN, portfolio=demo_portfolio(), paths=PATHS)
    assert unseeded.retirement_params == plan_params(FULL_PLAN.plan, start, paths=PATHS)


def test_other_income_covers_part_of_the_target_in_the_income_gap() -> None:
    alone = facts_for(demo_portfolio(), profile=replace(FULL_PLAN, other_income=Decimal(0)))
    helped = facts_for(demo_portfolio(), profile=FULL_PLAN)
    gap = helped.income_gap
    assert gap is not None
    assert alone.income_gap is not None
    assert gap.other_income == Decimal(24000)
    assert gap.portfolio_target == gap.target_income - gap.other_income
    assert gap.shortfall == max(gap.portfolio_target - gap.safe_income, Decimal(0))
    assert gap.surplus == max(gap.safe_income - gap.portfolio_target, Decimal(0))
    assert gap.shortfall < alone.income_gap.shortfall
    assert helped.retirement is not None
    assert alone.retirement is not None
    assert helped.retirement.success_rate > alone.retirement.success_rate


@pytest.mark.parametrize("method", list(ReturnMethod))
def test_the_plans_method_is_simulated_and_shown(method: ReturnMethod) -> None:
    facts = facts_for(demo_portfolio(), profile=replace(PROFILE, retirement_method=method))
    assert facts.retirement_params is not None
    assert facts.retirement_params.method == method
    assert facts.retirement is not None
    assert facts.retirement.assumptions.method == method.value
