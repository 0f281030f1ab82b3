"""Where spans go: OTLP or Langfuse, from the standard variables; a failing collector is counted."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text

from alex.db.engine import Database
from alex.observability.database_spans import trace_statements, untrace_statements
from alex.observability.metrics import TRACE_EXPORT_FAILURES
from alex.observability.tracing import ExportTarget, build_exporter, export_target, pseudonym
from alex.settings import Settings
from tests.support.otlp_receiver import OtlpReceiver


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(data_dir=tmp_path, **values)


def test_nothing_configured_exports_nothing(tmp_path: Path) -> None:
    assert export_target(_settings(tmp_path)) is None


def test_the_standard_variables_name_the_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc%20def,tenant=t1")
    target = export_target(Settings(data_dir=tmp_path))
    assert target == ExportTarget(
        "http://collector:4318/v1/traces", {"x-api-key": "abc def", "tenant": "t1"}, 5.0
    )
    assert "abc" not in repr(target)  # headers carry credentials
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom")
    assert export_target(Settings(data_dir=tmp_path)) == ExportTarget(
        "http://traces:4318/custom", {"x-api-key": "abc def", "tenant": "t1"}, 5.0
    )


def test_langfuse_keys_mean_its_otel_endpoint_with_basic_auth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf-1")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf-2")
    monkeypatch.setenv("LANGFUSE_HOST", "https://langfuse.example/")
    target = export_target(Settings(data_dir=tmp_path))
    assert target is not None
    assert target.endpoint == "https://langfuse.example/api/public/otel/v1/traces"
    assert target.headers == {"Authorization": "Basic " + base64.b64encode(b"pk-lf-1:sk-lf-2").decode()}
    # An explicit collector wins over Langfuse.
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert export_target(Settings(data_dir=tmp_path)) == ExportTarget(
        "http://collector:4318/v1/traces", {}, 5.0
    )


def test_half_a_langfuse_configuration_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf-1")
    with pytest.raises(ValueError, match="LANGFUSE_SECRET_KEY"):
        Settings(data_dir=tmp_path)


def test_spans_reach_langfuse_at_its_path_with_its_auth(tmp_path: Path) -> None:
    with OtlpReceiver() as receiver:
        settings = _settings(
            tmp_path, langfuse_public_key="pk-lf-1", langfuse_secret_key="sk-lf-2", langfuse_host=receiver.url
        )
        target = export_target(settings)
        assert target is not None
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(build_exporter(target)))
        with provider.get_tracer("test").start_as_current_span("job portfolio_analysis"):
            pass
        provider.shutdown()
        (request,) = receiver.requests
    assert request.path == "/api/public/otel/v1/traces"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"pk-lf-1:sk-lf-2").decode()
    assert [span.name for span in request.spans] == ["job portfolio_analysis"]


def test_a_refusing_collector_is_counted_not_raised(tmp_path: Path) -> None:
    with OtlpReceiver(refuse=True) as receiver:
        target = export_target(_settings(tmp_path, otlp_endpoint=receiver.url, otlp_timeout_seconds=1))
        assert target is not None
        exporter = build_exporter(target)
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        before = TRACE_EXPORT_FAILURES._value.get()
        with provider.get_tracer("test").start_as_current_span("step analytics"):
            pass
        provider.shutdown()
        assert receiver.arrivals >= 1
    assert TRACE_EXPORT_FAILURES._value.get() == before + 1


def test_a_pseudonym_is_stable_and_hides_the_id() -> None:
    assert pseudonym("ada@example.com") == pseudonym("ada@example.com")
    assert pseudonym("ada@example.com") != pseudonym("bob@example.com")
    assert "ada" not in pseudonym("ada@example.com")


async def test_statements_become_spans_only_when_asked(database: Database) -> None:
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")

    async def query() -> None:
        async with database.session() as session:
            await session.execute(text("SELECT count(*) FROM jobs"))

    with tracer.start_as_current_span("step analytics"):
        await query()
    assert [span.name for span in exporter.get_finished_spans()] == ["step analytics"]
    exporter.clear()
    trace_statements(provider)
    try:
        with tracer.start_as_current_span("step analytics"):
            await query()
    finally:
        untrace_statements()
    finished = exporter.get_finished_spans()
    (statement,) = [span for span in finished if span.name == "db SELECT"]
    (step,) = [span for span in finished if span.name == "step analytics"]
    assert statement.parent is not None
    assert step.context is not None
    assert statement.parent.span_id == step.context.span_id
    assert statement.attributes is not None
    assert dict(statement.attributes) == {"db.system": "postgresql", "db.operation": "SELECT"}
