"""The built-in issuer: its public keys, sign-up and sign-in for the web UI."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.exc import IntegrityError

from alex.api.deps import ContextDep, SessionDep
from alex.api.schemas import Name, UserPublic
from alex.auth.passwords import hash_password_async, validate_password, verify_password_async
from alex.db import users
from alex.db.models import User

router = APIRouter(tags=["identity"])

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_BAD_CREDENTIALS = "Invalid email or password."


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("must be an email address")
    return value.lower()


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(_email)]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
# Checked by the model, so a weak password is a 422 with a field-level error like any other.
NewPassword = Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(validate_password)]


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: NewPassword
    display_name: Name | None = None


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: Password


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    user: UserPublic


def _issuer_or_404(context: ContextDep) -> Any:
    if context.issuer is None:
        raise HTTPException(status_code=404, detail="Sign-in is handled by the configured identity provider.")
    return context.issuer


@router.get("/.well-known/jwks.json")
async def jwks(context: ContextDep) -> dict[str, Any]:
    """The built-in issuer's public keys (current and recently rotated)."""
    return dict(_issuer_or_404(context).jwks())


def _token(context: ContextDep, user: User) -> TokenResponse:
    ttl = context.settings.token_ttl_seconds
    token = _issuer_or_404(context).mint(
        subject=user.id, name=user.display_name, email=user.email, ttl_seconds=ttl
    )
    return TokenResponse(access_token=token, expires_in=ttl, user=UserPublic.model_validate(user))


@router.post("/api/auth/signup", status_code=201)
async def sign_up(body: SignUp, context: ContextDep, session: SessionDep) -> TokenResponse:
    _issuer_or_404(context)
    user = User(
        id=f"usr_{uuid.uuid4().hex}",
        email=body.email,
        display_name=body.display_name or body.email.split("@", 1)[0][:255],
        password_hash=await hash_password_async(body.password),
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status_code=409, detail="An account with this email already exists.") from None
    await session.refresh(user)
    return _token(context, user)


@router.post("/api/auth/signin")
async def sign_in(body: SignIn, context: ContextDep, session: SessionDep) -> TokenResponse:
    """One answer for an unknown email and a wrong password, taking the same time for both."""
    _issuer_or_404(context)
    user = await users.find_by_email(session, email=body.email)
    stored_hash = user.password_hash if user else None
    # argon2 is CPU-bound by design; keep it off the event loop.
    if not await verify_password_async(stored_hash, body.password) or user is None:
        raise HTTPException(status_code=401, detail=_BAD_CREDENTIALS, headers={"WWW-Authenticate": "Bearer"})
    return _token(context, user)
