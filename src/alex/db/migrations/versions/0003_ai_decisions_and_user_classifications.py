"""ai decisions and user classifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_decisions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("prompt_version", sa.String(length=50), nullable=False),
        sa.Column("input_sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column(
            "output_summary",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("tokens_in", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("tokens_out", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("requests", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("estimated_cost", sa.Numeric(precision=14, scale=6), nullable=True),
        sa.Column("duration_ms", sa.Numeric(precision=12, scale=1), nullable=False),
        sa.Column(
            "guardrails",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("trace_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "agent IN ('tagger', 'reporter', 'charter', 'retirement')",
            name=op.f("ck_ai_decisions_agent_known"),
        ),
        sa.CheckConstraint(
            "outcome IN ('passed', 're_asked', 'fell_back', 'failed')",
            name=op.f("ck_ai_decisions_outcome_known"),
        ),
        sa.CheckConstraint("input_sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_ai_decisions_input_sha256_hex")),
        sa.CheckConstraint(
            "tokens_in >= 0 AND tokens_out >= 0 AND requests >= 0",
            name=op.f("ck_ai_decisions_usage_non_negative"),
        ),
        sa.CheckConstraint(
            "estimated_cost IS NULL OR estimated_cost >= 0", name=op.f("ck_ai_decisions_cost_non_negative")
        ),
        sa.CheckConstraint("duration_ms >= 0", name=op.f("ck_ai_decisions_duration_non_negative")),
        sa.CheckConstraint(
            "jsonb_typeof(output_summary) = 'object'", name=op.f("ck_ai_decisions_output_summary_object")
        ),
        sa.CheckConstraint(
            "jsonb_typeof(guardrails) = 'array'", name=op.f("ck_ai_decisions_guardrails_array")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_ai_decisions_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ai_decisions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_decisions")),
    )
    op.create_index(
        "ix_ai_decisions_job_id_created_at", "ai_decisions", ["job_id", "created_at"], unique=False
    )
    op.create_index(op.f("ix_ai_decisions_user_id"), "ai_decisions", ["user_id"], unique=False)
    op.create_table(
        "user_instrument_classifications",
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("symbol", sa.String(length=20), nullable=False),
        sa.Column("instrument_type", sa.String(length=20), nullable=True),
        sa.Column(
            "allocation_asset_class",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "allocation_regions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "allocation_sectors",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "instrument_type IN ('etf', 'mutual_fund', 'stock', 'bond', 'bond_fund', 'commodity', 'reit')",
            name=op.f("ck_user_instrument_classifications_instrument_type_known"),
        ),
        sa.CheckConstraint(
            "note IS NULL OR char_length(note) <= 500",
            name=op.f("ck_user_instrument_classifications_note_length"),
        ),
        sa.ForeignKeyConstraint(
            ["symbol"],
            ["instruments.symbol"],
            name=op.f("fk_user_instrument_classifications_symbol_instruments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_instrument_classifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "symbol", name=op.f("pk_user_instrument_classifications")),
    )
    op.create_index(
        op.f("ix_user_instrument_classifications_symbol"),
        "user_instrument_classifications",
        ["symbol"],
        unique=False,
    )
    # The set_updated_at() function comes from 0001; every Timestamped table gets its trigger.
    op.execute(
        "CREATE TRIGGER trg_user_instrument_classifications_updated_at "
        "BEFORE UPDATE ON user_instrument_classifications "
        "FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
    )


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER IF EXISTS trg_user_instrument_classifications_updated_at "
        "ON user_instrument_classifications"
    )
    op.drop_index(
        op.f("ix_user_instrument_classifications_symbol"), table_name="user_instrument_classifications"
    )
    op.drop_table("user_instrument_classifications")
    op.drop_index(op.f("ix_ai_decisions_user_id"), table_name="ai_decisions")
    op.drop_index("ix_ai_decisions_job_id_created_at", table_name="ai_decisions")
    op.drop_table("ai_decisions")
