from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db


class AuditEntry(db.Model):
    """One change to a project, milestone, target, cohort or certificate."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who did it; none for the command line.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: project, milestone, target, cohort, cohort_member, certificate.
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int]
    #: create, update, delete, revoke, reissue, add, remove.
    action: Mapped[str] = mapped_column(sa.String(20))
    #: A short human description, e.g. the project code or the milestone title.
    label: Mapped[str] = mapped_column(sa.String(300), default="")
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)

    user = relationship("User")
