"""The warning, the unclassified-holdings rule and the rebalancing note name the same holdings alike."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from alex.analysis.facts import AnalysisFacts, build_facts
from alex.domain.portfolio.classification import classification_gaps, named
from alex.domain.portfolio.models import Instrument, Portfolio, Position
from alex.domain.portfolio.rules import Finding, RuleId, Status
from tests.domain.builders import portfolios
from tests.support.portfolios import PROFILE, WHEN, demo_portfolio, facts_for

NOT_CLASSIFIED = "not fully classified"
NOT_TRADED = "could not be traded"
EARLY_EXITS = ("No targets are set", "The portfolio has no value yet", "Every target is within")
"""How a plan that never looked at the holdings begins (``rebalance_trades``'s early answers)."""


def _with(instrument: Instrument, quantity: str = "100") -> Portfolio:
    """The demo portfolio (off its targets: rebalancing trades) plus ``instrument`` in its first account."""
    demo = demo_portfolio()
    first = demo.accounts[0]
    held = Position(id="extra", symbol=instrument.symbol, quantity=Decimal(quantity), instrument=instrument)
    return replace(demo, accounts=(replace(first, positions=(*first.positions, held)), *demo.accounts[1:]))


def _arkk(
    *,
    asset: dict[str, Decimal] | None = None,
    regions: dict[str, Decimal] | None = None,
    sectors: dict[str, Decimal] | None = None,
) -> Instrument:
    return Instrument(
        symbol="ARKK",
        name="ARK Innovation ETF",
        instrument_type="etf",
        price=Decimal(40),
        allocation_asset_class=asset or {},
        allocation_regions=regions or {},
        allocation_sectors=sectors or {},
    )


def _rule(facts: AnalysisFacts) -> Finding:
    (finding,) = [f for f in facts.analysis.rules.findings if f.rule_id is RuleId.UNCLASSIFIED_HOLDINGS]
    return finding


def _what_is_said(facts: AnalysisFacts) -> tuple[list[str], str, list[str]]:
    warnings = [w for w in facts.warnings if NOT_CLASSIFIED in w]
    notes = [n for n in facts.analysis.rebalance.notes if NOT_TRADED in n]
    return warnings, _rule(facts).rationale, notes


def test_a_partly_classified_holding_is_named_alike_everywhere() -> None:
    partly = _arkk(asset={"equity": Decimal(100)}, sectors={"technology": Decimal(100)})
    facts = facts_for(_with(partly))
    phrase = "ARKK (region unknown)"
    warnings, rationale, notes = _what_is_said(facts)
    assert warnings == [
        f"{phrase} is not fully classified yet, so what is unknown shows as “Not yet classified” and "
        "rebalancing leaves it alone."
    ]
    finding = _rule(facts)
    assert finding.subject == "ARKK"
    assert finding.status is Status.WARN  # $4,000 of $257,568 is 1.55 %: above "any", below 10 %
    assert finding.value == Decimal("1.55")
    assert rationale.startswith(f"{phrase} is not fully classified yet (1.6% of the portfolio)")
    assert notes == [f"{phrase} is not fully classified yet, so $4,000 could not be traded."]
    assert all(trade.symbol != "ARKK" for trade in facts.analysis.rebalance.trades)


def test_a_holding_missing_only_its_sectors_counts_too() -> None:
    # No target is about sectors, yet sectors are part of the analysis (the sector rule, the
    # sector chart): missing them is "not fully classified" for the warning, the rule and trading.
    no_sectors = _arkk(asset={"equity": Decimal(100)}, regions={"north_america": Decimal(100)})
    warnings, rationale, notes = _what_is_said(facts_for(_with(no_sectors)))
    phrase = "ARKK (sector unknown)"
    assert [w.startswith(phrase) for w in warnings] == [True]
    assert rationale.startswith(phrase)
    assert [n.startswith(phrase) for n in notes] == [True]


def test_a_fully_classified_holding_is_named_by_none_of_them() -> None:
    classified = _arkk(
        asset={"equity": Decimal(100)},
        regions={"north_america": Decimal(100)},
        sectors={"technology": Decimal(100)},
    )
    facts = facts_for(_with(classified))
    warnings, rationale, notes = _what_is_said(facts)
    assert warnings == []
    assert notes == []
    assert rationale == "Every holding is classified, so allocations and checks cover the whole portfolio."
    assert _rule(facts).subject is None
    assert _rule(facts).status is Status.OK


def test_an_unpriced_unclassified_holding_is_not_called_classified_by_the_check() -> None:
    # The issue's report: "ARKK is not fully classified" in the warnings, "every holding is
    # classified" in the check. ARKK has no price, so it adds nothing to the share measured.
    unpriced = Instrument(symbol="ARKK", name="ARK Innovation ETF", instrument_type="etf", price=None)
    facts = facts_for(_with(unpriced))
    warnings, rationale, notes = _what_is_said(facts)
    phrase = "ARKK (asset class, region and sector unknown)"
    assert [w.startswith(f"{phrase} is not fully classified yet") for w in warnings] == [True]
    assert rationale == (
        f"Every priced holding is classified. {phrase} is not fully classified yet either and has no "
        "price, so it is in no total or check."
    )
    assert _rule(facts).subject == "ARKK"
    assert _rule(facts).value == 0
    assert notes == []  # not a holding rebalancing could value, let alone trade


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolio=portfolios(max_accounts=3))
def test_any_portfolio_gets_one_answer(portfolio: Portfolio) -> None:
    facts = build_facts(
        profile=PROFILE, portfolio=portfolio, project_retirement=False, generated_at=WHEN, seed=1
    )
    positions = [p for a in portfolio.accounts for p in a.positions]
    gaps = classification_gaps(positions)
    plan = facts.analysis.rebalance
    warnings = [w for w in facts.warnings if NOT_CLASSIFIED in w]
    notes = [n for n in plan.notes if NOT_TRADED in n]
    assert [
        w.startswith(f"{named(gaps)} {'is' if len(gaps) == 1 else 'are'} {NOT_CLASSIFIED}") for w in warnings
    ] == ([True] if gaps else [])
    findings = [f for f in facts.analysis.rules.findings if f.rule_id is RuleId.UNCLASSIFIED_HOLDINGS]
    for finding in findings:  # none when the portfolio has no value
        assert finding.subject == (", ".join(gap.symbol for gap in gaps) or None)
        assert all(gap.phrase in finding.rationale for gap in gaps)
        assert (finding.value > 0) <= bool(gaps)
    # Rebalancing left alone exactly the priced holdings that need classification, when it ran.
    assert not {t.symbol for t in plan.trades} & {gap.symbol for gap in gaps}
    priced = [
        g for g in gaps if any(p.symbol == g.symbol and (p.instrument.price or 0) > 0 for p in positions)
    ]
    ran = not plan.notes[0].startswith(EARLY_EXITS)
    assert len(notes) == (1 if priced and ran else 0)
    for note in notes:
        assert note.startswith(f"{named(priced)} {'is' if len(priced) == 1 else 'are'} {NOT_CLASSIFIED}")
