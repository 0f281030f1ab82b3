"""Rebalancing trades that bring the portfolio back to its targets, using what is already held.

How the trades are chosen (a household-level optimisation, not per account):

- The unknowns are the value of every tradeable holding after trading, per account, plus each
  account's cash. A holding is tradeable when it has a price and is fully classified
  (``Instrument.needs_classification`` is false: the one definition the warnings and the
  ``unclassified_holdings`` rule use too, see ``classification``); other holdings are left
  untouched (they still count where they can be attributed), and a note names them.
- Money never moves between accounts: each account pays for its buys with its own cash and
  sales (moving money out of a 401(k) or IRA is not a trade). No short sales.
- Buys are restricted to instruments already held somewhere in the portfolio. Accounts whose
  menu is fixed by a plan (401(k), 529, HSA, pension) only buy what they already hold; other
  accounts may also open a position in an instrument held in another account.
- Among those post-trade holdings, the optimiser minimises the squared distance between the
  resulting asset-class and region shares and their targets (using the matching rules of
  ``drift``), with a small penalty on the amount traded so that, of equally good answers, the
  one that trades least wins. It solves for exact targets, so a rebalance lands in the middle
  of the tolerance band, not on its edge.
- Trading happens only when some target is outside the tolerance band (default ±5 points).
  ``new_money_only`` forbids sales and instead invests the accounts' cash (plus any
  ``new_money`` deposited first) toward the targets.

Sales in taxable accounts come last. Selling in a taxable account (any account type outside
``TAX_ADVANTAGED_ACCOUNT_TYPES``, including unknown types) may realise capital gains; selling in
a 401(k), IRA, 529, HSA or pension does not. So the planner first solves without any sale in a
taxable account (taxable accounts may still invest their cash). When that reaches the same drift
as the unrestricted solve (within ``SAME_DRIFT``, a tenth of a percentage point), it is the plan:
the sales happen in tax-advantaged accounts that hold what must be reduced and can buy what is
needed, and taxable holdings are left alone. Otherwise the unrestricted plan is used, with
trades in taxable accounts weighted heavier than in tax-advantaged ones, so the tax-advantaged
accounts do as much of the work as they can; every sale left in a taxable account carries
``TAXABLE_SALE_NOTE`` and the plan's notes say so.

Trades are rounded so a person can place them and so they never overdraw anything:

- Quantities are multiples of the instrument's ``quantity_step`` (whole shares by default; any
  quantity to 8 decimal places when the step is ``None``), and ``amount`` is quantity × price
  to the cent.
- A sale is rounded to the nearest step, never beyond the whole steps held; a holding that
  would keep less than ``minimum_trade`` is sold in full instead (a whole position can be sold
  even when it includes a fraction of a share).
- Each account's purchases are paid from its own cash (to the cent, rounded down) plus its
  rounded sales. The account's buys are first scaled alike so that the cash the optimiser meant
  to keep stays (a sale rounded up funds a little more, one rounded down or dropped a little
  less, never more than the account has); each is rounded down to whole steps; then the money
  left buys one more step for the buys that fell at least half a step short, largest shortfall
  first, while it lasts. So buys are rounded to the nearest step the account can pay for, and
  no account's cash goes negative.
- Trades rounding to zero, or to less than ``minimum_trade``, are dropped.

The drift after trading is then recomputed from the rounded trades, so ``after`` is a
measurement of the orders shown, not a promise; targets that held instruments cannot reach are
explained in ``notes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Final

import numpy as np

from alex.domain.arrays import FloatArray
from alex.domain.formatting import format_money, format_percent, format_points
from alex.domain.labels import label
from alex.domain.least_squares import nonnegative_least_squares
from alex.domain.money import CENT, ZERO, to_cents
from alex.domain.portfolio.allocation import CASH, allocate, look_through
from alex.domain.portfolio.classification import classification_gaps, named
from alex.domain.portfolio.drift import DEFAULT_TOLERANCE, Dimension, DriftReport, drift_key, measure_drift
from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position, Targets
from alex.domain.portfolio.valuation import value_portfolio
from alex.domain.taxonomy import AccountType

PLAN_MENU_ACCOUNT_TYPES: Final = frozenset(
    {AccountType.K401.value, AccountType.K529.value, AccountType.HSA.value, AccountType.PENSION.value}
)
"""Accounts that can only buy from their plan's menu, so they only trade what they already hold."""

