"""Market prices: the catalogue price by default, Polygon.io when an API key is configured."""

from __future__ import annotations

from alex.market.polygon import DEFAULT_BASE_URL, PolygonPrices
from alex.market.prices import CataloguePrices, PriceProvider, PriceQuote, PriceResult

__all__ = [
    "DEFAULT_BASE_URL",
    "CataloguePrices",
    "PolygonPrices",
    "PriceProvider",
    "PriceQuote",
    "PriceResult",
    "price_provider",
]


def price_provider(polygon_api_key: str | None, *, base_url: str | None = None) -> PriceProvider:
    """Polygon when a (non-blank) key is given, else the catalogue provider."""
    if polygon_api_key is not None and polygon_api_key.strip():
        return PolygonPrices(polygon_api_key, base_url=base_url or DEFAULT_BASE_URL)
    return CataloguePrices()
