"""Dependencies shared by the routers: the session, the current user, and owned objects.

Ownership is decided here and only here: an account, position or job is looked up together
with the current user's id, so another user's id is indistinguishable from a missing one (404).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from alex.api import session
from alex.api.context import AppContext
from alex.auth.tokens import Claims, InvalidTokenError, SigningKeysUnavailableError
from alex.db import accounts, jobs, positions, users
from alex.db.models import Account, Job, User
from alex.db.positions import PositionView

_bearer = HTTPBearer(auto_error=False, description="A JWT from the built-in or the configured issuer")


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_session(context: ContextDep) -> AsyncIterator[AsyncSession]:
    async with context.database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(
        status_code=401,
        detail=f"Not authenticated: {reason}.",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


async def get_claims(
    request: Request,
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Claims:
    """The caller's verified claims: a bearer token, or the web UI's session cookie.

    The cookie is sent by the browser on its own, so a state-changing request that relies on it
    must also carry the page's CSRF token (``X-CSRF-Token``); a bearer header needs none.
    """
    if credentials is not None and credentials.scheme.lower() == "bearer":
        token = credentials.credentials
    elif (cookie := request.cookies.get(session.SESSION_COOKIE)) is not None:
        if request.method not in session.SAFE_METHODS and not session.csrf_valid(
            request, request.headers.get(session.CSRF_HEADER)
        ):
            raise HTTPException(status_code=403, detail="Missing or wrong CSRF token: reload the page.")
        token = cookie
    else:
        raise HTTPException(
            status_code=401,
            detail="Not authenticated: send an Authorization: Bearer <token> header.",
            headers={"WWW-Authenticate": "Bearer"},
        )
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
        raise _unauthorized(exc.reason) from None


ClaimsDep = Annotated[Claims, Depends(get_claims)]


@dataclass(frozen=True, slots=True)
class UserEntry:
    user: User
    created: bool


def _display_name(claims: Claims) -> str:
    if claims.name:
        return claims.name[:255]
    if claims.email and "@" in claims.email:
        return claims.email.split("@", 1)[0][:255]
    return "New User"


_MAX_EMAIL_LENGTH = 320  # the users.email column


async def get_user_entry(claims: ClaimsDep, session: SessionDep) -> UserEntry:
    # The email claim is the issuer's free text: keep it only when it fits the column.
    email = claims.email if claims.email and len(claims.email) <= _MAX_EMAIL_LENGTH else None
    user, created = await users.get_or_create(
        session, user_id=claims.subject, display_name=_display_name(claims), email=email
    )
    return UserEntry(user, created)


async def get_current_user(entry: Annotated[UserEntry, Depends(get_user_entry)]) -> User:
    return entry.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def _not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found.")


async def get_owned_account(account_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> Account:
    account = await accounts.get_owned(session, user_id=user.id, account_id=account_id)
    if account is None:
        raise _not_found("Account")
    return account


async def get_owned_position(position_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> PositionView:
    view = await positions.get_owned(session, user_id=user.id, position_id=position_id)
    if view is None:
        raise _not_found("Position")
    return view


async def get_owned_job(job_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> Job:
    job = await jobs.get_owned(session, user_id=user.id, job_id=job_id)
    if job is None:
        raise _not_found("Job")
    return job


OwnedAccount = Annotated[Account, Depends(get_owned_account)]
OwnedPosition = Annotated[PositionView, Depends(get_owned_position)]
OwnedJob = Annotated[Job, Depends(get_owned_job)]
