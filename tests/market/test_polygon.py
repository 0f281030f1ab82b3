"""PolygonPrices against a real loopback HTTP server that plays Polygon."""

from __future__ import annotations

import logging
import random
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest
import structlog

from alex.market import PolygonPrices
from tests.support.fake_polygon import API_KEY, BAR_TIME_MS, FakeClock, FakePolygon, SleepRecorder

MakePrices = Callable[..., PolygonPrices]


# -- prices ----------------------------------------------------------------------------------


async def test_close_is_parsed_as_an_exact_decimal(polygon: FakePolygon, make_prices: MakePrices) -> None:
    polygon.prices.update({"AAPL": "189.95", "MSFT": "412", "TLT": "0.1000000000000000055511151231257827"})
    result = await make_prices().quotes(["AAPL", "MSFT", "TLT"])

    assert result.problems == {}
    aapl = result.quotes["AAPL"]
    assert isinstance(aapl.price, Decimal)
    assert aapl.price == Decimal("189.95")
    assert str(aapl.price) == "189.95"
    assert result.quotes["MSFT"].price == Decimal(412)
    assert result.quotes["TLT"].price == Decimal("0.1000000000000000055511151231257827")
    assert aapl.symbol == "AAPL"
    assert aapl.source == "polygon"
    assert aapl.as_of == datetime.fromtimestamp(BAR_TIME_MS / 1000, tz=UTC)
    assert len(polygon.seen) == 3


async def test_one_failing_symbol_does_not_cost_the_others(
    polygon: FakePolygon, make_prices: MakePrices
) -> None:
    polygon.prices.update({"SPY": "450.25", "QQQ": "385.5"})
    result = await make_prices().quotes(["SPY", "UNKNOWN", "QQQ"])
    assert set(result.quotes) == {"SPY", "QQQ"}
    assert set(result.problems) == {"UNKNOWN"}
    assert list(result.quotes) == ["SPY", "QQQ"]


async def test_a_symbol_asked_twice_is_fetched_once(polygon: FakePolygon, make_prices: MakePrices) -> None:
    polygon.prices["SPY"] = "450.25"
    result = await make_prices().quotes(["SPY", "SPY"])
    assert list(result.quotes) == ["SPY"]
    assert len(polygon.seen) == 1


async def test_an_empty_batch_makes_no_request(polygon: FakePolygon, make_prices: MakePrices) -> None:
    result = await make_prices().quotes([])
    assert (result.quotes, result.problems) == ({}, {})
    assert polygon.seen == []


# -- cache -----------------------------------------------------------------------------------


async def test_cache_avoids_a_second_request_until_it_expires(
    polygon: FakePolygon, make_prices: MakePrices, clock: FakeClock
) -> None:
    polygon.prices["AAPL"] = "189.95"
    prices = make_prices(cache_seconds=900)

    first = await prices.quotes(["AAPL"])
    clock.advance(899.9)
    second = await prices.quotes(["AAPL"])
    assert second.quotes == first.quotes
    assert len(polygon.seen) == 1

    polygon.prices["AAPL"] = "191.10"
    clock.advance(0.1)
    third = await prices.quotes(["AAPL"])
    assert third.quotes["AAPL"].price == Decimal("191.10")
    assert len(polygon.seen) == 2


async def test_failures_are_not_cached(polygon: FakePolygon, make_prices: MakePrices) -> None:
    prices = make_prices()
    assert "NEW" in (await prices.quotes(["NEW"])).problems
    polygon.prices["NEW"] = "10"
    assert (await prices.quotes(["NEW"])).quotes["NEW"].price == Decimal(10)
    assert len(polygon.seen) == 2


async def test_zero_cache_seconds_always_asks(polygon: FakePolygon, make_prices: MakePrices) -> None:
    polygon.prices["AAPL"] = "1"
    prices = make_prices(cache_seconds=0)
    await prices.quotes(["AAPL"])
    await prices.quotes(["AAPL"])
    assert len(polygon.seen) == 2


# -- retries ---------------------------------------------------------------------------------


