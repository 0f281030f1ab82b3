"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


_TABLES = ("users", "instruments", "user_instrument_prices", "accounts", "positions", "jobs")


def upgrade() -> None:
    op.create_table(
        "instruments",
        sa.Column("symbol", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("instrument_type", sa.String(length=20), nullable=True),
        sa.Column("current_price", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("price_source", sa.String(length=50), nullable=True),
        sa.Column("price_updated_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.Column("expense_ratio", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column(
            "classification_status",
            sa.String(length=20),
            server_default=sa.text("'unclassified'"),
            nullable=False,
        ),
        sa.Column("classification_source", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "classification_status IN ('classified', 'unclassified')",
            name=op.f("ck_instruments_classification_status_known"),
        ),
        sa.CheckConstraint(
            "instrument_type IN ('etf', 'mutual_fund', 'stock', 'bond', 'bond_fund', 'commodity', 'reit')",
            name=op.f("ck_instruments_instrument_type_known"),
        ),
        sa.CheckConstraint(
            "current_price IS NULL OR current_price >= 0", name=op.f("ck_instruments_price_non_negative")
        ),
        sa.CheckConstraint(
            "expense_ratio IS NULL OR expense_ratio BETWEEN 0 AND 100",
            name=op.f("ck_instruments_expense_ratio_range"),
        ),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_instruments")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("password_hash", sa.String(length=512), nullable=True),
        sa.Column("years_until_retirement", sa.Integer(), server_default=sa.text("20"), nullable=False),
        sa.Column(
            "target_retirement_income",
            sa.Numeric(precision=14, scale=2),
            server_default=sa.text("60000"),
            nullable=False,
        ),
        sa.Column(
            "asset_class_targets",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text('\'{"equity": 70, "fixed_income": 30}\'::jsonb'),
            nullable=False,
        ),
        sa.Column(
            "region_targets",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text('\'{"north_america": 50, "international": 50}\'::jsonb'),
            nullable=False,
        ),
        sa.Column(
            "rule_thresholds",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("target_retirement_income >= 0", name=op.f("ck_users_income_non_negative")),
        sa.CheckConstraint("years_until_retirement BETWEEN 0 AND 100", name=op.f("ck_users_years_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index("uq_users_email_lower", "users", [sa.literal_column("lower(email)")], unique=True)
    op.create_table(
        "accounts",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("account_name", sa.String(length=255), nullable=False),
        sa.Column("account_purpose", sa.Text(), nullable=True),
        sa.Column("account_type", sa.String(length=20), server_default=sa.text("'other'"), nullable=False),
        sa.Column(
            "cash_balance", sa.Numeric(precision=16, scale=2), server_default=sa.text("0"), nullable=False
        ),
        sa.Column(
            "cash_interest", sa.Numeric(precision=7, scale=6), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "account_type IN ('401k', 'roth_ira', 'traditional_ira', 'taxable', '529', 'hsa', 'pension', 'other')",
            name=op.f("ck_accounts_account_type_known"),
        ),
        sa.CheckConstraint("cash_balance >= 0", name=op.f("ck_accounts_cash_non_negative")),
        sa.CheckConstraint("cash_interest BETWEEN 0 AND 1", name=op.f("ck_accounts_cash_interest_range")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_accounts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_index("ix_accounts_user_id_created_at", "accounts", ["user_id", "created_at"], unique=False)
    op.create_table(
        "jobs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column(
            "job_type", sa.String(length=50), server_default=sa.text("'portfolio_analysis'"), nullable=False
        ),
        sa.Column("status", sa.String(length=20), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("request_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("summary_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("report_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("charts_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("retirement_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed')", name=op.f("ck_jobs_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_status"), "jobs", ["status"], unique=False)
    op.create_index("ix_jobs_user_id_created_at", "jobs", ["user_id", "created_at"], unique=False)
    op.create_table(
        "user_instrument_prices",
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("symbol", sa.String(length=20), nullable=False),
        sa.Column("price", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_user_instrument_prices_price_non_negative")),
        sa.ForeignKeyConstraint(
            ["symbol"],
            ["instruments.symbol"],
            name=op.f("fk_user_instrument_prices_symbol_instruments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_instrument_prices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "symbol", name=op.f("pk_user_instrument_prices")),
    )
    op.create_index(
        op.f("ix_user_instrument_prices_symbol"), "user_instrument_prices", ["symbol"], unique=False
    )
    op.create_table(
        "positions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("symbol", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=24, scale=8), nullable=False),
        sa.Column("as_of_date", sa.Date(), server_default=sa.text("CURRENT_DATE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_positions_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_positions_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["symbol"], ["instruments.symbol"], name=op.f("fk_positions_symbol_instruments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
        sa.UniqueConstraint("account_id", "symbol", name=op.f("uq_positions_account_id_symbol")),
    )
    op.create_index(op.f("ix_positions_account_id"), "positions", ["account_id"], unique=False)
    op.create_index(op.f("ix_positions_symbol"), "positions", ["symbol"], unique=False)
    # A trigger rather than ORM onupdate, so updated_at is right whoever writes the row.
    op.execute(
        """
        CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at = now();
            RETURN NEW;
        END $$
        """
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER trg_{table}_updated_at BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
        )


def downgrade() -> None:
    for table in _TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_updated_at ON {table}")
    op.execute("DROP FUNCTION IF EXISTS set_updated_at()")
    op.drop_index(op.f("ix_positions_symbol"), table_name="positions")
    op.drop_index(op.f("ix_positions_account_id"), table_name="positions")
    op.drop_table("positions")
    op.drop_index(op.f("ix_user_instrument_prices_symbol"), table_name="user_instrument_prices")
    op.drop_table("user_instrument_prices")
    op.drop_index("ix_jobs_user_id_created_at", table_name="jobs")
    op.drop_index(op.f("ix_jobs_status"), table_name="jobs")
    op.drop_table("jobs")
    op.drop_index("ix_accounts_user_id_created_at", table_name="accounts")
    op.drop_table("accounts")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_table("users")
    op.drop_table("instruments")
