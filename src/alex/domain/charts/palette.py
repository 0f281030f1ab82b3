"""Stable chart colours: the same category always gets the same colour, on every chart and run.

Vocabulary keys (asset classes, regions, sectors, instrument types) have fixed colours, chosen
from the reference UI's palette first (``#209DD7 #753991 #FFB707 #062147 #60A5FA #A78BFA
#FBBF24 #34D399 #F87171 #94A3B8``) and extended with its chart agent's palette for the
18 sectors. Cash is always slate, "not yet classified" always light grey. Open-ended keys
(accounts, symbols) get a colour from a hash of the key, so an account keeps its colour as
other accounts come and go; collisions within one chart are resolved by taking the next free
colour.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Final

REFERENCE_PALETTE: Final = (
    "#209DD7",
    "#753991",
    "#FFB707",
    "#062147",
    "#60A5FA",
    "#A78BFA",
    "#FBBF24",
    "#34D399",
    "#F87171",
    "#94A3B8",
)
CASH_COLOR: Final = "#94A3B8"
UNCLASSIFIED_COLOR: Final = "#CBD5E1"
PALETTE: Final = (
    *(c for c in REFERENCE_PALETTE if c != CASH_COLOR),
    "#10B981",
    "#6366F1",
    "#0891B2",
    "#8B5CF6",
    "#14B8A6",
    "#3B82F6",
    "#F59E0B",
    "#EC4899",
    "#6B7280",
    "#F97316",
    "#DC2626",
    "#7C3AED",
)
"""Colours for open-ended keys (cash's slate and the unclassified grey are kept for those)."""

CATEGORY_COLORS: Final[dict[str, dict[str, str]]] = {
    "asset_class": {
        "equity": "#209DD7",
        "fixed_income": "#753991",
        "real_estate": "#34D399",
        "commodities": "#FFB707",
        "alternatives": "#F87171",
    },
    "region": {
        "north_america": "#209DD7",
        "europe": "#753991",
        "asia": "#FFB707",
        "latin_america": "#34D399",
        "africa": "#F87171",
        "middle_east": "#A78BFA",
        "oceania": "#60A5FA",
        "global": "#062147",
        "international": "#FBBF24",
    },
    "sector": {
        "technology": "#209DD7",
        "healthcare": "#34D399",
        "financials": "#753991",
        "consumer_discretionary": "#FFB707",
        "consumer_staples": "#FBBF24",
        "industrials": "#062147",
        "energy": "#F87171",
        "materials": "#A78BFA",
        "utilities": "#60A5FA",
        "real_estate": "#10B981",
        "communication": "#6366F1",
        "treasury": "#0891B2",
        "corporate": "#8B5CF6",
        "mortgage": "#14B8A6",
        "government_related": "#3B82F6",
        "commodities": "#F59E0B",
        "diversified": "#EC4899",
        "other": "#6B7280",
    },
    "instrument_type": {
        "etf": "#209DD7",
        "mutual_fund": "#753991",
        "stock": "#FFB707",
        "bond": "#062147",
        "bond_fund": "#60A5FA",
        "commodity": "#FBBF24",
        "reit": "#34D399",
    },
}


def category_color(dimension: str, key: str) -> str:
    """The fixed colour of a vocabulary key; unknown keys fall back to a hashed palette colour."""
    if key == "cash":
        return CASH_COLOR
    if key == "unclassified":
        return UNCLASSIFIED_COLOR
    return CATEGORY_COLORS.get(dimension, {}).get(key) or PALETTE[_slot(key)]


def assign_colors(keys: Iterable[str]) -> dict[str, str]:
    """Distinct, hash-stable colours for open-ended keys (accounts, symbols), in the given order."""
    taken: set[str] = set()
    colors: dict[str, str] = {}
    for key in keys:
        slot = _slot(key)
        for offset in range(len(PALETTE)):
            candidate = PALETTE[(slot + offset) % len(PALETTE)]
            if candidate not in taken:
                break
        else:  # more keys than colours: repeat rather than fail
            candidate = PALETTE[slot]
        taken.add(candidate)
        colors[key] = candidate
    return colors


def _slot(key: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, which would reshuffle colours.
    return zlib.crc32(key.encode()) % len(PALETTE)
