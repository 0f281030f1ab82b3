"""GET /api/jobs/{job_id}/trace: the job's kept spans as a tree, for the job's owner only; and the
pure transformation behind it (``alex.services.traces.build_trace``)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.db.engine import Database
from alex.db.job_spans import NewSpan
from alex.db.span_store import SPAN_STORE
from alex.market.prices import CataloguePrices
from alex.services.traces import MAX_SPANS, NO_SPANS, build_trace
from alex.settings import Settings
from tests.support.api import ok
from tests.support.harness import ApiHarness
from tests.support.jobs import run_to_end
from tests.support.spans import T0, TRACE, at, keep, span

A = "tracer-a"
B = "tracer-b"
OTHER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def _guardrail(check: str, outcome: str, at_ms: float) -> dict[str, Any]:
    return {
        "name": "guardrail",
        "timestamp": at(at_ms).isoformat(),
        "attributes": {"alex.guardrail.check": check, "alex.guardrail.outcome": outcome},
    }


def _analysis(job_id: uuid.UUID) -> list[NewSpan]:
    """One analysis: the request, a failed first attempt with a reporter that fell back, a second
    attempt, and a span whose parent was never kept (another process, another trace)."""
    return [
        span(
            job_id,
            "a1",
            None,
            "POST /api/analyze",
            0,
            12.5,
            kind="server",
            attributes={
                "http.request.method": "POST",
                "http.route": "/api/analyze",
                "http.response.status_code": 202,
            },
        ),
        span(
            job_id,
            "b1",
            "a1",
            "job portfolio_analysis",
            20,
            1020,
            kind="consumer",
            status="error",
            attributes={"alex.job_id": str(job_id), "alex.attempt": 1},
        ),
        span(job_id, "c1", "b1", "step snapshot", 25, 60, attributes={"alex.step": "snapshot"}),
        span(
            job_id,
            "c2",
            "b1",
            "step reporter",
            100,
            1000,
            status="error",
            attributes={"alex.step": "reporter"},
        ),
        span(
            job_id,
            "d1",
            "c2",
            "agent reporter",
            110,
            990,
            attributes={
                "gen_ai.agent.name": "reporter",
                "alex.outcome": "fell_back",
                "gen_ai.usage.input_tokens": 1200,
                "gen_ai.usage.output_tokens": 340,
            },
            events=[_guardrail("schema", "re_asked", 500), _guardrail("grounding", "fell_back", 980)],
        ),
        span(job_id, "e1", "d1", "invoke_agent reporter", 120, 980),
        # Given before its earlier sibling: children are ordered by start time, not by arrival.
        span(
            job_id,
            "f2",
            "e1",
            "chat gpt-test",
            500,
            970.4,
            kind="client",
            attributes={
                "gen_ai.request.model": "gpt-test",
                "gen_ai.response.model": "gpt-test-2026-01",
                "gen_ai.provider.name": "openai",
                "gen_ai.usage.input_tokens": 700,
                "gen_ai.usage.output_tokens": 200,
                "gen_ai.response.finish_reasons": ["stop"],
            },
        ),
        span(
            job_id,
            "f1",
            "e1",
            "chat gpt-test",
            130,
            480,
            kind="client",
            attributes={
                "gen_ai.request.model": "gpt-test",
                "gen_ai.usage.input_tokens": 500,
                "gen_ai.usage.output_tokens": 140,
            },
        ),
        span(
            job_id,
            "b2",
            "a1",
            "job portfolio_analysis",
            2000,
            3000,
            kind="consumer",
            status="ok",
            attributes={"alex.job_id": str(job_id), "alex.attempt": 2},
        ),
        span(job_id, "c3", "b2", "step snapshot", 2010, 2050, attributes={"alex.step": "snapshot"}),
        span(
            job_id,
            "99",
            "ffffffffffffffff",
            "step prices",
            2060,
            2100,
            trace_id=OTHER_TRACE,
            attributes={"alex.step": "prices"},
        ),
    ]


EXPECTED_ORDER = [
    ("POST /api/analyze", 0),
    ("job portfolio_analysis", 1),
    ("step snapshot", 2),
    ("step reporter", 2),
    ("agent reporter", 3),
    ("invoke_agent reporter", 4),
    ("chat gpt-test", 5),
    ("chat gpt-test", 5),
    ("job portfolio_analysis", 1),
    ("step snapshot", 2),
    ("step prices", 0),
]


async def _start_job(api: ApiHarness, user: str) -> uuid.UUID:
    return uuid.UUID(ok(await api.client.post("/api/analyze", headers=api.auth(user)), 202)["job_id"])


def _by_id(spans: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {span["span_id"].rstrip("0"): span for span in spans}


# --- the route ---------------------------------------------------------------------------------


async def test_the_owner_reads_the_spans_as_a_tree(api: ApiHarness, database_url: str) -> None:
    job_id = await _start_job(api, A)
    keep(database_url, _analysis(job_id))

    trace = ok(await api.client.get(f"/api/jobs/{job_id}/trace", headers=api.auth(A)))

    assert set(trace) == {"job_id", "trace_ids", "started_at", "total_ms", "truncated", "message", "spans"}
    assert trace["job_id"] == str(job_id)
    assert trace["trace_ids"] == [TRACE, OTHER_TRACE]
    assert datetime.fromisoformat(trace["started_at"]) == T0
    assert trace["total_ms"] == 3000.0
    assert (trace["truncated"], trace["message"]) == (False, None)
    spans = trace["spans"]
    assert [(s["name"], s["depth"]) for s in spans] == EXPECTED_ORDER
    assert [s["span_id"].rstrip("0") for s in spans] == [
        *("a1", "b1", "c1", "c2", "d1", "e1", "f1", "f2", "b2", "c3", "99")
    ]
    assert set(spans[0]) == {
        *("trace_id", "span_id", "parent_span_id", "name", "kind", "status", "depth", "offset_ms"),
        *("duration_ms", "model", "tokens_in", "tokens_out", "outcome", "status_code", "step", "attempt"),
        "events",
    }
    by_id = _by_id(spans)
    request = by_id["a1"]
    assert (request["kind"], request["status"], request["parent_span_id"]) == ("server", "unset", None)
    assert (request["offset_ms"], request["duration_ms"], request["status_code"]) == (0.0, 12.5, 202)
    assert request["model"] is None
    first, second = by_id["b1"], by_id["b2"]
    assert (first["attempt"], first["status"], first["offset_ms"], first["duration_ms"]) == (
        1,
        "error",
        20.0,
        1000.0,
    )
    assert (second["attempt"], second["status"], second["offset_ms"]) == (2, "ok", 2000.0)
    assert first["parent_span_id"] == second["parent_span_id"] == "a1".ljust(16, "0")
    assert (by_id["c2"]["step"], by_id["c2"]["status"]) == ("reporter", "error")
    agent = by_id["d1"]
    assert (agent["outcome"], agent["tokens_in"], agent["tokens_out"]) == ("fell_back", 1200, 340)
    assert (agent["offset_ms"], agent["duration_ms"]) == (110.0, 880.0)
    assert agent["events"] == [
        {
            "name": "guardrail",
            "offset_ms": 500.0,
            "attributes": {"alex.guardrail.check": "schema", "alex.guardrail.outcome": "re_asked"},
        },
        {
            "name": "guardrail",
            "offset_ms": 980.0,
            "attributes": {"alex.guardrail.check": "grounding", "alex.guardrail.outcome": "fell_back"},
        },
    ]
    late_call = by_id["f2"]
    assert late_call["model"] == "gpt-test-2026-01"  # the model that answered, over the one asked
    assert (late_call["tokens_in"], late_call["tokens_out"], late_call["kind"]) == (700, 200, "client")
    assert (late_call["offset_ms"], late_call["duration_ms"]) == (500.0, 470.4)
    assert by_id["f1"]["model"] == "gpt-test"
    orphan = by_id["99"]
    assert (orphan["depth"], orphan["trace_id"], orphan["step"]) == (0, OTHER_TRACE, "prices")
    assert orphan["parent_span_id"] == "ffffffffffffffff"  # kept as written, shown as a root


async def test_an_analysis_is_kept_from_its_request_to_its_steps(
    api: ApiHarness, database_url: str, settings: Settings
) -> None:
    ok(await api.client.post("/api/populate-test-data", headers=api.auth("u1")), 200)
    job_id = await _start_job(api, "u1")
    database = Database(database_url, pool_size=2)
    try:
        workflow = AnalysisWorkflow(
            database, settings=settings, prices=CataloguePrices(), team=Team(settings)
        )
        assert (await run_to_end(database, workflow, job_id)).status == "completed"
    finally:
        await database.dispose()
    assert SPAN_STORE.force_flush()
    trace = ok(await api.client.get(f"/api/jobs/{job_id}/trace", headers=api.auth("u1")), 200)
    assert len(trace["trace_ids"]) == 1
    tree = [(row["depth"], row["name"]) for row in trace["spans"]]
    assert tree[:3] == [(0, "POST /api/analyze"), (1, "job portfolio_analysis"), (2, "step snapshot")]
    assert (2, "step analytics") in tree
    assert trace["spans"][0]["status_code"] == 202


async def test_a_job_without_spans_says_why(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    trace = ok(await api.client.get(f"/api/jobs/{job_id}/trace", headers=api.auth(A)))
    assert trace == {
        "job_id": str(job_id),
        "trace_ids": [],
        "started_at": None,
        "total_ms": 0.0,
        "truncated": False,
        "message": NO_SPANS,
        "spans": [],
    }
    assert "tracing was off" in trace["message"]


async def test_only_the_jobs_own_spans_are_listed(api: ApiHarness, database_url: str) -> None:
    mine = await _start_job(api, A)
    other = await _start_job(api, A)
    keep(database_url, [span(mine, "a1", None, "step snapshot", 0, 5)])
    keep(database_url, [span(other, "b1", None, "step tagger", 0, 5)])

    spans = ok(await api.client.get(f"/api/jobs/{mine}/trace", headers=api.auth(A)))["spans"]

    assert [s["name"] for s in spans] == ["step snapshot"]


async def test_another_users_job_is_not_found(api: ApiHarness, database_url: str) -> None:
    job_id = await _start_job(api, A)
    keep(database_url, _analysis(job_id))

    response = await api.client.get(f"/api/jobs/{job_id}/trace", headers=api.auth(B))

    assert response.status_code == 404
    assert "agent reporter" not in response.text
    assert TRACE not in response.text
    control = await api.client.get(f"/api/jobs/{uuid.uuid4()}/trace", headers=api.auth(B))
    assert (control.status_code, control.json()) == (404, response.json())
    assert response.json() == {"detail": "Job not found."}


async def test_the_trace_needs_a_token(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    response = await api.client.get(f"/api/jobs/{job_id}/trace")
    assert response.status_code == 401


async def test_at_most_the_first_spans_are_listed(api: ApiHarness, database_url: str) -> None:
    job_id = await _start_job(api, A)
    root = span(job_id, "a1", None, "job portfolio_analysis", 0, MAX_SPANS + 10, kind="consumer")
    steps = [span(job_id, f"{n + 1:016x}", "a1", f"step {n}", n + 1, n + 2) for n in range(MAX_SPANS)]
    keep(database_url, [root, *steps])

    trace = ok(await api.client.get(f"/api/jobs/{job_id}/trace", headers=api.auth(A)))

    assert trace["truncated"] is True
    assert trace["message"] == f"Only the first {MAX_SPANS} spans of this analysis are shown."
    spans = trace["spans"]
    assert len(spans) == MAX_SPANS
    assert spans[0]["name"] == "job portfolio_analysis"
    assert spans[-1]["name"] == f"step {MAX_SPANS - 2}"  # the last to start is the one left out
    assert {s["depth"] for s in spans[1:]} == {1}


async def test_the_route_is_documented(api: ApiHarness) -> None:
    document = ok(await api.client.get("/openapi.json"))
    operation = document["paths"]["/api/jobs/{job_id}/trace"]["get"]
    assert "one row per kept span" in operation["description"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JobTrace"
    }
    span = document["components"]["schemas"]["TraceSpanPublic"]["properties"]
    assert "offset_ms" in span
    assert span["depth"]["description"].startswith("0 for a root")


# --- the pure transformation -------------------------------------------------------------------

JOB = uuid.UUID(int=7)


def test_spans_are_in_depth_first_order_with_children_by_start() -> None:
    rows = list(reversed(_analysis(JOB)))  # any order in: the view sorts by start itself
    view = build_trace(rows)
    assert [(s.name, s.depth) for s in view.spans] == EXPECTED_ORDER
    assert view.total_ms == 3000.0
    assert view.started_at == T0
    assert view.trace_ids == [TRACE, OTHER_TRACE]


def test_a_span_whose_parent_is_not_kept_is_a_root() -> None:
    rows = [
        span(JOB, "b1", "a1", "job portfolio_analysis", 10, 100),  # its request span is not kept
        span(JOB, "c1", "b1", "step snapshot", 20, 30),
        span(JOB, "c9", "77", "step charter", 5, 8),  # started first: the first root
    ]
    view = build_trace(rows)
    assert [(s.name, s.depth) for s in view.spans] == [
        ("step charter", 0),
        ("job portfolio_analysis", 0),
        ("step snapshot", 1),
    ]
    assert [s.offset_ms for s in view.spans] == [0.0, 5.0, 15.0]


def test_a_cycle_of_parents_shows_each_span_once() -> None:
    rows = [
        span(JOB, "a1", "a2", "one", 0, 10),
        span(JOB, "a2", "a1", "two", 1, 5),
        span(JOB, "a3", "a3", "its own parent", 2, 3),
    ]
    view = build_trace(rows)
    assert sorted(s.name for s in view.spans) == ["its own parent", "one", "two"]
    assert [(s.name, s.depth) for s in view.spans] == [("its own parent", 0), ("one", 0), ("two", 1)]


def test_a_deep_chain_does_not_recurse() -> None:
    rows = [
        span(JOB, f"{n:016x}", None if n == 1 else f"{n - 1:016x}", f"s{n}", n, 5000) for n in range(1, 1501)
    ]
    view = build_trace(rows)
    assert [s.depth for s in view.spans] == list(range(1500))


def test_only_the_first_spans_by_start_are_kept() -> None:
    rows = [span(JOB, f"{n}", None, f"s{n}", 10 - n, 20) for n in range(1, 6)]
    view = build_trace(rows, limit=3)
    assert [s.name for s in view.spans] == ["s5", "s4", "s3"]
    assert view.truncated is True
    assert view.message == "Only the first 3 spans of this analysis are shown."
    assert build_trace(rows, limit=5).truncated is False


def test_no_spans_is_an_empty_view_with_a_reason() -> None:
    view = build_trace([])
    assert (view.spans, view.trace_ids, view.started_at, view.total_ms) == ([], [], None, 0.0)
    assert (view.truncated, view.message) == (False, NO_SPANS)


def test_the_bars_are_percentages_of_the_total() -> None:
    rows = [
        span(JOB, "a1", None, "root", 0, 2000),
        span(JOB, "b1", "a1", "half", 500, 1500),
        span(JOB, "b2", "a1", "instant", 2000, 2000),
        span(JOB, "b3", "a1", "ends before it starts", 1000, 900),
    ]
    bars = {s.name: (s.bar_left_pct, s.bar_width_pct, s.duration_ms) for s in build_trace(rows).spans}
    assert bars["root"] == (0.0, 100.0, 2000.0)
    assert bars["half"] == (25.0, 50.0, 1000.0)
    assert bars["instant"] == (99.7, 0.3, 0.0)  # still visible, and within the track
    assert bars["ends before it starts"] == (50.0, 0.3, 0.0)
    # A trace with no length at all: each bar spans the track.
    point = build_trace([span(JOB, "a1", None, "point", 7, 7)]).spans[0]
    assert (point.bar_left_pct, point.bar_width_pct) == (0.0, 100.0)


def test_display_attributes_are_read_only_when_well_typed() -> None:
    rows = [
        span(
            JOB,
            "a1",
            None,
            "chat odd",
            0,
            10,
            attributes={
                "gen_ai.request.model": "asked-model",
                "gen_ai.response.model": "",
                "gen_ai.usage.input_tokens": True,
                "gen_ai.usage.output_tokens": "12",
                "http.response.status_code": 200.0,
                "alex.outcome": 3,
            },
        )
    ]
    shown = build_trace(rows).spans[0]
    assert shown.model == "asked-model"
    assert (shown.tokens_in, shown.tokens_out, shown.status_code, shown.outcome) == (None, None, None, None)
    assert (shown.step, shown.attempt) == (None, None)


def test_events_keep_their_offsets_and_plain_attributes() -> None:
    naive = datetime(2026, 12, 2, 9, 30, 0, 250000)  # noqa: DTZ001 - a naive time is read as UTC
    events: list[Any] = [
        _guardrail("input", "neutralised", 3),
        {"name": "retry", "timestamp": naive.isoformat(), "attributes": {"n": 2, "codes": [1, 2]}},
        {"name": "odd", "timestamp": "yesterday", "attributes": {"nested": {"a": 1}, "mixed": [1, {}]}},
        {"timestamp": (T0 + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")},
        "not an event",
    ]
    shown = build_trace([span(JOB, "a1", None, "agent tagger", 0, 1000, events=events)]).spans[0]
    assert [(e.name, e.offset_ms) for e in shown.events] == [
        ("guardrail", 3.0),
        ("retry", 250.0),
        ("odd", None),
        ("event", 1000.0),
    ]
    assert shown.events[1].attributes == {"n": 2, "codes": [1, 2]}
    assert shown.events[2].attributes == {}
    assert [e.label for e in shown.events] == ["guardrail input: neutralised", "retry", "odd", "event"]


def test_times_in_other_zones_are_compared_as_instants() -> None:
    elsewhere = timezone(timedelta(hours=2))
    first = span(JOB, "a", None, "first", 0, 50)
    later = span(JOB, "b", None, "later", 40, 90)
    shifted = dataclasses.replace(
        later,
        started_at=later.started_at.astimezone(elsewhere),
        ended_at=later.ended_at.astimezone(elsewhere),
    )
    assert shifted.started_at.hour == 11  # 09:30 UTC, written as 11:30+02:00
    view = build_trace([shifted, first])
    assert [(s.name, s.offset_ms, s.duration_ms) for s in view.spans] == [
        ("first", 0.0, 50.0),
        ("later", 40.0, 50.0),
    ]
    assert view.total_ms == 90.0
