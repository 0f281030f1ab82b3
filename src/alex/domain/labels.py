"""Human names for vocabulary keys (``fixed_income`` → "Fixed Income"): the one source for sentences,
charts and the web's forms."""

from __future__ import annotations

from typing import Final

_SPECIAL: Final = {
    "401k": "401(k)",
    "529": "529 plan",
    "hsa": "HSA",
    "taxable": "Taxable brokerage",
    "roth_ira": "Roth IRA",
    "traditional_ira": "Traditional IRA",
    "etf": "ETF",
    "reit": "REIT",
    "unclassified": "Not yet classified",
}


def label(key: str) -> str:
    """``north_america`` → "North America"; acronyms and special keys spelled out."""
    return _SPECIAL.get(key) or key.replace("_", " ").title()
