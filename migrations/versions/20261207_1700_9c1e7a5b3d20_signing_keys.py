"""signing keys: credential signing keys in the database, so every host signs with the same key

Revision ID: 9c1e7a5b3d20
Revises: 3f2b8d4c6a91
Create Date: 2026-12-07 17:00:00

The key file of an earlier release (instance/credential-signing-key.pem or CREDENTIAL_KEY_DIR)
is imported at first use, not here: the migration does not know SECRET_KEY's host.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c1e7a5b3d20"
down_revision = "3f2b8d4c6a91"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("thumbprint", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("generation", name=op.f("uq_signing_keys_generation")),
        sa.UniqueConstraint("thumbprint", name=op.f("uq_signing_keys_thumbprint")),
    )


def downgrade():
    op.drop_table("signing_keys")
