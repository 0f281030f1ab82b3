"""The dashboard: the portfolio now (computed on the spot) and the last analysis."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.http.deps import SessionDep
from alex.services import analyses, portfolio
from alex.web.pages import PageUser, render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def dashboard(request: Request, user: PageUser, session: SessionDep) -> Response:
    overview = await portfolio.overview(session, user_id=user.id)
    return render(
        request,
        "dashboard.html",
        user=user,
        summary=None if overview is None else overview.summary,
        charts={} if overview is None else overview.charts,
        last_job=await analyses.latest_analysis(session, user_id=user.id),
    )
