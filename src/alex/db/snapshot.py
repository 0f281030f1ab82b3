"""A consistent snapshot of one user's portfolio, read in one transaction and mapped to the domain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from alex.db.instruments import PricedInstrument, with_users_own
from alex.db.models import (
    Account,
    Instrument,
    Position,
    User,
    UserInstrumentClassification,
    UserInstrumentPrice,
)
from alex.domain.portfolio import models as domain
from alex.domain.retirement.models import ReturnMethod
from alex.domain.retirement.plan import RetirementPlan
from alex.domain.taxonomy import Sector

NO_SECTOR: Final = {Sector.OTHER.value: Decimal(100)}
"""What a user's classification without sectors (allowed when it holds no equity) counts as.

``other`` is not an industry, so no sector rule reads anything into it; an empty map would
instead mark the holding as still needing classification, although its owner classified it.
"""


@dataclass(frozen=True, slots=True)
class PortfolioSnapshot:
    user_id: str
    display_name: str
    years_until_retirement: int
    target_retirement_income: Decimal
    targets: domain.Targets
    rule_thresholds: dict[str, Any]
    portfolio: domain.Portfolio
    plan: RetirementPlan

    def instruments(self) -> dict[str, domain.Instrument]:
        return {
            position.symbol: position.instrument
            for account in self.portfolio.accounts
            for position in account.positions
        }


def retirement_plan(user: User) -> RetirementPlan:
    """The user's retirement plan, as the simulation reads it."""
    return RetirementPlan(
        years_until_retirement=user.years_until_retirement,
        target_income=user.target_retirement_income,
        annual_contribution=user.annual_contribution,
        contribution_growth=user.contribution_growth,
        other_income=user.other_income,
        other_income_start_age=user.other_income_start_age,
        current_age=user.current_age,
        glide_path_equity=user.glide_path_equity,
        method=ReturnMethod(user.retirement_method),
    )


def _percentages(allocation: dict[str, Any]) -> dict[str, Decimal]:
    return {key: Decimal(str(value)) for key, value in allocation.items()}


def to_domain_instrument(priced: PricedInstrument) -> domain.Instrument:
    # The user's own price and classification win for this user; the catalogue is never changed.
    instrument, classification = priced.instrument, priced.classification
    sectors = _percentages(classification.sectors)
    if priced.user_classification is not None and not sectors:
        sectors = dict(NO_SECTOR)
    return domain.Instrument(
        symbol=instrument.symbol,
        name=instrument.name,
        instrument_type=classification.instrument_type or "unknown",
        price=priced.effective_price,
        allocation_asset_class=_percentages(classification.asset_class),
        allocation_regions=_percentages(classification.regions),
        allocation_sectors=sectors,
        expense_ratio=instrument.expense_ratio,
        unclassified=not classification.classified,
    )


async def load(session: AsyncSession, *, user_id: str) -> PortfolioSnapshot | None:
    """The user's profile, accounts, positions and instruments (one query for the holdings).

    Each instrument is as this user sees it: their own price and classification over the
    catalogue's, so the analysis, the charts and the tagger step agree on what is classified.
    """
    user = await session.get(User, user_id)
    if user is None:
        return None
    holdings = (
        select(Account, Position, UserInstrumentPrice.price, UserInstrumentClassification)
        .outerjoin(Position, Position.account_id == Account.id)
        .outerjoin(Instrument, Instrument.symbol == Position.symbol)
    )
    rows = (
        await session.execute(
            with_users_own(holdings, user_id)
            .options(contains_eager(Position.instrument))
            .where(Account.user_id == user_id)
            .order_by(Account.created_at, Account.id, Position.symbol)
        )
    ).all()
    accounts: dict[Any, tuple[Account, list[domain.Position]]] = {}
    for account, position, user_price, user_classification in rows:
        _, held = accounts.setdefault(account.id, (account, []))
        if position is not None:
            held.append(
                domain.Position(
                    id=str(position.id),
                    symbol=position.symbol,
                    quantity=position.quantity,
                    instrument=to_domain_instrument(
                        PricedInstrument(position.instrument, user_price, user_classification)
                    ),
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
        plan=retirement_plan(user),
    )
