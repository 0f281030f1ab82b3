"""The scripted OpenAI-compatible server, driven over real HTTP by the openai SDK and by pydantic-ai."""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import math
import socket
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import openai
import pytest
from pydantic import BaseModel
from pydantic_ai import Agent, AgentStreamEvent, PartDeltaEvent, RunContext, TextPartDelta
from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelHTTPError,
    ModelRateLimitError,
    ModelServerError,
    ModelTimeoutError,
)
from pydantic_ai.models import create_async_httpx2_client
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings

from tests.support.openai_server import (
    Chat,
    Generation,
    Hang,
    LocalServer,
    OpenAIServer,
    Raw,
    RecordedRequest,
    Responder,
    Status,
    ToolCall,
    count_prompt_tokens,
    echo_schema,
    error_body,
    prose,
    runaway,
    split_tokens,
)

API_KEY = "sk-test-key"
MODEL = "test-model"
USER_MESSAGE: Any = [{"role": "user", "content": "Hi"}]


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(model=MODEL, api_key=API_KEY) as server:
        yield server


@asynccontextmanager
async def sdk_client(
    server: OpenAIServer, *, api_key: str = API_KEY, max_retries: int = 0
) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=server.base_url, api_key=api_key, max_retries=max_retries
    ) as client:
        yield client


@asynccontextmanager
async def chat_model(server: OpenAIServer, *, api_key: str = API_KEY) -> AsyncIterator[OpenAIChatModel]:
    """pydantic-ai's model for the server; the provider closes the httpx2 client it creates on exit."""
    async with OpenAIProvider(base_url=server.base_url, api_key=api_key) as provider:
        yield OpenAIChatModel(MODEL, provider=provider)


