from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from alex.domain.portfolio.allocation import allocate
from alex.domain.portfolio.drift import measure_drift
from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position, Targets
from alex.domain.portfolio.rebalancing import (
    TAXABLE_SALE_NOTE,
    TAXABLE_SALES_NOTE,
    RebalancePlan,
    TradeAction,
    apply_trades,
    is_tax_advantaged,
    rebalance_trades,
)
from alex.domain.portfolio.valuation import value_portfolio

from ..builders import BND, GLD, SPY, VEA, account, instrument


def _targets(asset: dict[str, int] | None = None, regions: dict[str, int] | None = None) -> Targets:
    return Targets(
        asset_class_targets={k: Decimal(v) for k, v in (asset or {}).items()},
        region_targets={k: Decimal(v) for k, v in (regions or {}).items()},
    )


def _check_executable(portfolio: Portfolio, plan: RebalancePlan, targets: Targets) -> None:
    """Orders can be placed, sales never exceed holdings, no cash goes negative, the plan's
    after-drift is that of its trades, and exactly the sales in taxable accounts carry the note."""
    held = {(a.id, p.symbol): p.quantity for a in portfolio.accounts for p in a.positions}
    steps = {p.symbol: p.instrument.quantity_step for a in portfolio.accounts for p in a.positions}
    types = {a.id: a.account_type for a in portfolio.accounts}
    for trade in plan.trades:
        assert trade.quantity > 0
        assert trade.amount == (trade.quantity * trade.price).quantize(Decimal("0.01"))
        step = steps[trade.symbol] or Decimal("0.00000001")
        whole_position = (
            trade.action is TradeAction.SELL and trade.quantity == held[(trade.account_id, trade.symbol)]
        )
        assert whole_position or trade.quantity % step == 0, trade
        taxable_sale = trade.action is TradeAction.SELL and not is_tax_advantaged(types[trade.account_id])
        assert trade.tax_note == (TAXABLE_SALE_NOTE if taxable_sale else None)
        if trade.action is TradeAction.SELL:
            assert trade.position_id is not None
            assert trade.quantity <= held[(trade.account_id, trade.symbol)]
    assert all(cash >= 0 for cash in plan.cash_after.values())
    taxable_notes = [note for note in plan.notes if note.startswith(TAXABLE_SALES_NOTE)]
    assert len(taxable_notes) == (1 if any(t.tax_note for t in plan.trades) else 0)
    traded = apply_trades(portfolio, plan.trades)
    assert {a.id: a.cash_balance for a in traded.accounts} == plan.cash_after
    if plan.trades:
        assert measure_drift(allocate(value_portfolio(traded)), targets=targets) == plan.after
    # Trades move money, they do not create it: only cent rounding of each touched position differs.
    difference = abs(value_portfolio(traded).total - value_portfolio(portfolio).total)
    assert difference <= Decimal("0.01") * len(plan.trades)


def test_sells_the_overweight_and_buys_the_underweight() -> None:
    portfolio = Portfolio((account("a", (SPY, "100"), (BND, "1")),))
    targets = _targets({"equity": 60, "fixed_income": 40})
    plan = rebalance_trades(portfolio, targets=targets)
    actions = {(t.action, t.symbol) for t in plan.trades}
    assert actions == {(TradeAction.SELL, "SPY"), (TradeAction.BUY, "BND")}
    assert plan.before.asset_class is not None
    assert not plan.before.within_tolerance
    assert plan.within_tolerance
    assert plan.after.asset_class is not None
    equity = plan.after.asset_class.rows[0]
    # Rebalances to target, not to the band's edge; one SPY share is 1% of this portfolio, so
    # whole shares land within half a share of it.
    assert abs(equity.drift) < Decimal("0.5")
    # The sale pays for the purchase; whole shares leave less than one BND share in cash.
    assert Decimal(0) <= plan.sold - plan.bought < Decimal("72.50")
    _check_executable(portfolio, plan, targets)


def test_nothing_to_do_within_tolerance() -> None:
    portfolio = Portfolio((account("a", (SPY, "10"), (BND, "40")),))  # 60.8 / 39.2
    plan = rebalance_trades(portfolio, targets=_targets({"equity": 60, "fixed_income": 40}))
    assert plan.trades == ()
    assert "no trades are needed" in plan.notes[0]
    assert rebalance_trades(portfolio, targets=Targets()).trades == ()
    empty = rebalance_trades(Portfolio((account("a"),)), targets=_targets({"equity": 100}))
    assert empty.trades == ()
    assert "no value yet" in empty.notes[0]


