"""Fixtures of the security suite: clients at chosen addresses, settings tuned per finding."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from alex.settings import Settings
from tests.support.harness import ApiHarness

ClientAt = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]
MakeApi = Callable[[Settings], AbstractAsyncContextManager[ApiHarness]]


@pytest.fixture
def client_at(api: ApiHarness) -> ClientAt:
    """A client of the same app whose requests come from another socket address."""

    @asynccontextmanager
    async def build(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=api.app, raise_app_exceptions=False, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://alex.test") as client:
            yield client

    return build
