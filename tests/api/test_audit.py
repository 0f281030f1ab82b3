"""GET /api/jobs/{job_id}/audit: the job's agent runs, oldest first, for the job's owner only."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from alex.db import ai_decisions
from alex.db.ai_decisions import NewDecision
from tests.support.api import ok
from tests.support.harness import ApiHarness

A = "auditor-a"
B = "auditor-b"


async def _start_job(api: ApiHarness, user: str) -> uuid.UUID:
    return uuid.UUID(ok(await api.client.post("/api/analyze", headers=api.auth(user)), 202)["job_id"])


def _decision(job_id: uuid.UUID, user: str, agent: str, **changes: Any) -> NewDecision:
    fields: dict[str, Any] = {
        "job_id": job_id,
        "user_id": user,
        "attempt": 1,
        "agent": agent,
        "subject": None,
        "model": "openai:gpt-test",
        "prompt_version": f"v1-{agent}",
        "input_sha256": hashlib.sha256(agent.encode()).hexdigest(),
        "outcome": "passed",
        "output_summary": {"sections": 3},
        "rationale": None,
        "tokens_in": 1200,
        "tokens_out": 340,
        "requests": 1,
        "estimated_cost": Decimal("0.001234"),
        "duration_ms": 1523.46,
        "guardrails": [],
        "trace_id": "0af7651916cd43dd8448eb211c80319c",
        **changes,
    }
    return NewDecision(**fields)


async def _record(api: ApiHarness, *decisions: NewDecision) -> None:
    """Each call is its own transaction, as each agent run's row is."""
    async with api.context.database.session() as session:
        for decision in decisions:
            await ai_decisions.add(session, decision)
        await session.commit()