def test_a_holding_with_a_zero_target_is_sold_in_full() -> None:
    portfolio = Portfolio((account("a", (SPY, "10"), (GLD, "7.123")),))
    targets = _targets({"equity": 100})
    plan = rebalance_trades(portfolio, targets=targets)
    (sale,) = [t for t in plan.trades if t.action is TradeAction.SELL]
    # A whole position can be sold even with its fraction of a share; the buy is in whole shares.
    assert (sale.symbol, sale.quantity) == ("GLD", Decimal("7.123"))
    (buy,) = [t for t in plan.trades if t.action is TradeAction.BUY]
    assert (buy.symbol, buy.quantity) == ("SPY", Decimal(3))
    assert sale.tax_note == TAXABLE_SALE_NOTE
    assert plan.notes[0] == TAXABLE_SALES_NOTE  # no tax-advantaged account to point to
    _check_executable(portfolio, plan, targets)


def test_new_money_only_never_sells_and_invests_the_cash() -> None:
    portfolio = Portfolio((account("a", (SPY, "30"), (BND, "10"), cash="1000"),))
    plan = rebalance_trades(
        portfolio,
        targets=_targets({"equity": 60, "fixed_income": 40}),
        new_money_only=True,
        new_money={"a": Decimal("5000")},
    )
    assert plan.trades
    assert all(t.action is TradeAction.BUY for t in plan.trades)
    assert {t.symbol for t in plan.trades} == {"BND"}
    assert plan.cash_after["a"] < Decimal("72.50")  # whole shares: less than one BND stays in cash
    assert not plan.within_tolerance  # stocks alone are 66.8 % of the $20,232.50 total
    assert "allowing sales would" in plan.notes[-1]
    with pytest.raises(ValueError, match="unknown account"):
        rebalance_trades(portfolio, targets=_targets({"equity": 100}), new_money={"zz": Decimal(1)})
    with pytest.raises(ValueError, match="negative"):
        rebalance_trades(portfolio, targets=_targets({"equity": 100}), new_money={"a": Decimal(-1)})


def test_plan_accounts_only_buy_what_they_hold_and_money_stays_in_its_account() -> None:
    portfolio = Portfolio(
        (
            account("k", (SPY, "100"), cash="20000", account_type="401k"),
            account("t", (VEA, "10"), cash="0", account_type="taxable"),
        )
    )
    targets = _targets({"equity": 100}, {"north_america": 50, "international": 50})
    plan = rebalance_trades(portfolio, targets=targets)
    assert all(t.symbol == "SPY" for t in plan.trades if t.account_id == "k")
    assert not any(t.position_id is None for t in plan.trades if t.account_id == "k")
    assert plan.notes[-1].startswith("Even after these trades")
    _check_executable(portfolio, plan, targets)


def test_taxable_accounts_may_open_positions_held_elsewhere() -> None:
    portfolio = Portfolio(
        (account("r", (SPY, "10"), account_type="roth_ira"), account("t", (BND, "10"), cash="4000"))
    )
    targets = _targets({"equity": 50, "fixed_income": 50})
    plan = rebalance_trades(portfolio, targets=targets)
    opened = [t for t in plan.trades if t.position_id is None]
    assert opened
    assert all(t.account_id in {"r", "t"} for t in opened)
    assert plan.within_tolerance
    _check_executable(portfolio, plan, targets)


def test_unreachable_targets_and_untradeable_holdings_are_explained() -> None:
    mystery = instrument("MYST", "10", asset={}, regions={"europe": 100})
    portfolio = Portfolio((account("a", (SPY, "10"), (mystery, "50")),))
    plan = rebalance_trades(portfolio, targets=_targets({"equity": 80, "real_estate": 20}))
    assert any("Real Estate" in note and "20%" in note for note in plan.notes)
    assert (
        "MYST (asset class and sector unknown) is not fully classified yet, so $500 could not be traded."
        in plan.notes
    )
    assert all(t.symbol != "MYST" for t in plan.trades)


# --- orders a person can place -----------------------------------------------------------------


def test_quantities_are_whole_shares_and_amounts_are_quantity_times_price() -> None:
    portfolio = Portfolio((account("a", (SPY, "100"), (BND, "1.5"), cash="123.45", account_type="roth_ira"),))
    targets = _targets({"equity": 60, "fixed_income": 40})
    plan = rebalance_trades(portfolio, targets=targets)
    assert {(t.action, t.symbol) for t in plan.trades} == {
        (TradeAction.SELL, "SPY"),
        (TradeAction.BUY, "BND"),
    }
    for trade in plan.trades:
        assert trade.quantity == trade.quantity.to_integral_value()
        assert trade.amount == (trade.quantity * trade.price).quantize(Decimal("0.01"))
    # The sale and the cash pay for the purchase, and less than one more BND share stays in cash.
    assert Decimal(0) <= plan.cash_after["a"] < Decimal("72.50")
    assert plan.cash_after["a"] == Decimal("123.45") + plan.sold - plan.bought
    _check_executable(portfolio, plan, targets)


