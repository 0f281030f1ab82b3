"""The dashboard's "Load demo portfolio" button (the API's populate-test-data, for a form)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alex.db import demo
from alex.web.pages import DbSession, PageUser, form_data, redirect

router = APIRouter(include_in_schema=False)


@router.post("/demo")
async def load_demo(request: Request, user: PageUser, db: DbSession) -> Response:
    await form_data(request)
    await demo.populate(db, user_id=user.id)
    return redirect("/")
