"""The demo portfolio (the reference's populate-test-data), with every symbol it uses seeded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from alex.db import accounts, positions
from alex.db.models import Account

DEMO_ACCOUNTS: Final[list[dict[str, Any]]] = [
    {
        "account_name": "401k Long-term",
        "account_purpose": "Primary retirement savings account with employer match",
        "account_type": "401k",
        "cash_balance": Decimal("5000.00"),
        "cash_interest": Decimal("0.045"),
        "positions": {"SPY": 150, "VTI": 100, "BND": 200, "QQQ": 75, "IWM": 50},
    },
    {
        "account_name": "Roth IRA",
        "account_purpose": "Tax-free retirement growth account",
        "account_type": "roth_ira",
        "cash_balance": Decimal("2500.00"),
        "cash_interest": Decimal("0.04"),
        "positions": {"VTI": 80, "VXUS": 60, "VNQ": 40, "GLD": 25, "TLT": 30, "VIG": 45},
    },
    {
        "account_name": "Brokerage Account",
        "account_purpose": "Taxable investment account for individual stocks",
        "account_type": "taxable",
        "cash_balance": Decimal("10000.00"),
        "cash_interest": Decimal("0.035"),
        "positions": {"TSLA": 15, "AAPL": 50, "AMZN": 10, "NVDA": 25, "MSFT": 30, "GOOGL": 20},
    },
]


async def populate(session: AsyncSession, *, user_id: str) -> list[tuple[Account, int]]:
    """Create the demo accounts the user does not already have (matched by name).

    Returns each created account with its number of positions. Every symbol is in the seed
    catalogue, so nothing is silently lost (the reference dropped VTI, VXUS and TSLA).
    """
    existing = {account.account_name for account in await accounts.list_for_user(session, user_id=user_id)}
    created: list[tuple[Account, int]] = []
    for spec in DEMO_ACCOUNTS:
        if spec["account_name"] in existing:
            continue
        fields = {key: value for key, value in spec.items() if key != "positions"}
        account = await accounts.create(session, user_id=user_id, fields=fields)
        for symbol, quantity in spec["positions"].items():
            await positions.upsert(
                session, account_id=account.id, symbol=symbol, quantity=Decimal(quantity), as_of_date=None
            )
        created.append((account, len(spec["positions"])))
    return created
