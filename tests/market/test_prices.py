"""The catalogue provider, the quote type and the provider choice."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from alex.market import (
    DEFAULT_BASE_URL,
    CataloguePrices,
    PolygonPrices,
    PriceProvider,
    PriceQuote,
    PriceResult,
    price_provider,
)

NOW = datetime(2024, 6, 1, tzinfo=UTC)


async def test_catalogue_provider_returns_no_quotes_and_no_problems() -> None:
    provider = CataloguePrices()
    result = await provider.quotes(["SPY", "AAPL", "NOPE"])
    assert provider.name == "catalogue"
    assert result == PriceResult()
    assert result.quotes == {}
    assert result.problems == {}


async def test_catalogue_provider_is_a_price_provider() -> None:
    provider: PriceProvider = CataloguePrices()
    assert (await provider.quotes([])).quotes == {}


def test_quote_keeps_an_exact_decimal_price() -> None:
    quote = PriceQuote(symbol="AAPL", price=Decimal("189.95"), source="polygon", as_of=NOW)
    assert quote.price == Decimal("189.95")
    with pytest.raises(AttributeError):
        quote.price = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize("price", [Decimal(0), Decimal("-1.5"), Decimal("NaN"), Decimal("Infinity")])
def test_quote_rejects_a_price_that_is_not_positive_and_finite(price: Decimal) -> None:
    with pytest.raises(ValueError, match="positive, finite"):
        PriceQuote(symbol="AAPL", price=price, source="polygon", as_of=NOW)


def test_quote_rejects_a_float_price() -> None:
    with pytest.raises(TypeError):
        PriceQuote(symbol="AAPL", price=1.5, source="polygon", as_of=NOW)  # type: ignore[arg-type]


def test_quote_rejects_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone"):
        PriceQuote(symbol="AAPL", price=Decimal(1), source="polygon", as_of=datetime(2024, 6, 1))  # noqa: DTZ001


@pytest.mark.parametrize("key", [None, "", "   "])
def test_without_a_key_the_catalogue_price_is_used(key: str | None) -> None:
    assert isinstance(price_provider(key), CataloguePrices)


async def test_with_a_key_polygon_is_used() -> None:
    provider = price_provider("pk_live_abc123", base_url="http://127.0.0.1:9")
    assert isinstance(provider, PolygonPrices)
    assert provider.name == "polygon"
    assert "127.0.0.1:9" in repr(provider)
    assert "pk_live_abc123" not in repr(provider)
    await provider.aclose()


async def test_polygon_defaults_to_the_public_endpoint() -> None:
    provider = price_provider("pk_live_abc123")
    assert isinstance(provider, PolygonPrices)
    assert DEFAULT_BASE_URL in repr(provider)
    await provider.aclose()
