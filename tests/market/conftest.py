from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from alex.market import PolygonPrices
from tests.market.fake_polygon import FakePolygon, running

API_KEY = "pk_test_S3CRET_9f8e7d6c5b4a"


class SleepRecorder:
    """Stands in for ``asyncio.sleep``: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
