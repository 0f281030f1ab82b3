"""Finding 10: production mode started without an https public URL (cookies without Secure, no
HSTS), with /metrics, /docs, /redoc and /openapi.json open to anyone."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from alex.app import create_app
from alex.settings import Settings, UnsafeConfigurationError
from tests.security.conftest import MakeApi

SAFE = {
    "env": "production",
    "database_url": SecretStr("postgresql://db/alex"),
    "auth_jwks_url": "https://idp.example/jwks",
    "auth_issuer": "https://idp.example/",
    "public_url": "https://alex.example",
    "metrics_token": SecretStr("scrape-me"),
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"public_url": None}, "ALEX_PUBLIC_URL must be the https://"),
        ({"public_url": "http://alex.example"}, "ALEX_PUBLIC_URL must be the https://"),
        ({"metrics_token": None}, "ALEX_METRICS_TOKEN must be set"),
    ],
)
def test_production_refuses_to_start_unprotected(change: dict[str, object], problem: str) -> None:
    settings = Settings(**{**SAFE, **change})  # type: ignore[arg-type]
    with pytest.raises(UnsafeConfigurationError, match=problem):
        create_app(settings)


async def test_metrics_need_the_token_when_one_is_set(make_api: MakeApi, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "alex", metrics_token=SecretStr("scrape-me"))
    async with make_api(settings) as api:
        anonymous = await api.client.get("/metrics")
        wrong = await api.client.get("/metrics", headers={"Authorization": "Bearer guess"})
        user = await api.client.get("/metrics", headers=api.auth("ada"))
        scraper = await api.client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert [anonymous.status_code, wrong.status_code, user.status_code] == [401, 401, 401]
    assert scraper.status_code == 200
    assert "alex_http_requests_total" in scraper.text


async def test_the_docs_can_be_turned_off(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(Settings(data_dir=tmp_path / "alex", api_docs=False)) as api:
        statuses = [(await api.client.get(path)).status_code for path in ("/docs", "/redoc", "/openapi.json")]
        still_served = await api.client.get("/api/user", headers=api.auth("ada"))
    assert statuses == [404, 404, 404]
    assert still_served.status_code == 200
