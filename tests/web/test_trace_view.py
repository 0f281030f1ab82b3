"""The analysis page's trace: a waterfall of the job's kept spans, readable as a table without the bars."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import text

from alex.db.job_spans import NewSpan
from alex.services.traces import NO_SPANS
from tests.support.harness import ApiHarness
from tests.support.jobs import enqueue_job
from tests.support.spans import T0, keep, span
from tests.support.web import sign_up


def _spans(job_id: uuid.UUID) -> list[NewSpan]:
    guardrail = {
        "name": "guardrail",
        "timestamp": (T0 + timedelta(milliseconds=500)).isoformat(),
        "attributes": {"alex.guardrail.check": "schema", "alex.guardrail.outcome": "re_asked"},
    }
    return [
        span(
            job_id,
            "a1",
            None,
            "POST /api/analyze",
            0,
            10,
            kind="server",
            attributes={"http.response.status_code": 202},
        ),
        span(
            job_id,
            "b1",
            "a1",
            "job portfolio_analysis",
            20,
            2000,
            kind="consumer",
            attributes={"alex.attempt": 1},
        ),
        span(job_id, "c1", "b1", "step <b>tagger</b>", 30, 130, status="error"),
        span(
            job_id,
            "c2",
            "b1",
            "step reporter",
            200,
            1200,
            attributes={"alex.step": "reporter"},
        ),
        span(
            job_id,
            "d1",
            "c2",
            "agent reporter",
            210,
            1190,
            attributes={
                "alex.outcome": "re_asked",
                "gen_ai.usage.input_tokens": 1200,
                "gen_ai.usage.output_tokens": 340,
            },
            events=[guardrail],
        ),
        span(
            job_id,
            "e1",
            "d1",
            "chat gpt-test",
            220,
            720,
            kind="client",
            attributes={
                "gen_ai.response.model": "gpt-test",
                "gen_ai.usage.input_tokens": 600,
                "gen_ai.usage.output_tokens": 170,
            },
        ),
    ]


async def _finished_job(api: ApiHarness, status: str = "completed", *, minutes_ago: int = 0) -> uuid.UUID:
    """A job of the signed-in person, marked as ended ``minutes_ago`` (no worker runs it)."""
    await sign_up(api)
    user = (await api.client.get("/api/user")).json()["user"]["id"]
    job_id = await enqueue_job(api.context.database, user)
    async with api.context.database.session() as session:
        await session.execute(
            text(
                "UPDATE jobs SET status = :status, started_at = now() - make_interval(mins => :ago), "
                "completed_at = now() - make_interval(mins => :ago) WHERE id = :id"
            ),
            {"status": status, "id": job_id, "ago": minutes_ago},
        )
        await session.commit()
    return job_id


def _section(html: str) -> str:
    assert '<details class="card" id="trace">' in html
    return html.split('<details class="card" id="trace">', 1)[1].split("</details>", 1)[0]


def _rows(section: str) -> dict[str, str]:
    """Each span's row (``<tr data-span=…> … </tr>``) by its short span id."""
    found = re.findall(r'<tr data-span="([0-9a-f]{16})"(.*?)</tr>', section, re.S)
    return {span_id.rstrip("0"): row for span_id, row in found}


async def test_the_page_shows_the_spans_as_a_waterfall(api: ApiHarness, database_url: str) -> None:
    job_id = await _finished_job(api)
    keep(database_url, _spans(job_id))

    page = await api.client.get(f"/analysis/{job_id}")

    assert page.status_code == 200
    section = _section(page.text)
    assert "<summary>Trace (6 spans, 2,000.0 ms)</summary>" in section
    # One row per span, in tree order, each with its depth and an indentation that follows it.
    order = re.findall(r'<tr data-span="([0-9a-f]{16})" data-depth="(\d+)"', section)
    assert [(span_id.rstrip("0"), int(depth)) for span_id, depth in order] == [
        ("a1", 0),
        ("b1", 1),
        ("c1", 2),
        ("c2", 2),
        ("d1", 3),
        ("e1", 4),
    ]
    rows = _rows(section)
    assert 'style="padding-left:0.5rem"' in rows["a1"]
    assert 'style="padding-left:5.5rem"' in rows["e1"]
    assert '<span class="visually-hidden">Level 5: </span>' in rows["e1"]
    # Names, durations and offsets as text; the bar placed by percentage, hidden from screen readers.
    assert '<span class="trace-name">chat gpt-test</span>' in rows["e1"]
    assert '<td class="num trace-duration">500.0 ms</td>' in rows["e1"]
    assert '<td class="num">+220.0 ms</td>' in rows["e1"]
    assert 'style="margin-left:11.0%;width:25.0%"' in rows["e1"]
    assert '<td class="trace-timeline" aria-hidden="true">' in rows["e1"]
    assert '<td class="num trace-duration">1,980.0 ms</td>' in rows["b1"]
    assert 'style="margin-left:1.0%;width:99.0%"' in rows["b1"]
    # Model and tokens where known, the outcome, the HTTP status, the attempt.
    assert "gpt-test<br>600 in / 170 out" in rows["e1"]
    assert "1200 in / 340 out" in rows["d1"]
    assert '<span class="badge warn">re_asked</span>' in rows["d1"]
    assert "HTTP 202" in rows["a1"]
    assert "consumer · attempt 1" in rows["b1"]
    # The guardrail's verdict under its span, and nowhere else.
    assert '<li data-event="guardrail">guardrail schema: re_asked at 500.0 ms</li>' in rows["d1"]
    assert section.count('data-event="guardrail"') == 1
    # An error stands out (in red, and in words); a span's name is text, never markup.
    assert rows["c1"].startswith(' data-depth="2" class="fail">')
    assert '<span class="badge fail">error</span>' in rows["c1"]
    assert 'class="trace-bar internal fail"' in rows["c1"]
    assert "step &lt;b&gt;tagger&lt;/b&gt;" in rows["c1"]
    assert "<b>tagger" not in page.text
    assert ' class="fail"' not in rows["c2"]
    assert "<script" not in section
    assert 'id="trace-empty"' not in section


async def test_a_failed_job_shows_its_trace_too(api: ApiHarness, database_url: str) -> None:
    job_id = await _finished_job(api, status="failed")
    keep(database_url, _spans(job_id)[:2])
    section = _section((await api.client.get(f"/analysis/{job_id}")).text)
    assert set(_rows(section)) == {"a1", "b1"}


async def test_without_spans_the_page_says_why(api: ApiHarness) -> None:
    job_id = await _finished_job(api, minutes_ago=5)
    page = await api.client.get(f"/analysis/{job_id}")
    assert page.status_code == 200
    section = _section(page.text)
    assert "<summary>Trace</summary>" in section
    assert f'<p class="hint" id="trace-empty">{NO_SPANS}</p>' in section
    assert "<table" not in section


async def test_a_job_that_just_ended_says_its_trace_is_on_its_way(api: ApiHarness) -> None:
    job_id = await _finished_job(api)
    section = _section((await api.client.get(f"/analysis/{job_id}")).text)
    assert "still being written: reload the page in a moment" in section
    assert NO_SPANS not in section


async def test_a_running_job_has_no_trace_yet(api: ApiHarness, database_url: str) -> None:
    await sign_up(api)
    user = (await api.client.get("/api/user")).json()["user"]["id"]
    job_id = await enqueue_job(api.context.database, user)
    keep(database_url, _spans(job_id)[:1])
    page = await api.client.get(f"/analysis/{job_id}")
    assert page.status_code == 200
    assert 'id="timeline"' in page.text
    assert 'id="trace"' not in page.text
