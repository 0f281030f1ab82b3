"""The web UI's shared plumbing: templates, the signed-in page user, CSRF-checked forms, Plotly.

Pages are server-rendered with Jinja2 (autoescaped). Scripts are files under /static only (the
CSP allows no inline script); data a script needs travels in ``<script type="application/json">``
blocks rendered with ``tojson``, which browsers never execute. Plotly.js is served from the
installed ``plotly`` package, so the UI needs no network.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from alex.db.models import Account, Job, User
from alex.db.positions import PositionView
from alex.domain.text import has_control_characters
from alex.http import cookies
from alex.http.deps import (
    ContextDep,
    SessionDep,
    enter,
    get_owned_account,
    get_owned_job,
    get_owned_position,
    session_claims,
)
from alex.services.errors import NotFoundError, TooManyRequestsError
from alex.services.validation import FieldError, field_errors

T = TypeVar("T")

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


class PageRefusedError(Exception):
    """A page's request over a rate limit: answered with an HTML 429 page (the API's fields kept)."""

    def __init__(self, refusal: TooManyRequestsError) -> None:
        self.refusal = refusal


class PageNotFoundError(Exception):
    """Raised by the owned-object dependencies of pages: answered with an HTML 404 page."""

    def __init__(self, what: str, user: User) -> None:
        self.what = what
        self.user = user


async def page_user(request: Request, context: ContextDep) -> User:
    """The signed-in user of a page (counted against the rate limits like an API call), or a
    redirect to sign in (then back here)."""
    claims = await session_claims(request, context)
    if claims is None:
        raise SignInRequiredError(request.url.path)
    try:
        return (await enter(request, context, claims)).user
    except TooManyRequestsError as exc:
        raise PageRefusedError(exc) from None


PageUser = Annotated[User, Depends(page_user)]


def _id(value: str, what: str, user: User) -> uuid.UUID:
    # A malformed id in a page's address is a page that does not exist, not a form error.
    try:
        return uuid.UUID(value)
    except ValueError:
        raise PageNotFoundError(what, user) from None


async def _owned(what: str, user: User, raw_id: str, lookup: Callable[[uuid.UUID], Awaitable[T]]) -> T:
    """The API's owned-object lookup, with a missing (or another person's) object as an HTML 404."""
    try:
        return await lookup(_id(raw_id, what, user))
    except NotFoundError:
        raise PageNotFoundError(what, user) from None


async def page_account(account_id: str, user: PageUser, session: SessionDep) -> Account:
    return await _owned("account", user, account_id, lambda key: get_owned_account(key, user, session))


async def page_position(
    position_id: str, account: Annotated[Account, Depends(page_account)], user: PageUser, session: SessionDep
) -> PositionView:
    """One of the user's positions, in the account of the page's address."""
    view = await _owned("position", user, position_id, lambda key: get_owned_position(key, user, session))
    if view.position.account_id != account.id:
        raise PageNotFoundError("position", user)
    return view


async def page_job(job_id: str, user: PageUser, session: SessionDep) -> Job:
    return await _owned("job", user, job_id, lambda key: get_owned_job(key, user, session))


PageAccount = Annotated[Account, Depends(page_account)]
PagePosition = Annotated[PositionView, Depends(page_position)]
PageJob = Annotated[Job, Depends(page_job)]


def form_errors(
    errors: Iterable[Mapping[str, Any]], labels: Mapping[str, str], default: str = "Form"
) -> list[str]:
    """One sentence per problem of a form, naming its field's label (never the input's value)."""
    return labelled_errors(field_errors(errors), labels, default)


def labelled_errors(
    errors: Iterable[FieldError], labels: Mapping[str, str], default: str = "Form"
) -> list[str]:
    """``form_errors`` for problems already sorted by field (a service's ``InvalidInputError``)."""
    messages = []
    for error in errors:
        top = error.field.split(".", 1)[0]
        label = (
            default
            if error.field == "body"
            else labels.get(error.field) or labels.get(top) or error.field.replace("_", " ").capitalize()
        )
        messages.append(f"{label}: {error.reason}")
    return messages


def percent_fields(form: Mapping[str, str], group: str) -> dict[str, str]:
    """The ``group.key`` fields of a form of percentages (a target mix, a classification), by key.

    Blanks and zeros are left out (not held, not a target); anything else is passed on as typed, so
    the service's schema says what is wrong with it.
    """
    found: dict[str, str] = {}
    for name, raw in form.items():
        if not name.startswith(group + "."):
            continue
        value = raw.strip()
        try:
            if not value or Decimal(value) == 0:
                continue
        except (InvalidOperation, ValueError):
            pass
        found[name.removeprefix(group + ".")] = value
    return found


def render(request: Request, template: str, *, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page, with what every page needs (the CSRF token, the disclaimer) and the CSRF cookie set."""
    token = cookies.csrf_token(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"csrf_token": token, "disclaimer": DISCLAIMER, "path": request.url.path, **values},
        status_code=status_code,
    )
    cookies.ensure_csrf_cookie(response, request)
    return response


async def form_data(request: Request) -> dict[str, str]:
    """A submitted form's text fields, after checking its CSRF token (403 otherwise) and that no
    field holds control characters (422: no form has a use for them)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if not cookies.csrf_valid(request, values.get(cookies.CSRF_FIELD)):
        raise HTTPException(status_code=403, detail="This form has expired: reload the page and try again.")
    if any(has_control_characters(key) or has_control_characters(value) for key, value in values.items()):
        raise HTTPException(
            status_code=422, detail="The form holds control characters: retype it and send again."
        )
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


def not_found_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageNotFoundError)
    if exc.what == "job":
        return render(request, "analysis_job.html", status_code=404, user=exc.user, job=None)
    return render(request, "account_missing.html", status_code=404, user=exc.user, what=exc.what)


def with_refusal_fields(page: Response, refusal: TooManyRequestsError) -> Response:
    """A 429 page with the fields an API client gets for the same refusal."""
    page.headers.update(refusal.headers)
    if refusal.retry_after is not None:
        page.headers["Retry-After"] = str(refusal.retry_after)
    return page


def refused_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefusedError)
    page = render(request, "refused.html", status_code=429, user=None, message=str(exc.refusal))
    return with_refusal_fields(page, exc.refusal)


def plotly_js() -> FileResponse:
    """Plotly.js from the installed ``plotly`` package (no CDN: the UI works offline)."""
    path = resources.files("plotly").joinpath("package_data/plotly.min.js")
    return FileResponse(
        str(path), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )
