"""All configuration, read once from the environment (prefix ``ALEX_``).

Secrets are ``SecretStr`` so they never appear in logs or reprs. ``check_production`` refuses the
development conveniences (auto-generated signing keys, open CORS, the embedded database) when
``ALEX_ENV=production``.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUILT_IN_ISSUER = "urn:alex:built-in-issuer"
OFFLINE_MODEL: Final = "offline"
"""The model name that means no model: the deterministic writers (the default, and every fallback)."""


_RATE: Final = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{1,9})\s*$")


def _rate(value: str) -> str:
    match = _RATE.fullmatch(value)
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise ValueError(f"{value!r} is not a rate: use <requests>/<seconds>, e.g. 600/60")
    return f"{int(match[1])}/{int(match[2])}"


RateSetting = Annotated[str, AfterValidator(_rate)]
"""``"<requests>/<seconds>"``: e.g. ``"600/60"``, six hundred a minute."""


def parse_rate(value: str) -> tuple[int, int]:
    """``"600/60"`` -> ``(600, 60)``."""
    count, seconds = _rate(value).split("/")
    return int(count), int(seconds)


OutputMode = Literal["auto", "tool", "native", "prompted"]
"""How a model returns structured output (see ``alex.agents.llm.output_mode``)."""


class UnsafeConfigurationError(RuntimeError):
    """The configuration is not fit for production; the message lists every problem."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ALEX_", extra="ignore", frozen=True, validate_by_name=True, validate_by_alias=True
    )

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
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks (comma-separated) of reverse proxies whose X-Forwarded-For "
        "names the client; default none: the client is the socket's peer",
    )
    api_docs: bool = Field(default=True, description="serve /docs, /redoc and /openapi.json")
    metrics_token: SecretStr | None = Field(
        default=None, description="bearer token /metrics requires (required in production)"
    )

    # Sessions of the web UI (server-side, so signing out ends them).
    session_idle_timeout_seconds: int = Field(
        default=1800, ge=60, le=30 * 86400, description="a web session unused this long ends"
    )

    # Rate limits: "<requests>/<seconds>", kept in PostgreSQL so every API process shares them.
    # Each refills steadily, so the count is also the largest burst.
    rate_limits_enabled: bool = True
    rate_limit_auth: RateSetting = Field(
        default="20/60", description="sign-in and sign-up attempts per client address"
    )
    rate_limit_reads: RateSetting = Field(default="600/60", description="reads per user")
    rate_limit_writes: RateSetting = Field(default="120/60", description="changes per user")
    rate_limit_analyze: RateSetting = Field(default="20/3600", description="analyses started per user")
    rate_limit_simulate: RateSetting = Field(default="30/60", description="retirement simulations per user")
    rate_limit_per_address: RateSetting = Field(
        default="1200/60", description="signed-in requests per client address, all users together"
    )

    # Sign-in throttle: free failures per key, then a delay that doubles with each further failure.
    sign_in_free_failures: int = Field(
        default=5, ge=1, le=100, description="failures per email and address before delays start"
    )
    sign_in_free_failures_per_address: int = Field(
        default=30, ge=1, le=10_000, description="failures per address (all emails) before delays start"
    )
    sign_in_first_delay_seconds: int = Field(
        default=1, ge=1, le=3600, description="the wait after the first failure past the free ones; doubles"
    )
    sign_in_max_delay_seconds: int = Field(default=300, ge=1, le=3600)
    sign_in_failure_memory_seconds: int = Field(
        default=3600, ge=60, le=7 * 86400, description="failures older than this are forgotten"
    )

    # Quotas per user.
    quota_analyses_per_day: int = Field(default=50, ge=1, le=100_000)
    quota_model_tokens_per_day: int = Field(default=3_000_000, ge=1000)
    quota_accounts: int = Field(default=50, ge=1, le=100_000)
    quota_positions: int = Field(default=2000, ge=1, le=1_000_000)
    quota_symbols_added: int = Field(
        default=200, ge=0, le=100_000, description="symbols a user may add to the catalogue"
    )

    # Requests that hold work open: bounded per user and per process.
    simulation_time_limit_seconds: float = Field(default=30.0, gt=0, le=600)
    simulations_per_user: int = Field(default=2, ge=1, le=100, description="at once")
    simulations_per_process: int = Field(default=4, ge=1, le=256, description="at once")
    event_streams_per_user: int = Field(default=5, ge=1, le=100, description="open progress streams")

    # Sign-in with an external OpenID Connect provider in the web UI (authorization code + PKCE).
    oidc_issuer: str | None = Field(default=None, description="the provider's issuer URL")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email profile"
    oidc_provider_name: str = Field(default="single sign-on", description="shown on the sign-in button")

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
    job_model_seconds: float = Field(
        default=150.0,
        gt=0,
        le=36_000,
        description="the longest one analysis waits for models in all; what is left then is written offline",
    )
    max_unfinished_jobs_per_user: int = Field(default=3, ge=1, le=1000)
    retirement_paths: int = Field(default=10_000, ge=100, le=100_000)
    polygon_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("POLYGON_API_KEY", "ALEX_POLYGON_API_KEY")
    )
    polygon_base_url: str = "https://api.polygon.io"
    # Models. "offline" (the default) runs the deterministic writers: no model, no network.
    model: str = Field(
        default=OFFLINE_MODEL,
        description="a pydantic-ai model name (openai:…, anthropic:…, bedrock:…, google:…, groq:…, "
        'mistral:…), "openai-compatible:<model>" with ALEX_MODEL_BASE_URL, or "offline"',
    )
    model_tagger: str | None = Field(default=None, description="overrides ALEX_MODEL for the tagger")
    model_reporter: str | None = Field(default=None, description="overrides ALEX_MODEL for the reporter")
    model_charter: str | None = Field(default=None, description="overrides ALEX_MODEL for the charter")
    model_retirement: str | None = Field(
        default=None, description="overrides ALEX_MODEL for the retirement writer"
    )
    model_base_url: str | None = Field(
        default=None, description="the OpenAI-compatible server's URL (Ollama: http://127.0.0.1:11434/v1)"
    )
    model_api_key: SecretStr | None = Field(default=None, description="the OpenAI-compatible server's key")
    model_output_mode: OutputMode = Field(
        default="auto",
        description="how models return structured output: tool calls, native JSON-schema output "
        "(response_format), or JSON asked for in the prompt; auto = native for openai-compatible, else tool",
    )
    model_output_modes: dict[str, OutputMode] = Field(
        default_factory=dict,
        description='per model name, e.g. {"openai-compatible:smollm2": "prompted"}; overrides the above',
    )
    model_context_windows: dict[str, Annotated[int, Field(ge=512)]] = Field(
        default_factory=dict,
        description='context window in tokens per model name, e.g. {"openai-compatible:llama3.2": 16384}; '
        "default from a table of known models (8,192 for unknown openai-compatible models)",
    )
    model_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="requests one worker sends a model endpoint at once; default 1 for openai-compatible "
        "(a local server answers one request at a time), 8 for hosted providers",
    )
    model_breaker_failures: int = Field(
        default=2,
        ge=1,
        le=100,
        description="consecutive failed runs of a model in one analysis after which the rest is written "
        "offline; the next analysis tries the model again",
    )
    model_timeout_seconds: float = Field(
        default=60.0, gt=0, le=600, description="one model call (streamed: each wait for the next chunk)"
    )
    model_stream: bool = Field(
        default=True,
        description="stream model answers: progress events, and slow local models are not cut off",
    )
    model_max_retries: int = Field(
        default=3, ge=0, le=10, description="retries of a model call on 429, 5xx and timeouts"
    )
    model_retry_base_seconds: float = Field(default=1.0, ge=0, le=60)
    model_output_retries: int = Field(
        default=2, ge=0, le=5, description="re-asks after an invalid or ungrounded output"
    )
    # The most one answer may generate: a weak model that rambles stops there instead of holding a
    # one-slot local server for minutes. Sized to each agent's output with room for a reasoning
    # model's thinking, which hosted APIs count in the same bound.
    model_max_tokens_tagger: int = Field(default=2000, ge=64, le=200_000, description="one classification")
    model_max_tokens_reporter: int = Field(default=8000, ge=64, le=200_000, description="the report")
    model_max_tokens_charter: int = Field(default=4000, ge=64, le=200_000, description="the charts")
    model_max_tokens_retirement: int = Field(
        default=4000, ge=64, le=200_000, description="the retirement section"
    )
    model_requests_per_run: int = Field(default=8, ge=1, le=100)
    model_tokens_per_run: int = Field(default=60_000, ge=1000)
    job_token_budget: int = Field(
        default=400_000, ge=1000, description="all model tokens of one analysis; beyond it, offline writers"
    )
    job_cost_budget_usd: Decimal | None = Field(
        default=None, ge=0, description="estimated model cost of one analysis, when the model is priced"
    )
    tagger_concurrency: int = Field(default=4, ge=1, le=64)
    report_max_chars: int = Field(default=16_000, ge=2000, le=100_000)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    # Traces. Exported over OTLP/HTTP when the standard OpenTelemetry variables or Langfuse's are
    # set (their own names, so an existing collector setup applies unchanged); either way each
    # job's spans are kept in PostgreSQL for the built-in trace view.
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT", "ALEX_OTLP_ENDPOINT"),
        description="an OTLP/HTTP collector's base URL; traces go to <it>/v1/traces",
    )
    otlp_traces_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ALEX_OTLP_TRACES_ENDPOINT"),
        description="the full traces URL, used as is (wins over OTEL_EXPORTER_OTLP_ENDPOINT)",
    )
    otlp_headers: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_HEADERS", "ALEX_OTLP_HEADERS"),
        description="key=value pairs, comma-separated (e.g. an API key header)",
    )
    otlp_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="one export, retries included; never on a job's path"
    )
    langfuse_public_key: str | None = Field(
        default=None, validation_alias=AliasChoices("LANGFUSE_PUBLIC_KEY", "ALEX_LANGFUSE_PUBLIC_KEY")
    )
    langfuse_secret_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("LANGFUSE_SECRET_KEY", "ALEX_LANGFUSE_SECRET_KEY")
    )
    langfuse_host: str = Field(
        default="https://cloud.langfuse.com",
        validation_alias=AliasChoices("LANGFUSE_HOST", "ALEX_LANGFUSE_HOST"),
        description="your Langfuse server; used only with both keys set",
    )
    trace_content: bool = Field(
        default=False,
        description="put prompts and answers in exported spans (they hold people's portfolios)",
    )
    trace_database: bool = Field(default=False, description="a span per SQL statement")
    trace_keep: bool = Field(default=True, description="keep each job's spans for the built-in trace view")
    trace_retention_days: int = Field(default=14, ge=1, le=3650, description="how long kept spans stay")

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for proxy in value:
            ipaddress.ip_network(proxy, strict=False)  # a ValueError names the bad entry
        return value

    @field_validator("model", "model_tagger", "model_reporter", "model_charter", "model_retirement")
    @classmethod
    def _model_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if value != "offline" and ":" not in value:
            raise ValueError(
                f'{value!r} is not a model name: use "offline", "<provider>:<model>" '
                "(e.g. openai:gpt-5-mini) "
                'or "openai-compatible:<model>"'
            )
        return value

    @model_validator(mode="after")
    def _langfuse_keys_together(self) -> Settings:
        if (self.langfuse_public_key is None) != (self.langfuse_secret_key is None):
            raise ValueError("LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY go together: set both or neither")
        return self

    def model_for(self, agent: str) -> str:
        """The model one agent uses: its own override, else ALEX_MODEL."""
        override: str | None = getattr(self, f"model_{agent}", None)
        return override or self.model

    def max_tokens_for(self, agent: str) -> int:
        """The most one of this agent's answers may generate."""
        limit: int = getattr(self, f"model_max_tokens_{agent}")
        return limit

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
        if not (self.public_url or "").startswith("https://"):
            problems.append("ALEX_PUBLIC_URL must be the https:// address users reach Alex at")
        if self.metrics_token is None:
            problems.append("ALEX_METRICS_TOKEN must be set: /metrics then requires it as a bearer token")
        if "*" in self.cors_origins:
            problems.append("ALEX_CORS_ORIGINS must list origins explicitly, not '*'")
        if problems:
            raise UnsafeConfigurationError("refusing to start in production: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
