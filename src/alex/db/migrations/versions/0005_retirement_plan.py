"""the retirement plan on users: ages, savings and their growth, other income, glide path, method

Existing users keep their plan: ages are NULL (their years_until_retirement stays the horizon),
savings and other income are 0, no glide path, the parametric method.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CHECKS = {
    "current_age_range": "current_age IS NULL OR current_age BETWEEN 18 AND 100",
    "ages_together": "(current_age IS NULL) = (retirement_age IS NULL)",
    "retirement_age_range": "retirement_age IS NULL OR (retirement_age > current_age AND retirement_age <= 100 "
    "AND years_until_retirement = retirement_age - current_age)",
    "contribution_range": "annual_contribution BETWEEN 0 AND 10000000",
    "contribution_growth_range": "contribution_growth BETWEEN -10 AND 20",
    "other_income_range": "other_income >= 0 AND other_income <= target_retirement_income",
    "other_income_start_age_range": "other_income_start_age IS NULL OR (other_income_start_age BETWEEN 18 AND 100 "
    "AND current_age IS NOT NULL)",
    "glide_path_equity_range": "glide_path_equity IS NULL OR glide_path_equity BETWEEN 0 AND 100",
    "retirement_method_known": "retirement_method IN ('parametric', 'historical', 'bootstrap')",
}
_COLUMNS = (
    "current_age",
    "retirement_age",
    "annual_contribution",
    "contribution_growth",
    "other_income",
    "other_income_start_age",
    "glide_path_equity",
    "retirement_method",
)


def upgrade() -> None:
    op.add_column("users", sa.Column("current_age", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("retirement_age", sa.Integer(), nullable=True))
    op.add_column(
        "users",
        sa.Column(
            "annual_contribution",
            sa.Numeric(precision=14, scale=2),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )
    op.add_column(
        "users",
        sa.Column(
            "contribution_growth",
            sa.Numeric(precision=5, scale=2),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )
    op.add_column(
        "users",
        sa.Column(
            "other_income", sa.Numeric(precision=14, scale=2), server_default=sa.text("0"), nullable=False
        ),
    )
    op.add_column("users", sa.Column("other_income_start_age", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("glide_path_equity", sa.Numeric(precision=5, scale=2), nullable=True))
    op.add_column(
        "users",
        sa.Column(
            "retirement_method", sa.String(length=20), server_default=sa.text("'parametric'"), nullable=False
        ),
    )
    for name, condition in _CHECKS.items():
        op.create_check_constraint(op.f(f"ck_users_{name}"), "users", condition)


def downgrade() -> None:
    for name in reversed(_CHECKS):
        op.drop_constraint(op.f(f"ck_users_{name}"), "users", type_="check")
    for column in reversed(_COLUMNS):
        op.drop_column("users", column)
