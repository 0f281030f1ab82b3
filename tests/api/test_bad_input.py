"""Bad input: always a clear 4xx (never a 500), a field-level 422, no echo, nothing stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from alex.settings import Settings
from tests.support.api import add_position, create_account, fresh_database, ok, snapshot
from tests.support.harness import ApiHarness, PostgresServer, harness

U = "careful-user"
ACCOUNT = "/api/accounts/{account}"
POSITION = "/api/positions/{position}"
SQL = "Robert'); DROP TABLE accounts;--"
HTML = "<script>alert(1)</script>"


@dataclass(frozen=True)
class World:
    account: str
    position: str


@pytest.fixture(scope="module")
async def shared(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ApiHarness]:
    """One app and database for the whole module: nothing here may store anything, so the cases
    can share it (and a case that did store something would show up in the next one's check too)."""
    # Hundreds of requests by one user: input rules are under test here, not the rate limits.
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("bad-input") / "alex", log_format="json", rate_limits_enabled=False
    )
    with fresh_database(postgres) as url:
        async with harness(settings, url) as api:
            yield api


@pytest.fixture(scope="module")
async def world(shared: ApiHarness) -> World:
    api = shared
    account = await create_account(api, U, account_name="Safe", cash_balance="100.00", cash_interest="0.01")
    position = await add_position(api, U, account["id"], "SPY", 10)
    ok(await api.client.post("/api/analyze", headers=api.auth(U)), 202)
    return World(account["id"], position["id"])


async def everything(api: ApiHarness) -> dict[str, Any]:
    """All the user can read, plus the shared catalogue (bad symbols must not be added to it)."""
    state = await snapshot(api, U)
    state["catalogue"] = ok(await api.client.get("/api/instruments", headers=api.auth(U)))
    return state


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    body: Any = None
    """Sent as JSON unless ``raw`` is set."""
    raw: str | bytes | None = None
    """Sent as-is, with ``content_type``."""
    status: int = 422
    field: str | None = None
    """A field the 422 must name in its errors list."""
    hostile: tuple[str, ...] = ()
    """Input the response must not echo (string values of the body are checked too)."""
    content_type: str = "application/json"
    """The Content-Type of a ``raw`` body."""


