"""curriculum translations: a `translations` JSON column on every table of learner-visible curriculum text

Revision ID: 3f2b8d4c6a91
Revises: 5e55c0a1d2b3
Create Date: 2026-12-07 14:30:00

Empty for every row until the next `flask content sync`, which fills it from the *.fr.* files
beside the sources (their content hashes change, so every translated course is imported again).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f2b8d4c6a91"
down_revision = "5e55c0a1d2b3"
branch_labels = None
depends_on = None

TABLES = ("tracks", "tiers", "courses", "modules", "lessons", "glossary_terms", "assessments", "questions")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    # A plain ALTER TABLE (SQLite 3.35+ and PostgreSQL alike): a batch copy of these tables, which
    # others reference, would break SQLite's foreign keys.
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN translations")
