"""languages of certificates and administrations: which language(s) the stored PDF whose hash is pdf_sha256
prints in, and the language an administration's officers work in

Revision ID: 8c4e2a7d9b10
Revises: 8d1e4f2a7c35
Create Date: 2026-12-07 17:05:00

Each language's PDF is kept under its own name (<code>.<languages>.pdf); PDFs rendered before keep
their name (<code>.pdf) and NULL here, and a download renders the one its learner reads. An administration's
language is empty until an administrator sets it: mail then goes out in the academy's default, as before.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8c4e2a7d9b10"
down_revision = "8d1e4f2a7c35"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("certificates", sa.Column("pdf_language", sa.String(length=20), nullable=True))
    op.add_column("administrations", sa.Column("language", sa.String(length=5), nullable=True))


def downgrade():
    # A plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): a batch copy of a referenced table breaks SQLite's
    # foreign keys. The older code finds no <code>.pdf for PDFs rendered since, and renders it again.
    op.execute("ALTER TABLE administrations DROP COLUMN language")
    op.execute("ALTER TABLE certificates DROP COLUMN pdf_language")
