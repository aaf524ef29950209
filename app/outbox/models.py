from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.time import utcnow
from app.extensions import db

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
STATUSES = (PENDING, SENDING, DELIVERED, FAILED)


class OutboxItem(db.Model):
    """Something that must leave the platform (a mail, an xAPI statement), written in the same
    transaction as the change that caused it and delivered after the commit."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.UniqueConstraint("kind", "key", name="uq_outbox_kind_key"),
        # What the delivery job asks for: the due items of a status, oldest first.
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who delivers it: "mail", "xapi", … (a deliverer registered with `outbox.register`).
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: A stable id of what is sent (a statement id, "password-reset/<user>/<token digest>"):
    #: enqueuing the same thing twice keeps one item.
    key: Mapped[str] = mapped_column(sa.String(200))
    #: What the deliverer needs, as plain JSON.
    payload: Mapped[dict] = mapped_column(sa.JSON)
    #: pending → sending (claimed by a worker until `next_attempt_at`, the lease) → delivered,
    #: or back to pending with a later `next_attempt_at` (a fault), or failed (refused).
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    #: How many deliveries were tried.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Pending: not before then. Sending: the claim's lease ends then (a killed worker's item is
    #: taken again after it).
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Why the last delivery did not succeed (shown to admins).
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
