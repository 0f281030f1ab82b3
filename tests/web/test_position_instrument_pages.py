"""Your own price and classification of a symbol, set from its position's row on the account page."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.support.harness import ApiHarness
from tests.support.web import csrf, csrf_of, sign_out_locally, sign_up

SYMBOL = "ZZZQ9"  # unknown to the catalogue: added without a price or a classification


async def _account_with_position(api: ApiHarness, symbol: str = SYMBOL) -> tuple[str, str]:
    """A new account holding 2 of ``symbol``: (account id, position id)."""
    token = await csrf(api, "/accounts")
    made = await api.client.post(
        "/accounts",
        data={
            "csrf_token": token,
            "account_name": "Brokerage",
            "account_type": "taxable",
            "cash_balance": "0",
        },
    )
    assert made.status_code == 303, made.text
    found = re.fullmatch(r"/accounts/([0-9a-f-]{36})\?done=created", made.headers["location"])
    assert found is not None
    account_id = found.group(1)
    added = await api.client.post(
        f"/accounts/{account_id}/positions", data={"csrf_token": token, "symbol": symbol, "quantity": "2"}
    )
    assert added.status_code == 303, added.text
    page = await api.client.get(f"/accounts/{account_id}")
    row = re.search(rf'<tr id="position-{symbol}" data-position-id="([0-9a-f-]{{36}})"', page.text)
    assert row is not None
    return account_id, row.group(1)


def _details(html: str, symbol: str = SYMBOL) -> str:
    """The classification part of the symbol's row."""
    return html.split(f'<details id="classify-{symbol}"', 1)[1].split("</details>", 1)[0]


async def _instrument(api: ApiHarness, symbol: str = SYMBOL) -> dict[str, object]:
    answer = await api.client.get(f"/api/instruments/{symbol}")
    assert answer.status_code == 200
    found = answer.json()
    assert isinstance(found, dict)
    return found


