"""Sign up, sign in and sign out in the browser, on top of the API's own identity routes.

The API's sign-up/sign-in logic is reused as is (password rules, one answer for an unknown
email and a wrong password); the page only moves the token into the session cookie. Failed
sign-ins are throttled per client address and per email.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError

from alex.api import session
from alex.api.routes import identity
from alex.web.pages import Context, DbSession, form_data, local_path, redirect, render

router = APIRouter(include_in_schema=False)
THROTTLE: Final = session.SignInThrottle()


def _signed_in(request: Request, context: Context, token: str, target: str) -> Response:
    response = redirect(target)
    session.set_session(response, request, token=token, max_age=context.settings.token_ttl_seconds)
    return response


@router.get("/signin")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    return render(request, "signin.html", next=local_path(next), email="", error=None)


@router.post("/signin")
async def sign_in(request: Request, context: Context, db: DbSession) -> Response:
    form = await form_data(request)
    email, target = form.get("email", "").strip().lower()[:320], local_path(form.get("next"))
    keys = (f"ip:{request.client.host if request.client else '?'}", f"email:{email}")
    if (wait := THROTTLE.retry_after(*keys)) is not None:
        error = f"Too many attempts. Try again in {max(1, wait // 60)} minute(s)."
        return render(request, "signin.html", status_code=429, next=target, email=email, error=error)
    try:
        answer = await identity.sign_in(
            identity.SignIn(email=email, password=form.get("password", "")), context, db
        )
    except (HTTPException, ValidationError):
        THROTTLE.failed(*keys)
        error = "Invalid email or password."
        return render(request, "signin.html", status_code=401, next=target, email=email, error=error)
    THROTTLE.succeeded(*keys)
    return _signed_in(request, context, answer.access_token, target)


@router.get("/signup")
async def sign_up_page(request: Request) -> Response:
    return render(request, "signup.html", email="", display_name="", errors=[])


@router.post("/signup")
async def sign_up(request: Request, context: Context, db: DbSession) -> Response:
    form = await form_data(request)
    email, name = form.get("email", "").strip()[:320], form.get("display_name", "").strip()[:255]
    errors: list[str] = []
    try:
        body = identity.SignUp(email=email, password=form.get("password", ""), display_name=name or None)
        answer = await identity.sign_up(body, context, db)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc']).replace('_', ' ')}: {e['msg']}" for e in exc.errors()]
    except HTTPException as exc:
        errors = [str(exc.detail)]
    if errors:
        return render(request, "signup.html", status_code=422, email=email, display_name=name, errors=errors)
    return _signed_in(request, context, answer.access_token, "/")


@router.post("/signout")
async def sign_out(request: Request) -> Response:
    await form_data(request)
    response = redirect("/signin")
    session.clear_session(response)
    return response
