"""GET /api/jobs/{id}/events: history first, resumable with Last-Event-ID, ends with the job; 429 cap."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from sqlalchemy import text

from tests.support.harness import ApiHarness


def _parse(body: str) -> list[dict[str, Any]]:
    frames = []
    for block in body.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":")
        )
        if "data" in fields:
            frames.append({"id": int(fields["id"]), "event": fields["event"], **json.loads(fields["data"])})
    return frames


async def _start_job(api: ApiHarness, user: str = "u1") -> uuid.UUID:
    response = await api.client.post("/api/analyze", headers=api.auth(user))
    assert response.status_code == 202
    return uuid.UUID(response.json()["job_id"])


async def _add_event(api: ApiHarness, job_id: uuid.UUID, kind: str, step: str | None = None) -> None:
    async with api.context.database.session() as session:
        await session.execute(
            text("INSERT INTO job_events (job_id, attempt, kind, step, message) VALUES (:j, 1, :k, :s, :m)"),
            {"j": job_id, "k": kind, "s": step, "m": f"{step or 'job'} {kind}"},
        )
        await session.commit()


async def _set_status(api: ApiHarness, job_id: uuid.UUID, status: str) -> None:
    async with api.context.database.session() as session:
        await session.execute(text("UPDATE jobs SET status = :s WHERE id = :j"), {"s": status, "j": job_id})
        await session.commit()


async def test_a_finished_job_streams_its_history_then_ends(api: ApiHarness) -> None:
    job_id = await _start_job(api)
    for kind, step in [
        ("job_started", None),
        ("step_started", "analytics"),
        ("step_finished", "analytics"),
        ("job_completed", None),
    ]:
        await _add_event(api, job_id, kind, step)
    await _set_status(api, job_id, "completed")
    response = await api.client.get(f"/api/jobs/{job_id}/events", headers=api.auth("u1"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = _parse(response.text)
    assert [f["event"] for f in frames] == ["job_started", "step_started", "step_finished", "job_completed"]
    assert frames[1]["step"] == "analytics"
    assert all(f["timestamp"] for f in frames)
    ids = [f["id"] for f in frames]
    assert ids == sorted(ids)

    resumed = await api.client.get(
        f"/api/jobs/{job_id}/events", headers={**api.auth("u1"), "Last-Event-ID": str(ids[1])}
    )
    assert [f["id"] for f in _parse(resumed.text)] == ids[2:]


async def test_a_live_subscriber_receives_events_until_the_job_ends(api: ApiHarness) -> None:
    job_id = await _start_job(api)
    await _add_event(api, job_id, "job_started")
    stream = asyncio.create_task(api.client.get(f"/api/jobs/{job_id}/events", headers=api.auth("u1")))
    await _add_event(api, job_id, "step_started", "reporter")
    await _add_event(api, job_id, "job_completed")
    await _set_status(api, job_id, "completed")
    response = await asyncio.wait_for(stream, timeout=60)
    assert [f["event"] for f in _parse(response.text)] == ["job_started", "step_started", "job_completed"]


async def test_another_users_events_are_404(api: ApiHarness) -> None:
    job_id = await _start_job(api, "u1")
    await _add_event(api, job_id, "job_started")
    response = await api.client.get(f"/api/jobs/{job_id}/events", headers=api.auth("u2"))
    assert response.status_code == 404
    assert "job_started" not in response.text


async def test_unfinished_jobs_per_user_are_capped_with_429(api: ApiHarness) -> None:
    cap = api.context.settings.max_unfinished_jobs_per_user
    for _ in range(cap):
        await _start_job(api)
    refused = await api.client.post("/api/analyze", headers=api.auth("u1"))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert (await api.client.post("/api/analyze", headers=api.auth("u2"))).status_code == 202
    jobs = (await api.client.get("/api/jobs", headers=api.auth("u1"))).json()["jobs"]
    assert len(jobs) == cap
