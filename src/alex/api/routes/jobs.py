"""Analysis jobs of the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from alex.api.deps import CurrentUser, OwnedJob, SessionDep
from alex.api.schemas import AnalyzeRequest, AnalyzeResponse, JobList, JobPublic
from alex.db import jobs

router = APIRouter(prefix="/api", tags=["analysis"])


@router.post("/analyze", status_code=202)
async def analyze(
    user: CurrentUser, session: SessionDep, body: AnalyzeRequest | None = None
) -> AnalyzeResponse:
    """Start an analysis of your portfolio; follow it with GET /api/jobs/{job_id}."""
    request = body or AnalyzeRequest()
    job = await jobs.create(
        session,
        user_id=user.id,
        job_type="portfolio_analysis",
        request_payload=request.model_dump(mode="json"),
    )
    return AnalyzeResponse(job_id=job.id, message="Analysis started. Check job status for results.")


@router.get("/jobs")
async def list_jobs(
    user: CurrentUser, session: SessionDep, limit: Annotated[int, Query(ge=1, le=100)] = 100
) -> JobList:
    """Your jobs, newest first."""
    return JobList(
        jobs=[
            JobPublic.model_validate(j)
            for j in await jobs.list_for_user(session, user_id=user.id, limit=limit)
        ]
    )


@router.get("/jobs/{job_id}")
async def get_job(job: OwnedJob) -> JobPublic:
    return JobPublic.model_validate(job)
