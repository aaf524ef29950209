"""period reports: the narrative a project lead writes per reporting period for the donor report

Revision ID: d41f6b2e9a37
Revises: 8c4e2a7d9b10
Create Date: 2026-12-07 17:50:00

A new table only: nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d41f6b2e9a37"
down_revision = "8c4e2a7d9b10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "period_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("challenges", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_period_reports_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_period_reports_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_reports")),
        sa.UniqueConstraint("project_id", "period", name=op.f("uq_period_reports_project_id")),
    )
    with op.batch_alter_table("period_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_period_reports_project_id"), ["project_id"], unique=False)


def downgrade():
    with op.batch_alter_table("period_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_period_reports_project_id"))
    op.drop_table("period_reports")
