"""Request dependencies shared by the API's routes and the web's pages: the context, the database
session, the signed-in user (counted against the rate limits), and the objects a user owns.

Connections are borrowed briefly: the signed-in user is looked up (and the request counted) in a
session of its own that is closed before the route runs, and a route's ``SessionDep`` is closed
as soon as the route returns, before a response body (a stream) is sent. So no request holds a
connection across CPU-bound work or a stream.

Owned objects come from the services, which look each up together with the user's id, so another
user's id is indistinguishable from a missing one (``NotFoundError``: a JSON 404 from the API; the
pages turn it into an HTML 404).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Final

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from alex.auth.tokens import Claims, InvalidTokenError, SigningKeysUnavailableError
from alex.db.models import Account, Job, User
from alex.db.positions import PositionView
from alex.http import cookies
from alex.http.client import client_address
from alex.http.context import AppContext
from alex.observability.logging import get_logger
from alex.services import accounts, analyses, identity, positions, rate_limits, web_sessions
from alex.services.rate_limits import RouteClass

log = get_logger("alex.security")

_bearer = HTTPBearer(auto_error=False, description="A JWT from the built-in or the configured issuer")
WEB_SESSION_ISSUER: Final = "urn:alex:web-session"
"""The ``issuer`` of claims that come from a web session rather than a token."""
NOT_AUTHENTICATED: Final = "Not authenticated: send an Authorization: Bearer <token> header."
SESSION_ENDED: Final = "Your session has ended: sign in again."

# Routes whose work is costly get a class (and a budget) of their own; the rest count as reads or
# writes by method.
_ROUTE_CLASSES: Final = {
    ("POST", "/api/analyze"): RouteClass.ANALYZE,
    ("POST", "/analysis"): RouteClass.ANALYZE,
    ("POST", "/api/retirement/simulate"): RouteClass.SIMULATE,
}


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_session(context: ContextDep) -> AsyncIterator[AsyncSession]:
    async with context.database.session() as session:
        yield session


# scope="function": closed when the route returns, before the body is sent (a stream included).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def route_class(request: Request) -> RouteClass:
    template = getattr(request.scope.get("route"), "path", request.url.path)
    special = _ROUTE_CLASSES.get((request.method, template))
    if special is not None:
        return special
    return RouteClass.READS if request.method in cookies.SAFE_METHODS else RouteClass.WRITES


def address(request: Request) -> str:
    return client_address(request, get_context(request).settings.trusted_proxies)


def add_response_headers(request: Request, headers: dict[str, str]) -> None:
    """Fields the response carries whatever it turns out to be (added by the request middleware)."""
    request.state.response_headers = {**getattr(request.state, "response_headers", {}), **headers}


async def session_claims(request: Request, context: AppContext) -> Claims | None:
    """The claims of the browser's live web session, or None (no cookie, ended, idle, unknown)."""
    token = cookies.session_token(request)
    if not token:
        return None
    async with context.database.session() as session:
        live = await web_sessions.resume(session, token=token, settings=context.settings)
    if live is None:
        return None
    cookies.bind_session_csrf(request, live.csrf)
    idle = timedelta(seconds=context.settings.session_idle_timeout_seconds)
    return Claims(
        subject=live.user_id,
        name=None,
        email=None,
        issuer=WEB_SESSION_ISSUER,
        expires_at=datetime.now(UTC) + idle,
    )


async def get_claims(
    request: Request,
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Claims:
    """The caller's verified claims: a bearer token, or the web UI's session cookie.

    The cookie is sent by the browser on its own, so a state-changing request that relies on it
    must also carry the session's CSRF token (``X-CSRF-Token``); a bearer header needs none.
    """
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return await _verified(context, credentials.credentials)
    if cookies.session_token(request) is None:
        raise HTTPException(status_code=401, detail=NOT_AUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    claims = await session_claims(request, context)
    if claims is None:
        raise HTTPException(status_code=401, detail=SESSION_ENDED, headers={"WWW-Authenticate": "Bearer"})
    if request.method not in cookies.SAFE_METHODS and not cookies.csrf_valid(
        request, request.headers.get(cookies.CSRF_HEADER)
    ):
        raise HTTPException(status_code=403, detail="Missing or wrong CSRF token: reload the page.")
    return claims


async def _verified(context: AppContext, token: str) -> Claims:
    try:
        return await context.verifier.verify(token)
    except SigningKeysUnavailableError:
        # The issuer is unreachable: the token may be fine, so this is our outage, not a bad token.
        raise HTTPException(
            status_code=503,
            detail="The identity provider is unreachable. Try again shortly.",
            headers={"Retry-After": "30"},
        ) from None
    except InvalidTokenError as exc:
        # Which check failed helps an attacker tune a forgery: the log says, the client does not.
        log.info("security.token_refused", reason=exc.reason)
        raise HTTPException(
            status_code=401,
            detail="Not authenticated: the token is invalid or expired.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


ClaimsDep = Annotated[Claims, Depends(get_claims)]


@dataclass(frozen=True, slots=True)
class UserEntry:
    user: User
    created: bool


async def enter(request: Request, context: AppContext, claims: Claims) -> UserEntry:
    """Count the request against the caller's rate limits, then find (or first create) the user;
    one short session for both, closed before the route runs."""
    async with context.database.session() as session:
        outcome = await rate_limits.enforce(
            session,
            settings=context.settings,
            route_class=route_class(request),
            user_id=claims.subject,
            address=address(request),
        )
        user, created = await identity.user_for_claims(session, claims=claims)
        await session.commit()
    add_response_headers(request, outcome.headers)
    return UserEntry(user, created)


async def get_user_entry(request: Request, context: ContextDep, claims: ClaimsDep) -> UserEntry:
    return await enter(request, context, claims)


async def get_current_user(entry: Annotated[UserEntry, Depends(get_user_entry)]) -> User:
    return entry.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def limit_sign_in_attempts(request: Request, context: ContextDep) -> None:
    """Count a sign-in or sign-up attempt against its client address."""
    async with context.database.session() as session:
        outcome = await rate_limits.enforce(
            session,
            settings=context.settings,
            route_class=RouteClass.AUTH,
            user_id=None,
            address=address(request),
        )
        await session.commit()
    add_response_headers(request, outcome.headers)


SignInAttempt = Depends(limit_sign_in_attempts)


async def get_owned_account(account_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> Account:
    return await accounts.get_account(session, user_id=user.id, account_id=account_id)


async def get_owned_position(position_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> PositionView:
    return await positions.get_position(session, user_id=user.id, position_id=position_id)


async def get_owned_job(job_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> Job:
    return await analyses.get_analysis(session, user_id=user.id, job_id=job_id)


OwnedAccount = Annotated[Account, Depends(get_owned_account)]
OwnedPosition = Annotated[PositionView, Depends(get_owned_position)]
OwnedJob = Annotated[Job, Depends(get_owned_job)]
