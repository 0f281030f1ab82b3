"""Findings 3 and 9: a NUL byte gave a 500 (email at sign-in and sign-up, API and web; a key or a
value of the analysis options; an identity token's email or subject, on every request of that
user), and a token's name or email skipped the input rules (markup, bidi overrides, controls).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.harness import ApiHarness
from tests.support.web import csrf

NUL = "\u0000"
PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/signin", {"email": f"a{NUL}@example.com", "password": PASSWORD}),
        ("/api/auth/signup", {"email": f"a{NUL}@example.com", "password": PASSWORD}),
        ("/api/auth/signup", {"email": "a@example.com", "password": PASSWORD, "display_name": f"A{NUL}"}),
        ("/api/auth/signin", {"email": "a@example.com", "password": f"pass{NUL}word"}),
    ],
)
async def test_control_characters_in_sign_in_and_sign_up_are_422(
    api: ApiHarness, path: str, body: dict[str, str]
) -> None:
    answer = await api.client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    assert "control characters" in answer.text


@pytest.mark.parametrize("form", ["/signin", "/signup"])
async def test_control_characters_in_the_web_forms_are_422(api: ApiHarness, form: str) -> None:
    token = await csrf(api, form)
    answer = await api.client.post(
        form, data={"csrf_token": token, "email": f"a{NUL}@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 422
    assert "alex_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"note": f"a{NUL}b"}, "options.note"),
        ({f"no{NUL}te": "x"}, "options.?"),  # a hostile key is never echoed
        ({"note": "right-to-left \u202e override"}, "options.note"),
    ],
)
async def test_control_characters_in_analysis_options_are_422_and_start_nothing(
    api: ApiHarness, options: dict[str, Any], field: str
) -> None:
    answer = await api.client.post("/api/analyze", json={"options": options}, headers=api.auth("ada"))
    jobs = await api.client.get("/api/jobs", headers=api.auth("ada"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [{"field": field, "message": "must not contain control characters"}]
    assert jobs.json()["jobs"] == []


@pytest.mark.parametrize(
    "claims",
    [
        {"subject": f"user{NUL}1"},
        {"subject": "user-1", "email": f"a{NUL}@example.com"},
        {"subject": "user-1", "name": f"Ada{NUL}"},
        {"subject": "user-1", "name": "\u202eadA"},
    ],
)
async def test_a_token_with_control_characters_in_its_claims_is_401(
    api: ApiHarness, claims: dict[str, str]
) -> None:
    assert api.context.issuer is not None
    token = api.context.issuer.mint(**claims)  # type: ignore[arg-type]
    answer = await api.client.get("/api/user", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "control" not in answer.text  # the reason is logged, not told


async def test_names_from_claims_follow_the_typed_rules(api: ApiHarness) -> None:
    assert api.context.issuer is not None
    marked_up = api.context.issuer.mint(
        subject="eve", name="<script>alert(1)</script>", email="eve@example.com"
    )
    junk_email = api.context.issuer.mint(subject="zed", name=None, email="not an email <b>")
    eve = (await api.client.get("/api/user", headers={"Authorization": f"Bearer {marked_up}"})).json()
    zed = (await api.client.get("/api/user", headers={"Authorization": f"Bearer {junk_email}"})).json()
    assert eve["user"]["display_name"] == "eve"
    assert eve["user"]["email"] == "eve@example.com"
    assert zed["user"]["display_name"] == "New User"
    assert zed["user"]["email"] is None
