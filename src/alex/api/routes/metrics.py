"""Prometheus scrape endpoint: open in development, behind ALEX_METRICS_TOKEN when it is set
(always in production: the figures describe every user's activity)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Request, Response

from alex.http.deps import ContextDep
from alex.observability import metrics

router = APIRouter(tags=["monitoring"])


@router.get("/metrics", include_in_schema=False)
async def scrape(request: Request, context: ContextDep) -> Response:
    required = context.settings.metrics_token
    if required is not None:
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {required.get_secret_value()}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            raise HTTPException(
                status_code=401,
                detail="Send the metrics token as a bearer token.",
                headers={"WWW-Authenticate": "Bearer"},
            )
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
