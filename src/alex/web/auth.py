"""Sign up, sign in and sign out in the browser: the identity service's rules, a server-side
session named by the cookie. Failed sign-ins share the API's throttle."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from alex.db.models import User
from alex.http import cookies
from alex.http.context import AppContext
from alex.http.deps import ContextDep, SessionDep, address, limit_sign_in_attempts, session_claims
from alex.services import identity, web_sessions
from alex.services.errors import ServiceError, TooManyRequestsError
from alex.services.identity import SignUp
from alex.services.validation import field_errors
from alex.web.pages import form_data, local_path, redirect, render, with_refusal_fields

router = APIRouter(include_in_schema=False)


async def finish_sign_in(request: Request, context: AppContext, user: User, target: str) -> Response:
    """Start a session for ``user`` and go on to ``target`` (every way of signing in ends here)."""
    async with context.database.session() as session:
        new = await web_sessions.start(session, user=user, settings=context.settings)
    response = redirect(target)
    cookies.set_session(
        response, request, token=new.token, csrf=new.csrf, max_age=context.settings.token_ttl_seconds
    )
    return response


@router.get("/signin")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    return render(request, "signin.html", next=local_path(next), email="", error=None)


@router.post("/signin")
async def sign_in(request: Request, context: ContextDep, session: SessionDep) -> Response:
    form = await form_data(request)
    email, target = form.get("email", "").strip().lower()[:320], local_path(form.get("next"))
    try:
        # Counted here rather than as a dependency, so a refusal is this page, not a JSON body.
        await limit_sign_in_attempts(request, context)
        user = await identity.sign_in(
            session,
            issuer=context.issuer,
            email=email,
            password=form.get("password", ""),
            throttle=context.sign_in_throttle,
            client=address(request),
        )
    except TooManyRequestsError as exc:
        page = render(request, "signin.html", status_code=429, next=target, email=email, error=str(exc))
        return with_refusal_fields(page, exc)
    except ServiceError:
        error = identity.BAD_CREDENTIALS
        return render(request, "signin.html", status_code=401, next=target, email=email, error=error)
    return await finish_sign_in(request, context, user, target)


@router.get("/signup")
async def sign_up_page(request: Request) -> Response:
    return render(request, "signup.html", email="", display_name="", errors=[])


@router.post("/signup")
async def sign_up(request: Request, context: ContextDep, session: SessionDep) -> Response:
    form = await form_data(request)
    email, name = form.get("email", "").strip()[:320], form.get("display_name", "").strip()[:255]
    try:
        await limit_sign_in_attempts(request, context)
        body = SignUp(email=email, password=form.get("password", ""), display_name=name or None)
        user = await identity.sign_up(session, issuer=context.issuer, form=body)
    except ValidationError as exc:
        errors = [f"{e.field.replace('_', ' ')}: {e.message}" for e in field_errors(exc.errors())]
        status = 422
    except TooManyRequestsError as exc:
        page = render(
            request, "signup.html", status_code=429, email=email, display_name=name, errors=[str(exc)]
        )
        return with_refusal_fields(page, exc)
    except ServiceError as exc:
        errors = [str(exc)]
        status = 422
    else:
        return await finish_sign_in(request, context, user, "/")
    return render(request, "signup.html", status_code=status, email=email, display_name=name, errors=errors)


@router.post("/signout")
async def sign_out(request: Request, context: ContextDep) -> Response:
    """End the session on the server (the cookie is worthless from now on, wherever it was copied)."""
    await session_claims(request, context)  # binds the session's CSRF token, which the form must carry
    await form_data(request)
    if (token := cookies.session_token(request)) is not None:
        async with context.database.session() as session:
            await web_sessions.end(session, token=token)
    response = redirect("/signin")
    cookies.clear_session(response, request)
    return response