TAX_ADVANTAGED_ACCOUNT_TYPES: Final = frozenset(
    {
        AccountType.K401.value,
        AccountType.ROTH_IRA.value,
        AccountType.TRADITIONAL_IRA.value,
        AccountType.K529.value,
        AccountType.HSA.value,
        AccountType.PENSION.value,
    }
)
"""Accounts where selling realises no taxable gain; every other type (taxable, other) may."""

TAXABLE_SALE_NOTE: Final = (
    "Selling in a taxable account may realise capital gains; check the tax cost before you sell."
)
TAXABLE_SALES_NOTE: Final = (
    "Some sales are in a taxable account, where selling may realise capital gains; check the tax "
    "cost before you sell."
)
"""The plan's note when sales remain in taxable accounts (followed, when the person has
tax-advantaged holdings, by why those could not make the sales instead)."""

DEFAULT_MINIMUM_TRADE: Final = Decimal(1)
QUANTITY_QUANTUM: Final = Decimal("0.00000001")
"""The finest quantity positions are stored with, used when an instrument has no step."""
SAME_DRIFT: Final = 1e-3
"""How much closer (as a fraction, root-sum-square over the targets) the unrestricted solve must
get before sales in taxable accounts are used rather than avoided."""

# Weights of the optimiser's rows, in units of "fraction of the portfolio". The budget rows are
# near-hard constraints (an account may not spend money it does not have); the turnover rows
# only break ties between equally good solutions, so they must be tiny next to drift rows.
_BUDGET_WEIGHT: Final = 1e4
_TURNOVER_WEIGHT: Final = 1e-2
# Trading in a taxable account costs this many times more: tax-advantaged accounts go first.
_TAXABLE_TURNOVER_FACTOR: Final = 3.0
_REWEIGHTING_ROUNDS: Final = 4
# When both target maps cannot be met at once, the asset mix wins: it drives most of a
# portfolio's risk and return, the regional split much less (an asset-class share error costs
# 25 times a region share error of the same size).
_ASSET_CLASS_PRIORITY: Final = 5.0
_SMALLEST_BASE: Final = 1e-6


def is_tax_advantaged(account_type: str) -> bool:
    """True when selling in an account of this type realises no taxable gain."""
    return account_type in TAX_ADVANTAGED_ACCOUNT_TYPES


class TradeAction(StrEnum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True, slots=True)
class Trade:
    """One order: ``amount`` is quantity × price to the cent; ``position_id`` is None for a new position.

    ``tax_note`` is set on sales in taxable accounts (``TAXABLE_SALE_NOTE``), else None.
    """

    account_id: str
    account_name: str
    symbol: str
    action: TradeAction
    quantity: Decimal
    price: Decimal
    amount: Decimal
    position_id: str | None
    tax_note: str | None = None


@dataclass(frozen=True, slots=True)
class RebalancePlan:
    """The trades, the drift before and after them, and plain-language notes."""

    trades: tuple[Trade, ...]
    new_money_only: bool
    before: DriftReport
    after: DriftReport
    cash_after: dict[str, Decimal]
    notes: tuple[str, ...] = field(default=())

    @property
    def within_tolerance(self) -> bool:
        return self.after.within_tolerance

    @property
    def bought(self) -> Decimal:
        return sum((t.amount for t in self.trades if t.action is TradeAction.BUY), ZERO)

    @property
    def sold(self) -> Decimal:
        return sum((t.amount for t in self.trades if t.action is TradeAction.SELL), ZERO)


@dataclass(frozen=True, slots=True)
class _Holding:
    """One unknown of the optimiser: an instrument in an account (existing or new position)."""

    account: Account
    instrument: Instrument
    position: Position | None
    value: Decimal

    @property
    def taxable(self) -> bool:
        return not is_tax_advantaged(self.account.account_type)


@dataclass(frozen=True, slots=True)
class _Solution:
    """The optimiser's answer: post-trade values as fractions of the portfolio, and how far from
    the targets they leave the shares (root-sum-square of the share errors, as fractions)."""

    values: FloatArray
    gap: float


def rebalance_trades(
    portfolio: Portfolio,
    *,
    targets: Targets,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    new_money_only: bool = False,
    new_money: Mapping[str, Decimal] | None = None,
    minimum_trade: Decimal = DEFAULT_MINIMUM_TRADE,
) -> RebalancePlan:
    """Trades bringing every target within ``tolerance`` as far as held instruments allow.

    ``new_money`` maps account ids to cash deposited before rebalancing. Raises
    ``AllocationError`` for malformed targets and ``ValueError`` for a negative deposit or an
    unknown account id.
    """
    funded = _deposit(portfolio, new_money or {})
    valuation = value_portfolio(funded)
    before = measure_drift(allocate(valuation), targets=targets, tolerance=tolerance)
    if before.asset_class is None and before.region is None:
        note = "No targets are set, so there is nothing to rebalance."
        return _no_trades(before=before, portfolio=funded, new_money_only=new_money_only, note=note)
    if valuation.total <= 0:
        note = "The portfolio has no value yet, so there is nothing to rebalance."
        return _no_trades(before=before, portfolio=funded, new_money_only=new_money_only, note=note)
    if not new_money_only and before.within_tolerance:
        note = f"Every target is within ±{format_points(tolerance)} of its goal; no trades are needed."
        return _no_trades(before=before, portfolio=funded, new_money_only=new_money_only, note=note)

    total = valuation.total
    holdings, frozen = _holdings(funded)

    def solve(keep: Sequence[bool]) -> _Solution:
        return _solve(
            holdings=holdings,
            frozen=frozen,
            accounts=funded.accounts,
            targets=targets,
            total=total,
            keep=keep,
        )

    if new_money_only:
        solution, selling = solve([True] * len(holdings)), frozenset[str]()
    else:
        solution, selling = solve([False] * len(holdings)), frozenset(a.id for a in funded.accounts)
        if any(h.taxable and h.position is not None for h in holdings):
            sheltered = solve([h.taxable for h in holdings])
            if sheltered.gap <= solution.gap + SAME_DRIFT:
                solution = sheltered
                selling = frozenset(a.id for a in funded.accounts if is_tax_advantaged(a.account_type))
    trades = _round_trades(
        holdings=holdings,
        solution=solution.values,
        accounts=funded.accounts,
        total=total,
        minimum_trade=minimum_trade,
        selling=selling,
    )
    traded = apply_trades(funded, trades)
    after = measure_drift(allocate(value_portfolio(traded)), targets=targets, tolerance=tolerance)
    return RebalancePlan(
        trades=tuple(trades),
        new_money_only=new_money_only,
        before=before,
        after=after,
        cash_after={a.id: to_cents(a.cash_balance) for a in traded.accounts},
        notes=tuple(
            _notes(
                holdings=holdings,
                frozen=frozen,
                trades=trades,
                targets=targets,
                after=after,
                new_money_only=new_money_only,
                tolerance=tolerance,
            )
        ),
    )


def _deposit(portfolio: Portfolio, new_money: Mapping[str, Decimal]) -> Portfolio:
    known = {a.id for a in portfolio.accounts}
    for account_id, amount in new_money.items():
        if account_id not in known:
            raise ValueError(f"new money for unknown account {account_id!r}")
        if amount < 0:
            raise ValueError("new money must not be negative")
    return Portfolio(
        accounts=tuple(
            replace(a, cash_balance=a.cash_balance + new_money.get(a.id, ZERO)) for a in portfolio.accounts
        )
    )


def _no_trades(
    *, before: DriftReport, portfolio: Portfolio, new_money_only: bool, note: str
) -> RebalancePlan:
    return RebalancePlan(
        trades=(),
        new_money_only=new_money_only,
        before=before,
        after=before,
        cash_after={a.id: to_cents(a.cash_balance) for a in portfolio.accounts},
        notes=(note,),
    )


def _holdings(portfolio: Portfolio) -> tuple[list[_Holding], list[_Holding]]:
    """Tradeable holdings (incl. possible new positions) and frozen ones (priced, not fully classified).

    Holdings without a price, or priced at zero, have no value to trade and are in neither list.
    """
    menu: dict[str, Instrument] = {}
    tradeable: list[_Holding] = []
    frozen: list[_Holding] = []
    for account in portfolio.accounts:
        for position in account.positions:
            instrument = position.instrument
            if instrument.price is None or instrument.price <= 0:
                continue
            holding = _Holding(account, instrument, position, to_cents(position.quantity * instrument.price))
            if not instrument.needs_classification:
                tradeable.append(holding)
                menu.setdefault(instrument.symbol, instrument)
            else:
                frozen.append(holding)
    for account in portfolio.accounts:
        if account.account_type in PLAN_MENU_ACCOUNT_TYPES:
            continue
        held = {p.symbol for p in account.positions}
        tradeable.extend(
            _Holding(account, instrument, None, ZERO)
            for symbol, instrument in menu.items()
            if symbol not in held
        )
    return tradeable, frozen


