"""The dashboard: the portfolio now (computed on the spot) and the last analysis."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.agents.outputs import summary_payload
from alex.agents.writers import facts_for
from alex.db import jobs
from alex.db import snapshot as snapshots
from alex.web.pages import DbSession, PageUser, render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def dashboard(request: Request, user: PageUser, db: DbSession) -> Response:
    snapshot = await snapshots.load(db, user_id=user.id)
    recent = await jobs.list_for_user(db, user_id=user.id, limit=1)
    summary, charts = None, {}
    if snapshot is not None and snapshot.portfolio.accounts:
        # The dashboard shows no projection, so no Monte Carlo: the page costs a few ms, not ~35.
        facts = await asyncio.to_thread(facts_for, snapshot, warnings=(), project_retirement=False)
        summary, charts = summary_payload(facts), dict(facts.analysis.charts)
    return render(
        request,
        "dashboard.html",
        user=user,
        summary=summary,
        charts=charts,
        last_job=recent[0] if recent else None,
    )
