"""The reference's classification vocabularies and the allocation-map rule.

Every allocation map (asset class, region, sector) is a percentage breakdown that sums to
100 within ``ALLOCATION_TOLERANCE``; keys must come from the vocabularies below.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Final


class AssetClass(StrEnum):
    EQUITY = "equity"
    FIXED_INCOME = "fixed_income"
    REAL_ESTATE = "real_estate"
    COMMODITIES = "commodities"
    CASH = "cash"
    ALTERNATIVES = "alternatives"


class Region(StrEnum):
    NORTH_AMERICA = "north_america"
    EUROPE = "europe"
    ASIA = "asia"
    LATIN_AMERICA = "latin_america"
    AFRICA = "africa"
    MIDDLE_EAST = "middle_east"
    OCEANIA = "oceania"
    GLOBAL = "global"
    INTERNATIONAL = "international"


class Sector(StrEnum):
    TECHNOLOGY = "technology"
    HEALTHCARE = "healthcare"
    FINANCIALS = "financials"
    CONSUMER_DISCRETIONARY = "consumer_discretionary"
    CONSUMER_STAPLES = "consumer_staples"
    INDUSTRIALS = "industrials"
    ENERGY = "energy"
    MATERIALS = "materials"
    UTILITIES = "utilities"
    REAL_ESTATE = "real_estate"
    COMMUNICATION = "communication"
    TREASURY = "treasury"
    CORPORATE = "corporate"
    MORTGAGE = "mortgage"
    GOVERNMENT_RELATED = "government_related"
    COMMODITIES = "commodities"
    DIVERSIFIED = "diversified"
    OTHER = "other"


class InstrumentType(StrEnum):
    ETF = "etf"
    MUTUAL_FUND = "mutual_fund"
    STOCK = "stock"
    BOND = "bond"
    BOND_FUND = "bond_fund"
    COMMODITY = "commodity"
    REIT = "reit"


class AccountType(StrEnum):
    K401 = "401k"
    ROTH_IRA = "roth_ira"
    TRADITIONAL_IRA = "traditional_ira"
    TAXABLE = "taxable"
    K529 = "529"
    HSA = "hsa"
    PENSION = "pension"
    OTHER = "other"


ALLOCATION_TOLERANCE: Final = Decimal("0.05")
"""An allocation map may be off 100 by at most this many percentage points (the reference's rule)."""


class AllocationError(ValueError):
    """An allocation map has unknown keys, negative weights, or does not sum to 100."""


def check_allocation(
    allocation: Mapping[str, float | int | Decimal], vocabulary: type[StrEnum], *, what: str
) -> dict[str, Decimal]:
    """Validate one allocation map and return it with Decimal weights.

    Raises AllocationError with a message naming ``what`` and the offending key or sum.
    """
    allowed = {member.value for member in vocabulary}
    if not allocation:
        raise AllocationError(f"{what} allocation must not be empty")
    cleaned: dict[str, Decimal] = {}
    for key, raw in allocation.items():
        if key not in allowed:
            raise AllocationError(f"{what} allocation has unknown key {key!r}; allowed: {sorted(allowed)}")
        weight = Decimal(str(raw))
        if not weight.is_finite() or weight < 0 or weight > 100:
            raise AllocationError(f"{what} allocation weight for {key!r} must be between 0 and 100")
        cleaned[key] = weight
    total = sum(cleaned.values(), Decimal(0))
    if abs(total - 100) > ALLOCATION_TOLERANCE:
        raise AllocationError(f"{what} allocation must sum to 100 (± {ALLOCATION_TOLERANCE}); got {total}")
    return cleaned
