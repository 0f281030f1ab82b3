"""Small builders and hypothesis strategies for domain tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position
from alex.domain.taxonomy import AssetClass, InstrumentType, Region, Sector


def instrument(
    symbol: str,
    price: str | None,
    *,
    asset: dict[str, int] | None = None,
    regions: dict[str, int] | None = None,
    sectors: dict[str, int] | None = None,
    instrument_type: str = "etf",
    expense_ratio: str | None = None,
    unclassified: bool = False,
) -> Instrument:
    return Instrument(
        symbol=symbol,
        name=f"{symbol} fund",
        instrument_type=instrument_type,
        price=None if price is None else Decimal(price),
        allocation_asset_class={k: Decimal(v) for k, v in (asset or {}).items()},
        allocation_regions={k: Decimal(v) for k, v in (regions or {}).items()},
        allocation_sectors={k: Decimal(v) for k, v in (sectors or {}).items()},
        expense_ratio=None if expense_ratio is None else Decimal(expense_ratio),
        unclassified=unclassified,
    )


def account(
    account_id: str,
    *holdings: tuple[Instrument, str],
    cash: str = "0",
    account_type: str = "taxable",
    name: str | None = None,
    interest: str = "0",
) -> Account:
    return Account(
        id=account_id,
        name=name or account_id,
        account_type=account_type,
        cash_balance=Decimal(cash),
        cash_interest=Decimal(interest),
        positions=tuple(
            Position(
                id=f"{account_id}-{inst.symbol}", symbol=inst.symbol, quantity=Decimal(qty), instrument=inst
            )
            for inst, qty in holdings
        ),
    )


SPY = instrument(
    "SPY",
    "450.25",
    asset={"equity": 100},
    regions={"north_america": 100},
    sectors={"technology": 28, "healthcare": 13, "financials": 13, "consumer_discretionary": 12, "other": 34},
    expense_ratio="0.0945",
)
BND = instrument(
    "BND",
    "72.50",
    asset={"fixed_income": 100},
    regions={"north_america": 100},
    sectors={"treasury": 42, "corporate": 24, "mortgage": 27, "government_related": 7},
    instrument_type="bond_fund",
    expense_ratio="0.03",
)
VEA = instrument(
    "VEA",
    "48.30",
    asset={"equity": 100},
    regions={"europe": 60, "asia": 35, "oceania": 5},
    sectors={"financials": 18, "industrials": 14, "healthcare": 12, "other": 56},
    expense_ratio="0.05",
)
AOR = instrument(
    "AOR",
    "48.90",
    asset={"equity": 60, "fixed_income": 40},
    regions={"north_america": 60, "international": 40},
    sectors={"diversified": 100},
    expense_ratio="0.15",
)
GLD = instrument(
    "GLD",
    "195.70",
    asset={"commodities": 100},
    regions={"global": 100},
    sectors={"commodities": 100},
    expense_ratio="0.40",
)
NVDA = instrument(
    "NVDA",
    "522.74",
    asset={"equity": 100},
    regions={"north_america": 100},
    sectors={"technology": 100},
    instrument_type="stock",
)


# --- hypothesis strategies -------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
quantities = st.decimals(min_value=0, max_value=100_000, places=8, allow_nan=False, allow_infinity=False)
prices = st.decimals(min_value="0.01", max_value=10_000, places=4, allow_nan=False, allow_infinity=False)


def allocation_maps(keys: list[str]) -> st.SearchStrategy[dict[str, Decimal]]:
    """Maps over some keys; empty, summing to 100, or (as bad data does) summing to anything."""
    weights = st.dictionaries(
        st.sampled_from(keys), st.decimals(min_value=0, max_value=100, places=2), max_size=len(keys)
    )
    return st.one_of(st.just({}), weights)


@st.composite
def instruments(draw: st.DrawFn, symbol: str) -> Instrument:
    return Instrument(
        symbol=symbol,
        name=symbol,
        instrument_type=draw(st.sampled_from([t.value for t in InstrumentType])),
        price=draw(st.one_of(st.none(), prices)),
        allocation_asset_class=draw(allocation_maps([a.value for a in AssetClass])),
        allocation_regions=draw(allocation_maps([r.value for r in Region])),
        allocation_sectors=draw(allocation_maps([s.value for s in Sector])),
        expense_ratio=draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=3, places=4))),
        unclassified=draw(st.booleans()),
    )


@st.composite
def portfolios(draw: st.DrawFn, *, max_accounts: int = 4) -> Portfolio:
    catalogue = [draw(instruments(f"S{i}")) for i in range(draw(st.integers(1, 6)))]
    accounts = []
    for a in range(draw(st.integers(0, max_accounts))):
        held = draw(
            st.lists(st.sampled_from(catalogue), unique_by=lambda i: i.symbol, max_size=len(catalogue))
        )
        accounts.append(
            Account(
                id=f"A{a}",
                name=f"Account {a}",
                account_type=draw(st.sampled_from(["taxable", "roth_ira", "401k"])),
                cash_balance=draw(money),
                positions=tuple(
                    Position(id=f"A{a}-{i.symbol}", symbol=i.symbol, quantity=draw(quantities), instrument=i)
                    for i in held
                ),
            )
        )
    return Portfolio(accounts=tuple(accounts))
