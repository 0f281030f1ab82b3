"""Fixtures for the identity tests (helpers live in ``helpers.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from .helpers import JWKSServer, SigningKey, make_ec_key, make_rsa_key


@pytest.fixture
def jwks_server() -> Iterator[JWKSServer]:
    server = JWKSServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture(scope="session")
def rsa_key() -> SigningKey:
    return make_rsa_key()


@pytest.fixture(scope="session")
def ec_key() -> SigningKey:
    return make_ec_key()
