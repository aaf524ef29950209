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


# The results framework (issue #21): a project's results chain, its indicators and risks. -----

RESULT_LEVELS = ("impact", "outcome", "output")
#: The level a result's parent must have: an output serves an outcome, an outcome the impact.
PARENT_LEVEL = {"impact": None, "outcome": "impact", "output": "outcome"}
#: Units an indicator is measured in, with the range a value must fall in (None: no bound).
UNITS = {
    "number": (0.0, None),
    "percent": (0.0, 100.0),
    "officers": (0.0, None),
    "days": (0.0, None),
    "score": (None, None),
}
DIRECTIONS = ("higher", "lower")
INDICATOR_SOURCES = ("platform", "manual")
#: What a platform indicator counts: one of definitions.FIGURES, counted for the beneficiaries.
PLATFORM_FIGURES = ("enrolled", "completed", "certified", "trained")


class Result(db.Model):
    """One link of a project's results chain: its impact, an outcome or an output, with its statement."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: impact, outcome or output (a project has one impact).
    level: Mapped[str] = mapped_column(sa.String(10))
    #: The result this one serves: an output's outcome, an outcome's impact; none for the impact.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("results.id", ondelete="CASCADE"), index=True)
    #: Order among the results of the same parent.
    position: Mapped[int] = mapped_column(default=0)
    statement: Mapped[str] = mapped_column(sa.Text)

    project = relationship("Project")
    parent: Mapped[Result | None] = relationship(remote_side="Result.id", back_populates="children")
    children: Mapped[list[Result]] = relationship(
        back_populates="parent", order_by="(Result.position, Result.id)", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="result", order_by="(Indicator.position, Indicator.id)", cascade="all, delete-orphan"
    )


class Indicator(db.Model):
    """What measures a result: a baseline, milestones per year and a target, with a current value."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("results.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(300))
    #: number, percent, officers, days or score (UNITS gives each one's range).
    unit: Mapped[str] = mapped_column(sa.String(20), default="number")
    #: higher or lower: which way is better.
    direction: Mapped[str] = mapped_column(sa.String(10), default="higher")
    baseline_value: Mapped[float]
    baseline_date: Mapped[date]
    target_value: Mapped[float]
    target_date: Mapped[date]
    means_of_verification: Mapped[str] = mapped_column(sa.Text, default="")
    #: The WCO Performance Measurement Mechanism dimension and outcome it serves, if any.
    pmm_dimension: Mapped[str | None] = mapped_column(sa.String(200))
    pmm_outcome: Mapped[str | None] = mapped_column(sa.String(200))
    #: platform (counted from `figure`) or manual (values entered by people).
    source: Mapped[str] = mapped_column(sa.String(10), default="manual")
    #: For a platform indicator: enrolled, completed, certified or trained (definitions.FIGURES).
    figure: Mapped[str | None] = mapped_column(sa.String(20))
    #: Optional narrowing of a platform count to one track and/or tier.
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id", ondelete="SET NULL"))
    tier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tiers.id", ondelete="SET NULL"))

    result: Mapped[Result] = relationship(back_populates="indicators")
    track = relationship("Track")
    tier = relationship("Tier")
    milestones: Mapped[list[IndicatorMilestone]] = relationship(
        back_populates="indicator", order_by="IndicatorMilestone.year", cascade="all, delete-orphan"
    )
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator",
        order_by="(IndicatorValue.measured_on, IndicatorValue.id)",
        cascade="all, delete-orphan",
    )


class IndicatorMilestone(db.Model):
    """The value an indicator should have reached by the end of a year."""

    __tablename__ = "indicator_milestones"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    value: Mapped[float]

    indicator: Mapped[Indicator] = relationship(back_populates="milestones")


class IndicatorValue(db.Model):
    """A measured value of a manual indicator, with its date, source and evidence; every past value is kept."""

    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    value: Mapped[float]
    #: The day the value was true (not the day it was typed in).
    measured_on: Mapped[date]
    #: Where the value comes from, in words: "Customs annual report 2026".
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(sa.String(2000))
    #: An uploaded file, kept in storage by hash (common/storage.py), served as a download.
    evidence_filename: Mapped[str | None] = mapped_column(sa.String(255))
    evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    entered_by = relationship("User")


class Risk(db.Model):
    """A risk of a project: how likely, how bad, what is done about it, who watches it and when."""

    __tablename__ = "risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    #: 1 (rare) to 5 (almost certain).
    likelihood: Mapped[int]
    #: 1 (negligible) to 5 (severe).
    impact: Mapped[int]
    mitigation: Mapped[str] = mapped_column(sa.Text, default="")
    #: Who watches the risk, in words (a person or a body).
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The next review; past it and still open, the review is overdue.
    review_on: Mapped[date]
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project = relationship("Project")

    @property
    def level(self) -> int:
        return self.likelihood * self.impact


class ResultsSettings(db.Model):
    """The directorate's thresholds for the traffic lights: one row (id 1), edited by the director."""

    __tablename__ = "results_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: On track when progress reaches this share of the progress expected by now (0–1).
    on_track: Mapped[float] = mapped_column(default=0.9)
    #: At risk when it reaches this share; below it, off track.
    at_risk: Mapped[float] = mapped_column(default=0.6)
    #: A value older than this many days is "no recent value".
    period_days: Mapped[int] = mapped_column(default=365)
    updated_at: Mapped[datetime | None]


class PeriodReport(db.Model):
    """The narrative a project lead writes for a reporting period of the donor report, kept per period."""

    __tablename__ = "period_reports"
    __table_args__ = (sa.UniqueConstraint("project_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: The reporting period: a year ("2026") or a half-year ("2026-H1"), periods.py.
    period: Mapped[str] = mapped_column(sa.String(10))
    #: The period in a few sentences, for a reader in a hurry.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: What moved: results reached, activities held.
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    #: What held the project back, and what was done about it.
    challenges: Mapped[str] = mapped_column(sa.Text, default="")
    #: What comes in the next period.
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    project = relationship("Project")
    updated_by = relationship("User")
