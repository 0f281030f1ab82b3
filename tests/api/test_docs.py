"""The API docs work offline: Swagger UI and its assets come from the installed package, not a CDN."""

from __future__ import annotations

import re

from tests.support.harness import ApiHarness


async def test_docs_and_their_assets_are_served_locally(api: ApiHarness) -> None:
    page = await api.client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    assert sources
    for source in sources:
        assert source.startswith("/"), f"{source} would need the network"
        asset = await api.client.get(source)
        assert asset.status_code == 200
        assert len(asset.content) > 1000
    schema = await api.client.get("/openapi.json")
    assert "/api/retirement/simulate" in schema.json()["paths"]
