"""Which model each agent runs on, and the one retry layer around every model call.

``ALEX_MODEL`` (or a per-agent ``ALEX_MODEL_<AGENT>``) is ``offline`` (no model: the
deterministic writers), any model name pydantic-ai accepts (``openai:…``, ``anthropic:…``,
``bedrock:…``, ``google:…``, ``groq:…``, ``mistral:…``; their keys come from the providers' usual
environment variables), or ``openai-compatible:<model>`` for a local server (Ollama, vLLM,
llama.cpp, LM Studio) at ``ALEX_MODEL_BASE_URL``.

Retries live in exactly one place, ``RetryingModel``: the provider SDKs' own retries are turned
off (``max_retries=0``) so a 429 is never retried twice over. It retries rate limits, server
errors, connection failures and timeouts with exponential backoff and full jitter (honouring a
short ``Retry-After``), never a 4xx the request itself caused, and bounds each attempt with a
per-call timeout that works for every provider, the test models included.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

from pydantic_ai import Agent, RunContext
from pydantic_ai.exceptions import ModelAPIError, ModelTimeoutError, UserError
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model, ModelRequestParameters, StreamedResponse, infer_model
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.output import NativeOutput, OutputSpec, PromptedOutput, ToolOutput
from pydantic_ai.profiles import merge_profile
from pydantic_ai.profiles.openai import OpenAIModelProfile
from pydantic_ai.providers import infer_provider_class
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from alex.db.models import AgentName
from alex.deadlines import Deadline
from alex.failures import backoff_seconds, is_transient
from alex.settings import OFFLINE_MODEL, Settings

OutputT = TypeVar("OutputT")
DepsT = TypeVar("DepsT")

OPENAI_COMPATIBLE: Final = "openai-compatible:"
MAX_RETRY_AFTER_SECONDS: Final = 30.0
"""A longer Retry-After is not waited out: the call fails and the writer falls back."""


class ModelConfigurationError(ValueError):
    """The configured model cannot be used; the message says what to set or install."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int
    """Calls in all: the first plus the retries."""
    base_seconds: float
    timeout_seconds: float
    """Each call's own limit."""

    def wait(self, state: RetryCallState) -> float:
        """Full jitter (uniform in 0 .. base·2^n, capped), or the server's Retry-After when it says."""
        exc = state.outcome.exception() if state.outcome is not None else None
        retry_after = exc.retry_after if isinstance(exc, ModelAPIError) else None
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS)
        return backoff_seconds(state.attempt_number, base=self.base_seconds, cap=MAX_RETRY_AFTER_SECONDS)

    def retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=self.wait,
            retry=retry_if_exception(is_transient),
            reraise=True,
        )


class RetryingModel(WrapperModel):
    """Retries transient failures of the wrapped model and times out each attempt.

    One per agent run: ``attempts_made`` counts that run's calls, for the audit trail. Each
    attempt's timeout is the policy's, or what is left of the run's ``deadline`` if that is less.
    """

    def __init__(self, wrapped: Model, policy: RetryPolicy, *, deadline: Deadline | None = None) -> None:
        super().__init__(wrapped)
        self.policy = policy
        self.deadline = deadline
        self.attempts_made = 0

    def _timeout(self) -> float:
        if self.deadline is None:
            return self.policy.timeout_seconds
        return min(self.policy.timeout_seconds, self.deadline.remaining())

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        async for attempt in self.policy.retrying():
            with attempt:
                self.attempts_made += 1
                timeout = self._timeout()
                try:
                    async with asyncio.timeout(timeout):
                        return await self.wrapped.request(messages, model_settings, model_request_parameters)
                except TimeoutError:
                    raise ModelTimeoutError(self.model_name, f"no answer within {timeout:g} s") from None
        raise AssertionError("unreachable: tenacity re-raises the last failure")  # pragma: no cover

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        # Only opening the stream is retried: once events have been handed on, a retry would
        # repeat them. The SDK's timeout (ModelSettings) bounds each read of an open stream.
        async for attempt in self.policy.retrying():
            with attempt:
                self.attempts_made += 1
                opened = self.wrapped.request_stream(
                    messages, model_settings, model_request_parameters, run_context
                )
                timeout = self._timeout()
                try:
                    async with asyncio.timeout(timeout):
                        stream = await opened.__aenter__()
                except TimeoutError:
                    raise ModelTimeoutError(self.model_name, f"no stream within {timeout:g} s") from None
        try:
            yield stream
        except BaseException as exc:
            if not await opened.__aexit__(type(exc), exc, exc.__traceback__):
                raise
        else:
            await opened.__aexit__(None, None, None)


def model_settings(settings: Settings, agent: str) -> ModelSettings:
    """What every model request of ``agent`` carries: the SDK's own retries off (ours retry), a
    per-call timeout, and a bound on what the answer may generate."""
    return ModelSettings(
        max_retries=0,
        timeout=settings.model_timeout_seconds,
        temperature=0.2,
        max_tokens=settings.max_tokens_for(agent),
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.model_max_retries + 1,
        base_seconds=settings.model_retry_base_seconds,
        timeout_seconds=settings.model_timeout_seconds,
    )


OutputMode = Literal["tool", "native", "prompted"]