async def test_the_owner_reads_every_decision_of_a_job(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    tagger = _decision(
        job_id,
        A,
        "tagger",
        subject="ZZQX",
        outcome="re_asked",
        rationale="A broad US equity index fund.",
        output_summary={"instrument_type": "etf"},
        requests=2,
        guardrails=[{"check": "schema", "outcome": "re_asked", "detail": "regions: must sum to 100"}],
    )
    reporter = _decision(
        job_id,
        A,
        "reporter",
        outcome="fell_back",
        model="offline",
        prompt_version="offline",
        estimated_cost=None,
        tokens_in=0,
        tokens_out=0,
        requests=0,
        duration_ms=0.04,
        output_summary={"fallback": "the model could not be reached"},
        guardrails=[{"check": "transport", "outcome": "fell_back", "detail": "3 attempts"}],
        trace_id=None,
    )
    await _record(api, tagger)
    await _record(api, reporter)

    audit = ok(await api.client.get(f"/api/jobs/{job_id}/audit", headers=api.auth(A)))

    assert audit["job_id"] == str(job_id)
    first, second = audit["decisions"]
    assert [first["agent"], second["agent"]] == ["tagger", "reporter"]
    assert set(first) == {
        *("id", "job_id", "attempt", "agent", "subject", "model", "prompt_version", "input_sha256"),
        *("outcome", "output_summary", "rationale", "tokens_in", "tokens_out", "requests"),
        *("estimated_cost", "duration_ms", "guardrails", "trace_id", "created_at"),
    }
    assert "user_id" not in first
    assert uuid.UUID(first["id"])
    assert first["job_id"] == str(job_id)
    assert first["subject"] == "ZZQX"
    assert first["model"] == "openai:gpt-test"
    assert first["prompt_version"] == "v1-tagger"
    assert first["input_sha256"] == hashlib.sha256(b"tagger").hexdigest()
    assert first["outcome"] == "re_asked"
    assert first["rationale"] == "A broad US equity index fund."
    assert first["output_summary"] == {"instrument_type": "etf"}
    assert (first["tokens_in"], first["tokens_out"], first["requests"]) == (1200, 340, 2)
    assert first["estimated_cost"] == "0.001234"  # money: a decimal string
    assert first["duration_ms"] == 1523.5  # a number, to 0.1 ms
    assert first["guardrails"] == [
        {"check": "schema", "outcome": "re_asked", "detail": "regions: must sum to 100"}
    ]
    assert first["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert datetime.fromisoformat(first["created_at"]).tzinfo is not None
    assert second["model"] == "offline"
    assert second["estimated_cost"] is None
    assert second["duration_ms"] == 0.0
    assert second["trace_id"] is None
    assert second["output_summary"] == {"fallback": "the model could not be reached"}


async def test_decisions_are_oldest_first_with_ties_broken_by_id(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    await _record(api, _decision(job_id, A, "tagger", subject="ZZQX"))
    # One transaction: the same created_at (now() is the transaction's start), so the id decides.
    await _record(api, _decision(job_id, A, "charter"), _decision(job_id, A, "retirement"))
    await _record(api, _decision(job_id, A, "reporter", attempt=2))

    decisions = ok(await api.client.get(f"/api/jobs/{job_id}/audit", headers=api.auth(A)))["decisions"]

    assert decisions[0]["agent"] == "tagger"
    assert decisions[-1]["agent"] == "reporter"
    assert decisions[-1]["attempt"] == 2
    tied = decisions[1:3]
    assert {d["agent"] for d in tied} == {"charter", "retirement"}
    assert tied[0]["created_at"] == tied[1]["created_at"]
    assert uuid.UUID(tied[0]["id"]) < uuid.UUID(tied[1]["id"])
    stamps = [datetime.fromisoformat(d["created_at"]) for d in decisions]
    assert stamps == sorted(stamps)


async def test_a_job_without_decisions_has_an_empty_audit(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    audit = ok(await api.client.get(f"/api/jobs/{job_id}/audit", headers=api.auth(A)))
    assert audit == {"job_id": str(job_id), "decisions": []}


async def test_only_the_jobs_own_decisions_are_listed(api: ApiHarness) -> None:
    mine = await _start_job(api, A)
    other = await _start_job(api, A)
    await _record(api, _decision(mine, A, "reporter"), _decision(other, A, "charter"))

    decisions = ok(await api.client.get(f"/api/jobs/{mine}/audit", headers=api.auth(A)))["decisions"]

    assert [(d["job_id"], d["agent"]) for d in decisions] == [(str(mine), "reporter")]


async def test_another_users_job_is_not_found(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    await _record(api, _decision(job_id, A, "reporter", rationale="A's private reasoning"))

    response = await api.client.get(f"/api/jobs/{job_id}/audit", headers=api.auth(B))

    assert response.status_code == 404
    assert "private reasoning" not in response.text
    assert str(job_id) not in response.text
    # Exactly as for a job that exists nowhere.
    control = await api.client.get(f"/api/jobs/{uuid.uuid4()}/audit", headers=api.auth(B))
    assert (control.status_code, control.json()) == (404, response.json())
    assert response.json() == {"detail": "Job not found."}


async def test_the_audit_needs_a_token(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    response = await api.client.get(f"/api/jobs/{job_id}/audit")
    assert response.status_code == 401
    assert "www-authenticate" in response.headers


async def test_a_malformed_job_id_is_422(api: ApiHarness) -> None:
    response = await api.client.get("/api/jobs/not-a-uuid/audit", headers=api.auth(A))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.job_id"


async def test_decisions_go_with_their_job(api: ApiHarness) -> None:
    job_id = await _start_job(api, A)
    await _record(api, _decision(job_id, A, "reporter"))
    async with api.context.database.session() as session:
        await session.execute(text("DELETE FROM jobs WHERE id = :id"), {"id": job_id})
        await session.commit()
        assert await ai_decisions.for_job(session, job_id=job_id) == []


async def test_the_route_is_documented(api: ApiHarness) -> None:
    paths = ok(await api.client.get("/openapi.json"))["paths"]
    operation = paths["/api/jobs/{job_id}/audit"]["get"]
    assert "one row per agent run" in operation["description"]
