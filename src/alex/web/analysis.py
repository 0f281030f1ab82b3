"""Analysis pages: start an analysis, follow it live, read its results, and list past ones.

The live timeline is fed by the API's real event stream (``/api/jobs/{id}/events``, read by
``analysis.js``); once the job has ended the page is rendered by the server: the report (markdown
sanitised on the server, since a model may have written it), the recommendations, the charts,
the retirement projection, how it all was produced (the ``ai_decisions`` audit rows) and the
job's trace as a waterfall of its kept spans (``alex.services.traces``).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.db.models import Job
from alex.domain.charts import retirement_chart
from alex.domain.charts.portfolio_charts import Chart
from alex.http.deps import ContextDep, SessionDep
from alex.services import accounts, analyses, traces
from alex.services.analyses import AnalyzeRequest
from alex.services.errors import TooManyRequestsError
from alex.web.markdown import render_markdown
from alex.web.pages import PageJob, PageUser, form_data, redirect, render

router = APIRouter(include_in_schema=False)

HISTORY_LIMIT: Final = 100
FAN_DESCRIPTION: Final = "Portfolio value in today's money across the simulated futures."
LOCAL_HREF: Final = re.compile(r"(?:/[A-Za-z0-9][A-Za-z0-9/_.\-]*)?(?:#[A-Za-z0-9][A-Za-z0-9_.\-]*)?")
"""A path on this site and/or a fragment: no scheme, no other host, no query, no spaces."""
EVENT_CLASSES: Final = {
    "job_started": "started",
    "step_started": "started",
    "step_progress": "progress",
    "step_finished": "finished",
    "step_failed": "failed",
    "job_retrying": "retrying",
    "job_completed": "completed",
    "job_failed": "failed",
}
"""The timeline's CSS class of each event kind (sent to analysis.js with the page)."""


def _duration(job: Job) -> str | None:
    """How long the job ran, e.g. "1 min 5 s" or "3.2 s" (``None`` while unfinished)."""
    if job.started_at is None or job.completed_at is None:
        return None
    seconds = max((job.completed_at - job.started_at).total_seconds(), 0.0)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _local_href(href: object) -> bool:
    """A link the page may render: a path on this site and/or a fragment, nothing else (the
    payload's own rule, checked again because a stored payload is rendered long after it was written)."""
    return isinstance(href, str) and bool(href) and LOCAL_HREF.fullmatch(href) is not None


def recommendations(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's recommendations with their actions (none in payloads written before actions
    existed); an action whose address is not on this site is left out."""
    shown = []
    for item in report.get("recommendations") or []:
        if not isinstance(item, dict):
            continue
        actions = [
            a
            for a in item.get("actions") or []
            if isinstance(a, dict) and a.get("label") and _local_href(a.get("href"))
        ]
        shown.append({**item, "actions": actions})
    return shown


def trades(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The suggested trades of the summary payload (the recommendations link to them)."""
    found = (summary.get("rebalancing") or {}).get("trades") or []
    return [t for t in found if isinstance(t, dict)]


def fan_chart(retirement: dict[str, Any] | None) -> Chart | None:
    """The stored retirement payload's percentile bands as the fan chart (none when it has none)."""
    if not retirement or not retirement.get("years") or not retirement.get("percentiles"):
        return None
    try:
        # Money is stored as decimal strings; the chart draws numbers.
        bands = {
            key: [float(Decimal(str(value))) for value in series]
            for key, series in retirement["percentiles"].items()
        }
        return retirement_chart.fan_chart(retirement["years"], bands, description=FAN_DESCRIPTION)
    except (InvalidOperation, ValueError, TypeError, KeyError, IndexError):
        return None


async def _analysis_page(
    request: Request, user: PageUser, session: SessionDep, *, error: str | None = None, status_code: int = 200
) -> Response:
    return render(
        request,
        "analysis.html",
        status_code=status_code,
        user=user,
        has_accounts=await accounts.has_accounts(session, user_id=user.id),
        latest=await analyses.latest_analysis(session, user_id=user.id),
        when=_when,
        error=error,
    )


@router.get("/analysis")
async def analysis(request: Request, user: PageUser, session: SessionDep) -> Response:
    return await _analysis_page(request, user, session)


@router.post("/analysis")
async def start_analysis(
    request: Request, user: PageUser, session: SessionDep, context: ContextDep
) -> Response:
    """Start an analysis like POST /api/analyze, then follow it on its own page."""
    await form_data(request)
    if not await accounts.has_accounts(session, user_id=user.id):
        return redirect("/analysis")
    try:
        job = await analyses.start_analysis(
            session, user_id=user.id, request=AnalyzeRequest(), settings=context.settings
        )
    except TooManyRequestsError as exc:
        return await _analysis_page(request, user, session, error=str(exc), status_code=429)
    return redirect(f"/analysis/{job.id}")


@router.get("/analysis/{job_id}")
async def analysis_job(
    request: Request, job: PageJob, user: PageUser, session: SessionDep, context: ContextDep
) -> Response:
    finished = analyses.is_finished(job)
    past_events = (
        await analyses.progress(context.database, job=job, after_id=0, limit=1000) if finished else []
    )
    decisions = await analyses.audit(session, job=job) if finished else []
    trace = await traces.job_trace(session, job=job) if finished else None
    report = job.report_payload or {}
    retirement = job.retirement_payload
    summary = job.summary_payload or {}
    return render(
        request,
        "analysis_job.html",
        user=user,
        job=job,
        finished=finished,
        when=_when,
        duration=_duration(job),
        events=past_events,
        event_classes=EVENT_CLASSES,
        report=report,
        report_html=render_markdown(report.get("content")),
        recommendations=recommendations(report),
        trades=trades(summary),
        charts=job.charts_payload or {},
        retirement=retirement,
        retirement_html=render_markdown((retirement or {}).get("analysis")),
        fan=fan_chart(retirement),
        decisions=decisions,
        trace=trace,
        agents=summary.get("agents") or {},
        warnings=list(summary.get("warnings") or job.warnings or []),
        page_data={"id": str(job.id), "status": job.status, "finished": finished},
    )


@router.get("/history")
async def history(request: Request, user: PageUser, session: SessionDep) -> Response:
    found = await analyses.list_analyses(session, user_id=user.id, limit=HISTORY_LIMIT)
    return render(
        request,
        "history.html",
        user=user,
        jobs=[(job, _duration(job)) for job in found],
        when=_when,
        has_accounts=await accounts.has_accounts(session, user_id=user.id),
    )
