"""All configuration, read once from the environment (prefix ``ALEX_``).

Secrets are ``SecretStr`` so they never appear in logs or reprs. ``check_production`` refuses the
development conveniences (auto-generated signing keys, open CORS, the embedded database) when
``ALEX_ENV=production``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUILT_IN_ISSUER = "urn:alex:built-in-issuer"


class UnsafeConfigurationError(RuntimeError):
    """The configuration is not fit for production; the message lists every problem."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALEX_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path(".alex")
    database_url: SecretStr | None = Field(
        default=None, description="postgresql://… ; unset starts the embedded PostgreSQL in data_dir"
    )
    database_pool_size: int = Field(default=10, ge=1, le=200)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = Field(default=None, description="the URL users reach the app at; issuer default")

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    auth_jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str = "alex"
    auth_signing_key: SecretStr | None = Field(
        default=None, description="PEM private key of the built-in issuer; generated under data_dir if unset"
    )
    token_ttl_seconds: int = Field(default=3600, ge=60, le=30 * 86400)

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    in_process_worker: bool = Field(default=False, description="run a job worker inside each API process")
    worker_concurrency: int = Field(default=4, ge=1, le=256, description="jobs one worker runs at once")
    worker_heartbeat_seconds: float = Field(default=5.0, gt=0, le=300)
    worker_stalled_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="a running job whose worker is silent this long is reclaimed"
    )
    worker_shutdown_grace_seconds: float = Field(default=30.0, ge=0, le=3600)
    job_max_attempts: int = Field(default=3, ge=1, le=20)
    job_retry_base_seconds: float = Field(default=2.0, ge=0, le=600)
    job_step_timeout_seconds: float = Field(default=120.0, gt=0, le=3600)
    max_unfinished_jobs_per_user: int = Field(default=3, ge=1, le=1000)
    retirement_paths: int = Field(default=10_000, ge=100, le=100_000)
    simulated_model_latency_seconds: float = Field(
        default=0.0,
        ge=0,
        le=60,
        description="development only: each writer waits this long, like a model call",
    )
    polygon_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("POLYGON_API_KEY", "ALEX_POLYGON_API_KEY")
    )
    polygon_base_url: str = "https://api.polygon.io"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def external_issuer(self) -> bool:
        return self.auth_jwks_url is not None

    @property
    def issuer(self) -> str:
        """The expected ``iss``: as configured, else the public URL, else a fixed built-in name.

        Not derived from host/port, so a token minted by ``alex token`` is accepted by a server on
        any port.
        """
        return self.auth_issuer or self.public_url or BUILT_IN_ISSUER

    @property
    def key_dir(self) -> Path:
        return self.data_dir / "keys"

    def check_production(self) -> None:
        """Raise UnsafeConfigurationError listing every unsafe default, when in production."""
        if self.env != "production":
            return
        problems: list[str] = []
        if self.database_url is None:
            problems.append("ALEX_DATABASE_URL must be set (the embedded PostgreSQL is for development)")
        if not self.external_issuer and self.auth_signing_key is None:
            problems.append(
                "signing keys would be auto-generated: set ALEX_AUTH_SIGNING_KEY (a PEM private key) "
                "or an external issuer with ALEX_AUTH_JWKS_URL"
            )
        if self.external_issuer and not self.auth_issuer:
            problems.append("ALEX_AUTH_ISSUER must be set with ALEX_AUTH_JWKS_URL")
        if self.simulated_model_latency_seconds:
            problems.append("ALEX_SIMULATED_MODEL_LATENCY_SECONDS is for development and benchmarks only")
        if "*" in self.cors_origins:
            problems.append("ALEX_CORS_ORIGINS must list origins explicitly, not '*'")
        if problems:
            raise UnsafeConfigurationError("refusing to start in production: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
