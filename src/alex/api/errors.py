"""Error responses: a ``detail`` sentence a person can act on, never a stack trace or raw exception.

The envelope is the reference's ``{"detail": ...}``; 422 adds ``errors``, one entry per field.
"""

from __future__ import annotations

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from alex.failures import is_database_unavailable
from alex.observability.logging import get_logger
from alex.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    OverloadedError,
    ServiceError,
    TooManyRequestsError,
    UnavailableError,
)
from alex.services.identity import InvalidCredentialsError
from alex.services.validation import FieldError, field_errors

log = get_logger("alex.errors")

FRIENDLY = {
    400: "The request could not be understood.",
    401: "Your session has expired or the token is invalid. Please sign in again.",
    403: "You don't have permission to access this resource.",
    404: "The requested resource was not found.",
    405: "This method is not allowed here.",
    409: "The request conflicts with the current state of the resource.",
    413: "The request body is too large.",
    429: "Too many requests. Please slow down and try again later.",
    500: "An unexpected error occurred. Please try again later.",
    503: "The service is temporarily unavailable. Please try again later.",
}
RETRY_AFTER_SECONDS = "5"


def invalid_input_response(errors: list[FieldError]) -> JSONResponse:
    """The 422: every problem by field, the first five summed up in ``detail``."""
    summary = "; ".join(f"{error.field}: {error.message}" for error in errors[:5])
    return JSONResponse(
        {
            "detail": f"Invalid input: {summary}",
            "errors": [{"field": error.field, "message": error.message} for error in errors],
        },
        status_code=422,
    )


_SERVICE_STATUS: dict[type[ServiceError], int] = {
    NotFoundError: 404,
    UnavailableError: 404,
    ConflictError: 409,
    InvalidCredentialsError: 401,
    TooManyRequestsError: 429,
    OverloadedError: 503,
}


def _service_error(exc: ServiceError) -> JSONResponse:
    if isinstance(exc, InvalidInputError):
        return invalid_input_response(list(exc.errors))
    status = next((code for kind, code in _SERVICE_STATUS.items() if isinstance(exc, kind)), 400)
    headers: dict[str, str] = {}
    if isinstance(exc, TooManyRequestsError):
        headers.update(exc.headers)
    if isinstance(exc, TooManyRequestsError | OverloadedError) and exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, InvalidCredentialsError):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail else FRIENDLY.get(exc.status_code)
        return JSONResponse({"detail": detail or "Error"}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_input_response(field_errors(exc.errors()))

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: ServiceError) -> JSONResponse:
        return _service_error(exc)

    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        if is_database_unavailable(exc):
            log.warning("database unavailable", error_type=type(exc).__name__)
            return JSONResponse(
                {"detail": FRIENDLY[503]}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
            )
        log.error("database error", error_type=type(exc).__name__, exc_info=exc)
        return JSONResponse({"detail": FRIENDLY[500]}, status_code=500)

    # Registered per class (not for Exception) so Starlette answers here instead of re-raising.
    for error_class in (DBAPIError, PoolTimeoutError, psycopg.Error, ConnectionError):
        app.add_exception_handler(error_class, database_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback server-side; the client gets a generic sentence only.
        return JSONResponse({"detail": FRIENDLY[500]}, status_code=500)
