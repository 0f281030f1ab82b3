"""The web UI's shared plumbing: templates, the signed-in page user, CSRF-checked forms, Plotly.

Pages are server-rendered with Jinja2 (autoescaped). Scripts are files under /static only (the
CSP allows no inline script); data a script needs travels in ``<script type="application/json">``
blocks rendered with ``tojson``, which browsers never execute. Plotly.js is served from the
installed ``plotly`` package, so the UI needs no network.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from alex.api import session
from alex.api.context import AppContext
from alex.api.deps import get_context, get_session, get_user_entry
from alex.auth.tokens import Claims, InvalidTokenError, SigningKeysUnavailableError
from alex.db.models import User

HERE: Final = Path(__file__).parent
TEMPLATES: Final = Jinja2Templates(directory=str(HERE / "templates"))
STATIC_DIR: Final = HERE / "static"
DISCLAIMER: Final = (
    "Alex is an educational tool, not regulated financial advice. Numbers are computed from what "
    "you enter; check important decisions with a qualified adviser."
)


class SignInRequiredError(Exception):
    """Raised by page dependencies when nobody is signed in: answered with a redirect to /signin."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


async def _claims(request: Request, context: AppContext) -> Claims | None:
    token = request.cookies.get(session.SESSION_COOKIE)
    if not token:
        return None
    try:
        return await context.verifier.verify(token)
    except (InvalidTokenError, SigningKeysUnavailableError):
        return None


async def page_user(
    request: Request,
    context: Annotated[AppContext, Depends(get_context)],
    db: Annotated[AsyncSession, Depends(get_session)],
) -> User:
    """The signed-in user of a page, or a redirect to sign in (then back here)."""
    claims = await _claims(request, context)
    if claims is None:
        raise SignInRequiredError(request.url.path)
    # The same first-visit rules as the API (display name from the claims, email kept if it fits).
    return (await get_user_entry(claims, db)).user


PageUser = Annotated[User, Depends(page_user)]
DbSession = Annotated[AsyncSession, Depends(get_session)]
Context = Annotated[AppContext, Depends(get_context)]


def render(request: Request, template: str, *, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page, with what every page needs (the CSRF token, the disclaimer) and the CSRF cookie set."""
    token = session.csrf_token(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"csrf_token": token, "disclaimer": DISCLAIMER, "path": request.url.path, **values},
        status_code=status_code,
    )
    session.ensure_csrf_cookie(response, request)
    return response


async def form_data(request: Request) -> dict[str, str]:
    """A submitted form's text fields, after checking its CSRF token (403 otherwise)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if not session.csrf_valid(request, values.get(session.CSRF_FIELD)):
        raise HTTPException(status_code=403, detail="This form has expired: reload the page and try again.")
    return values


def redirect(path: str) -> RedirectResponse:
    # 303: the browser follows with a GET, so a reload never re-submits the form.
    return RedirectResponse(path, status_code=303)


def local_path(value: str | None) -> str:
    """Only a path on this site (no //host, no scheme): an open redirect helps phishing."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def sign_in_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequiredError)
    return redirect(f"/signin?next={local_path(exc.next_path)}")


def plotly_js() -> FileResponse:
    """Plotly.js from the installed ``plotly`` package (no CDN: the UI works offline)."""
    path = resources.files("plotly").joinpath("package_data/plotly.min.js")
    return FileResponse(
        str(path), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )
