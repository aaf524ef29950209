"""The transactional outbox: what must leave the platform (mail, xAPI statements) is written to the
`outbox` table in the same transaction as the change that caused it, and delivered after the commit.

    from app import outbox
    outbox.register("mail", deliver)                 # at start, by the kind's owner
    outbox.enqueue("mail", key, {"to": …})          # in the change's transaction, no commit
    outbox.deliver_due(limit=100)                    # a job after the commit, and every sweep

A rollback sends nothing; a crash loses nothing (the item waits in the table); a fault is retried
with backoff; a refusal (`Permanent`) fails the item for an admin to see (/admin/jobs). How the
claims work: app/outbox/services.py.
"""

from __future__ import annotations

from flask import Flask

from app.outbox.services import Permanent, deliver_due, enqueue, register

__all__ = ["Permanent", "deliver_due", "enqueue", "init_app", "register"]


def init_app(app: Flask) -> None:
    """Schedule a delivery after each commit that enqueued something; the `flask outbox` commands."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app.outbox import services
    from app.outbox.cli import outbox_cli

    if not event.contains(Session, "after_commit", services.after_commit):
        event.listen(Session, "after_commit", services.after_commit)
        event.listen(Session, "after_rollback", services.after_rollback)
    app.cli.add_command(outbox_cli)
