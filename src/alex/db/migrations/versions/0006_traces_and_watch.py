"""traces: each job's trace context and its kept spans; NOTIFY for ``alex watch``

``jobs.trace_parent`` carries the queuing request's trace into every attempt; ``job_spans`` keeps
the spans of each job for the built-in trace view; a new job event or audit row announces itself
on the ``alex_watch`` channel so a watcher wakes at once instead of at its next poll.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_WATCHED = ("job_events", "ai_decisions")


def upgrade() -> None:
    op.add_column("jobs", sa.Column("trace_parent", sa.String(length=55), nullable=True))
    op.create_table(
        "job_spans",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("trace_id", sa.CHAR(length=32), nullable=False),
        sa.Column("span_id", sa.CHAR(length=16), nullable=False),
        sa.Column("parent_span_id", sa.CHAR(length=16), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "events",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_spans_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_spans")),
    )
    op.create_index("ix_job_spans_job_id_started_at", "job_spans", ["job_id", "started_at"], unique=False)
    op.create_index("ix_job_spans_ended_at", "job_spans", ["ended_at"], unique=False)
    op.execute(
        """
        CREATE FUNCTION alex_watch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('alex_watch', TG_TABLE_NAME);
            RETURN NULL;
        END $$
        """
    )
    for table in _WATCHED:
        op.execute(
            f"CREATE TRIGGER {table}_watch AFTER INSERT ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION alex_watch_notify()"
        )


def downgrade() -> None:
    for table in _WATCHED:
        op.execute(f"DROP TRIGGER {table}_watch ON {table}")
    op.execute("DROP FUNCTION alex_watch_notify()")
    op.drop_index("ix_job_spans_ended_at", table_name="job_spans")
    op.drop_index("ix_job_spans_job_id_started_at", table_name="job_spans")
    op.drop_table("job_spans")
    op.drop_column("jobs", "trace_parent")
