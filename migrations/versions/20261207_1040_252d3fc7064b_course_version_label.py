"""course version label: the author's label (1.2) kept with each published version

Revision ID: 252d3fc7064b
Revises: b7a1c0e5d2f0
Create Date: 2026-12-07 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '252d3fc7064b'
down_revision = 'b7a1c0e5d2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=20), nullable=True))

    # The latest version of each course carries the course's current label; older versions' labels
    # were not kept and stay empty (the history shows them as unknown rather than guessing).
    op.execute(
        """
        UPDATE course_versions SET label = (SELECT courses.version FROM courses WHERE courses.id = course_versions.course_id)
        WHERE number = (SELECT MAX(v.number) FROM course_versions v WHERE v.course_id = course_versions.course_id)
        """
    )


def downgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_column('label')
