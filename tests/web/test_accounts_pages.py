"""The accounts pages over HTTP: list, create, edit, delete, positions, and other users' ids."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.support.harness import ApiHarness
from tests.support.web import csrf, csrf_of, sign_up


def _account_id(location: str) -> str:
    found = re.fullmatch(r"/accounts/([0-9a-f-]{36})\?done=created", location)
    assert found is not None, location
    return found.group(1)


async def _create(api: ApiHarness, name: str = "Brokerage", cash: str = "1234.5") -> str:
    token = await csrf(api, "/accounts")
    made = await api.client.post(
        "/accounts",
        data={
            "csrf_token": token,
            "account_name": name,
            "account_type": "taxable",
            "cash_balance": cash,
            "account_purpose": "Long-term investing",
        },
    )
    assert made.status_code == 303, made.text
    return _account_id(made.headers["location"])


async def _positions(api: ApiHarness, account_id: str) -> dict[str, str]:
    listed = await api.client.get(f"/api/accounts/{account_id}/positions")
    assert listed.status_code == 200
    return {p["symbol"]: p["quantity"] for p in listed.json()["positions"]}


def _position_id(html: str, symbol: str) -> str:
    found = re.search(rf'<tr id="position-{re.escape(symbol)}" data-position-id="([0-9a-f-]{{36}})"', html)
    assert found is not None, f"no row for {symbol}"
    return found.group(1)


async def test_the_empty_list_says_what_to_do_and_an_account_can_be_created(api: ApiHarness) -> None:
    await sign_up(api)
    empty = await api.client.get("/accounts")
    assert empty.status_code == 200
    assert 'id="accounts-empty"' in empty.text
    assert "Add your first account" in empty.text
    account_id = await _create(api)
    page = await api.client.get(f"/accounts/{account_id}?done=created")
    assert page.status_code == 200
    assert "Account created." in page.text
    assert "$1,234.50" in page.text
    listing = await api.client.get("/accounts")
    assert f'href="/accounts/{account_id}"' in listing.text
    assert "Taxable brokerage" in listing.text
    assert "100.0%" in listing.text
    stored = (await api.client.get(f"/api/accounts/{account_id}")).json()
    assert stored["account_name"] == "Brokerage"
    assert stored["cash_balance"] == "1234.50"
    assert stored["account_purpose"] == "Long-term investing"


async def test_invalid_accounts_are_refused_next_to_the_form(api: ApiHarness) -> None:
    await sign_up(api)
    token = await csrf(api, "/accounts")
    bad = await api.client.post(
        "/accounts",
        data={
            "csrf_token": token,
            "account_name": "<script>",
            "account_type": "casino",
            "cash_balance": "-5",
        },
    )
    assert bad.status_code == 422
    assert 'id="account-errors"' in bad.text
    assert "Name: may contain only letters" in bad.text
    assert "Type:" in bad.text
    assert "Cash balance:" in bad.text
    assert "<script>" not in bad.text.split('id="account-errors"')[1]  # escaped when echoed back
    assert (await api.client.get("/api/accounts")).json() == []
    forged = await api.client.post("/accounts", data={"account_name": "No token"})
    assert forged.status_code == 403


async def test_edit_and_delete_an_account(api: ApiHarness) -> None:
    await sign_up(api)
    account_id = await _create(api)
    token = await csrf(api, f"/accounts/{account_id}")
    saved = await api.client.post(
        f"/accounts/{account_id}",
        data={
            "csrf_token": token,
            "account_name": "Roth",
            "account_type": "roth_ira",
            "cash_balance": "10,000",
            "account_purpose": "",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/accounts/{account_id}?done=saved"
    stored = (await api.client.get(f"/api/accounts/{account_id}")).json()
    assert (stored["account_name"], stored["account_type"], stored["cash_balance"]) == (
        "Roth",
        "roth_ira",
        "10000.00",
    )
    assert stored["account_purpose"] is None
    bad = await api.client.post(
        f"/accounts/{account_id}",
        data={"csrf_token": token, "account_name": "", "account_type": "roth_ira", "cash_balance": "1"},
    )
    assert bad.status_code == 422
    assert "Name:" in bad.text
    page = await api.client.get(f"/accounts/{account_id}")
    assert 'data-confirm="Delete this account and its positions?"' in page.text
    deleted = await api.client.post(f"/accounts/{account_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/accounts?done=deleted"
    assert (await api.client.get(f"/api/accounts/{account_id}")).status_code == 404
    assert (await api.client.get(f"/accounts/{account_id}")).status_code == 404


async def test_positions_can_be_added_edited_and_deleted(api: ApiHarness) -> None:
    await sign_up(api)
    account_id = await _create(api, cash="0")
    page = await api.client.get(f"/accounts/{account_id}")
    assert '<datalist id="symbols">' in page.text
    assert '<option value="VTI">' in page.text  # the catalogue feeds the autocomplete
    token = csrf_of(page.text)
    added = await api.client.post(
        f"/accounts/{account_id}/positions", data={"csrf_token": token, "symbol": " vti ", "quantity": "10"}
    )
    assert added.status_code == 303
    unknown = await api.client.post(
        f"/accounts/{account_id}/positions", data={"csrf_token": token, "symbol": "ZZZQ9", "quantity": "1.5"}
    )
    assert unknown.status_code == 303  # an unknown symbol enters the catalogue unclassified
    assert await _positions(api, account_id) == {"VTI": "10.00000000", "ZZZQ9": "1.50000000"}
    bad = await api.client.post(
        f"/accounts/{account_id}/positions", data={"csrf_token": token, "symbol": "no way!", "quantity": "0"}
    )
    assert bad.status_code == 422
    assert 'id="position-errors"' in bad.text
    assert "Symbol:" in bad.text
    assert "Quantity:" in bad.text

    page = await api.client.get(f"/accounts/{account_id}")
    assert "no price" in page.text  # ZZZQ9 has no price and no invented value
    vti = _position_id(page.text, "VTI")
    edited = await api.client.post(
        f"/accounts/{account_id}/positions/{vti}", data={"csrf_token": token, "quantity": "12.25"}
    )
    assert edited.status_code == 303
    assert (await _positions(api, account_id))["VTI"] == "12.25000000"
    refused = await api.client.post(
        f"/accounts/{account_id}/positions/{vti}", data={"csrf_token": token, "quantity": "-1"}
    )
    assert refused.status_code == 422
    assert f'id="quantity-error-{vti}"' in refused.text
    assert (await _positions(api, account_id))["VTI"] == "12.25000000"

    removed = await api.client.post(
        f"/accounts/{account_id}/positions/{vti}/delete", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    assert await _positions(api, account_id) == {"ZZZQ9": "1.50000000"}


async def test_values_and_shares_on_the_list(api: ApiHarness) -> None:
    await sign_up(api)
    first = await _create(api, "First", cash="300")
    await _create(api, "Second", cash="100")
    listing = await api.client.get("/accounts")
    assert "$400.00" in listing.text
    assert "75.0%" in listing.text
    assert "25.0%" in listing.text
    assert f'href="/accounts/{first}"' in listing.text


async def test_another_users_account_and_positions_are_not_found(api: ApiHarness) -> None:
    await sign_up(api)
    account_id = await _create(api)
    token = await csrf(api, f"/accounts/{account_id}")
    await api.client.post(
        f"/accounts/{account_id}/positions", data={"csrf_token": token, "symbol": "VTI", "quantity": "1"}
    )
    page = await api.client.get(f"/accounts/{account_id}")
    vti = _position_id(page.text, "VTI")

    api.client.cookies.delete("alex_session")
    await sign_up(api, "eve@example.com", "Eve")
    token = await csrf(api, "/accounts")
    assert (await api.client.get(f"/accounts/{account_id}")).status_code == 404
    assert (await api.client.get("/accounts/not-a-uuid")).status_code == 404
    attempts = [
        (f"/accounts/{account_id}", {"account_name": "Mine now"}),
        (f"/accounts/{account_id}/delete", {}),
        (f"/accounts/{account_id}/positions", {"symbol": "BND", "quantity": "1"}),
        (f"/accounts/{account_id}/positions/{vti}", {"quantity": "99"}),
        (f"/accounts/{account_id}/positions/{vti}/delete", {}),
    ]
    for path, fields in attempts:
        answer = await api.client.post(path, data={"csrf_token": token, **fields})
        assert answer.status_code == 404, path
        assert "Not found" in answer.text
    own = await _create(api, "Eve's")
    answer = await api.client.post(
        f"/accounts/{own}/positions/{vti}", data={"csrf_token": token, "quantity": "9"}
    )
    assert answer.status_code == 404  # a position is only reachable through its own account

    async with api.context.database.session() as session:  # Ada's rows are untouched
        names = await session.execute(
            text("SELECT account_name FROM accounts WHERE id = :id"), {"id": account_id}
        )
        quantity = await session.execute(text("SELECT quantity FROM positions WHERE id = :id"), {"id": vti})
        assert names.scalars().all() == ["Brokerage"]
        assert str(quantity.scalar_one()) == "1.00000000"


async def test_pages_with_priced_positions_render_values(api: ApiHarness) -> None:
    await sign_up(api)
    home = await api.client.get("/")
    loaded = await api.client.post("/demo", data={"csrf_token": csrf_of(home.text)})
    assert loaded.status_code == 303
    listing = await api.client.get("/accounts")
    assert listing.status_code == 200
    ids = sorted(set(re.findall(r'href="/accounts/([0-9a-f-]{36})"', listing.text)))
    assert ids
    total = re.search(r'id="accounts-total">\$([\d,]+\.\d\d)<', listing.text)
    assert total is not None
    assert float(total.group(1).replace(",", "")) > 0
    for account_id in ids:
        page = await api.client.get(f"/accounts/{account_id}")
        assert page.status_code == 200
        assert 'class="quantity-form"' in page.text
        assert re.search(r'data-amount="\d+\.\d\d"', page.text)
