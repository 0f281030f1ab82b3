"""Liveness and readiness (no authentication)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from alex.db import migrate
from alex.http.deps import ContextDep
from alex.observability.logging import get_logger

log = get_logger("alex.health")

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "healthy", "timestamp": datetime.now(UTC).isoformat()}


@router.get("/ready", responses={503: {"description": "database unreachable or migrations pending"}})
async def ready(context: ContextDep) -> JSONResponse:
    checks: dict[str, Any] = {}
    try:
        current = await migrate.applied_revision(context.database, ping_seconds=3)
        checks["database"] = "ok"
        head = migrate.head_revision()
        checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
    except Exception as exc:  # any failure here means "not ready", and the reason stays server-side
        log.warning("not ready", error_type=type(exc).__name__)
        checks.setdefault("database", "unreachable")
    ok = all(value == "ok" for value in checks.values()) and len(checks) == 2
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503
    )