def test_a_fractional_step_rounds_to_multiples_of_that_step() -> None:
    fractional = replace(SPY, quantity_step=Decimal("0.001"))
    portfolio = Portfolio((account("a", (fractional, "10"), (BND, "200"), account_type="401k"),))
    targets = _targets({"equity": 60, "fixed_income": 40})
    plan = rebalance_trades(portfolio, targets=targets)
    (buy,) = [t for t in plan.trades if t.action is TradeAction.BUY]
    assert buy.symbol == "SPY"
    assert buy.quantity % Decimal("0.001") == 0
    assert buy.quantity != buy.quantity.to_integral_value()  # a fraction of a share is bought
    (sale,) = [t for t in plan.trades if t.action is TradeAction.SELL]
    assert sale.quantity == sale.quantity.to_integral_value()  # BND trades in whole shares
    _check_executable(portfolio, plan, targets)
    with pytest.raises(ValueError, match="quantity step"):
        replace(SPY, quantity_step=Decimal(0))


def test_buys_never_spend_more_than_the_account_has() -> None:
    portfolio = Portfolio((account("a", (BND, "10"), (SPY, "1"), cash="1000"),))
    targets = _targets({"equity": 100})
    plan = rebalance_trades(portfolio, targets=targets, new_money_only=True)
    (buy,) = plan.trades
    assert (buy.symbol, buy.quantity, buy.amount) == ("SPY", Decimal(2), Decimal("900.50"))
    assert plan.cash_after == {"a": Decimal("99.50")}  # a third share would cost $450.25
    _check_executable(portfolio, plan, targets)


def test_a_purchase_rounding_to_no_share_is_dropped() -> None:
    portfolio = Portfolio((account("a", (SPY, "10"), cash="50"),))
    targets = _targets({"equity": 50, "fixed_income": 50})
    plan = rebalance_trades(portfolio, targets=targets, new_money_only=True, new_money={"a": Decimal(20)})
    assert plan.trades == ()  # $70 of cash cannot buy one $72.50 share of BND
    assert plan.cash_after == {"a": Decimal("70.00")}
    assert plan.after == plan.before


def test_a_sale_a_tax_advantaged_account_can_make_happens_there() -> None:
    portfolio = Portfolio(
        (
            account("r", (SPY, "20"), (BND, "100"), account_type="roth_ira"),
            account("t", (SPY, "40"), account_type="taxable"),
        )
    )
    targets = _targets({"equity": 60, "fixed_income": 40})
    plan = rebalance_trades(portfolio, targets=targets)
    assert {(t.account_id, t.action, t.symbol) for t in plan.trades} == {
        ("r", TradeAction.SELL, "SPY"),
        ("r", TradeAction.BUY, "BND"),
    }
    assert all(t.tax_note is None for t in plan.trades)
    assert not any(TAXABLE_SALES_NOTE in note for note in plan.notes)
    assert plan.within_tolerance
    _check_executable(portfolio, plan, targets)


def test_a_sale_only_a_taxable_account_can_make_carries_the_tax_note() -> None:
    portfolio = Portfolio(
        (
            account("r", (SPY, "20"), (BND, "10"), account_type="roth_ira"),
            account("t", (SPY, "60"), account_type="taxable"),
        )
    )
    targets = _targets({"equity": 60, "fixed_income": 40})
    plan = rebalance_trades(portfolio, targets=targets)
    sales = {t.account_id: t for t in plan.trades if t.action is TradeAction.SELL}
    # About 31 SPY shares must go: the Roth IRA sells all 20 it has, the taxable account the rest.
    assert sales["r"].quantity == Decimal(20)
    assert sales["r"].tax_note is None
    assert sales["t"].symbol == "SPY"
    assert sales["t"].tax_note == TAXABLE_SALE_NOTE
    assert "capital gains" in TAXABLE_SALE_NOTE
    assert TAXABLE_SALES_NOTE + " Your tax-advantaged accounts cannot make the same changes" in plan.notes[0]
    assert plan.within_tolerance
    _check_executable(portfolio, plan, targets)


def test_tax_advantaged_account_types() -> None:
    for advantaged in ("401k", "roth_ira", "traditional_ira", "529", "hsa", "pension"):
        assert is_tax_advantaged(advantaged)
    for taxable in ("taxable", "brokerage", "other", ""):
        assert not is_tax_advantaged(taxable)


