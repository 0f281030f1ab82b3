"""Sign-up and sign-in with the built-in issuer."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from alex.settings import Settings
from tests.support.api import ok
from tests.support.harness import ApiHarness

PASSWORD = "correct horse battery staple"


async def sign_up(api: ApiHarness, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return await api.client.post("/api/auth/signup", json={"email": email, "password": password, **extra})


async def sign_in(api: ApiHarness, email: str, password: str = PASSWORD) -> Any:
    return await api.client.post("/api/auth/signin", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_sign_up_returns_a_working_token(api: ApiHarness, settings: Settings) -> None:
    reply = ok(await sign_up(api, "Ada@Example.test", display_name="Ada"), 201)

    assert reply["token_type"] == "bearer"
    assert reply["expires_in"] == settings.token_ttl_seconds
    user = reply["user"]
    assert user["email"] == "ada@example.test"  # stored in lower case
    assert user["display_name"] == "Ada"
    assert "password" not in str(reply).lower().replace("password_hash", "")
    assert "password_hash" not in reply["user"]
    claims = jwt.decode(reply["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user["id"]
    assert claims["email"] == "ada@example.test"

    entry = ok(await api.client.get("/api/user", headers=bearer(reply["access_token"])))
    assert entry["created"] is False  # sign-up already made the user
    assert entry["user"]["id"] == user["id"]
    assert entry["user"]["email"] == "ada@example.test"
    created = await api.client.post(
        "/api/accounts", json={"account_name": "First"}, headers=bearer(reply["access_token"])
    )
    assert created.status_code == 201


async def test_display_name_defaults_to_the_email_name(api: ApiHarness) -> None:
    reply = ok(await sign_up(api, "grace.hopper@example.test"), 201)
    assert reply["user"]["display_name"] == "grace.hopper"


@pytest.mark.parametrize("again", ["ada@example.test", "ADA@EXAMPLE.TEST", "  Ada@example.TEST "])
async def test_a_duplicate_email_is_409(api: ApiHarness, again: str) -> None:
    first = ok(await sign_up(api, "ada@example.test"), 201)

    duplicate = await sign_up(api, again, password="another good password")

    assert duplicate.status_code == 409
    assert "access_token" not in duplicate.text
    # The first account is untouched: its password still works, the new one does not.
    assert ok(await sign_in(api, "ada@example.test"))["user"]["id"] == first["user"]["id"]
    assert (await sign_in(api, "ada@example.test", "another good password")).status_code == 401


@pytest.mark.parametrize("password", ["short", "1234567", " " * 12, "p" * 1025])
async def test_a_weak_password_is_422(api: ApiHarness, password: str) -> None:
    response = await sign_up(api, "weak@example.test", password=password)

    assert response.status_code == 422
    body = response.json()
    assert isinstance(body["detail"], str)
    assert "password" in body["detail"]
    assert "password" in {e["field"] for e in body["errors"]}
    if password.strip():
        assert password not in response.text
    # Nothing was created: signing up properly still works.
    ok(await sign_up(api, "weak@example.test"), 201)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "<script>@example.test", "password": PASSWORD},
        {"email": "a@b", "password": PASSWORD},
        {"password": PASSWORD},
        {"email": "x@example.test"},
        {"email": "x@example.test", "password": PASSWORD, "is_admin": True},
        {"email": "x@example.test", "password": PASSWORD, "display_name": "<b>x</b>"},
    ],
)
async def test_bad_sign_up_input_is_422(api: ApiHarness, body: dict[str, Any]) -> None:
    response = await api.client.post("/api/auth/signup", json=body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert PASSWORD not in response.text


async def test_sign_in(api: ApiHarness) -> None:
    user = ok(await sign_up(api, "ada@example.test"), 201)["user"]

    reply = ok(await sign_in(api, "ADA@example.test"))

    assert reply["user"]["id"] == user["id"]
    entry = ok(await api.client.get("/api/user", headers=bearer(reply["access_token"])))
    assert entry["user"]["id"] == user["id"]


async def test_wrong_password_and_unknown_email_look_the_same(api: ApiHarness) -> None:
    ok(await sign_up(api, "ada@example.test"), 201)

    wrong_password = await sign_in(api, "ada@example.test", "not the password")
    unknown_email = await sign_in(api, "nobody@example.test", "not the password")

    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "access_token" not in response.text
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.content == unknown_email.content


async def test_a_token_subject_cannot_sign_in_without_a_password(api: ApiHarness) -> None:
    """Users created from a token (no password) cannot be signed into by email."""
    token = api.token("token-user", email="tok@example.test")
    ok(await api.client.get("/api/user", headers=bearer(token)))
    response = await sign_in(api, "tok@example.test", "anything at all")
    assert response.status_code == 401


async def test_a_token_subject_with_a_signed_up_email_gets_a_separate_user(api: ApiHarness) -> None:
    """Users are never merged by email (that would hand one person's data to another)."""
    signed_up = ok(await sign_up(api, "ada@example.test"), 201)
    ok(
        await api.client.post(
            "/api/accounts", json={"account_name": "Ada's"}, headers=bearer(signed_up["access_token"])
        ),
        201,
    )
    token = api.token("someone-else", email="ADA@example.test")

    entry = ok(await api.client.get("/api/user", headers=bearer(token)))

    assert entry["created"] is True
    assert entry["user"]["id"] == "someone-else"
    assert entry["user"]["email"] is None  # the address belongs to the signed-up user
    assert ok(await api.client.get("/api/accounts", headers=bearer(token))) == []
    assert ok(await sign_in(api, "ada@example.test"))["user"]["id"] == signed_up["user"]["id"]


async def test_two_token_subjects_with_the_same_email(api: ApiHarness) -> None:
    first = api.token("subject-1", email="shared@example.test")
    second = api.token("subject-2", email="shared@example.test")

    one = ok(await api.client.get("/api/user", headers=bearer(first)))
    two = ok(await api.client.get("/api/user", headers=bearer(second)))

    assert (one["created"], two["created"]) == (True, True)
    assert one["user"]["email"] == "shared@example.test"
    assert two["user"]["id"] == "subject-2"
    assert two["user"]["email"] is None
    again = ok(await api.client.get("/api/user", headers=bearer(second)))
    assert again == {"user": two["user"], "created": False}
