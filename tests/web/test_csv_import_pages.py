"""The CSV import pages: preview, then confirm, all-or-nothing, over HTTP."""

from __future__ import annotations

import re

from tests.support.harness import ApiHarness
from tests.support.web import csrf, csrf_of, sign_up

# --- over HTTP ---------------------------------------------------------------------------------


async def _account(api: ApiHarness, name: str) -> str:
    token = await csrf(api, "/accounts")
    made = await api.client.post(
        "/accounts", data={"csrf_token": token, "account_name": name, "account_type": "taxable"}
    )
    assert made.status_code == 303, made.text
    found = re.search(r"/accounts/([0-9a-f-]{36})", made.headers["location"])
    assert found is not None
    return found.group(1)


async def _positions(api: ApiHarness, account_id: str) -> dict[str, str]:
    listed = await api.client.get(f"/api/accounts/{account_id}/positions")
    assert listed.status_code == 200
    return {p["symbol"]: p["quantity"] for p in listed.json()["positions"]}


async def test_a_bad_row_shows_its_error_and_nothing_is_written_even_if_confirm_is_forced(
    api: ApiHarness,
) -> None:
    await sign_up(api)
    account_id = await _account(api, "Brokerage")
    token = await csrf(api, f"/accounts/{account_id}/import")
    body = "symbol,quantity\nVTI,10\nBND,-1\n"
    preview = await api.client.post(
        f"/accounts/{account_id}/import",
        data={"csrf_token": token, "action": "preview"},
        files={"csv_file": ("positions.csv", body.encode(), "text/csv")},
    )
    assert preview.status_code == 422
    assert "Quantity must be more than zero." in preview.text
    assert re.search(r'id="confirm-import-submit"\s+disabled', preview.text)
    forced = await api.client.post(
        f"/accounts/{account_id}/import",
        data={"csrf_token": csrf_of(preview.text), "action": "confirm", "csv_text": body},
    )
    assert forced.status_code == 422
    assert "Nothing has been imported" in forced.text
    assert await _positions(api, account_id) == {}


async def test_a_good_csv_is_previewed_then_written_whole(api: ApiHarness) -> None:
    await sign_up(api)
    brokerage = await _account(api, "Brokerage")
    roth = await _account(api, "Roth IRA")
    token = await csrf(api, f"/accounts/{brokerage}/import")
    body = "VTI,10\nBND,2.5,Roth IRA\nNEWCO1,3\n"
    preview = await api.client.post(
        f"/accounts/{brokerage}/import",
        data={"csrf_token": token, "action": "preview"},
        files={"csv_file": ("positions.csv", body.encode(), "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    assert "3 position(s) ready to import" in preview.text
    assert await _positions(api, brokerage) == {}  # a preview writes nothing
    hidden = re.search(
        r'<textarea id="csv_text_confirm" name="csv_text" hidden>(.*?)</textarea>', preview.text, re.S
    )
    assert hidden is not None
    done = await api.client.post(
        f"/accounts/{brokerage}/import",
        data={"csrf_token": csrf_of(preview.text), "action": "confirm", "csv_text": hidden.group(1)},
    )
    assert done.status_code == 200, done.text
    assert "Imported 3 position(s)." in done.text
    assert await _positions(api, brokerage) == {"VTI": "10.00000000", "NEWCO1": "3.00000000"}
    assert await _positions(api, roth) == {"BND": "2.50000000"}


async def test_import_without_a_default_account_and_file_errors(api: ApiHarness) -> None:
    await sign_up(api)
    await _account(api, "Brokerage")
    token = await csrf(api, "/accounts/import")
    no_account = await api.client.post(
        "/accounts/import", data={"csrf_token": token, "action": "preview", "csv_text": "VTI,1"}
    )
    assert no_account.status_code == 422
    assert "No account" in no_account.text
    binary = await api.client.post(
        "/accounts/import",
        data={"csrf_token": token, "action": "preview"},
        files={"csv_file": ("x.csv", b"\xff\xfe\x00bad", "text/csv")},
    )
    assert binary.status_code == 422
    assert "not UTF-8" in binary.text
    big = await api.client.post(
        "/accounts/import",
        data={"csrf_token": token, "action": "confirm"},
        files={"csv_file": ("x.csv", b"VTI,1\n" * 50_000, "text/csv")},
    )
    assert big.status_code == 422
    assert "larger than 256 kB" in big.text


async def test_another_users_account_cannot_be_imported_into(api: ApiHarness) -> None:
    await sign_up(api)
    account_id = await _account(api, "Mine")
    api.client.cookies.delete("alex_session")
    await sign_up(api, "eve@example.com", "Eve")
    token = await csrf(api, "/accounts/import")
    assert (await api.client.get(f"/accounts/{account_id}/import")).status_code == 404
    answer = await api.client.post(
        f"/accounts/{account_id}/import", data={"csrf_token": token, "action": "confirm", "csv_text": "VTI,1"}
    )
    assert answer.status_code == 404
