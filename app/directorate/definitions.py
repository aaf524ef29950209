"""What each figure counts: the one definition every page, export, target and report uses.

A figure is a set of rows, each with the officer it is about, the course it is about (none for a
workshop) and the moment it happened. Pages narrow those rows by period (on that moment), by
region and administration (of the officer) and by track (of the course), then count them: a
breakdown groups the same rows, so its parts add up to its total, and "By month" groups them by
the month of that moment. Everyone's rows count, whatever their role: the WCO Secretariat's staff
are counted under their own administration, which has no region.

- enrolled: one row per officer and course, on the day of enrolment;
- completed: one row per officer and course completed, on the day of completion;
- certified: one row per valid (not revoked) course certificate, on the day it was issued (tier
  certificates and certificates of attendance are not counted);
- trained: one row per officer and workshop not cancelled where they were marked present, on the
  day of the first session they attended;
- active: officers (each once) who opened or completed a lesson in the period (the last 30 days
  when no period is set).

A project's status has one definition too (`project_status_meaning` states it for the page;
`results.status_of` computes it): its indicators' and due yearly Targets' lights, by the
directorate's thresholds, and its overdue milestones.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.certificates.api import Certificate
from app.courses.api import Enrolment, Lesson, LessonProgress
from app.workshops.api import Attendance, Workshop, WorkshopSession

#: Without a period, "active" looks this many days back.
ACTIVE_DAYS = 30


@dataclass(frozen=True)
class Figure:
    """One figure: its key, its column heading and what it means, in plain words for the page."""

    key: str
    heading: str
    meaning: str
    #: True when the figure counts officers (each once), not rows.
    distinct_officers: bool = False


FIGURES = {
    "enrolled": Figure(
        "enrolled",
        _l("Enrolments"),
        _l("One per officer and course, counted on the day the officer enrolled."),
    ),
    "completed": Figure(
        "completed",
        _l("Completions"),
        _l(
            "One per officer and course completed, counted on the day of completion (not of enrolment): "
            "an officer who enrolled in May and completed in June counts in June."
        ),
    ),
    "certified": Figure(
        "certified",
        _l("Certificates"),
        _l(
            "Valid course certificates, counted on the day they were issued; revoked certificates, "
            "tier certificates and certificates of attendance are not counted."
        ),
    ),
    "trained": Figure(
        "trained",
        _l("Trained in workshops"),
        _l(
            "One per officer and workshop: officers marked present at a session of a workshop that was not "
            "cancelled, counted on the day of the first session they attended. Workshops belong to no track."
        ),
    ),
    "active": Figure(
        "active",
        _l("Active officers"),
        _l(
            "Officers who opened or completed a lesson during the period (the last %(days)d days when no "
            "period is set), each counted once.",
            days=ACTIVE_DAYS,
        ),
        distinct_officers=True,
    ),
}

#: The figures the learning tables show, in their column order.
LEARNING = ("enrolled", "completed", "certified")


def rows(key: str) -> sa.Subquery:
    """The rows a figure counts: (user_id, course_id, at, workshop_id, project_id) for every officer and moment."""
    null_int = sa.cast(sa.null(), sa.Integer)
    if key == "enrolled":
        query = sa.select(
            Enrolment.user_id,
            Enrolment.course_id,
            Enrolment.enrolled_at.label("at"),
            null_int.label("workshop_id"),
            null_int.label("project_id"),
        )
    elif key == "completed":
        query = sa.select(
            Enrolment.user_id,
            Enrolment.course_id,
            Enrolment.completed_at.label("at"),
            null_int.label("workshop_id"),
            null_int.label("project_id"),
        ).where(Enrolment.completed_at.is_not(None))
    elif key == "certified":
        query = sa.select(
            Certificate.user_id,
            Certificate.course_id,
            Certificate.issued_at.label("at"),
            null_int.label("workshop_id"),
            null_int.label("project_id"),
            # `|| ''` keeps SQLite off the status index: a target's count then starts from the
            # beneficiaries' officers and their certificates (5.7 s → well under a second for every
            # project at size L); the overview's totals read every certificate either way.
        ).where(Certificate.status.concat("") == "valid", Certificate.kind.concat("") == "course")
    elif key == "trained":
        query = (
            sa.select(
                Attendance.user_id,
                null_int.label("course_id"),
                sa.func.min(WorkshopSession.starts_at).label("at"),
                Workshop.id.label("workshop_id"),
                Workshop.project_id.label("project_id"),
            )
            .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
            .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
            .where(Attendance.present.is_(True), Workshop.cancelled.is_(False))
            .group_by(Attendance.user_id, Workshop.id, Workshop.project_id)
        )
    elif key == "active":
        opened = sa.select(
            LessonProgress.user_id,
            Lesson.course_id,
            LessonProgress.first_opened_at.label("at"),
            null_int.label("workshop_id"),
            null_int.label("project_id"),
        ).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        completed = (
            sa.select(
                LessonProgress.user_id,
                Lesson.course_id,
                LessonProgress.completed_at.label("at"),
                null_int.label("workshop_id"),
                null_int.label("project_id"),
            )
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.completed_at.is_not(None))
        )
        return sa.union_all(opened, completed).subquery(key)
    else:
        raise KeyError(key)
    return query.subquery(key)


#: What a project's target counts, by indicator: the rows target_actuals counts, in words.
TARGETS = {
    "enrolled": _l(
        "Officers enrolled: officers of a beneficiary administration who enrolled in one of the project's "
        "courses during the year, each counted once."
    ),
    "certified": _l(
        "Officers certified: officers of a beneficiary administration issued a valid course certificate "
        "(of the target's track and tier, when it names them) during the year, each counted once."
    ),
    "trained": _l(
        "Officers trained in workshops: officers of a beneficiary administration present at a session of one "
        "of the project's workshops, whose first session attended fell in the year, each counted once."
    ),
    "workshops": _l("Workshops held: the project's workshops, not cancelled, that ended during the year."),
    "custom": _l("Other indicators: the value entered by hand."),
}


def project_status_meaning(on_track: float, at_risk: float) -> str:
    """A project's status, in words: one definition, computed by `results.status_of` and shown the same by
    every page, export and report (the overview's cards and Projects table, the project page and its reports,
    `flask reports project`, the period page, donor reports, the portfolio)."""
    return _(
        "A project's status is the one its page, its reports and the period pages show. Each indicator and each "
        "yearly target of the years begun has a light: on track at %(on)d %% or more of the progress expected by "
        "now, at risk at %(risk)d %% or more, off track below (a target is expected to grow from nothing at the "
        "start of its year to its value on 31 December). A project is off track when a light is off track or a "
        "milestone is more than 60 days overdue; at risk when a light is at risk or has no recent value, or a "
        "milestone is overdue; on track when every light is; not measured with nothing due to judge by. Not "
        "started, suspended and closed are shown beside the status; a closed project is no longer judged.",
        on=round(100 * on_track),
        risk=round(100 * at_risk),
    )