def output_mode(settings: Settings, model_name: str) -> OutputMode:
    """How ``model_name`` returns structured output.

    ``tool``: a call of the ``final_<agent>`` tool, forced by ``tool_choice`` (hosted providers).
    ``native``: the server's JSON-schema output (``response_format``), which local servers
    (llama.cpp, Ollama, LM Studio, vLLM) enforce with a grammar, so even a weak model answers in
    form; the default for openai-compatible servers, many of which ignore ``tool_choice``.
    ``prompted``: the schema in the prompt and JSON asked for, for a server that supports neither.
    Set per model (``ALEX_MODEL_OUTPUT_MODES``) or for all (``ALEX_MODEL_OUTPUT_MODE``).
    """
    mode = settings.model_output_modes.get(model_name, settings.model_output_mode)
    if mode == "auto":
        return "native" if model_name.startswith(OPENAI_COMPATIBLE) else "tool"
    return mode


def build_model(name: str, settings: Settings) -> Model:
    """The model behind one agent (never called for ``offline``).

    Built once per worker; each agent run wraps it in its own ``RetryingModel`` so attempts are
    counted per run.
    """
    if name == OFFLINE_MODEL:
        raise ModelConfigurationError("the offline writers use no model")
    if name.startswith(OPENAI_COMPATIBLE):
        model_id = name.removeprefix(OPENAI_COMPATIBLE).strip()
        if not model_id:
            raise ModelConfigurationError("openai-compatible needs a model name: openai-compatible:<model>")
        if not settings.model_base_url:
            raise ModelConfigurationError(
                f"ALEX_MODEL={name} needs ALEX_MODEL_BASE_URL, the server's OpenAI-compatible URL "
                "(Ollama: http://127.0.0.1:11434/v1)"
            )
        key = settings.model_api_key
        provider = OpenAIProvider(
            base_url=settings.model_base_url,
            # Local servers ignore the key, but the client insists on one.
            api_key=key.get_secret_value() if key is not None else "not-needed",
        )
        # Local servers (llama.cpp, Ollama, LM Studio, vLLM) know the bound as `max_tokens`; some
        # ignore OpenAI's newer `max_completion_tokens` and would generate without end. They take a
        # JSON schema in `response_format` whatever the model's name.
        profile = merge_profile(
            provider.model_profile(model_id),
            OpenAIModelProfile(
                openai_chat_supports_max_completion_tokens=False, supports_json_schema_output=True
            ),
        )
        wrapped: Model = OpenAIChatModel(model_id, provider=provider, profile=profile)
    else:
        try:
            wrapped = infer_model(name)
        except ImportError as exc:
            provider_name = name.split(":", 1)[0]
            raise ModelConfigurationError(
                f"ALEX_MODEL={name} needs the {provider_name} client: pip install 'alex[{provider_name}]'"
            ) from exc
        except UserError as exc:
            raise ModelConfigurationError(f"ALEX_MODEL={name}: {exc}") from exc
    return wrapped


def configured_models(settings: Settings) -> dict[str, str]:
    """Each agent's model name (``offline`` included), as configured."""
    return {agent: settings.model_for(agent) for agent in AgentName}


def check_models(settings: Settings) -> dict[str, str]:
    """Each agent's model, after checking it can be built (no client is created, nothing is sent).

    Raises ``ModelConfigurationError`` saying what to set or install, so a misconfigured model
    stops ``alex serve`` / ``alex worker`` at start instead of failing every job.
    """
    models = configured_models(settings)
    for name in sorted(set(models.values()) - {OFFLINE_MODEL}):
        if name.startswith(OPENAI_COMPATIBLE):
            if not name.removeprefix(OPENAI_COMPATIBLE).strip():
                raise ModelConfigurationError(
                    "openai-compatible needs a model name: openai-compatible:<model>"
                )
            if not settings.model_base_url:
                raise ModelConfigurationError(
                    f"ALEX_MODEL={name} needs ALEX_MODEL_BASE_URL, the server's OpenAI-compatible URL"
                )
            continue
        provider = name.split(":", 1)[0]
        try:
            infer_provider_class(provider)
        except ImportError as exc:
            raise ModelConfigurationError(
                f"the model {name} needs its provider's client: pip install 'alex[{provider}]'"
            ) from exc
        except ValueError as exc:
            raise ModelConfigurationError(f"the model {name}: unknown provider {provider!r}") from exc
    return models


def new_agent(
    output_type: type[OutputT],
    deps_type: type[DepsT],
    *,
    name: str,
    instructions: str,
    mode: OutputMode,
    output_retries: int,
) -> Agent[DepsT, OutputT]:
    """An agent of the team: typed output in ``mode`` (see ``output_mode``), re-asked up to
    ``output_retries`` times when it fails validation. No model: each run names its own
    (``RetryingModel``), so one agent serves every job of the worker."""
    output: OutputSpec[OutputT]
    if mode == "tool":
        output = ToolOutput(output_type, name=f"final_{name}")
    elif mode == "native":
        # Not strict: OpenAI's strict subset has no maps keyed by a vocabulary (the allocations).
        output = NativeOutput(output_type, name=name, strict=False)
    else:
        output = PromptedOutput(output_type)
    return Agent[DepsT, OutputT](
        output_type=output,
        deps_type=deps_type,
        instructions=instructions,
        name=name,
        retries={"output": output_retries},
    )