def http_request(
    server: OpenAIServer, method: str, path: str, body: bytes | None = None, *, key: str | None = API_KEY
) -> tuple[int, dict[str, str], bytes]:
    """One plain stdlib HTTP request, for what the SDK wouldn't send (or would hide)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        headers = {"content-type": "application/json"}
        if key is not None:
            headers["authorization"] = f"Bearer {key}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def sse_events(data: bytes) -> list[str]:
    text = data.decode()
    assert text.endswith("\n\n")
    events = text.removesuffix("\n\n").split("\n\n")
    assert all(event.startswith("data: ") for event in events)
    return [event.removeprefix("data: ") for event in events]


# --- the server itself ----------------------------------------------------------------------------------


def test_lifecycle_binds_loopback_on_an_ephemeral_port_and_close_refuses_connections() -> None:
    server = OpenAIServer()
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.base_url
    with server:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
        port = server.port
    server.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        server.start()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_routes_auth_and_bad_requests_are_answered_by_the_server_and_recorded(server: OpenAIServer) -> None:
    server.enqueue(Chat("kept for later"))

    status, _, body = http_request(server, "GET", "/v1/models", key=None)
    assert status == 401
    assert json.loads(body)["error"]["code"] == "invalid_api_key"
    status, _, body = http_request(server, "GET", "/v1/models", key="wrong")
    assert status == 401

    status, headers, body = http_request(server, "GET", "/v1/models")
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert [m["id"] for m in json.loads(body)["data"]] == [MODEL]

    assert http_request(server, "GET", "/v1/nothing-here")[0] == 404
    assert http_request(server, "GET", "/v1/chat/completions")[0] == 405
    status, _, body = http_request(server, "POST", "/v1/chat/completions", b"{not json")
    assert status == 400
    assert json.loads(body)["error"]["type"] == "invalid_request_error"

    assert server.remaining() == 1  # none of these took a scripted reply
    recorded = server.requests
    assert [r.order for r in recorded] == list(range(6))
    assert [(r.method, r.path) for r in recorded][-3:] == [
        ("GET", "/v1/nothing-here"),
        ("GET", "/v1/chat/completions"),
        ("POST", "/v1/chat/completions"),
    ]
    assert recorded[-1].body is None
    assert recorded[-1].raw_body == b"{not json"
    assert "authorization" not in recorded[0].headers
    assert recorded[2].headers["authorization"] == f"Bearer {API_KEY}"
    assert all(a.received_at <= b.received_at for a, b in itertools.pairwise(recorded))


def test_no_api_key_means_no_auth() -> None:
    with OpenAIServer(default=lambda _: Chat("open")) as server:
        status, _, body = http_request(server, "POST", "/v1/chat/completions", b'{"model": "m"}', key=None)
    assert status == 200
    assert json.loads(body)["choices"][0]["message"]["content"] == "open"


def test_raw_sse_stream_ends_with_done(server: OpenAIServer) -> None:
    server.enqueue(Chat("Hello there", prompt_tokens=3, completion_tokens=2))
    request = {
        "model": "m",
        "messages": USER_MESSAGE,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    status, headers, body = http_request(server, "POST", "/v1/chat/completions", json.dumps(request).encode())

    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["transfer-encoding"] == "chunked"
    events = sse_events(body)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    assert all(chunk["usage"] is None for chunk in chunks[:-1])


# --- the openai SDK -------------------------------------------------------------------------------------


async def test_completion_with_content(server: OpenAIServer) -> None:
    server.enqueue(Chat("Hello!", prompt_tokens=7, completion_tokens=3))
    async with sdk_client(server) as client:
        completion = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)

    choice = completion.choices[0]
    assert choice.message.content == "Hello!"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert completion.model == MODEL
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (7, 3)
    assert completion.usage.total_tokens == 10

    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.body["messages"] == USER_MESSAGE
    assert request.stream is False
    assert server.remaining() == 0


async def test_completion_with_tool_calls(server: OpenAIServer) -> None:
    server.enqueue(
        Chat(
            tool_calls=[
                ToolCall("lookup", {"ticker": "VWRL"}, id="call_given"),
                ToolCall("noop", '{"x": 1}'),
            ],
            model="served-model",
        )
    )
    async with sdk_client(server) as client:
        completion = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert completion.model == "served-model"
    calls = choice.message.tool_calls
    assert calls is not None
    assert [(c.id, c.function.name) for c in calls if c.type == "function"] == [
        ("call_given", "lookup"),
        ("call_1_1", "noop"),
    ]
    assert [json.loads(c.function.arguments) for c in calls if c.type == "function"] == [
        {"ticker": "VWRL"},
        {"x": 1},
    ]


async def test_streamed_completion_with_usage(server: OpenAIServer) -> None:
    arguments = {"ticker": "VWRL", "note": "a long enough argument string to cut"}
    server.enqueue(
        Chat(
            "Let me look that up.",
            tool_calls=[ToolCall("lookup", arguments)],
            prompt_tokens=12,
            completion_tokens=8,
        )
    )
    async with sdk_client(server) as client:
        stream = await client.chat.completions.create(
            model=MODEL, messages=USER_MESSAGE, stream=True, stream_options={"include_usage": True}
        )
        chunks = [chunk async for chunk in stream]

    assert server.requests[0].stream
    assert server.requests[0].include_usage
    with_choices = [chunk for chunk in chunks if chunk.choices]
    content = [c.choices[0].delta.content for c in with_choices if c.choices[0].delta.content]
    assert len(content) > 1
    assert "".join(content) == "Let me look that up."
    tool_deltas = [d for c in with_choices for d in c.choices[0].delta.tool_calls or []]
    assert len(tool_deltas) > 2
    first, *rest = tool_deltas
    assert first.function is not None
    assert (first.index, first.id, first.function.name) == (0, "call_1_0", "lookup")
    assert all(d.index == 0 and d.id is None and d.function and d.function.name is None for d in rest)
    assert json.loads("".join(d.function.arguments or "" for d in tool_deltas if d.function)) == arguments
    assert with_choices[-1].choices[0].finish_reason == "tool_calls"
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == []
    assert usage_chunk.usage is not None
    assert (usage_chunk.usage.prompt_tokens, usage_chunk.usage.completion_tokens) == (12, 8)


async def test_stream_without_include_usage_has_no_usage_chunk(server: OpenAIServer) -> None:
    server.enqueue(Chat("short"))
    async with sdk_client(server) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, stream=True)
        chunks = [chunk async for chunk in stream]
    assert all(chunk.choices and chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


async def test_default_responder_answers_once_the_script_is_empty(server: OpenAIServer) -> None:
    def echo(request: RecordedRequest) -> Chat:
        return Chat(f"echo: {request.body['messages'][-1]['content']}")

    server.enqueue(Chat("scripted"))
    server.default = echo
    async with sdk_client(server) as client:
        first = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
        second = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
        server.default = None
        with pytest.raises(openai.InternalServerError, match="script is empty"):
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
    assert first.choices[0].message.content == "scripted"
    assert second.choices[0].message.content == "echo: Hi"


async def test_a_failing_default_responder_gives_500_and_is_recorded(server: OpenAIServer) -> None:
    def broken(request: RecordedRequest) -> Chat:
        raise LookupError("no such fixture")

    server.default = broken
    async with sdk_client(server) as client:
        with pytest.raises(openai.InternalServerError, match="no such fixture"):
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
    assert [type(e) for e in server.errors] == [LookupError]


async def test_concurrent_requests_are_each_answered(server: OpenAIServer) -> None:
    server.default = lambda request: Chat(request.body["messages"][0]["content"].upper())
    async with sdk_client(server) as client:
        completions = await asyncio.gather(
            *(
                client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": f"q{i}"}])
                for i in range(8)
            )
        )
    assert [c.choices[0].message.content for c in completions] == [f"Q{i}" for i in range(8)]
    assert sorted(r.order for r in server.requests) == list(range(8))


async def test_wrong_key_is_a_401(server: OpenAIServer) -> None:
    server.enqueue(Chat("never sent"))
    async with sdk_client(server, api_key="sk-wrong") as client:
        with pytest.raises(openai.AuthenticationError) as caught:
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_api_key"
    assert server.remaining() == 1


async def test_429_is_retried_by_the_sdk(server: OpenAIServer) -> None:
    # `retry-after: 0` isn't honoured (the SDK needs 0 < delay) and costs ~0.5 s of backoff; 1 ms is.
    server.enqueue(Status(429, headers={"retry-after-ms": "1"}), Chat("after the retry"))
    async with sdk_client(server, max_retries=1) as client:
        completion = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
    assert completion.choices[0].message.content == "after the retry"
    assert [r.headers["x-stainless-retry-count"] for r in server.requests] == ["0", "1"]


async def test_429_without_retries_is_a_rate_limit_error(server: OpenAIServer) -> None:
    server.enqueue(Status(429, headers={"retry-after": "0"}))
    async with sdk_client(server) as client:
        with pytest.raises(openai.RateLimitError) as caught:
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
    assert caught.value.code == "rate_limit_exceeded"
    assert caught.value.response.headers["retry-after"] == "0"


async def test_custom_status_body_and_raw_replies(server: OpenAIServer) -> None:
    server.enqueue(
        Status(400, body={"error": {"message": "context too long", "code": "context_length_exceeded"}}),
        Raw(200, b"{not json"),
    )
    async with sdk_client(server) as client:
        with pytest.raises(openai.BadRequestError, match="context too long"):
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
        with pytest.raises(json.JSONDecodeError):  # the SDK lets the decode error through unwrapped
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)


async def test_hang_times_out_the_client(server: OpenAIServer) -> None:
    server.enqueue(Hang())
    async with sdk_client(server) as client:
        with pytest.raises(openai.APITimeoutError):
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, timeout=0.5)
    assert len(server.requests) == 1


async def test_a_hang_holds_up_no_other_request_and_release_drops_it(server: OpenAIServer) -> None:
    server.enqueue(Hang(), Chat("meanwhile"))
    async with sdk_client(server) as client:
        hanging = asyncio.create_task(client.chat.completions.create(model=MODEL, messages=USER_MESSAGE))
        await asyncio.to_thread(server.wait_for_requests, 1)
        other = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
        assert other.choices[0].message.content == "meanwhile"
        assert not hanging.done()
        server.release_hangs()
        with pytest.raises(openai.APIConnectionError):
            await hanging


async def test_close_releases_a_hanging_request_promptly() -> None:
    server = OpenAIServer(script=[Hang()]).start()
    try:
        async with sdk_client(server) as client:
            hanging = asyncio.create_task(client.chat.completions.create(model=MODEL, messages=USER_MESSAGE))
            await asyncio.to_thread(server.wait_for_requests, 1)
            await asyncio.to_thread(server.close)
            with pytest.raises(openai.APIConnectionError):
                await hanging
    finally:
        server.close()


def test_wait_for_requests_times_out(server: OpenAIServer) -> None:
    with pytest.raises(TimeoutError, match="0 of 1 requests"):
        server.wait_for_requests(1, timeout=0.05)


# --- pydantic-ai ----------------------------------------------------------------------------------------


class Quote(BaseModel):
    ticker: str
    price: float


def quote_agent(model: OpenAIChatModel) -> tuple[Agent[None, Quote], list[str]]:
    looked_up: list[str] = []
    agent = Agent(model, output_type=Quote, instructions="Quote prices.")

    @agent.tool_plain
    def price_of(ticker: str) -> float:
        """The last price of a ticker."""
        looked_up.append(ticker)
        return 101.5

    return agent, looked_up


def tool_then_output_script() -> list[Chat]:
    return [
        Chat(tool_calls=[ToolCall("price_of", {"ticker": "VWRL"})], prompt_tokens=40, completion_tokens=6),
        Chat(
            tool_calls=[ToolCall("final_result", {"ticker": "VWRL", "price": 101.5})],
            prompt_tokens=55,
            completion_tokens=9,
        ),
    ]


async def test_agent_calls_a_tool_then_returns_structured_output(server: OpenAIServer) -> None:
    server.enqueue(*tool_then_output_script())
    async with chat_model(server) as model:
        agent, looked_up = quote_agent(model)
        result = await agent.run("What does VWRL cost?")

    assert result.output == Quote(ticker="VWRL", price=101.5)
    assert looked_up == ["VWRL"]
    usage = result.usage
    assert (usage.input_tokens, usage.output_tokens, usage.requests) == (40 + 55, 6 + 9, 2)

    first, second = server.requests
    assert first.headers["authorization"] == f"Bearer {API_KEY}"
    assert first.body["model"] == MODEL
    assert not first.stream
    assert [t["function"]["name"] for t in first.body["tools"]] == ["price_of", "final_result"]
    tool_message = second.body["messages"][-1]
    assert (tool_message["role"], tool_message["tool_call_id"]) == ("tool", "call_1_0")
    assert json.loads(tool_message["content"]) == 101.5


async def test_agent_run_stream_with_usage(server: OpenAIServer) -> None:
    server.enqueue(*tool_then_output_script())
    async with chat_model(server) as model:
        agent, looked_up = quote_agent(model)
        async with agent.run_stream("What does VWRL cost?") as run:
            output = await run.get_output()
            usage = run.usage

    assert output == Quote(ticker="VWRL", price=101.5)
    assert looked_up == ["VWRL"]
    assert (usage.input_tokens, usage.output_tokens, usage.requests) == (95, 15, 2)
    assert all(r.stream and r.include_usage for r in server.requests)


async def test_agent_streams_text_deltas_to_an_event_handler(server: OpenAIServer) -> None:
    server.enqueue(Chat("Prices are up today.", prompt_tokens=21, completion_tokens=4))
    deltas: list[str] = []

    async def handler(_ctx: RunContext[Any], events: AsyncIterable[AgentStreamEvent]) -> None:
        async for event in events:
            if isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                deltas.append(event.delta.content_delta)

    async with chat_model(server) as model:
        result = await Agent(model).run("Markets?", event_stream_handler=handler)

    assert result.output == "Prices are up today."
    assert len(deltas) > 1
    assert "".join(deltas) in result.output  # the first piece opens the part rather than arriving as a delta
    assert (result.usage.input_tokens, result.usage.output_tokens) == (21, 4)
    assert server.requests[0].stream


async def test_agent_wrong_key_is_an_authentication_error(server: OpenAIServer) -> None:
    async with chat_model(server, api_key="sk-wrong") as model:
        with pytest.raises(ModelAuthenticationError) as caught:
            await Agent(model).run("Hi")
    assert isinstance(caught.value, ModelHTTPError)
    assert caught.value.status_code == 401
    assert isinstance(caught.value.__cause__, openai.AuthenticationError)


async def test_agent_max_retries_setting_lets_the_sdk_retry_a_429(server: OpenAIServer) -> None:
    server.enqueue(Status(429, headers={"retry-after-ms": "1"}), Chat("fine now"))
    async with chat_model(server) as model:
        result = await Agent(model).run("Hi", model_settings=ModelSettings(max_retries=1))
    assert result.output == "fine now"
    assert [r.headers["x-stainless-retry-count"] for r in server.requests] == ["0", "1"]


async def test_agent_429_without_retries_is_a_rate_limit_error(server: OpenAIServer) -> None:
    server.enqueue(Status(429, headers={"retry-after": "0"}))
    async with chat_model(server) as model:
        with pytest.raises(ModelRateLimitError) as caught:
            await Agent(model).run("Hi", model_settings=ModelSettings(max_retries=0))
    assert isinstance(caught.value, ModelHTTPError)
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 0
    assert caught.value.provider_error_code == "rate_limit_exceeded"
    assert len(server.requests) == 1


async def test_agent_500_is_a_server_error(server: OpenAIServer) -> None:
    server.enqueue(Status(500))
    async with chat_model(server) as model:
        with pytest.raises(ModelServerError) as caught:
            await Agent(model).run("Hi", model_settings=ModelSettings(max_retries=0))
    assert isinstance(caught.value, ModelHTTPError)
    assert caught.value.status_code == 500
    # The SDK hands on the inner "error" object as the body.
    assert caught.value.body == error_body(500)["error"]
    assert isinstance(caught.value.__cause__, openai.InternalServerError)
    assert len(server.requests) == 1


async def test_agent_timeout_setting_times_out_a_hang(server: OpenAIServer) -> None:
    server.enqueue(Hang())
    async with chat_model(server) as model:
        with pytest.raises(ModelTimeoutError) as caught:
            await Agent(model).run("Hi", model_settings=ModelSettings(timeout=0.5, max_retries=0))
    assert isinstance(caught.value, ModelConnectionError)
    assert caught.value.phase == "read"
    assert isinstance(caught.value.__cause__, openai.APITimeoutError)


async def test_agent_on_a_caller_owned_httpx2_client_uses_its_timeout(server: OpenAIServer) -> None:
    server.enqueue(Hang())
    async with create_async_httpx2_client(timeout=0.5) as http_client:
        assert isinstance(http_client, httpx2.AsyncClient)
        provider = OpenAIProvider(base_url=server.base_url, api_key=API_KEY, http_client=http_client)
        agent = Agent(OpenAIChatModel(MODEL, provider=provider))
        with pytest.raises(ModelTimeoutError):
            await agent.run("Hi", model_settings=ModelSettings(max_retries=0))


async def test_agent_malformed_json_is_a_model_api_error(server: OpenAIServer) -> None:
    server.enqueue(Raw(200, b"{not json"))
    async with chat_model(server) as model:
        with pytest.raises(ModelAPIError) as caught:
            await Agent(model).run("Hi", model_settings=ModelSettings(max_retries=0))
    assert type(caught.value) is ModelAPIError
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)


# --- a local model server (llama.cpp, llama-cpp-python, Ollama) ----------------------------------------

SPEED = 0.005
"""Seconds per token of the simulated local model."""


def local_server(local: LocalServer, default: Responder) -> OpenAIServer:
    return OpenAIServer(model=MODEL, api_key=API_KEY, local=local, default=default)


def compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def test_the_servers_tokenizer() -> None:
    assert split_tokens("The quick brown") == ["The ", "quic", "k br", "own"]
    assert split_tokens("") == []
    messages = [{"role": "user", "content": "Grüß dich"}]
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    assert count_prompt_tokens({"messages": messages}) == math.ceil(len(compact(messages)) / 4)
    assert count_prompt_tokens({"messages": messages, "tools": tools, "response_format": None}) == math.ceil(
        (len(compact(messages)) + len(compact(tools))) / 4
    )
    with pytest.raises(ValueError, match="non-empty"):
        Chat(runaway=True)
    with pytest.raises(ValueError, match="slots"):
        LocalServer(slots=0)


async def test_local_streams_each_token_as_its_own_chunk() -> None:
    text = "Let me look that up."
    call = ToolCall("lookup", {"ticker": "VWRL"})
    reply = Chat(text, tool_calls=[call])
    with local_server(LocalServer(seconds_per_token=SPEED), lambda _: reply) as server:
        async with sdk_client(server) as client:
            stream = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, stream=True)
            chunks = [chunk async for chunk in stream]

    first, *generated, last = chunks
    assert first.choices[0].delta.role == "assistant"
    assert last.choices[0].finish_reason == "tool_calls"
    content = [c.choices[0].delta.content for c in generated if c.choices[0].delta.content is not None]
    assert content == split_tokens(text)
    tool_deltas = [d for c in generated for d in c.choices[0].delta.tool_calls or []]
    assert [d.function.arguments for d in tool_deltas if d.function] == split_tokens(call.arguments_json())
    assert len(generated) == len(content) + len(tool_deltas)  # one chunk per token, nothing else
    assert tool_deltas[0].function is not None
    assert tool_deltas[0].function.name == "lookup"
    tokens = len(split_tokens(text)) + len(split_tokens(call.arguments_json()))
    assert server.generations == [Generation(0, True, tokens, "stop", waited_for_slot=False)]


async def test_local_max_tokens_stops_generation_with_length() -> None:
    text = "The quick brown fox jumps over the lazy dog."
    with local_server(LocalServer(seconds_per_token=SPEED), prose(text)) as server:
        async with sdk_client(server) as client:
            completion = await client.chat.completions.create(
                model=MODEL, messages=USER_MESSAGE, max_tokens=3
            )
            stream = await client.chat.completions.create(
                model=MODEL, messages=USER_MESSAGE, max_completion_tokens=2, stream=True
            )
            chunks = [chunk async for chunk in stream]
            whole = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)

    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.content == text[:12]
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 3
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == text[:8]
    assert chunks[-1].choices[0].finish_reason == "length"
    assert whole.choices[0].message.content == text
    assert whole.choices[0].finish_reason == "stop"
    assert [r.max_tokens for r in server.requests] == [3, 2, None]
    assert [(g.tokens, g.finish) for g in server.generations] == [
        (3, "length"),
        (2, "length"),
        (len(split_tokens(text)), "stop"),
    ]


async def test_a_runaway_reply_repeats_until_max_tokens_or_the_runaway_limit(server: OpenAIServer) -> None:
    local = LocalServer(seconds_per_token=SPEED, runaway_tokens=7)
    with local_server(local, runaway("la ")) as local_model:
        async with sdk_client(local_model) as client:
            capped = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=5)
            unbounded = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)
    assert capped.choices[0].message.content == "la " * 5
    assert capped.choices[0].finish_reason == "length"
    assert unbounded.choices[0].message.content == "la " * 7
    assert unbounded.choices[0].finish_reason == "length"
    assert [(g.tokens, g.finish) for g in local_model.generations] == [(5, "length"), (7, "length")]

    # Without a local server a runaway reply is generated all the same (instantly).
    server.enqueue(Chat("ab", runaway=True))
    async with sdk_client(server) as client:
        completion = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=3)
    assert completion.choices[0].message.content == "ababab"
    assert completion.choices[0].finish_reason == "length"
    assert server.generations == [Generation(0, False, 3, "length", waited_for_slot=False)]


async def test_one_slot_serialises_generations() -> None:
    local = LocalServer(seconds_per_token=SPEED, slots=1)
    with local_server(local, runaway("tick ")) as server:
        async with sdk_client(server) as client:
            first = asyncio.create_task(
                client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=100)
            )
            await asyncio.to_thread(server.wait_for_generation_starts, 1)
            second = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=4)
            first_done = await first

    assert first_done.choices[0].finish_reason == "length"
    assert second.choices[0].message.content == "tick tick "
    # The second request waited for the slot, so its generation began after the first had ended.
    assert server.generations == [
        Generation(0, False, 100, "length", waited_for_slot=False),
        Generation(1, False, 4, "length", waited_for_slot=True),
    ]
    assert server.active_generations == 0


async def test_a_waiting_request_interrupts_a_streamed_generation() -> None:
    local = LocalServer(seconds_per_token=SPEED, slots=1, runaway_tokens=2000)
    with local_server(local, runaway("more ")) as server:
        async with sdk_client(server) as client:
            stream = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, stream=True)
            chunks = []
            second: asyncio.Task[Any] | None = None
            async for chunk in stream:
                chunks.append(chunk)
                if second is None and chunk.choices[0].delta.content:  # generating: now ask again
                    second = asyncio.create_task(
                        client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=3)
                    )
            assert second is not None
            completion = await second

    interrupted, served = server.generations
    assert (interrupted.order, interrupted.stream, interrupted.finish) == (0, True, "interrupted")
    assert 0 < interrupted.tokens < 2000
    tokens = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert tokens == ["more", " "] * (len(tokens) // 2) + ["more"] * (len(tokens) % 2)
    assert len(tokens) == interrupted.tokens
    assert chunks[-1].choices[0].finish_reason == "stop"  # the client can't tell it was cut short
    assert served == Generation(1, False, 3, "length", waited_for_slot=True)
    assert completion.choices[0].message.content == "more more"


async def test_a_streamed_client_going_away_stops_its_generation_and_frees_the_slot() -> None:
    local = LocalServer(seconds_per_token=SPEED, slots=1, interrupt_requests=False)
    with local_server(local, runaway("word ")) as server:
        async with sdk_client(server) as client:
            stream = await client.chat.completions.create(
                model=MODEL, messages=USER_MESSAGE, stream=True, max_tokens=1000
            )
            async for chunk in stream:
                if chunk.choices[0].delta.content:
                    break
            await stream.close()
            (gone,) = await asyncio.to_thread(server.wait_for_generations, 1)
            after = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=2)

    assert gone.finish == "disconnected"
    assert 0 < gone.tokens < 1000
    assert after.choices[0].message.content == "word "
    assert server.generations[1] == Generation(1, False, 2, "length", waited_for_slot=False)


async def test_a_non_streamed_runaway_generates_on_after_its_client_timed_out() -> None:
    local = LocalServer(seconds_per_token=SPEED, slots=1)
    with local_server(local, runaway("on and ")) as server:
        async with sdk_client(server) as client:
            with pytest.raises(openai.APITimeoutError):
                await client.chat.completions.create(
                    model=MODEL, messages=USER_MESSAGE, max_tokens=100, timeout=0.05
                )
            # The abandoned generation still holds the only slot, and a waiting request doesn't
            # interrupt a non-streamed one: this call is only served once it has run to max_tokens.
            later = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, max_tokens=2)

    assert later.choices[0].message.content == "on and "
    assert server.generations == [
        Generation(0, False, 100, "length", waited_for_slot=False),
        Generation(1, False, 2, "length", waited_for_slot=True),
    ]


async def test_the_context_window_rejects_a_long_prompt_and_caps_generation() -> None:
    short = [{"role": "user", "content": "x" * 200}]
    long = [{"role": "user", "content": "x" * 400}]
    short_prompt = math.ceil(len(compact(short)) / 4)
    long_prompt = math.ceil(len(compact(long)) / 4)
    window = short_prompt + 3
    assert long_prompt > window
    with local_server(LocalServer(context_window=window), runaway("fill ")) as server:
        async with sdk_client(server) as client:
            capped = await client.chat.completions.create(model=MODEL, messages=short)  # type: ignore[arg-type]
            with pytest.raises(openai.BadRequestError) as caught:
                await client.chat.completions.create(model=MODEL, messages=long)  # type: ignore[arg-type]

    assert capped.choices[0].finish_reason == "length"
    assert capped.choices[0].message.content == "fill fill"
    assert capped.usage is not None
    assert (capped.usage.prompt_tokens, capped.usage.completion_tokens) == (short_prompt, 3)
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["message"] == (
        f"Requested tokens ({long_prompt}) exceed context window of {window}"
    )
    assert caught.value.code == "context_length_exceeded"
    assert server.generations == [
        Generation(0, False, 3, "length", waited_for_slot=False),
        Generation(1, False, 0, "rejected", waited_for_slot=False),
    ]


async def test_no_usage_in_streams_nor_completions() -> None:
    local = LocalServer(stream_usage=False, usage=False)
    with local_server(local, prose("No usage here.")) as server:
        async with sdk_client(server) as client:
            stream = await client.chat.completions.create(
                model=MODEL, messages=USER_MESSAGE, stream=True, stream_options={"include_usage": True}
            )
            chunks = [chunk async for chunk in stream]
            completion = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)

    assert server.requests[0].include_usage
    assert all(chunk.choices and chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "No usage here."
    assert completion.usage is None
    assert completion.choices[0].message.content == "No usage here."


async def test_usage_counts_the_prompt_and_the_generated_tokens() -> None:
    text = "Counted: five tokens"
    tools: Any = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    prompt = math.ceil((len(compact(USER_MESSAGE)) + len(compact(tools))) / 4)
    with local_server(LocalServer(), lambda _: Chat(text, prompt_tokens=1, completion_tokens=1)) as server:
        async with sdk_client(server) as client:
            completion = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, tools=tools)
            stream = await client.chat.completions.create(
                model=MODEL, messages=USER_MESSAGE, stream=True, stream_options={"include_usage": True}
            )
            chunks = [chunk async for chunk in stream]

    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (prompt, 5)
    assert completion.usage.total_tokens == prompt + 5
    assert server.requests[0].prompt_tokens == prompt
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == []
    assert usage_chunk.usage is not None
    assert usage_chunk.usage.prompt_tokens == math.ceil(len(compact(USER_MESSAGE)) / 4)
    assert usage_chunk.usage.completion_tokens == 5
    assert all(chunk.usage is None for chunk in chunks[:-1])


async def test_prose_ignores_tools_and_tool_choice(server: OpenAIServer) -> None:
    server.default = prose("I'd rather talk.")
    tools: Any = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    async with sdk_client(server) as client:
        completion = await client.chat.completions.create(
            model=MODEL, messages=USER_MESSAGE, tools=tools, tool_choice="required"
        )
    assert completion.choices[0].message.content == "I'd rather talk."
    assert completion.choices[0].message.tool_calls is None
    assert completion.choices[0].finish_reason == "stop"
    (request,) = server.requests
    assert request.tool_choice == "required"
    assert [t["function"]["name"] for t in request.tools] == ["lookup"]
    assert request.response_format is None


async def test_echo_schema_answers_with_the_schema_it_was_asked_to_fill(server: OpenAIServer) -> None:
    schema = Quote.model_json_schema()
    tool_schema = {"type": "object", "properties": {"ticker": {"type": "string"}}}
    tools: Any = [
        {"type": "function", "function": {"name": "first", "parameters": tool_schema}},
        {"type": "function", "function": {"name": "second", "parameters": {"type": "object"}}},
    ]
    instructions = f'Reply like {{"ticker": "X"}}, following this schema:\n{json.dumps(schema)}\nThanks.'
    system: Any = [{"role": "system", "content": instructions}, *USER_MESSAGE]
    server.default = echo_schema
    async with sdk_client(server) as client:
        from_format = await client.chat.completions.create(
            model=MODEL,
            messages=USER_MESSAGE,
            tools=tools,
            response_format={"type": "json_schema", "json_schema": {"name": "Quote", "schema": schema}},
        )
        from_tools = await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, tools=tools)
        from_instructions = await client.chat.completions.create(model=MODEL, messages=system)
        with pytest.raises(openai.InternalServerError, match="no JSON schema"):
            await client.chat.completions.create(model=MODEL, messages=USER_MESSAGE)

    assert json.loads(from_format.choices[0].message.content or "") == schema
    assert json.loads(from_tools.choices[0].message.content or "") == tool_schema
    assert json.loads(from_instructions.choices[0].message.content or "") == schema
    assert server.requests[0].response_format == {
        "type": "json_schema",
        "json_schema": {"name": "Quote", "schema": schema},
    }
    assert [type(e) for e in server.errors] == [LookupError]


async def test_close_stops_a_generation_and_a_request_waiting_for_its_slot() -> None:
    local = LocalServer(seconds_per_token=SPEED, slots=1, interrupt_requests=False)
    server = local_server(local, runaway("never ends ")).start()  # 100_000 tokens: only close() ends it
    try:
        async with sdk_client(server) as client:
            running = asyncio.create_task(client.chat.completions.create(model=MODEL, messages=USER_MESSAGE))
            await asyncio.to_thread(server.wait_for_generation_starts, 1)
            waiting = asyncio.create_task(
                client.chat.completions.create(model=MODEL, messages=USER_MESSAGE, stream=True)
            )
            await asyncio.to_thread(server.wait_for_requests, 2)
            await asyncio.to_thread(server.close)
            for dropped in (running, waiting):
                with pytest.raises(openai.APIConnectionError):
                    await dropped
    finally:
        server.close()

    first, second = sorted(server.generations, key=lambda g: g.order)
    assert (first.order, first.finish, first.waited_for_slot) == (0, "disconnected", False)
    assert first.tokens < 100_000
    assert (second.order, second.stream, second.finish, second.tokens) == (1, True, "disconnected", 0)


def test_waiting_for_generations_times_out(server: OpenAIServer) -> None:
    with pytest.raises(TimeoutError, match="0 of 1 generations ended"):
        server.wait_for_generations(1, timeout=0.05)
    with pytest.raises(TimeoutError, match="0 of 1 generations started"):
        server.wait_for_generation_starts(1, timeout=0.05)
