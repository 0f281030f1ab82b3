"""The built-in issuer: its public keys, sign-up and sign-in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from alex.api.schemas import UserPublic
from alex.db.models import User
from alex.http.context import AppContext
from alex.http.deps import ContextDep, SessionDep, SignInAttempt, address
from alex.services import identity
from alex.services.identity import SignIn, SignUp

router = APIRouter(tags=["identity"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    user: UserPublic


@router.get("/.well-known/jwks.json")
async def jwks(context: ContextDep) -> dict[str, Any]:
    """The built-in issuer's public keys (current and recently rotated)."""
    return dict(identity.require_issuer(context.issuer).jwks())


def _token(context: AppContext, user: User) -> TokenResponse:
    ttl = context.settings.token_ttl_seconds
    token = identity.access_token(context.issuer, user, ttl_seconds=ttl)
    return TokenResponse(access_token=token, expires_in=ttl, user=UserPublic.model_validate(user))


@router.post("/api/auth/signup", status_code=201, dependencies=[SignInAttempt])
async def sign_up(body: SignUp, context: ContextDep, session: SessionDep) -> TokenResponse:
    return _token(context, await identity.sign_up(session, issuer=context.issuer, form=body))


@router.post("/api/auth/signin", dependencies=[SignInAttempt])
async def sign_in(body: SignIn, request: Request, context: ContextDep, session: SessionDep) -> TokenResponse:
    """One answer for an unknown email and a wrong password, taking the same time for both.

    Failed attempts slow further ones from the same address (the web form's throttle too)."""
    user = await identity.sign_in(
        session,
        issuer=context.issuer,
        email=body.email,
        password=body.password,
        throttle=context.sign_in_throttle,
        client=address(request),
    )
    return _token(context, user)
