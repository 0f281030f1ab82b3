"""Request dependencies shared by the API's routes and the web's pages: the context, the database
session, the signed-in user, and the objects a user owns.

Owned objects come from the services, which look each up together with the user's id, so another
user's id is indistinguishable from a missing one (``NotFoundError``: a JSON 404 from the API; the
pages turn it into an HTML 404).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from alex.auth.tokens import Claims, InvalidTokenError, SigningKeysUnavailableError
from alex.db.models import Account, Job, User
from alex.db.positions import PositionView
from alex.http import cookies
from alex.http.context import AppContext
from alex.services import accounts, analyses, identity, positions

_bearer = HTTPBearer(auto_error=False, description="A JWT from the built-in or the configured issuer")


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_session(context: ContextDep) -> AsyncIterator[AsyncSession]:
    async with context.database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


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
    elif (cookie := request.cookies.get(cookies.SESSION_COOKIE)) is not None:
        if request.method not in cookies.SAFE_METHODS and not cookies.csrf_valid(
            request, request.headers.get(cookies.CSRF_HEADER)
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
        raise HTTPException(
            status_code=401,
            detail=f"Not authenticated: {exc.reason}.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


ClaimsDep = Annotated[Claims, Depends(get_claims)]


@dataclass(frozen=True, slots=True)
class UserEntry:
    user: User
    created: bool


async def get_user_entry(claims: ClaimsDep, session: SessionDep) -> UserEntry:
    user, created = await identity.user_for_claims(session, claims=claims)
    return UserEntry(user, created)


async def get_current_user(entry: Annotated[UserEntry, Depends(get_user_entry)]) -> User:
    return entry.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_owned_account(account_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> Account:
    return await accounts.get_account(session, user_id=user.id, account_id=account_id)


async def get_owned_position(position_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> PositionView:
    return await positions.get_position(session, user_id=user.id, position_id=position_id)


async def get_owned_job(job_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> Job:
    return await analyses.get_analysis(session, user_id=user.id, job_id=job_id)


OwnedAccount = Annotated[Account, Depends(get_owned_account)]
OwnedPosition = Annotated[PositionView, Depends(get_owned_position)]
OwnedJob = Annotated[Job, Depends(get_owned_job)]
