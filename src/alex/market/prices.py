"""Market prices: what a provider answers, and the provider that keeps the catalogue price.

A provider never invents a price. For each symbol asked it either returns a quote (a positive,
finite price with its source and time) or a short reason why it has none; a symbol it says
nothing about keeps the price already stored in the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class PriceQuote:
    """One price of one symbol: positive and finite, from ``source``, valid as of ``as_of``."""

    symbol: str
    price: Decimal
    source: str
    as_of: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.price, Decimal):
            raise TypeError("price must be a Decimal")
        if not self.price.is_finite() or self.price <= 0:
            raise ValueError(f"price of {self.symbol!r} must be a positive, finite number")
        if self.as_of.tzinfo is None or self.as_of.utcoffset() is None:
            raise ValueError("as_of must be timezone-aware")


@dataclass
class PriceResult:
    """The answer for a batch: a quote per priced symbol, a short reason per unpriced one.

    A symbol is in at most one of the two; a symbol in neither keeps its catalogue price.
    """

    quotes: dict[str, PriceQuote] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


class PriceProvider(Protocol):
    """Where current prices come from."""

    name: str

    async def quotes(self, symbols: Sequence[str]) -> PriceResult:
        """Prices for ``symbols``; never raises for a symbol it cannot price (see ``problems``)."""
        ...

    async def aclose(self) -> None:
        """Release what the provider holds (an HTTP client); called when its worker stops."""
        ...


class CataloguePrices:
    """The offline provider: no quotes and no problems, so the stored catalogue price stays."""

    name: str = "catalogue"

    async def quotes(self, symbols: Sequence[str]) -> PriceResult:
        return PriceResult()

    async def aclose(self) -> None:
        """Nothing to release (present so every provider can be closed the same way)."""

    def __repr__(self) -> str:
        return "CataloguePrices()"
