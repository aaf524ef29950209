"""Where one officer, or each officer of a cohort, stands: what a coordinator opens a person or a cohort for.

The counts on these pages are the rows the figures count (definitions.py): an enrolment, a
completion, a valid course certificate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.assessments.api import Assessment, Attempt
from app.auth.api import User
from app.certificates.api import Certificate
from app.courses import services as courses
from app.courses.api import Enrolment
from app.courses.services import CourseView
from app.directorate.models import Cohort
from app.extensions import db


@dataclass
class Standing:
    """One officer in one course: enrolled or not, how far, and what blocks them if they cannot enter."""

    course: CourseView
    enrolled_at: datetime | None = None
    completed_at: datetime | None = None
    lessons_completed: int = 0
    #: The courses to complete first, when the officer is not enrolled and may not enter yet.
    missing: list = field(default_factory=list)

    @property
    def lessons_required(self) -> int:
        return self.course.required_lessons

    @classmethod
    def of(cls, enrolment: Enrolment, course: CourseView) -> Standing:
        """The standing an enrolment gives (a completed course counts all its required lessons)."""
        done = course.required_lessons if enrolment.completed_at else enrolment.lessons_completed
        return cls(course, enrolment.enrolled_at, enrolment.completed_at, done)


@dataclass
class Record:
    """An officer's learning record: courses, assessment results and certificates."""

    person: User
    standings: list[Standing]
    attempts: list[Attempt]
    certificates: list[Certificate]


def record_of(person: User) -> Record:
    """Every course the officer is enrolled in, their submitted attempts and their certificates: three queries."""
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.user_id == person.id).order_by(Enrolment.enrolled_at)
    ).all()
    attempts = db.session.scalars(
        sa.select(Attempt)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .where(Attempt.user_id == person.id, Attempt.submitted_at.is_not(None))
        .options(sa.orm.contains_eager(Attempt.assessment))
        .order_by(Attempt.submitted_at.desc())
    ).all()
    certificates = db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == person.id).order_by(Certificate.issued_at.desc())
    ).all()
    standings = [Standing.of(e, courses.course_by_id(e.course_id)) for e in enrolments]
    return Record(person, standings, list(attempts), list(certificates))


def cohort_standings(cohort: Cohort, members: list[User]) -> dict[int, list[Standing]]:
    """{officer id: their standing in each of the cohort's courses}, naming what blocks those not enrolled.

    An officer added to a cohort is enrolled only in the courses they may enter; the others are
    listed here with the courses to complete first, never skipped without a word.
    """
    ids = [m.id for m in members]
    cohort_courses = [courses.course_by_id(c.id) for c in cohort.courses]
    course_ids = [c.id for c in cohort_courses]
    found = (
        {
            (e.user_id, e.course_id): e
            for e in db.session.scalars(
                sa.select(Enrolment).where(Enrolment.user_id.in_(ids), Enrolment.course_id.in_(course_ids))
            )
        }
        if ids and course_ids
        else {}
    )
    completed: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for user_id, course_id in db.session.execute(
            sa.select(Enrolment.user_id, Enrolment.course_id).where(
                Enrolment.user_id.in_(ids), Enrolment.completed_at.is_not(None)
            )
        ):
            completed[user_id].add(course_id)
    live = courses.live_courses()
    result: dict[int, list[Standing]] = {}
    for member in members:
        row = []
        for course in cohort_courses:
            enrolment = found.get((member.id, course.id))
            if enrolment is not None:
                row.append(Standing.of(enrolment, course))
            else:
                row.append(Standing(course, missing=courses.missing_requirements(course, completed[member.id], live)))
        result[member.id] = row
    return result
