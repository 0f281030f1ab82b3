"""The dashboard's "Load demo portfolio" button (the API's populate-test-data, for a form)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.http.deps import ContextDep, SessionDep
from alex.services import accounts
from alex.web.pages import PageUser, form_data, redirect

router = APIRouter(include_in_schema=False)


@router.post("/demo")
async def load_demo(request: Request, user: PageUser, session: SessionDep, context: ContextDep) -> Response:
    await form_data(request)
    await accounts.load_demo(session, user_id=user.id, settings=context.settings)
    return redirect("/")