def _exposure(
    instrument: Instrument | None, dimension: Dimension, targets: Mapping[str, Decimal]
) -> dict[str, float]:
    """Fraction of one dollar of the holding (``None`` = cash) counting toward each drift row."""
    if instrument is None:
        split = {CASH: Decimal(1)}
    else:
        allocation = (
            instrument.allocation_asset_class
            if dimension is Dimension.ASSET_CLASS
            else instrument.allocation_regions
        )
        split = look_through(Decimal(1), allocation)
    exposure: dict[str, float] = {}
    for key, share in split.items():
        row = drift_key(dimension, key, targets)
        if row is not None:
            exposure[row] = exposure.get(row, 0.0) + float(share)
    return exposure


def _solve(
    *,
    holdings: list[_Holding],
    frozen: list[_Holding],
    accounts: tuple[Account, ...],
    targets: Targets,
    total: Decimal,
    keep: Sequence[bool],
) -> _Solution:
    """Post-trade value of every holding, as a fraction of the portfolio (cash columns dropped).

    A holding marked in ``keep`` may grow but not shrink (no sale).
    """
    scale = float(total)
    columns = len(holdings) + len(accounts)
    current = np.array(
        [float(h.value) / scale for h in holdings] + [float(a.cash_balance) / scale for a in accounts]
    )
    column_instruments: list[Instrument | None] = [h.instrument for h in holdings] + [None] * len(accounts)
    frozen_values = np.array([float(h.value) / scale for h in frozen])

    # Per target: coefficients, right-hand side, the attributable share of every column and of
    # every frozen holding (the row's base), and the row's priority.
    share_rows: list[tuple[FloatArray, float, FloatArray, FloatArray, float]] = []
    for dimension, target_map, priority in (
        (Dimension.ASSET_CLASS, targets.asset_class_targets, _ASSET_CLASS_PRIORITY),
        (Dimension.REGION, targets.region_targets, 1.0),
    ):
        if not target_map:
            continue
        shares = {key: float(value) / 100 for key, value in target_map.items()}
        column_exposure = [_exposure(i, dimension, target_map) for i in column_instruments]
        frozen_exposure = [_exposure(h.instrument, dimension, target_map) for h in frozen]
        keys = dict.fromkeys([*shares, *(k for e in [*column_exposure, *frozen_exposure] for k in e)])
        attributable = np.array([sum(e.values()) for e in column_exposure])
        frozen_attributable = np.array([sum(e.values()) for e in frozen_exposure])
        # "exposure_k / attributable base = target_k" is linear once multiplied out by the base:
        # sum(value × (exposure_k − target_k × attributable share)) = 0.
        for key in keys:
            target = shares.get(key, 0.0)
            coefficients = np.array([e.get(key, 0.0) for e in column_exposure]) - target * attributable
            frozen_term = float(
                frozen_values
                @ (np.array([e.get(key, 0.0) for e in frozen_exposure]) - target * frozen_attributable)
            )
            share_rows.append((coefficients, -frozen_term, attributable, frozen_attributable, priority))

    fixed_rows: list[FloatArray] = []
    fixed_rhs: list[float] = []
    for i, account in enumerate(accounts):
        row = np.zeros(columns)
        members = [j for j, h in enumerate(holdings) if h.account.id == account.id] + [len(holdings) + i]
        row[members] = _BUDGET_WEIGHT
        fixed_rows.append(row)
        fixed_rhs.append(_BUDGET_WEIGHT * float(current[members].sum()))
    for j, holding in enumerate(holdings):
        weight = _TURNOVER_WEIGHT * (_TAXABLE_TURNOVER_FACTOR if holding.taxable else 1.0)
        row = np.zeros(columns)
        row[j] = weight
        fixed_rows.append(row)
        fixed_rhs.append(weight * current[j])

    lower = np.zeros(columns)
    lower[: len(holdings)] = np.where(np.array(keep, dtype=bool), current[: len(holdings)], 0.0)

    def bases(solution: FloatArray) -> list[float]:
        return [max(float(solution @ a + frozen_values @ f), _SMALLEST_BASE) for _, _, a, f, _ in share_rows]

    solution = current
    # The multiplied-out rows measure drift in money, not in shares; dividing each by its base
    # (which moves as cash is invested) turns them back into share errors. The base comes from
    # the previous solution, so a few rounds reach the fixed point.
    for _ in range(_REWEIGHTING_ROUNDS):
        scales = [p / b for (_, _, _, _, p), b in zip(share_rows, bases(solution), strict=True)]
        matrix = np.vstack([*(row[0] * k for row, k in zip(share_rows, scales, strict=True)), *fixed_rows])
        rhs = np.array([*(row[1] * k for row, k in zip(share_rows, scales, strict=True)), *fixed_rhs])
        solution = nonnegative_least_squares(matrix, rhs - matrix @ lower) + lower
    errors = [
        (float(c @ solution) - r) / b for (c, r, _, _, _), b in zip(share_rows, bases(solution), strict=True)
    ]
    return _Solution(values=solution[: len(holdings)], gap=float(np.sqrt(sum(e * e for e in errors))))


