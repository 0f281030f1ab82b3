"""A consistent snapshot of one user's portfolio, read in one transaction and mapped to the domain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from alex.db.models import Account, Instrument, Position, User, UserInstrumentPrice
from alex.domain.portfolio import models as domain


@dataclass(frozen=True, slots=True)
class PortfolioSnapshot:
    user_id: str
    display_name: str
    years_until_retirement: int
    target_retirement_income: Decimal
    targets: domain.Targets
    rule_thresholds: dict[str, Any]
    portfolio: domain.Portfolio

    def instruments(self) -> dict[str, domain.Instrument]:
        return {
            position.symbol: position.instrument
            for account in self.portfolio.accounts
            for position in account.positions
        }


def _percentages(allocation: dict[str, Any]) -> dict[str, Decimal]:
    return {key: Decimal(str(value)) for key, value in allocation.items()}


def to_domain_instrument(instrument: Instrument, user_price: Decimal | None) -> domain.Instrument:
    return domain.Instrument(
        symbol=instrument.symbol,
        name=instrument.name,
        instrument_type=instrument.instrument_type or "unknown",
        # The user's own price wins for this user; the catalogue is never changed by it.
        price=user_price if user_price is not None else instrument.current_price,
        allocation_asset_class=_percentages(instrument.allocation_asset_class),
        allocation_regions=_percentages(instrument.allocation_regions),
        allocation_sectors=_percentages(instrument.allocation_sectors),
        expense_ratio=instrument.expense_ratio,
        unclassified=instrument.classification_status == "unclassified",
    )


async def load(session: AsyncSession, *, user_id: str) -> PortfolioSnapshot | None:
    """The user's profile, accounts, positions and instruments (one query for the holdings)."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    rows = (
        await session.execute(
            select(Account, Position, UserInstrumentPrice.price)
            .outerjoin(Position, Position.account_id == Account.id)
            .outerjoin(Instrument, Instrument.symbol == Position.symbol)
            .outerjoin(
                UserInstrumentPrice,
                and_(UserInstrumentPrice.symbol == Position.symbol, UserInstrumentPrice.user_id == user_id),
            )
            .options(contains_eager(Position.instrument))
            .where(Account.user_id == user_id)
            .order_by(Account.created_at, Account.id, Position.symbol)
        )
    ).all()
    accounts: dict[Any, tuple[Account, list[domain.Position]]] = {}
    for account, position, user_price in rows:
        _, held = accounts.setdefault(account.id, (account, []))
        if position is not None:
            held.append(
                domain.Position(
                    id=str(position.id),
                    symbol=position.symbol,
                    quantity=position.quantity,
                    instrument=to_domain_instrument(position.instrument, user_price),
                )
            )
    portfolio = domain.Portfolio(
        accounts=tuple(
            domain.Account(
                id=str(account.id),
                name=account.account_name,
                account_type=account.account_type,
                cash_balance=account.cash_balance,
                cash_interest=account.cash_interest,
                positions=tuple(held),
            )
            for account, held in accounts.values()
        )
    )
    return PortfolioSnapshot(
        user_id=user.id,
        display_name=user.display_name,
        years_until_retirement=user.years_until_retirement,
        target_retirement_income=user.target_retirement_income,
        targets=domain.Targets(
            asset_class_targets=_percentages(user.asset_class_targets),
            region_targets=_percentages(user.region_targets),
        ),
        rule_thresholds=dict(user.rule_thresholds),
        portfolio=portfolio,
    )
