"""Portfolios for the writer tests: the demo (catalogue instruments), empty, and with gaps."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from alex.analysis.facts import AnalysisFacts, UserProfile, build_facts
from alex.db.demo import DEMO_ACCOUNTS
from alex.db.seed import catalogue
from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position

PATHS = 1_000
SEED = 7
WHEN = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
PROFILE = UserProfile(
    display_name="Dana Demo",
    years_until_retirement=20,
    target_retirement_income=Decimal(60000),
    asset_class_targets={"equity": Decimal(70), "fixed_income": Decimal(30)},
    region_targets={"north_america": Decimal(50), "international": Decimal(50)},
)


def _instrument(row: dict[str, Any]) -> Instrument:
    def weights(raw: dict[str, float]) -> dict[str, Decimal]:
        return {key: Decimal(str(value)) for key, value in raw.items()}

    return Instrument(
        symbol=row["symbol"],
        name=row["name"],
        instrument_type=row["instrument_type"],
        price=row["current_price"],
        allocation_asset_class=weights(row["allocation_asset_class"]),
        allocation_regions=weights(row["allocation_regions"]),
        allocation_sectors=weights(row["allocation_sectors"]),
        expense_ratio=row["expense_ratio"],
    )


@cache
def instruments() -> dict[str, Instrument]:
    return {row["symbol"]: _instrument(row) for row in catalogue()}


def demo_portfolio() -> Portfolio:
    """The reference's populate-test-data: 3 accounts, 17 positions, every symbol from the seed."""
    catalog = instruments()
    accounts = []
    for index, spec in enumerate(DEMO_ACCOUNTS):
        account_id = f"acct-{index}"
        accounts.append(
            Account(
                id=account_id,
                name=spec["account_name"],
                account_type=spec["account_type"],
                cash_balance=spec["cash_balance"],
                cash_interest=spec["cash_interest"],
                positions=tuple(
                    Position(
                        id=f"{account_id}-{symbol}",
                        symbol=symbol,
                        quantity=Decimal(quantity),
                        instrument=catalog[symbol],
                    )
                    for symbol, quantity in spec["positions"].items()
                ),
            )
        )
    return Portfolio(accounts=tuple(accounts))


def gappy_portfolio() -> Portfolio:
    """Demo-like, plus a holding with no price and a large one nobody has classified yet."""
    catalog = instruments()
    unpriced = Instrument(symbol="NEWCO", name="NewCo Inc.", instrument_type="stock", price=None)
    unclassified = Instrument(
        symbol="MYST", name="Mystery Fund", instrument_type="etf", price=Decimal("50"), unclassified=True
    )
    account = Account(
        id="acct-x",
        name="Brokerage Account",
        account_type="taxable",
        cash_balance=Decimal("2000"),
        positions=(
            Position(id="x-VTI", symbol="VTI", quantity=Decimal(100), instrument=catalog["VTI"]),
            Position(id="x-BND", symbol="BND", quantity=Decimal(100), instrument=catalog["BND"]),
            Position(id="x-NEWCO", symbol="NEWCO", quantity=Decimal(10), instrument=unpriced),
            Position(id="x-MYST", symbol="MYST", quantity=Decimal(200), instrument=unclassified),
        ),
    )
    return Portfolio(accounts=(account,))


def facts_for(portfolio: Portfolio, *, profile: UserProfile = PROFILE, seed: int = SEED) -> AnalysisFacts:
    return build_facts(profile=profile, portfolio=portfolio, paths=PATHS, seed=seed, generated_at=WHEN)


@cache
def demo_facts() -> AnalysisFacts:
    return facts_for(demo_portfolio())


@cache
def empty_facts() -> AnalysisFacts:
    return facts_for(Portfolio())


@cache
def gappy_facts() -> AnalysisFacts:
    return facts_for(gappy_portfolio())