def _round_trades(
    *,
    holdings: list[_Holding],
    solution: FloatArray,
    accounts: tuple[Account, ...],
    total: Decimal,
    minimum_trade: Decimal,
    selling: frozenset[str],
) -> list[Trade]:
    """Turn target values into orders a person can place (see the module docstring).

    Only accounts in ``selling`` may sell.
    """
    trades: list[Trade] = []
    for account in accounts:
        sells: list[Trade] = []
        wanted_buys: list[tuple[_Holding, Decimal]] = []
        planned_cash = account.cash_balance  # what the optimiser meant to leave in cash
        for holding, target_fraction in zip(holdings, solution, strict=True):
            if holding.account.id != account.id:
                continue
            price = holding.instrument.price
            assert price is not None  # tradeable holdings always have a price
            target_value = Decimal(repr(float(target_fraction))) * total
            change = target_value - holding.value
            planned_cash -= change
            if change < 0 and holding.position is not None and account.id in selling:
                quantity = _sale_quantity(
                    holding.position.quantity,
                    -change / price,
                    _step(holding.instrument),
                    in_full=target_value < minimum_trade,  # sell it all rather than leave dust
                )
                amount = to_cents(quantity * price)
                if quantity > 0 and amount >= minimum_trade:
                    note = TAXABLE_SALE_NOTE if holding.taxable else None
                    sells.append(
                        _trade(holding, TradeAction.SELL, quantity=quantity, amount=amount, note=note)
                    )
            elif change > 0:
                wanted_buys.append((holding, change))
        spendable = account.cash_balance.quantize(CENT, ROUND_FLOOR) + sum((t.amount for t in sells), ZERO)
        # Rounded sales bring in more or less than planned: the buys share the difference.
        budget = min(spendable, max(ZERO, spendable - planned_cash))
        trades.extend(sells)
        trades.extend(_buys(wanted_buys, budget=budget, spendable=spendable, minimum_trade=minimum_trade))
    return trades


def _step(instrument: Instrument) -> Decimal:
    return QUANTITY_QUANTUM if instrument.quantity_step is None else instrument.quantity_step


def _steps(quantity: Decimal, step: Decimal, rounding: str) -> Decimal:
    """How many steps ``quantity`` is, rounded to a whole number."""
    return (quantity / step).to_integral_value(rounding=rounding)


def _sale_quantity(held: Decimal, wanted: Decimal, step: Decimal, *, in_full: bool) -> Decimal:
    """``wanted`` rounded to the nearest step, at most the whole steps held; or all of it."""
    if in_full:
        return held
    quantity = min(_steps(wanted, step, ROUND_HALF_EVEN), _steps(held, step, ROUND_FLOOR)) * step
    return held if quantity >= held else quantity


def _buys(
    wanted: list[tuple[_Holding, Decimal]], *, budget: Decimal, spendable: Decimal, minimum_trade: Decimal
) -> list[Trade]:
    """One account's purchases in whole steps, costing at most ``spendable`` in total.

    The wanted amounts are scaled to ``budget`` (at most ``spendable``) and rounded down to whole
    steps; the money left then rounds up the buys that are at least half a step short.
    """
    desired = sum((change for _, change in wanted), ZERO)
    if desired <= 0:
        return []
    scale = budget / desired
    counts: list[Decimal] = []
    shortfalls: list[Decimal] = []
    for holding, change in wanted:
        price = holding.instrument.price
        assert price is not None
        # A cent budget rounded down, then whole steps within it: each rounded cost stays within
        # its budget, and the budgets add up to at most ``budget``.
        exact = (change * scale).quantize(CENT, ROUND_FLOOR) / (price * _step(holding.instrument))
        count = exact.to_integral_value(rounding=ROUND_FLOOR)
        counts.append(count)
        shortfalls.append(exact - count)

    def cost(index: int, count: Decimal) -> Decimal:
        instrument = wanted[index][0].instrument
        assert instrument.price is not None
        return to_cents(count * _step(instrument) * instrument.price)

    left = spendable - sum((cost(i, count) for i, count in enumerate(counts)), ZERO)
    for i in sorted(range(len(wanted)), key=lambda i: shortfalls[i], reverse=True):
        if shortfalls[i] < Decimal("0.5"):
            break
        extra = cost(i, counts[i] + 1) - cost(i, counts[i])
        if extra <= left:
            counts[i] += 1
            left -= extra
    buys = []
    for i, (holding, _) in enumerate(wanted):
        quantity = counts[i] * _step(holding.instrument)
        amount = cost(i, counts[i])
        if quantity > 0 and amount >= minimum_trade:
            buys.append(_trade(holding, TradeAction.BUY, quantity=quantity, amount=amount, note=None))
    return buys