def case(id_: str, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
    return pytest.param(Case(method, path, body, **kwargs), id=id_)


def account(**fields: Any) -> dict[str, Any]:
    return {"account_name": "Fine name", **fields}


def position(**fields: Any) -> dict[str, Any]:
    return {"account_id": "{account}", "symbol": "VTI", "quantity": "1", **fields}


def raw_account(value: str, field: str = "cash_balance") -> str:
    return '{"account_name": "Fine name", "%s": %s}' % (field, value)  # noqa: UP031 - raw JSON text


CASES = [
    # --- malformed bodies and wrong types
    case("malformed-json", "POST", "/api/accounts", raw='{"account_name": "X",', field=None),
    case("malformed-json-put", "PUT", ACCOUNT, raw="{'account_name': 'single quotes'}"),
    case("empty-body", "POST", "/api/accounts", raw="", field="body"),
    case("json-array-body", "POST", "/api/accounts", [account()], field="body"),
    case("json-string-body", "POST", "/api/accounts", "just a string", field="body"),
    case(
        "not-json-content-type",
        "POST",
        "/api/accounts",
        raw='{"account_name": "Plain text"}',
        content_type="text/plain",
        field="body",
    ),
    case("invalid-utf8", "POST", "/api/accounts", raw=b'{"account_name": "ok\xff"}', status=400),
    case("deeply-nested", "POST", "/api/accounts", raw=b"[" * 100_000 + b"]" * 100_000, status=400),
    case(
        "integer-too-long", "POST", "/api/analyze", raw='{"options": {"k": 1%s}}' % ("0" * 5000), status=400
    ),
    case(
        "lone-surrogate",
        "POST",
        "/api/accounts",
        raw=b'{"account_name": "ok", "account_purpose": "\\ud800"}',
        field="account_purpose",
    ),
    case("date-invalid", "POST", "/api/positions", position(as_of_date="2025-13-01"), field="as_of_date"),
    case("name-is-number", "POST", "/api/accounts", {"account_name": 123}, field="account_name"),
    case("name-is-list", "POST", "/api/accounts", {"account_name": ["a"]}, field="account_name"),
    case("name-missing", "POST", "/api/accounts", {"cash_balance": "1"}, field="account_name"),
    case("cash-is-word", "POST", "/api/accounts", account(cash_balance="lots"), field="cash_balance"),
    case("cash-is-object", "POST", "/api/accounts", account(cash_balance={"v": 1}), field="cash_balance"),
    case(
        "account-type-unknown",
        "POST",
        "/api/accounts",
        account(account_type="checking"),
        field="account_type",
    ),
    case("put-cash-is-word", "PUT", ACCOUNT, {"cash_balance": "lots"}, field="cash_balance"),
    # --- ranges
    case("negative-cash", "POST", "/api/accounts", account(cash_balance="-0.01"), field="cash_balance"),
    case("negative-cash-number", "POST", "/api/accounts", account(cash_balance=-5), field="cash_balance"),
    case("cash-too-precise", "POST", "/api/accounts", account(cash_balance="1.001"), field="cash_balance"),
    case("cash-too-large", "POST", "/api/accounts", account(cash_balance="1e13"), field="cash_balance"),
    case("interest-over-1", "POST", "/api/accounts", account(cash_interest="1.5"), field="cash_interest"),
    case("interest-negative", "POST", "/api/accounts", account(cash_interest=-0.1), field="cash_interest"),
    case("put-negative-cash", "PUT", ACCOUNT, {"cash_balance": -1}, field="cash_balance"),
    case("put-interest-over-1", "PUT", ACCOUNT, {"cash_interest": 2}, field="cash_interest"),
    # --- NaN and Infinity, as raw JSON tokens and as strings
    case("raw-NaN", "POST", "/api/accounts", raw=raw_account("NaN"), field="cash_balance"),
    case("raw-Infinity", "POST", "/api/accounts", raw=raw_account("Infinity"), field="cash_balance"),
    case("raw-minus-Infinity", "POST", "/api/accounts", raw=raw_account("-Infinity"), field="cash_balance"),
    case("raw-overflow", "POST", "/api/accounts", raw=raw_account("1e400"), field="cash_balance"),
    case(
        "raw-NaN-interest",
        "POST",
        "/api/accounts",
        raw=raw_account("NaN", "cash_interest"),
        field="cash_interest",
    ),
    case("string-NaN", "POST", "/api/accounts", account(cash_balance="NaN"), field="cash_balance"),
    case("string-Infinity", "POST", "/api/accounts", account(cash_balance="Infinity"), field="cash_balance"),
    case("string-inf", "POST", "/api/accounts", account(cash_interest="-inf"), field="cash_interest"),
    case("string-sNaN", "POST", "/api/accounts", account(cash_balance="sNaN"), field="cash_balance"),
    case("put-raw-NaN", "PUT", ACCOUNT, raw='{"cash_balance": NaN}', field="cash_balance"),
    case("put-string-Infinity", "PUT", ACCOUNT, {"cash_interest": "Infinity"}, field="cash_interest"),
    case("quantity-string-NaN", "POST", "/api/positions", position(quantity="NaN"), field="quantity"),
    case(
        "quantity-raw-NaN",
        "POST",
        "/api/positions",
        raw='{"account_id": "{account}", "symbol": "VTI", "quantity": NaN}',
        field="quantity",
    ),
    # --- lengths
    case("name-300-chars", "POST", "/api/accounts", {"account_name": "A" * 300}, field="account_name"),
    case(
        "purpose-too-long",
        "POST",
        "/api/accounts",
        account(account_purpose="p" * 2001),
        field="account_purpose",
    ),
    case("put-name-300-chars", "PUT", ACCOUNT, {"account_name": "B" * 300}, field="account_name"),
    case("name-empty", "POST", "/api/accounts", {"account_name": ""}, field="account_name"),
    case("name-blank", "POST", "/api/accounts", {"account_name": "   "}, field="account_name"),
    # --- hostile text
    case("name-sql", "POST", "/api/accounts", {"account_name": SQL}, field="account_name"),
    case("name-html", "POST", "/api/accounts", {"account_name": HTML}, field="account_name"),
    case("put-name-sql", "PUT", ACCOUNT, {"account_name": SQL}, field="account_name"),
    case("put-name-html", "PUT", ACCOUNT, {"account_name": HTML}, field="account_name"),
    case("name-nul", "POST", "/api/accounts", {"account_name": "nul\u0000byte"}, field="account_name"),
    case("purpose-html", "POST", "/api/accounts", account(account_purpose=HTML), field="account_purpose"),
    case("purpose-bidi", "PUT", ACCOUNT, {"account_purpose": "abc\u202edcba"}, field="account_purpose"),
    case("display-name-sql", "PUT", "/api/user", {"display_name": SQL}, field="display_name"),
    case("display-name-html", "PUT", "/api/user", {"display_name": HTML}, field="display_name"),
    # --- unknown fields (no mass assignment)
    case("account-extra-user-id", "POST", "/api/accounts", account(user_id="someone-else"), field="user_id"),
    case("account-extra-id", "POST", "/api/accounts", account(id="{position}"), field="id"),
    case("put-account-extra-user-id", "PUT", ACCOUNT, {"user_id": "someone-else"}, field="user_id"),
    case("put-position-symbol", "PUT", POSITION, {"symbol": "QQQ"}, field="symbol"),
    case("put-position-account", "PUT", POSITION, {"account_id": "{account}"}, field="account_id"),
    case("extra-hostile-key", "POST", "/api/accounts", account(**{HTML: 1}), hostile=(HTML, "script")),
    case("extra-huge-key", "POST", "/api/accounts", account(**{"k" * 5000: 1}), hostile=("k" * 100,)),
    case("user-extra-field", "PUT", "/api/user", {"is_admin": True}, field="is_admin"),
    case("user-extra-password", "PUT", "/api/user", {"password_hash": "x"}, field="password_hash"),
    case("analyze-extra-field", "POST", "/api/analyze", {"user_id": "someone-else"}, field="user_id"),
    # --- positions: quantity
    case("quantity-zero", "POST", "/api/positions", position(quantity=0), field="quantity"),
    case("quantity-negative", "POST", "/api/positions", position(quantity="-3"), field="quantity"),
    case("quantity-word", "POST", "/api/positions", position(quantity="many"), field="quantity"),
    case(
        "quantity-too-precise", "POST", "/api/positions", position(quantity="0.000000001"), field="quantity"
    ),
    case(
        "quantity-missing",
        "POST",
        "/api/positions",
        {"account_id": "{account}", "symbol": "VTI"},
        field="quantity",
    ),
    case("put-quantity-zero", "PUT", POSITION, {"quantity": 0}, field="quantity"),
    case("put-quantity-negative", "PUT", POSITION, {"quantity": -1}, field="quantity"),
    case("put-quantity-string-zero", "PUT", POSITION, {"quantity": "0.0"}, field="quantity"),
    case("put-quantity-infinity", "PUT", POSITION, {"quantity": "Infinity"}, field="quantity"),
    case("put-quantity-raw-nan", "PUT", POSITION, raw='{"quantity": NaN}', field="quantity"),
    # --- positions: symbols
    case("symbol-too-long", "POST", "/api/positions", position(symbol="TOOLONGSYMBOL1"), field="symbol"),
    case("symbol-dollars", "POST", "/api/positions", position(symbol="$$$"), field="symbol"),
    case("symbol-leading-dash", "POST", "/api/positions", position(symbol="-A"), field="symbol"),
    case("symbol-leading-dot", "POST", "/api/positions", position(symbol=".A"), field="symbol"),
    case("symbol-empty", "POST", "/api/positions", position(symbol=""), field="symbol"),
    case("symbol-blank", "POST", "/api/positions", position(symbol="   "), field="symbol"),
    case("symbol-space", "POST", "/api/positions", position(symbol="A B"), field="symbol"),
    case("symbol-html", "POST", "/api/positions", position(symbol="<b>"), field="symbol"),
    case("symbol-sql", "POST", "/api/positions", position(symbol="A';--"), field="symbol"),
    case("symbol-non-ascii", "POST", "/api/positions", position(symbol="ÄPFEL"), field="symbol"),
    case("symbol-number", "POST", "/api/positions", position(symbol=123), field="symbol"),
    case(
        "account-id-not-uuid", "POST", "/api/positions", position(account_id="not-a-uuid"), field="account_id"
    ),
    case("account-id-sql", "POST", "/api/positions", position(account_id=SQL), field="account_id"),
    # --- user goals
    case(
        "targets-sum-90",
        "PUT",
        "/api/user",
        {"asset_class_targets": {"equity": 60, "fixed_income": 30}},
        field="asset_class_targets",
    ),
    case(
        "targets-sum-110",
        "PUT",
        "/api/user",
        {"region_targets": {"north_america": 60, "europe": 50}},
        field="region_targets",
    ),
    case(
        "targets-just-outside-tolerance",
        "PUT",
        "/api/user",
        {"asset_class_targets": {"equity": 50, "fixed_income": 50.06}},
        field="asset_class_targets",
    ),
    case(
        "targets-unknown-key",
        "PUT",
        "/api/user",
        {"asset_class_targets": {"equities": 100}},
        field="asset_class_targets",
    ),
    case(
        "targets-hostile-key",
        "PUT",
        "/api/user",
        {"asset_class_targets": {HTML: 100}},
        field="asset_class_targets",
        hostile=(HTML, "script"),
    ),
    case(
        "targets-hostile-key-bad-weight",
        "PUT",
        "/api/user",
        {"region_targets": {HTML: -1}},
        field="region_targets",
        hostile=(HTML, "script"),
    ),
    case(
        "targets-region-key-in-asset-classes",
        "PUT",
        "/api/user",
        {"asset_class_targets": {"europe": 100}},
        field="asset_class_targets",
    ),
    case(
        "targets-negative-weight",
        "PUT",
        "/api/user",
        {"asset_class_targets": {"equity": 110, "cash": -10}},
        field="asset_class_targets",
    ),
    case(
        "targets-nan",
        "PUT",
        "/api/user",
        {"asset_class_targets": {"equity": "NaN"}},
        field="asset_class_targets",
    ),
    case(
        "targets-raw-nan",
        "PUT",
        "/api/user",
        raw='{"region_targets": {"global": NaN}}',
        field="region_targets",
    ),
    case("targets-empty", "PUT", "/api/user", {"asset_class_targets": {}}, field="asset_class_targets"),
    case(
        "targets-not-a-map", "PUT", "/api/user", {"region_targets": [["global", 100]]}, field="region_targets"
    ),
    case("years-71", "PUT", "/api/user", {"years_until_retirement": 71}, field="years_until_retirement"),
    case(
        "years-negative", "PUT", "/api/user", {"years_until_retirement": -1}, field="years_until_retirement"
    ),
    case(
        "years-fraction", "PUT", "/api/user", {"years_until_retirement": 20.5}, field="years_until_retirement"
    ),
    case(
        "years-word", "PUT", "/api/user", {"years_until_retirement": "twenty"}, field="years_until_retirement"
    ),
    case(
        "income-negative",
        "PUT",
        "/api/user",
        {"target_retirement_income": -1},
        field="target_retirement_income",
    ),
    case(
        "income-one-trillion",
        "PUT",
        "/api/user",
        {"target_retirement_income": "1000000000000"},
        field="target_retirement_income",
    ),
    case("cash-one-trillion", "POST", "/api/accounts", account(cash_balance=10**12), field="cash_balance"),
    case(
        "income-nan",
        "PUT",
        "/api/user",
        {"target_retirement_income": "NaN"},
        field="target_retirement_income",
    ),
    # --- own prices
    case("price-zero", "PUT", "/api/instruments/SPY/price", {"price": 0}, field="price"),
    case("price-negative", "PUT", "/api/instruments/SPY/price", {"price": "-1"}, field="price"),
    case("price-nan", "PUT", "/api/instruments/SPY/price", {"price": "NaN"}, field="price"),
    case("price-raw-infinity", "PUT", "/api/instruments/SPY/price", raw='{"price": Infinity}', field="price"),
    case("price-extra", "PUT", "/api/instruments/SPY/price", {"price": "1", "symbol": "QQQ"}, field="symbol"),
    case("price-bad-symbol", "PUT", "/api/instruments/%24%24%24/price", {"price": "1"}, field="path.symbol"),
    case(
        "price-long-symbol",
        "PUT",
        "/api/instruments/TOOLONGSYMBOL1/price",
        {"price": "1"},
        field="path.symbol",
    ),
    # --- analysis
    case(
        "analyze-unknown-type", "POST", "/api/analyze", {"analysis_type": "everything"}, field="analysis_type"
    ),
    case("analyze-nested-options", "POST", "/api/analyze", {"options": {"a": {"b": 1}}}, field="options.a"),
    case(
        "analyze-too-many-options",
        "POST",
        "/api/analyze",
        {"options": {f"k{i}": i for i in range(21)}},
        field="options",
    ),
    case("jobs-limit-zero", "GET", "/api/jobs?limit=0", field="query.limit"),
    case("jobs-limit-huge", "GET", "/api/jobs?limit=100000", field="query.limit"),
    case("jobs-limit-word", "GET", "/api/jobs?limit=all", field="query.limit"),
    # --- ids that are not UUIDs
    case("get-account-bad-id", "GET", "/api/accounts/not-a-uuid", field="path.account_id"),
    case("put-account-bad-id", "PUT", "/api/accounts/123", {"account_name": "X"}, field="path.account_id"),
    case(
        "delete-account-bad-id",
        "DELETE",
        "/api/accounts/%27%3B%20DROP%20TABLE%20accounts%3B--",
        field="path.account_id",
        hostile=("DROP TABLE",),
    ),
    case("positions-bad-account-id", "GET", "/api/accounts/1/positions", field="path.account_id"),
    case("put-position-bad-id", "PUT", "/api/positions/xyz", {"quantity": "1"}, field="path.position_id"),
    case(
        "delete-position-bad-id",
        "DELETE",
        "/api/positions/00000000-0000-0000-0000-00000000000g",
        field="path.position_id",
    ),
    case("get-job-bad-id", "GET", "/api/jobs/%3Cscript%3E", field="path.job_id", hostile=("<script>",)),
]


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.replace("{account}", ids["account"]).replace("{position}", ids["position"])
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    return value


def _string_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _string_values(item)]
    if isinstance(value, list):
        return [s for item in value for s in _string_values(item)]
    return []