async def test_429_then_success_honours_retry_after(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.prices["AAPL"] = "189.95"
    polygon.fail("AAPL", 429, headers={"Retry-After": "0"})
    result = await make_prices().quotes(["AAPL"])

    assert result.quotes["AAPL"].price == Decimal("189.95")
    assert result.problems == {}
    assert polygon.requests_for("AAPL") == 2
    assert sleeps.delays == [0.0]


async def test_backoff_is_full_jitter_within_exponential_bounds(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.prices["AAPL"] = "189.95"
    polygon.fail("AAPL", 429)  # no Retry-After: jitter
    polygon.fail("AAPL", 503)
    polygon.fail("AAPL", 502)
    result = await make_prices(
        max_attempts=4, backoff_base=0.5, backoff_cap=8.0, rng=random.Random(1234)
    ).quotes(["AAPL"])

    assert result.quotes["AAPL"].price == Decimal("189.95")
    assert polygon.requests_for("AAPL") == 4
    bounds = [0.5, 1.0, 2.0]
    assert len(sleeps.delays) == 3
    for delay, bound in zip(sleeps.delays, bounds, strict=True):
        assert 0 <= delay <= bound
    expected = random.Random(1234)
    assert sleeps.delays == [expected.uniform(0, bound) for bound in bounds]


async def test_backoff_never_exceeds_the_cap(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.fail("AAPL", 500, times=6)
    await make_prices(max_attempts=6, backoff_base=1.0, backoff_cap=3.0).quotes(["AAPL"])
    assert len(sleeps.delays) == 5
    for attempt, delay in enumerate(sleeps.delays, start=1):
        assert 0 <= delay <= min(3.0, 1.0 * 2 ** (attempt - 1))


async def test_retry_after_is_capped(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.prices["AAPL"] = "1"
    polygon.fail("AAPL", 429, headers={"Retry-After": "120"})
    polygon.fail("AAPL", 503, headers={"Retry-After": "2.5"})
    polygon.fail("AAPL", 429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    await make_prices(max_attempts=4, backoff_base=0.5, backoff_cap=8.0).quotes(["AAPL"])
    assert sleeps.delays[:2] == [8.0, 2.5]
    assert 0 <= sleeps.delays[2] <= 2.0  # an HTTP date is not seconds: plain backoff


async def test_500_on_every_attempt_is_a_problem_not_a_price(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.prices["AAPL"] = "189.95"
    polygon.fail("AAPL", 500, times=3)
    result = await make_prices(max_attempts=3).quotes(["AAPL"])

    assert result.quotes == {}
    assert result.problems == {"AAPL": "no price from Polygon (HTTP 500, 3 attempts)"}
    assert polygon.requests_for("AAPL") == 3
    assert len(sleeps.delays) == 2
    assert 0 <= sleeps.delays[0] <= 0.5
    assert 0 <= sleeps.delays[1] <= 1.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_other_4xx_is_final_at_once(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder, status: int
) -> None:
    polygon.prices["AAPL"] = "189.95"
    polygon.fail("AAPL", status)
    result = await make_prices().quotes(["AAPL"])
    assert result.quotes == {}
    assert result.problems == {"AAPL": f"no price from Polygon (HTTP {status})"}
    assert polygon.requests_for("AAPL") == 1
    assert sleeps.delays == []


async def test_unknown_symbol_is_a_404_problem_without_retry(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    result = await make_prices().quotes(["ZZZZ"])
    assert result.problems == {"ZZZZ": "no price from Polygon (HTTP 404)"}
    assert len(polygon.seen) == 1
    assert sleeps.delays == []


async def test_a_wrong_key_is_a_problem_per_symbol(polygon: FakePolygon, make_prices: MakePrices) -> None:
    polygon.prices["AAPL"] = "1"
    result = await make_prices(api_key="pk_wrong_key_42").quotes(["AAPL"])
    assert result.problems == {"AAPL": "no price from Polygon (HTTP 401)"}
    assert len(polygon.seen) == 1


async def test_network_errors_are_retried_then_reported(sleeps: SleepRecorder, clock: FakeClock) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with PolygonPrices(
        API_KEY, base_url=f"http://127.0.0.1:{port}", sleep=sleeps, clock=clock, max_attempts=3
    ) as prices:
        result = await prices.quotes(["AAPL"])
    assert result.quotes == {}
    assert result.problems == {"AAPL": "no price from Polygon (network error: ConnectError, 3 attempts)"}
    assert len(sleeps.delays) == 2


async def test_timeouts_are_retried_then_reported(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.prices["SLOW"] = "1"
    polygon.stalled.add("SLOW")  # held until the test ends
    result = await make_prices(timeout_seconds=0.2, max_attempts=2).quotes(["SLOW"])
    assert result.quotes == {}
    assert result.problems == {"SLOW": "no price from Polygon (timed out, 2 attempts)"}
    assert len(sleeps.delays) == 1


# -- bad answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("close", "reason"),
    [
        ("-5", "invalid price -5"),
        ("0", "invalid price 0"),
        ("0.0", "invalid price 0.0"),
        ("NaN", "unreadable response"),
        ("Infinity", "unreadable response"),
        ("-Infinity", "unreadable response"),
        ('"189.95"', "invalid price '189.95'"),
        ('"abc"', "invalid price 'abc'"),
        ("true", "invalid price True"),
        ("null", "no closing price"),
        ("[1]", "invalid price [1]"),
    ],
)
async def test_an_invalid_close_is_a_problem(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder, close: str, reason: str
) -> None:
    polygon.prices["AAPL"] = close
    result = await make_prices().quotes(["AAPL"])
    assert result.quotes == {}
    assert result.problems == {"AAPL": f"no price from Polygon ({reason})"}
    assert len(polygon.seen) == 1
    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"this is not json", "unreadable response"),
        (b"", "unreadable response"),
        (b"\xff\xfe\x00garbage", "unreadable response"),
        (b"[" * 100_000, "unreadable response"),
        (b"[1, 2, 3]", "no results"),
        (b'{"status": "OK"}', "no results"),
        (b'{"status": "OK", "resultsCount": 0, "results": []}', "no results"),
        (b'{"results": {"c": 1}}', "no results"),
        (b'{"results": ["c"]}', "unreadable response"),
        (b'{"results": [{"T": "AAPL", "o": 1}]}', "no closing price"),
        (b'{"results": [{"T": "MSFT", "c": 412.0}]}', "answer for another symbol"),
    ],
)
async def test_garbage_is_a_problem(
    polygon: FakePolygon, make_prices: MakePrices, body: bytes, reason: str
) -> None:
    polygon.bodies["AAPL"] = body
    result = await make_prices().quotes(["AAPL"])
    assert result.quotes == {}
    assert result.problems == {"AAPL": f"no price from Polygon ({reason})"}
    assert len(polygon.seen) == 1


async def test_a_bar_without_a_time_is_dated_now(polygon: FakePolygon, make_prices: MakePrices) -> None:
    polygon.bodies["AAPL"] = b'{"results": [{"T": "AAPL", "c": 189.95}]}'
    before = datetime.now(UTC)
    quote = (await make_prices().quotes(["AAPL"])).quotes["AAPL"]
    assert quote.price == Decimal("189.95")
    assert quote.as_of >= before
    assert quote.as_of.tzinfo is not None


# -- the key ---------------------------------------------------------------------------------


async def test_key_goes_in_the_header_and_nowhere_else(
    polygon: FakePolygon,
    make_prices: MakePrices,
    caplog: pytest.LogCaptureFixture,
) -> None:
    polygon.prices["AAPL"] = "189.95"
    polygon.fail("AAPL", 429, headers={"Retry-After": "0"})
    polygon.fail("BAD", 500, times=3)
    polygon.prices["NEG"] = "-1"
    prices = make_prices()

    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as events:
        result = await prices.quotes(["AAPL", "BAD", "NEG", "MISSING", ".."])

    assert set(result.quotes) == {"AAPL"}
    assert set(result.problems) == {"BAD", "NEG", "MISSING", ".."}
    assert {s.authorization for s in polygon.seen} == {f"Bearer {API_KEY}"}
    for seen in polygon.seen:
        assert API_KEY not in seen.path
        assert urlsplit(seen.path).query == "adjusted=true"
    assert all(API_KEY not in problem for problem in result.problems.values())
    assert API_KEY not in repr(prices)
    assert API_KEY not in str(prices)
    assert API_KEY not in repr(result)
    assert events, "the failures were logged"
    assert all(API_KEY not in repr(event) for event in events)
    assert API_KEY not in caplog.text
    assert all(API_KEY not in repr(record.__dict__) for record in caplog.records)


async def test_key_is_absent_from_network_failures(sleeps: SleepRecorder) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with structlog.testing.capture_logs() as events:
        async with PolygonPrices(API_KEY, base_url=f"http://127.0.0.1:{port}", sleep=sleeps) as prices:
            result = await prices.quotes(["AAPL"])
    assert "AAPL" in result.problems
    assert API_KEY not in result.problems["AAPL"]
    assert all(API_KEY not in repr(event) for event in events)


@pytest.mark.parametrize(
    "bad_key",
    ["", "   ", "pk with space", "pk_tab\tkey", "pk\nnewline"],
    ids=["empty", "blank", "space", "tab", "nl"],
)
def test_a_malformed_key_is_refused_without_quoting_it(bad_key: str) -> None:
    with pytest.raises(ValueError, match="Polygon API key") as caught:
        PolygonPrices(bad_key)
    if bad_key.strip():
        assert bad_key.strip() not in str(caught.value)
        assert bad_key.strip() not in repr(caught.value)


@pytest.mark.parametrize(
    "base_url", ["ftp://example.com", "not a url", "https://user:pass@example.com", "https://x.io/?apiKey=1"]
)
def test_a_bad_base_url_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        PolygonPrices(API_KEY, base_url=base_url)


async def test_an_injected_client_is_used_and_left_open(polygon: FakePolygon, sleeps: SleepRecorder) -> None:
    polygon.prices["AAPL"] = "189.95"
    async with httpx.AsyncClient() as client:
        prices = PolygonPrices(API_KEY, base_url=polygon.base_url, http_client=client, sleep=sleeps)
        result = await prices.quotes(["AAPL"])
        await prices.aclose()
        assert not client.is_closed
    assert result.quotes["AAPL"].price == Decimal("189.95")
    assert polygon.seen[0].authorization == f"Bearer {API_KEY}"


# -- symbols in the path ---------------------------------------------------------------------


async def test_symbols_are_escaped_into_the_path(polygon: FakePolygon, make_prices: MakePrices) -> None:
    polygon.prices.update({"BRK.B": "412.30", "A/B": "1", "X:BTCUSD": "67000.5", "A B": "2"})
    result = await make_prices().quotes(["BRK.B", "A/B", "X:BTCUSD", "A B"])

    assert result.problems == {}
    assert result.quotes["BRK.B"].price == Decimal("412.30")
    assert sorted(urlsplit(p).path for p in polygon.paths) == sorted(
        [
            "/v2/aggs/ticker/BRK.B/prev",
            "/v2/aggs/ticker/A%2FB/prev",
            "/v2/aggs/ticker/X%3ABTCUSD/prev",
            "/v2/aggs/ticker/A%20B/prev",
        ]
    )


@pytest.mark.parametrize("symbol", ["", "  ", ".", "..", "A\x00B", "X" * 65])
async def test_symbols_that_cannot_be_a_path_segment_are_refused(
    polygon: FakePolygon, make_prices: MakePrices, symbol: str
) -> None:
    result = await make_prices().quotes([symbol])
    assert result.problems == {symbol: "not a valid symbol"}
    assert polygon.seen == []


async def test_symbols_are_asked_in_upper_case_and_answered_as_given(
    polygon: FakePolygon, make_prices: MakePrices
) -> None:
    polygon.prices["BRK.B"] = "412.30"
    result = await make_prices().quotes([" brk.b "])
    assert result.quotes[" brk.b "].symbol == " brk.b "
    assert urlsplit(polygon.paths[0]).path == "/v2/aggs/ticker/BRK.B/prev"


async def test_a_string_is_not_a_batch(make_prices: MakePrices) -> None:
    with pytest.raises(TypeError):
        await make_prices().quotes("AAPL")


# -- concurrency -----------------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_concurrency_is_bounded(
    polygon: FakePolygon, make_prices: MakePrices, concurrency: int
) -> None:
    symbols = [f"S{i:02d}" for i in range(4 * concurrency)]
    polygon.prices.update(dict.fromkeys(symbols, "10"))
    # Requests are answered in waves of exactly `concurrency`: a wave that never fills fails
    # its barrier (the bound was not used), one that overfills shows in the peak.
    polygon.barrier = threading.Barrier(concurrency, timeout=10)
    result = await make_prices(concurrency=concurrency).quotes(symbols)

    assert result.problems == {}
    assert len(result.quotes) == len(symbols)
    assert polygon.peak_in_flight == concurrency
    assert len(polygon.seen) == len(symbols)


async def test_backoff_does_not_hold_a_slot(
    polygon: FakePolygon, make_prices: MakePrices, sleeps: SleepRecorder
) -> None:
    polygon.prices.update({"A": "1", "B": "2"})
    polygon.fail("A", 503, times=2)
    result = await make_prices(concurrency=1).quotes(["A", "B"])
    assert set(result.quotes) == {"A", "B"}
    assert polygon.peak_in_flight == 1
    assert len(sleeps.delays) == 2
