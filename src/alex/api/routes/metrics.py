"""Prometheus scrape endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Response

from alex.observability import metrics

router = APIRouter(tags=["monitoring"])


@router.get("/metrics", include_in_schema=False)
async def scrape() -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
