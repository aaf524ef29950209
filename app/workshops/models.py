"""Data technique and data policy workshops: sessions, registrations, attendance, materials."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db

#: Each kind of workshop, by its stored key, named in the reader's language.
KINDS = {"data_technique": _l("Data technique workshop"), "data_policy": _l("Data policy workshop")}

workshop_administrations = sa.Table(
    "workshop_administrations",
    db.metadata,
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("administration_id", sa.ForeignKey("administrations.id", ondelete="CASCADE"), primary_key=True),
)


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: data_technique or data_policy.
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    capacity: Mapped[int]
    registration_opens: Mapped[date]
    registration_closes: Mapped[date]
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    #: A course to complete before registering (e.g. the data specialist Foundation course).
    required_course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id", ondelete="SET NULL"))
    cancelled: Mapped[bool] = mapped_column(default=False)
    #: What came out of it: a note and a link or an uploaded file (report, guideline, paper).
    output_note: Mapped[str] = mapped_column(sa.Text, default="")
    output_url: Mapped[str | None] = mapped_column(sa.String(2000))
    output_filename: Mapped[str | None] = mapped_column(sa.String(255))
    output_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organiser = relationship("User")
    project = relationship("Project")
    required_course = relationship("Course")
    administrations = relationship("Administration", secondary=workshop_administrations, order_by="Administration.name")
    sessions: Mapped[list[WorkshopSession]] = relationship(
        back_populates="workshop", order_by="WorkshopSession.starts_at", cascade="all, delete-orphan"
    )
    facilitators: Mapped[list[Facilitator]] = relationship(cascade="all, delete-orphan", order_by="Facilitator.id")
    materials: Mapped[list[Material]] = relationship(cascade="all, delete-orphan", order_by="Material.id")

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


class WorkshopSession(db.Model):
    """One sitting: in person at a place, or online with a link."""

    __tablename__ = "workshop_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: in_person or online.
    mode: Mapped[str] = mapped_column(sa.String(20), default="in_person")
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    link: Mapped[str | None] = mapped_column(sa.String(2000))
    #: Attending it is needed for the certificate of attendance.
    counts: Mapped[bool] = mapped_column(default=True)

    workshop: Mapped[Workshop] = relationship(back_populates="sessions")

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 1)


class Facilitator(db.Model):
    """A trainer or WCO expert with an account, or an invited academic who needs none."""

    __tablename__ = "workshop_facilitators"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    affiliation: Mapped[str] = mapped_column(sa.String(300), default="")

    user = relationship("User")


class Registration(db.Model):
    __tablename__ = "workshop_registrations"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: registered, waitlisted or cancelled.
    status: Mapped[str] = mapped_column(sa.String(20))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    workshop = relationship("Workshop")


class Attendance(db.Model):
    __tablename__ = "workshop_attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Material(db.Model):
    """A file for participants (slides, a notebook, a dataset), kept in storage by hash."""

    __tablename__ = "workshop_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