async def send(api: ApiHarness, world: World, bad: Case) -> Any:
    ids = {"account": world.account, "position": world.position}
    headers = api.auth(U)
    path = _fill(bad.path, ids)
    if bad.raw is not None:
        headers["Content-Type"] = bad.content_type
        raw = _fill(bad.raw, ids) if isinstance(bad.raw, str) else bad.raw
        return await api.client.request(bad.method, path, content=raw, headers=headers)
    if bad.body is None:
        return await api.client.request(bad.method, path, headers=headers)
    return await api.client.request(bad.method, path, json=_fill(bad.body, ids), headers=headers)


@pytest.mark.parametrize("bad", CASES)
async def test_bad_input_is_refused_and_nothing_is_stored(
    shared: ApiHarness, world: World, bad: Case
) -> None:
    api = shared
    before = await everything(api)

    response = await send(api, world, bad)

    assert response.status_code == bad.status, response.text
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if bad.status == 422:
        assert body["detail"].startswith("Invalid input")
        errors = body["errors"]
        assert isinstance(errors, list)
        assert errors
        assert all(isinstance(e["field"], str) and isinstance(e["message"], str) for e in errors)
        if bad.field is not None:
            fields = [e["field"] for e in errors]
            assert any(f == bad.field or f.startswith(f"{bad.field}.") for f in fields), errors
    # Never echo the input back (short strings could match ordinary words, so only longer ones).
    for value in (*bad.hostile, *(s for s in _string_values(bad.body) if len(s) >= 5)):
        if "{account}" in value or "{position}" in value:
            continue
        assert value not in response.text
    for leak in ("Traceback", "psycopg", "sqlalchemy", "pydantic"):
        assert leak not in response.text
    assert await everything(api) == before


