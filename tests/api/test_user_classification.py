"""PUT/DELETE /api/instruments/{symbol}/classification: a user's own classification, theirs only.

It wins over the catalogue's in that user's analysis (snapshot, allocations, the tagger step's
"needs classification"), is validated against the taxonomy, and never changes the shared row
or what another user sees.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from alex.db import instruments
from alex.db import snapshot as snapshots
from alex.db.models import Instrument
from alex.domain.portfolio.allocation import allocate
from alex.domain.portfolio.valuation import value_portfolio
from tests.support.api import add_position, create_account, ok
from tests.support.harness import ApiHarness

A = "classifier-a"
B = "classifier-b"

EUROPEAN_TECH: dict[str, Any] = {
    "instrument_type": "stock",
    "asset_class": {"equity": "100"},
    "regions": {"europe": "70", "asia": "30"},
    "sectors": {"technology": "100"},
    "note": "It is a European company listed in the US.",
}


def _path(symbol: str) -> str:
    return f"/api/instruments/{symbol}/classification"


async def _catalogue_row(api: ApiHarness, symbol: str) -> dict[str, Any]:
    async with api.context.database.session() as session:
        row = (await session.execute(select(Instrument).where(Instrument.symbol == symbol))).scalar_one()
        return {column.key: getattr(row, column.key) for column in Instrument.__table__.columns}


async def _snapshot(api: ApiHarness, user: str) -> snapshots.PortfolioSnapshot:
    async with api.context.database.session() as session:
        loaded = await snapshots.load(session, user_id=user)
    assert loaded is not None
    return loaded


async def _hold(api: ApiHarness, user: str, *symbols: str) -> None:
    account = await create_account(api, user)
    for symbol in symbols:
        await add_position(api, user, account["id"], symbol, 10)


async def test_your_classification_is_yours_only(api: ApiHarness) -> None:
    await _hold(api, A, "VTI")
    await _hold(api, B, "VTI")
    catalogue_before = await _catalogue_row(api, "VTI")
    shared = ok(await api.client.get("/api/instruments/VTI", headers=api.auth(B)))

    mine = ok(await api.client.put(_path("vti"), json=EUROPEAN_TECH, headers=api.auth(A)))

    assert mine["symbol"] == "VTI"
    assert mine["classification"] == {
        "instrument_type": "stock",
        "allocation_asset_class": {"equity": 100.0},
        "allocation_regions": {"europe": 70.0, "asia": 30.0},
        "allocation_sectors": {"technology": 100.0},
        "status": "classified",
        "source": "you",
        "note": "It is a European company listed in the US.",
        "set_at": mine["classification"]["set_at"],
    }
    assert mine["classification"]["set_at"] is not None
    # The top-level fields are the shared catalogue's, as for prices.
    assert mine["allocation_regions"] == shared["allocation_regions"]
    assert mine["instrument_type"] == "etf"
    # A reads it back; B still sees the catalogue, with nothing of A's.
    again = ok(await api.client.get("/api/instruments/VTI", headers=api.auth(A)))
    assert again["classification"] == mine["classification"]
    listed = {i["symbol"]: i for i in ok(await api.client.get("/api/instruments", headers=api.auth(A)))}
    assert listed["VTI"]["classification"]["source"] == "you"
    theirs = ok(await api.client.get("/api/instruments/VTI", headers=api.auth(B)))
    assert theirs == shared
    assert theirs["classification"]["source"] == "catalogue"
    assert theirs["classification"]["note"] is None
    assert all(
        i["classification"]["source"] == "catalogue"
        for i in ok(await api.client.get("/api/instruments", headers=api.auth(B)))
    )
    # The shared row is exactly as it was.
    assert await _catalogue_row(api, "VTI") == catalogue_before


async def test_the_analysis_uses_it_for_that_user_only(api: ApiHarness) -> None:
    await _hold(api, A, "VTI")
    await _hold(api, B, "VTI")
    catalogue_regions = (await _catalogue_row(api, "VTI"))["allocation_regions"]

    ok(await api.client.put(_path("VTI"), json=EUROPEAN_TECH, headers=api.auth(A)))

    a_vti = (await _snapshot(api, A)).instruments()["VTI"]
    assert a_vti.instrument_type == "stock"
    assert a_vti.allocation_regions == {"europe": Decimal(70), "asia": Decimal(30)}
    assert a_vti.allocation_sectors == {"technology": Decimal(100)}
    assert not a_vti.needs_classification
    b_vti = (await _snapshot(api, B)).instruments()["VTI"]
    assert b_vti.instrument_type == "etf"
    assert b_vti.allocation_regions == {k: Decimal(str(v)) for k, v in catalogue_regions.items()}
    # The allocations (and so drift, rules and charts) follow.
    a_regions = allocate(value_portfolio((await _snapshot(api, A)).portfolio)).region.percentages
    b_regions = allocate(value_portfolio((await _snapshot(api, B)).portfolio)).region.percentages
    assert a_regions == {"europe": Decimal("70.00"), "asia": Decimal("30.00")}
    assert set(b_regions) == {k for k, v in catalogue_regions.items() if v > 0}


async def test_a_symbol_you_classified_no_longer_needs_the_tagger(api: ApiHarness) -> None:
    await _hold(api, A, "ZZQX")
    await _hold(api, B, "ZZQX")
    assert (await _snapshot(api, A)).instruments()["ZZQX"].needs_classification
    gold: dict[str, Any] = {
        "instrument_type": "commodity",
        "asset_class": {"commodities": "100"},
        "regions": {"global": "100"},
        "sectors": {},  # no industry sector: allowed without equity
    }

    mine = ok(await api.client.put(_path("ZZQX"), json=gold, headers=api.auth(A)))

    assert mine["classification_status"] == "unclassified"  # the catalogue's
    assert mine["classification"]["status"] == "classified"
    assert mine["classification"]["allocation_sectors"] == {}
    a_zzqx = (await _snapshot(api, A)).instruments()["ZZQX"]
    assert not a_zzqx.needs_classification
    assert a_zzqx.allocation_sectors == {"other": Decimal(100)}
    assert a_zzqx.instrument_type == "commodity"
    b_zzqx = (await _snapshot(api, B)).instruments()["ZZQX"]
    assert b_zzqx.needs_classification
    assert b_zzqx.instrument_type == "unknown"
    catalogue = await _catalogue_row(api, "ZZQX")
    assert catalogue["classification_status"] == "unclassified"
    assert catalogue["allocation_asset_class"] == {}


async def test_without_a_type_the_catalogues_type_applies(api: ApiHarness) -> None:
    body = {**EUROPEAN_TECH, "instrument_type": None}
    del body["note"]
    mine = ok(await api.client.put(_path("AAPL"), json=body, headers=api.auth(A)))
    assert mine["classification"]["instrument_type"] == "stock"
    assert mine["classification"]["note"] is None


async def test_setting_again_replaces_and_delete_restores_the_catalogue(api: ApiHarness) -> None:
    first = ok(await api.client.put(_path("SPY"), json=EUROPEAN_TECH, headers=api.auth(A)))
    replaced = ok(
        await api.client.put(
            _path("SPY"),
            json={**EUROPEAN_TECH, "regions": {"north_america": "100"}, "note": "  "},
            headers=api.auth(A),
        )
    )
    assert replaced["classification"]["allocation_regions"] == {"north_america": 100.0}
    assert replaced["classification"]["note"] is None
    assert replaced["classification"]["set_at"] >= first["classification"]["set_at"]

    # B has none of their own, so cannot remove A's.
    assert (await api.client.delete(_path("SPY"), headers=api.auth(B))).status_code == 404
    removed = await api.client.delete(_path("spy"), headers=api.auth(A))

    assert removed.status_code == 204
    assert removed.content == b""
    back = ok(await api.client.get("/api/instruments/SPY", headers=api.auth(A)))
    assert back["classification"]["source"] == "catalogue"
    assert back["classification"]["allocation_regions"] == back["allocation_regions"]
    gone = await api.client.delete(_path("SPY"), headers=api.auth(A))
    assert gone.status_code == 404
    assert gone.json() == {"detail": "You have no classification set for this symbol."}


async def test_a_model_classification_names_its_model(api: ApiHarness) -> None:
    await _hold(api, A, "ZZQM")
    async with api.context.database.session() as session:
        assert await instruments.store_model_classification(
            session,
            symbol="ZZQM",
            instrument_type="etf",
            asset_class={"equity": Decimal(100)},
            regions={"north_america": Decimal(100)},
            sectors={"technology": Decimal(100)},
            source="openai:gpt-test",
        )
        await session.commit()
    seen = ok(await api.client.get("/api/instruments/ZZQM", headers=api.auth(A)))
    assert seen["classification"]["source"] == "model:openai:gpt-test"
    assert seen["classification"]["status"] == "classified"
    seeded = ok(await api.client.get("/api/instruments/SPY", headers=api.auth(A)))
    assert seeded["classification"]["source"] == "catalogue"


async def test_an_unknown_symbol_is_404(api: ApiHarness) -> None:
    response = await api.client.put(_path("NOPE"), json=EUROPEAN_TECH, headers=api.auth(A))
    assert response.status_code == 404
    assert response.json() == {"detail": "Instrument not found."}
    assert (await api.client.delete(_path("NOPE"), headers=api.auth(A))).status_code == 404


def _body(**changes: Any) -> dict[str, Any]:
    return {**EUROPEAN_TECH, **changes}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(_body(asset_class={"crypto": "100"}), "asset_class", id="unknown asset class"),
        pytest.param(_body(regions={"mars": "100"}), "regions", id="unknown region"),
        pytest.param(_body(sectors={"gambling": "100"}), "sectors", id="unknown sector"),
        pytest.param(_body(asset_class={"equity": "90"}), "asset_class", id="sum 90"),
        pytest.param(_body(regions={"europe": "60", "asia": "40.1"}), "regions", id="sum 100.1"),
        pytest.param(_body(sectors={"technology": "50"}), "sectors", id="sectors sum 50"),
        pytest.param(_body(asset_class={}), "asset_class", id="empty asset class"),
        pytest.param(_body(regions={}), "regions", id="empty regions"),
        pytest.param(_body(sectors={}), "sectors", id="equity without sectors"),
        pytest.param(_body(asset_class={"equity": "-10", "cash": "110"}), "asset_class", id="negative"),
        pytest.param(_body(asset_class={"equity": "NaN"}), "asset_class", id="nan"),
        pytest.param(_body(instrument_type="crypto"), "instrument_type", id="unknown type"),
        pytest.param(_body(note="x" * 501), "note", id="long note"),
        pytest.param(_body(note="<script>alert(1)</script>"), "note", id="markup note"),
        pytest.param(_body(source="you"), "source", id="extra field"),
        pytest.param(
            {"asset_class": {"equity": "100"}, "regions": {"europe": "100"}}, "sectors", id="no sectors"
        ),
    ],
)
async def test_bad_classifications_are_422_and_nothing_is_stored(
    api: ApiHarness, body: dict[str, Any], field: str
) -> None:
    before = await _catalogue_row(api, "VTI")

    response = await api.client.put(_path("VTI"), json=body, headers=api.auth(A))

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(error["field"].startswith(field) for error in errors), errors
    for hostile in ("crypto", "mars", "gambling", "<script>"):
        assert hostile not in response.text  # the input is never echoed
    seen = ok(await api.client.get("/api/instruments/VTI", headers=api.auth(A)))
    assert seen["classification"]["source"] == "catalogue"
    assert await _catalogue_row(api, "VTI") == before


async def test_sums_within_the_tolerance_are_accepted(api: ApiHarness) -> None:
    body = _body(regions={"europe": "33.33", "asia": "33.33", "oceania": "33.33"})
    mine = ok(await api.client.put(_path("VTI"), json=body, headers=api.auth(A)))
    assert mine["classification"]["allocation_regions"] == {"europe": 33.33, "asia": 33.33, "oceania": 33.33}


async def test_the_repository_reads_and_deletes_a_users_own(api: ApiHarness) -> None:
    ok(await api.client.put(_path("VTI"), json=EUROPEAN_TECH, headers=api.auth(A)))
    async with api.context.database.session() as session:
        assert await instruments.user_classification(session, user_id=A, symbol="VTI") is not None
        assert await instruments.delete_user_classification(session, user_id=A, symbol="VTI")
        assert await instruments.user_classification(session, user_id=A, symbol="VTI") is None


async def test_your_positions_show_your_classification(api: ApiHarness) -> None:
    account = await create_account(api, A)
    await add_position(api, A, account["id"], "VTI", 10)
    ok(await api.client.put(_path("VTI"), json=EUROPEAN_TECH, headers=api.auth(A)))
    found = ok(await api.client.get(f"/api/accounts/{account['id']}/positions", headers=api.auth(A)))
    listed = found["positions"]
    assert [p["instrument"]["classification"]["source"] for p in listed] == ["you"]
    assert listed[0]["instrument"]["classification"]["allocation_regions"] == {"europe": 70.0, "asia": 30.0}