def _trade(
    holding: _Holding, action: TradeAction, *, quantity: Decimal, amount: Decimal, note: str | None
) -> Trade:
    price = holding.instrument.price
    assert price is not None
    return Trade(
        account_id=holding.account.id,
        account_name=holding.account.name,
        symbol=holding.instrument.symbol,
        action=action,
        quantity=quantity,
        price=price,
        amount=amount,
        position_id=None if holding.position is None else holding.position.id,
        tax_note=note,
    )


def apply_trades(portfolio: Portfolio, trades: Sequence[Trade]) -> Portfolio:
    """The portfolio after the trades settle at their estimated amounts (emptied positions removed)."""
    instruments = {p.symbol: p.instrument for a in portfolio.accounts for p in a.positions}
    accounts = []
    for account in portfolio.accounts:
        mine = [t for t in trades if t.account_id == account.id]
        cash = account.cash_balance
        quantities = {p.id: p.quantity for p in account.positions}
        positions = list(account.positions)
        for trade in mine:
            signed = trade.quantity if trade.action is TradeAction.BUY else -trade.quantity
            cash -= trade.amount if trade.action is TradeAction.BUY else -trade.amount
            if trade.position_id is None:
                new_id = f"new:{account.id}:{trade.symbol}"
                positions.append(
                    Position(
                        id=new_id, symbol=trade.symbol, quantity=ZERO, instrument=instruments[trade.symbol]
                    )
                )
                quantities[new_id] = signed
            else:
                quantities[trade.position_id] += signed
        accounts.append(
            replace(
                account,
                cash_balance=cash,
                positions=tuple(
                    replace(p, quantity=quantities[p.id]) for p in positions if quantities[p.id] > 0
                ),
            )
        )
    return Portfolio(accounts=tuple(accounts))


def _notes(
    *,
    holdings: list[_Holding],
    frozen: list[_Holding],
    trades: Sequence[Trade],
    targets: Targets,
    after: DriftReport,
    new_money_only: bool,
    tolerance: Decimal,
) -> list[str]:
    notes = []
    if any(t.tax_note is not None for t in trades):
        sheltered = any(not h.taxable for h in holdings)
        notes.append(
            TAXABLE_SALES_NOTE
            + (
                " Your tax-advantaged accounts cannot make the same changes on their own."
                if sheltered
                else ""
            )
        )
    for dimension, target_map in (
        (Dimension.ASSET_CLASS, targets.asset_class_targets),
        (Dimension.REGION, targets.region_targets),
    ):
        reachable = {key for h in holdings for key in _exposure(h.instrument, dimension, target_map)}
        if dimension is Dimension.ASSET_CLASS:
            reachable.add(CASH)
        for key, share in target_map.items():
            if share > 0 and key not in reachable:
                notes.append(
                    f"None of your tradeable holdings gives exposure to {label(key)}, so its "
                    f"{format_percent(Decimal(str(share)), places=0)} target cannot be met by trading what "
                    f"you own; adding a {label(key)} fund would make it reachable."
                )
    if frozen:
        value = sum((h.value for h in frozen), ZERO)
        gaps = classification_gaps(h.position for h in frozen if h.position is not None)
        notes.append(
            f"{named(gaps)} {'is' if len(gaps) == 1 else 'are'} not fully classified yet, so "
            f"{format_money(value)} could not be traded."
        )
    if not after.within_tolerance:
        band = f"±{format_points(tolerance)}"
        if new_money_only:
            notes.append(
                f"Investing cash alone cannot bring every target within {band}; allowing sales would."
            )
        else:
            notes.append(
                f"Even after these trades some targets stay outside {band} with the instruments you hold."
            )
    return notes
