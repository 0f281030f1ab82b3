from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from alex.market import PolygonPrices
from tests.support.fake_polygon import API_KEY, FakeClock, FakePolygon, SleepRecorder, running


@pytest.fixture
def polygon() -> Iterator[FakePolygon]:
    with running(API_KEY) as fake:
        yield fake


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_prices(
    polygon: FakePolygon, sleeps: SleepRecorder, clock: FakeClock
) -> AsyncIterator[Callable[..., PolygonPrices]]:
    """Build providers against the fake server (no real sleeping); all are closed afterwards."""
    made: list[PolygonPrices] = []

    def build(**overrides: Any) -> PolygonPrices:
        options: dict[str, Any] = {
            "base_url": polygon.base_url,
            "sleep": sleeps,
            "clock": clock,
            "timeout_seconds": 10,
        }
        options.update(overrides)
        provider = PolygonPrices(options.pop("api_key", API_KEY), **options)
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()
