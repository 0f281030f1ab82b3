"""What the portfolio is worth: per position, per account and in total, cash included.

A position whose instrument has no price is *not* valued (no invented price, unlike the
reference's 1.0 / 100 fallbacks): it is left out of every total and reported as a warning, so
the person sees exactly which holdings are missing from the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from alex.domain.money import ZERO, to_cents
from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position


@dataclass(frozen=True, slots=True)
class ValuationWarning:
    """A holding that could not be valued, with a sentence saying so."""

    code: str
    account_id: str
    position_id: str
    symbol: str
    message: str


@dataclass(frozen=True, slots=True)
class PositionValue:
    """One position with its market value (``None`` when the instrument has no price)."""

    position: Position
    value: Decimal | None

    @property
    def instrument(self) -> Instrument:
        return self.position.instrument


@dataclass(frozen=True, slots=True)
class AccountValue:
    """One account: cash, value of its priced positions, and their sum."""

    account: Account
    cash: Decimal
    positions: tuple[PositionValue, ...]

    @property
    def invested(self) -> Decimal:
        return sum((p.value for p in self.positions if p.value is not None), ZERO)

    @property
    def total(self) -> Decimal:
        return self.cash + self.invested


@dataclass(frozen=True, slots=True)
class PortfolioValuation:
    """Every account valued, plus the warnings for holdings that could not be."""

    accounts: tuple[AccountValue, ...]
    warnings: tuple[ValuationWarning, ...]

    @property
    def cash(self) -> Decimal:
        return sum((a.cash for a in self.accounts), ZERO)

    @property
    def invested(self) -> Decimal:
        return sum((a.invested for a in self.accounts), ZERO)

    @property
    def total(self) -> Decimal:
        return self.cash + self.invested

    def priced_positions(self) -> list[tuple[AccountValue, PositionValue, Decimal]]:
        """(account, position, value) for every position that has a value."""
        return [(a, p, p.value) for a in self.accounts for p in a.positions if p.value is not None]


def value_position(position: Position) -> PositionValue:
    """Market value to the cent: quantity × price, or ``None`` without a price."""
    price = position.instrument.price
    return PositionValue(
        position=position, value=None if price is None else to_cents(position.quantity * price)
    )


def value_account(account: Account) -> AccountValue:
    return AccountValue(
        account=account,
        cash=to_cents(account.cash_balance),
        positions=tuple(value_position(p) for p in account.positions),
    )


def value_portfolio(portfolio: Portfolio) -> PortfolioValuation:
    """Value every account; positions without a price become warnings, never guesses."""
    accounts = tuple(value_account(a) for a in portfolio.accounts)
    warnings = tuple(
        ValuationWarning(
            code="missing_price",
            account_id=a.account.id,
            position_id=p.position.id,
            symbol=p.position.symbol,
            message=(
                f"{p.position.symbol} in {a.account.name} has no price yet, so its "
                f"{p.position.quantity.normalize():f} units are left out of every total."
            ),
        )
        for a in accounts
        for p in a.positions
        if p.value is None
    )
    return PortfolioValuation(accounts=accounts, warnings=warnings)
