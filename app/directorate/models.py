"""Multi-year assistance projects, their targets and milestones, and cohorts of officers."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db

project_administrations = sa.Table(
    "project_administrations",
    db.metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("administration_id", sa.ForeignKey("administrations.id", ondelete="CASCADE"), primary_key=True),
)
project_courses = sa.Table(
    "project_courses",
    db.metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("course_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)
cohort_courses = sa.Table(
    "cohort_courses",
    db.metadata,
    sa.Column("cohort_id", sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("course_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)

PROJECT_STATUSES = ("planned", "active", "suspended", "closed")
MILESTONE_STATUSES = ("planned", "in_progress", "done", "cancelled")
INDICATORS = ("enrolled", "certified", "workshops", "trained", "custom")


class Project(db.Model):
    """A multi-year assistance project with one or more beneficiary administrations."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short reference used in reports and on the command line, e.g. "ESA-DATA-2025".
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    #: The partner or donor funding it.
    partner: Mapped[str] = mapped_column(sa.String(300), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: planned, active, suspended or closed (set by people; the dashboard's on track / at risk /
    #: late is computed).
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead = relationship("User")
    administrations = relationship("Administration", secondary=project_administrations, order_by="Administration.name")
    courses = relationship("Course", secondary=project_courses, order_by="Course.title")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.due_date", cascade="all, delete-orphan"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="project", order_by="(Target.year, Target.indicator)", cascade="all, delete-orphan"
    )


class Target(db.Model):
    """What a project means to reach in a year: officers enrolled or certified, workshops, or a custom indicator."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    #: enrolled, certified, workshops (held), trained (officers who attended a workshop) or custom.
    indicator: Mapped[str] = mapped_column(sa.String(20))
    #: For 'certified': which track and tier (either may be empty: any).
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id", ondelete="SET NULL"))
    tier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tiers.id", ondelete="SET NULL"))
    #: The name of a custom indicator, e.g. "Data policy adopted".
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    target_value: Mapped[float]
    #: The actual of a custom indicator, entered by hand (the others are counted by the platform).
    manual_value: Mapped[float | None]

    project: Mapped[Project] = relationship(back_populates="targets")
    track = relationship("Track")
    tier = relationship("Tier")


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_date: Mapped[date]
    #: planned, in_progress, done or cancelled.
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    completed_on: Mapped[date | None]
    evidence_note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(sa.String(2000))
    #: An uploaded file, kept in storage by hash, served as a download.
    evidence_filename: Mapped[str | None] = mapped_column(sa.String(255))
    evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    project: Mapped[Project] = relationship(back_populates="milestones")


class Cohort(db.Model):
    """Officers of one administration enrolled together in a set of courses."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    administration_id: Mapped[int] = mapped_column(sa.ForeignKey("administrations.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    administration = relationship("Administration")
    project = relationship("Project")
    courses = relationship("Course", secondary=cohort_courses, order_by="Course.title")


class CohortMember(db.Model):
    __tablename__ = "cohort_members"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")
