"""attempt tokens and review policy

An attempt's `orders` becomes its layout: per question, the options in the order shown, each under
a token of that attempt ([[token, bank id], ...]). Attempts made before keep their bank ids as
tokens, so a page a learner has open while the upgrade runs still posts answers that are taken
(it has shown those ids already: new tokens would hide nothing). The new review policy,
after_pass_or_last (the content format's new default), fits the `review` column as it is, so the
assessments table is not rebuilt: on SQLite a rebuild would cascade-delete every attempt. Stored
policies are kept as they are; a content sync applies what the files say.

Revision ID: 5c2e9a7d41b3
Revises: b7a1c0e5d2f0
Create Date: 2026-12-07 10:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e9a7d41b3'
down_revision = 'b7a1c0e5d2f0'
branch_labels = None
depends_on = None

attempts = sa.table('attempts', sa.column('id', sa.Integer), sa.column('orders', sa.JSON))
questions = sa.table('questions', sa.column('id', sa.Integer), sa.column('type', sa.String))


def _layout(kind, order):
    pairs = [[bank_id, bank_id] for bank_id in order]
    if kind in ('single_choice', 'multiple_choice'):
        return {'choices': pairs}
    if kind == 'ordering':
        return {'items': pairs}
    if kind == 'matching':
        # The left-hand items were shown in bank order; the list held the right-hand options' order.
        return {'left': [[bank_id, bank_id] for bank_id in sorted(order, key=lambda p: int(p[1:]))], 'right': pairs}
    return {}


def _order(kind, layout):
    key = {'single_choice': 'choices', 'multiple_choice': 'choices', 'ordering': 'items', 'matching': 'right'}.get(kind)
    return [bank_id for _token, bank_id in layout.get(key, [])] if key else []


def _rewrite(convert, old_shape):
    bind = op.get_bind()
    kinds = dict(bind.execute(sa.select(questions.c.id, questions.c.type)).all())
    for attempt_id, orders in bind.execute(sa.select(attempts.c.id, attempts.c.orders)).all():
        if not orders:
            continue
        new = {qid: convert(kinds.get(int(qid)), value) if isinstance(value, old_shape) else value for qid, value in orders.items()}
        if new != orders:
            bind.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(orders=new))


def upgrade():
    _rewrite(_layout, list)


def downgrade():
    _rewrite(_order, dict)
    # The code before knows no after_pass_or_last: the nearest policy that shows no more.
    op.execute("UPDATE assessments SET review = 'after_passing' WHERE review = 'after_pass_or_last'")