# --- request size -------------------------------------------------------------------------------


async def test_a_10_mb_string_is_refused_with_413(shared: ApiHarness, world: World) -> None:
    api = shared
    before = await everything(api)
    payload = json.dumps({"account_name": "x" * (10 * 1024 * 1024)})

    headers = {**api.auth(U), "Content-Type": "application/json"}
    response = await api.client.post("/api/accounts", content=payload, headers=headers)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert response.headers["x-request-id"]
    assert await everything(api) == before


async def test_an_oversized_body_without_content_length_is_refused(shared: ApiHarness, world: World) -> None:
    """A chunked upload has no Content-Length to check up front: the limit counts what arrives."""
    api = shared
    before = await everything(api)
    chunk = b"x" * (256 * 1024)

    async def body() -> AsyncIterator[bytes]:
        yield b'{"account_name": "'
        for _ in range(8):  # 2 MiB in all
            yield chunk
        yield b'"}'

    headers = {**api.auth(U), "Content-Type": "application/json"}
    response = await api.client.post("/api/accounts", content=body(), headers=headers)

    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413
    assert await everything(api) == before


async def test_a_body_just_under_the_limit_is_parsed(shared: ApiHarness) -> None:
    """The limit is the 1 MiB body, not something smaller: this one reaches validation (422)."""
    payload = json.dumps({"account_name": "x" * (1024 * 1024 - 100)})
    headers = {**shared.auth(U), "Content-Type": "application/json"}
    response = await shared.client.post("/api/accounts", content=payload, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "account_name"
    assert len(response.content) < 2000  # and the 1 MiB value is not echoed


async def test_an_unknown_symbol_is_not_added_when_the_account_is_not_yours(api: ApiHarness) -> None:
    theirs = await create_account(api, "someone-else")
    response = await api.client.post(
        "/api/positions",
        json={"account_id": theirs["id"], "symbol": "ZZZQ", "quantity": "1"},
        headers=api.auth(U),
    )
    assert response.status_code == 404
    catalogue = ok(await api.client.get("/api/instruments", headers=api.auth(U)))
    assert "ZZZQ" not in {i["symbol"] for i in catalogue}
