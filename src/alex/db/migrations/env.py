"""Alembic environment: runs on the connection handed over by alex.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from alex.db.models import Base

connection: Connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
