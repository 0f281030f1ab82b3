"""argon2id password hashing: round trip, failures never raise, policy, rehash detection."""

from __future__ import annotations

import unicodedata

import pytest
from argon2 import PasswordHasher

from alex.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    hash_password,
    hash_password_async,
    needs_rehash,
    validate_password,
    verify_password,
    verify_password_async,
)


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse battery staple")


def test_hash_is_argon2id_and_salted(stored: str) -> None:
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert hash_password("correct horse battery staple") != stored  # random salt


def test_round_trip(stored: str) -> None:
    assert verify_password(stored, "correct horse battery staple") is True


def test_wrong_password_is_false(stored: str) -> None:
    assert verify_password(stored, "correct horse battery stapl") is False
    assert verify_password(stored, "") is False


def test_unknown_user_none_hash_is_false() -> None:
    assert verify_password(None, "correct horse battery staple") is False


@pytest.mark.parametrize(
    "bad_hash",
    [
        "",
        "not-a-hash",
        "$argon2id$v=19$m=65536,t=3,p=4$garbage",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$",
        "$2b$12$KIXQJ1b6sX0V8w4kq8O5UuJmQ0o8yq3m1Zb7b0q9c8Lq2b5e6r7s.",  # bcrypt
        "$argon2id$v=19$m=65536,t=3,p=4$\u00e9\u00e9$\u00e9\u00e9",
    ],
)
def test_malformed_hash_is_false_and_never_raises(bad_hash: str) -> None:
    assert verify_password(bad_hash, "correct horse battery staple") is False


def test_oversized_password_is_false(stored: str) -> None:
    assert verify_password(stored, "x" * (MAX_PASSWORD_LENGTH * 10)) is False


def test_unicode_normalisation_composed_and_decomposed_match() -> None:
    composed = unicodedata.normalize("NFC", "pässwörd-café")
    decomposed = unicodedata.normalize("NFD", "pässwörd-café")
    assert composed != decomposed
    assert verify_password(hash_password(composed), decomposed) is True


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "at most 1024"),
        (" " * 12, "whitespace"),
    ],
)
def test_policy_rejects_with_clear_message(password: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_password(password)
    with pytest.raises(ValueError, match=message):
        hash_password(password)


def test_policy_accepts_boundaries() -> None:
    assert validate_password("12345678") == "12345678"
    assert validate_password("y" * MAX_PASSWORD_LENGTH) == "y" * MAX_PASSWORD_LENGTH


def test_needs_rehash(stored: str) -> None:
    assert needs_rehash(stored) is False
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("whatever-password")
    assert needs_rehash(weaker) is True
    assert needs_rehash("not-a-hash") is True


async def test_async_wrappers() -> None:
    stored = await hash_password_async("async password 1")
    assert await verify_password_async(stored, "async password 1") is True
    assert await verify_password_async(stored, "async password 2") is False
    assert await verify_password_async(None, "async password 1") is False