# --- properties --------------------------------------------------------------------------------

GRID_ASSETS = ("equity", "fixed_income", "real_estate")
GRID_REGIONS = ("north_america", "europe", "asia")


def _grid(prices: list[Decimal], steps: list[Decimal | None]) -> list[Instrument]:
    return [
        Instrument(
            symbol=f"{a[:2]}{r[:2]}".upper(),
            name=f"{a} {r}",
            instrument_type="etf",
            price=price,
            allocation_asset_class={a: Decimal(100)},
            allocation_regions={r: Decimal(100)},
            allocation_sectors={"diversified": Decimal(100)},
            quantity_step=step,
        )
        for (a, r), price, step in zip(
            ((a, r) for a in GRID_ASSETS for r in GRID_REGIONS), prices, steps, strict=True
        )
    ]


def _split(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Decimal]]:
    """Integer percentages over a non-empty subset of keys, summing to 100."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Decimal]:
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(chosen) - 1, max_size=len(chosen) - 1)))
        bounds = [0, *cuts, 100]
        return {key: Decimal(bounds[i + 1] - bounds[i]) for i, key in enumerate(chosen)}

    return build()


region_targets: st.SearchStrategy[dict[str, Decimal]] = st.one_of(
    st.just({}),
    st.integers(0, 100).map(lambda na: {"north_america": Decimal(na), "international": Decimal(100 - na)}),
    _split(GRID_REGIONS),
)


@st.composite
def grid_portfolios(draw: st.DrawFn) -> Portfolio:
    prices = draw(st.lists(st.decimals("1", "1000", places=2), min_size=9, max_size=9))
    steps = draw(
        st.lists(st.sampled_from([Decimal(1), Decimal(1), Decimal("0.001"), None]), min_size=9, max_size=9)
    )
    grid = _grid(prices, steps)
    quantity = st.decimals("0", "5000", places=4)
    accounts = []
    for index in range(draw(st.integers(1, 3))):
        # The first account holds every grid fund, so any target mix is reachable.
        held = grid if index == 0 else draw(st.lists(st.sampled_from(grid), unique_by=lambda i: i.symbol))
        accounts.append(
            Account(
                id=f"A{index}",
                name=f"Account {index}",
                account_type=draw(st.sampled_from(["taxable", "roth_ira", "traditional_ira", "other"])),
                cash_balance=draw(st.decimals("0", "50000", places=2)),
                positions=tuple(
                    Position(
                        id=f"A{index}-{i.symbol}", symbol=i.symbol, quantity=draw(quantity), instrument=i
                    )
                    for i in held
                ),
            )
        )
    portfolio = Portfolio(tuple(accounts))
    if value_portfolio(portfolio).total < 5000:
        first = accounts[0]
        accounts[0] = Account(
            first.id, first.name, first.account_type, first.cash_balance + 5000, positions=first.positions
        )
        portfolio = Portfolio(tuple(accounts))
    return portfolio


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_portfolios(), _split((*GRID_ASSETS, "cash")), region_targets)
def test_rebalancing_reaches_every_reachable_target_and_never_oversells(
    portfolio: Portfolio, asset_targets: dict[str, Decimal], regions: dict[str, Decimal]
) -> None:
    # An all-cash target leaves nothing invested to have a region; such targets contradict each other.
    assume(not regions or asset_targets.get("cash") != 100)
    targets = Targets(asset_class_targets=asset_targets, region_targets=regions)
    plan = rebalance_trades(portfolio, targets=targets)
    # Whole shares can miss a target by up to a share per trade: when one share is at most 1% of
    # what the shares are measured against (the whole portfolio for asset classes, the invested
    # part for regions), every target lands within the band.
    dearest = max(p.instrument.price or Decimal(0) for a in portfolio.accounts for p in a.positions)
    total = value_portfolio(portfolio).total
    base = total * (100 - asset_targets.get("cash", Decimal(0))) / 100 if regions else total
    if base >= 100 * dearest:
        assert plan.within_tolerance, plan.after
    _check_executable(portfolio, plan, targets)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_portfolios(), _split((*GRID_ASSETS, "cash")), region_targets)
def test_new_money_only_never_sells(
    portfolio: Portfolio, asset_targets: dict[str, Decimal], regions: dict[str, Decimal]
) -> None:
    targets = Targets(asset_class_targets=asset_targets, region_targets=regions)
    plan = rebalance_trades(portfolio, targets=targets, new_money_only=True)
    assert all(t.action is TradeAction.BUY for t in plan.trades)
    _check_executable(portfolio, plan, targets)
