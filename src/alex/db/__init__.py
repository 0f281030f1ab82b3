"""Persistence: SQLAlchemy models, the engine, migrations, the embedded PostgreSQL and the seed."""
