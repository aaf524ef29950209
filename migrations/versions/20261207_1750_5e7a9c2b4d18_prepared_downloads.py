"""prepared downloads: files built by a background job into the Store (long exports, certificate ZIPs)

Revision ID: 5e7a9c2b4d18
Revises: d41f6b2e9a37
Create Date: 2026-12-07 17:45:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7a9c2b4d18"
down_revision = "d41f6b2e9a37"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "prepared_download",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("builder", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_prepared_download_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prepared_download")),
    )
    with op.batch_alter_table("prepared_download") as batch_op:
        batch_op.create_index(batch_op.f("ix_prepared_download_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("prepared_download") as batch_op:
        batch_op.drop_index(batch_op.f("ix_prepared_download_user_id"))
    op.drop_table("prepared_download")
