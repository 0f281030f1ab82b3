from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from alex.db.engine import Database


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=5)
    async with db.session() as session:
        await session.execute(text("INSERT INTO users (id, display_name) VALUES ('u1', 'U1'), ('u2', 'U2')"))
        await session.commit()
    yield db
    await db.dispose()
