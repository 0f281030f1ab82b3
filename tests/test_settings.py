"""Settings: environment parsing and the production refusals."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from alex.settings import BUILT_IN_ISSUER, Settings, UnsafeConfigurationError


def test_defaults_are_fit_for_a_laptop() -> None:
    settings = Settings()
    assert settings.env == "development"
    assert settings.database_url is None
    assert settings.issuer == BUILT_IN_ISSUER
    settings.check_production()  # development: nothing refused


def test_environment_is_read_with_the_alex_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALEX_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("ALEX_DATABASE_URL", "postgresql://u:secret-pw@db/alex")
    settings = Settings()
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.database_url is not None
    assert "secret-pw" not in repr(settings)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({}, "ALEX_DATABASE_URL must be set"),
        ({"database_url": SecretStr("postgresql://db/alex")}, "signing keys would be auto-generated"),
        (
            {
                "database_url": SecretStr("postgresql://db/alex"),
                "auth_signing_key": SecretStr("pem"),
                "cors_origins": ["*"],
            },
            "not '*'",
        ),
        (
            {"database_url": SecretStr("postgresql://db/alex"), "auth_jwks_url": "https://idp/jwks"},
            "ALEX_AUTH_ISSUER must be set",
        ),
    ],
)
def test_production_refuses_unsafe_defaults(overrides: dict[str, object], problem: str) -> None:
    settings = Settings(env="production", **overrides)  # type: ignore[arg-type]
    with pytest.raises(UnsafeConfigurationError, match=problem):
        settings.check_production()


def test_production_accepts_an_explicit_configuration() -> None:
    Settings(
        env="production",
        database_url=SecretStr("postgresql://db/alex"),
        auth_jwks_url="https://idp.example/jwks",
        auth_issuer="https://idp.example/",
        cors_origins=["https://app.example"],
        public_url="https://alex.example",
        metrics_token=SecretStr("scrape-me"),
    ).check_production()