async def test_a_price_of_your_own_is_set_from_the_positions_row(api: ApiHarness) -> None:
    await sign_up(api)
    account_id, position_id = await _account_with_position(api)
    page = await api.client.get(f"/accounts/{account_id}")
    assert "no price" in page.text
    action = f'action="/accounts/{account_id}/positions/{position_id}/price"'
    assert f'<form method="post" {action} class="price-form" id="price-form-{SYMBOL}">' in page.text
    assert f'<label for="price-{position_id}" class="hint">Your price for {SYMBOL} ($)</label>' in page.text
    token = csrf_of(page.text)

    saved = await api.client.post(
        f"/accounts/{account_id}/positions/{position_id}/price",
        data={"csrf_token": token, "price": "1,012.5"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/accounts/{account_id}?done=price-saved#position-{SYMBOL}"
    assert (await _instrument(api))["user_price"] == "1012.500000"  # the API's own view of it
    page = await api.client.get(f"/accounts/{account_id}?done=price-saved")
    assert "Your price was saved." in page.text
    assert '$1,012.50 <span class="hint">your price</span>' in page.text
    assert 'data-amount="2025.00"' in page.text  # the row's value uses it
    assert f'id="price-{position_id}" name="price" inputmode="decimal" required value="1012.5"' in page.text


async def test_a_refused_price_is_explained_next_to_its_field_and_nothing_is_stored(api: ApiHarness) -> None:
    await sign_up(api)
    account_id, position_id = await _account_with_position(api)
    token = await csrf(api, f"/accounts/{account_id}")
    path = f"/accounts/{account_id}/positions/{position_id}/price"
    for price, message in (("-3", "Price: Input should be greater than 0"), ("", "Price: enter a price.")):
        refused = await api.client.post(path, data={"csrf_token": token, "price": price})
        assert refused.status_code == 422, price
        error = re.search(rf'<p class="error" id="price-error-{position_id}">([^<]*)</p>', refused.text)
        assert error is not None, price
        assert error.group(1) == message
        assert f'aria-invalid="true" aria-describedby="price-error-{position_id}"' in refused.text
        assert f'value="{price}"' in refused.text.split(f'id="price-{position_id}"', 1)[1].split(">", 1)[0]
    assert (await _instrument(api))["user_price"] is None
    assert (await api.client.post(path, data={"price": "5"})).status_code == 403  # no CSRF token


async def test_a_classification_of_your_own_is_set_from_the_positions_row(api: ApiHarness) -> None:
    await sign_up(api)
    account_id, position_id = await _account_with_position(api)
    page = await api.client.get(f"/accounts/{account_id}")
    details = _details(page.text)
    # The row says what the analysis will say: the same definition, the same words.
    assert (
        'not fully classified</span> <span class="hint">asset class, region and sector unknown</span>'
        in details
    )
    assert f'action="/accounts/{account_id}/positions/{position_id}/classification"' in details
    for group in ("asset_class", "regions", "sectors"):
        assert f'id="{group}-total-{position_id}"' in details
    assert f'<label for="regions-europe-{position_id}">Europe</label>' in details

    saved = await api.client.post(
        f"/accounts/{account_id}/positions/{position_id}/classification",
        data={
            "csrf_token": csrf_of(page.text),
            "instrument_type": "stock",
            "note": "A small European tech company",
            "asset_class.equity": "100",
            "asset_class.cash": "0",
            "regions.europe": "60",
            "regions.asia": "40",
            "regions.global": "",
            "sectors.technology": "100",
        },
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/accounts/{account_id}?done=classification-saved#classify-{SYMBOL}"
    classification = (await _instrument(api))["classification"]
    assert isinstance(classification, dict)
    assert classification["source"] == "you"
    assert classification["instrument_type"] == "stock"
    assert classification["allocation_asset_class"] == {"equity": 100.0}
    assert classification["allocation_regions"] == {"europe": 60.0, "asia": 40.0}
    assert classification["allocation_sectors"] == {"technology": 100.0}
    assert classification["note"] == "A small European tech company"

    page = await api.client.get(f"/accounts/{account_id}?done=classification-saved")
    assert "Your classification was saved." in page.text
    details = _details(page.text)
    assert "(classified by you)" in details
    assert "not fully classified" not in details
    assert 'name="regions.europe" min="0" max="100" step="any" value="60"' in details
    assert '<option value="stock" selected>' in details
    assert f'<output id="regions-total-{position_id}" aria-live="polite">100</output>' in details


async def test_a_refused_classification_is_explained_next_to_its_fields(api: ApiHarness) -> None:
    await sign_up(api)
    account_id, position_id = await _account_with_position(api)
    token = await csrf(api, f"/accounts/{account_id}")
    path = f"/accounts/{account_id}/positions/{position_id}/classification"
    refused = await api.client.post(
        path,
        data={
            "csrf_token": token,
            "asset_class.equity": "100",
            "regions.europe": "50",
            "regions.asia": "40",
            "regions.mars": "10",
        },
    )
    assert refused.status_code == 422
    details = _details(refused.text)
    assert details.startswith(" open>")  # the form stays open where the problem is
    regions = re.search(rf'<p class="error" id="regions-error-{position_id}">([^<]*)</p>', details)
    assert regions is not None
    assert "region keys must be among: africa, asia," in regions.group(1)
    assert "mars" not in regions.group(1)  # the service's message never echoes the key sent
    sectors = re.search(rf'<p class="error" id="sectors-error-{position_id}">([^<]*)</p>', details)
    assert sectors is not None
    assert sectors.group(1) == "sectors must not be empty when the asset class includes equity"
    assert f'aria-describedby="regions-error-{position_id}"' in details
    assert 'name="regions.europe" min="0" max="100" step="any" value="50" aria-invalid="true"' in details
    assert f'id="asset_class-error-{position_id}"' not in details  # that group was fine

    uneven = await api.client.post(
        path,
        data={
            "csrf_token": token,
            "asset_class.fixed_income": "100",
            "regions.europe": "50",
            "regions.asia": "40",
        },
    )
    assert uneven.status_code == 422
    error = re.search(rf'id="regions-error-{position_id}">([^<]*)<', uneven.text)
    assert error is not None
    assert "region allocation must sum to 100" in error.group(1)
    classification = (await _instrument(api))["classification"]
    assert isinstance(classification, dict)
    assert classification["source"] == "catalogue"  # nothing was stored


async def test_another_persons_position_and_symbol_cannot_be_priced_or_classified(api: ApiHarness) -> None:
    await sign_up(api)
    account_id, position_id = await _account_with_position(api)
    sign_out_locally(api)
    await sign_up(api, "eve@example.com", "Eve")
    own_account, own_position = await _account_with_position(api, "VTI")
    token = await csrf(api, f"/accounts/{own_account}")
    price = {"csrf_token": token, "price": "1"}
    classification = {"csrf_token": token, "asset_class.cash": "100", "regions.global": "100"}
    for path, fields in (
        (f"/accounts/{account_id}/positions/{position_id}/price", price),
        (f"/accounts/{account_id}/positions/{position_id}/classification", classification),
        # Ada's position through Eve's own account, and Eve's position through Ada's account.
        (f"/accounts/{own_account}/positions/{position_id}/price", price),
        (f"/accounts/{own_account}/positions/{position_id}/classification", classification),
        (f"/accounts/{account_id}/positions/{own_position}/price", price),
    ):
        answer = await api.client.post(path, data=fields)
        assert answer.status_code == 404, path
        assert "Not found" in answer.text
    # Ada's symbol stays hers: Eve does not even see it.
    assert (await api.client.get(f"/api/instruments/{SYMBOL}")).status_code == 404
    async with api.context.database.session() as session:
        prices = await session.execute(text("SELECT count(*) FROM user_instrument_prices"))
        classified = await session.execute(text("SELECT count(*) FROM user_instrument_classifications"))
        assert prices.scalar_one() == 0
        assert classified.scalar_one() == 0
