"""The statements of past events, read back from the database, for an LRS connected late.

Each past event is rebuilt with the facts its signal carries (app/common/events.py), so its
statement has the id it had (or would have had) when sent live: the outbox and the LRS keep one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from app.assessments.api import Assessment, Attempt
from app.certificates.api import Certificate
from app.courses.api import Enrolment, Lesson, LessonProgress
from app.extensions import db
from app.workshops.api import Attendance, Registration, WorkshopSession


def past_events(since: datetime) -> list[tuple[str, dict]]:
    """(event name, facts) of everything that happened since `since`, oldest first."""
    found = [*_courses(since), *_assessments(since), *_certificates(since), *_workshops(since)]
    found.sort(key=lambda event: event[1]["at"])
    return found


def _courses(since: datetime) -> Iterator[tuple[str, dict]]:
    for e in db.session.scalars(sa.select(Enrolment).where(Enrolment.enrolled_at >= since)):
        yield "enrolled", {"user_id": e.user_id, "course_id": e.course_id, "enrolment_id": e.id, "at": e.enrolled_at}
    for e in db.session.scalars(sa.select(Enrolment).where(Enrolment.completed_at >= since)):
        facts = {"user_id": e.user_id, "course_id": e.course_id, "enrolment_id": e.id}
        yield "course_completed", {**facts, "enrolled_at": e.enrolled_at, "at": e.completed_at}
    progress = (
        sa.select(LessonProgress, Lesson.course_id, Enrolment.id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Enrolment, (Enrolment.user_id == LessonProgress.user_id) & (Enrolment.course_id == Lesson.course_id))
        .where((LessonProgress.first_opened_at >= since) | (LessonProgress.completed_at >= since))
    )
    for row, course_id, enrolment_id in db.session.execute(progress):
        facts = {
            "user_id": row.user_id,
            "course_id": course_id,
            "enrolment_id": enrolment_id,
            "lesson_id": row.lesson_id,
        }
        if row.first_opened_at >= since:
            yield "lesson_opened", {**facts, "at": row.first_opened_at}
        if row.completed_at and row.completed_at >= since:
            yield "lesson_completed", {**facts, "at": row.completed_at}


def _assessments(since: datetime) -> Iterator[tuple[str, dict]]:
    attempts = sa.select(Attempt, Assessment.course_id).join(Assessment, Assessment.id == Attempt.assessment_id)
    started = attempts.where(Attempt.started_at >= since)
    for a, course_id in db.session.execute(started):
        facts = {"user_id": a.user_id, "course_id": course_id, "assessment_id": a.assessment_id, "attempt_id": a.id}
        yield "attempt_started", {**facts, "number": a.number, "at": a.started_at}
    graded = attempts.where(Attempt.submitted_at >= since, Attempt.passed.is_not(None))
    for a, course_id in db.session.execute(graded):
        facts = {"user_id": a.user_id, "course_id": course_id, "assessment_id": a.assessment_id, "attempt_id": a.id}
        yield (
            "attempt_graded",
            {
                **facts,
                "score": a.score,
                "max_score": a.max_score,
                "percent": a.percent,
                "passed": a.passed,
                "started_at": a.started_at,
                "at": a.submitted_at,
            },
        )


def _certificates(since: datetime) -> Iterator[tuple[str, dict]]:
    for c in db.session.scalars(sa.select(Certificate).where(Certificate.issued_at >= since)):
        facts = {"certificate_id": c.id, "user_id": c.user_id, "code": c.code, "course_id": c.course_id}
        if c.replaces_id:
            yield (
                "certificate_reissued",
                {**facts, "replaces_id": c.replaces_id, "reissued_by_id": c.issued_by_id, "at": c.issued_at},
            )
        else:
            yield (
                "certificate_issued",
                {**facts, "kind": c.kind, "achievement_key": c.achievement_key, "at": c.issued_at},
            )
    for c in db.session.scalars(sa.select(Certificate).where(Certificate.revoked_at >= since)):
        yield (
            "certificate_revoked",
            {
                "certificate_id": c.id,
                "user_id": c.user_id,
                "code": c.code,
                "reason": c.revoked_reason,
                "revoked_by_id": c.revoked_by_id,
                "at": c.revoked_at,
            },
        )


def _workshops(since: datetime) -> Iterator[tuple[str, dict]]:
    seats = sa.select(Registration).where(Registration.registered_at >= since, Registration.status == "registered")
    for r in db.session.scalars(seats):
        yield (
            "workshop_registered",
            {
                "user_id": r.user_id,
                "workshop_id": r.workshop_id,
                "registration_id": r.id,
                "status": r.status,
                "registered_by_id": r.registered_by_id,
                "at": r.registered_at,
            },
        )
    present = (
        sa.select(Attendance, WorkshopSession.workshop_id)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .where(Attendance.recorded_at >= since, Attendance.present.is_(True))
    )
    for a, workshop_id in db.session.execute(present):
        yield (
            "workshop_attended",
            {
                "user_id": a.user_id,
                "workshop_id": workshop_id,
                "session_id": a.session_id,
                "recorded_by_id": a.recorded_by_id,
                "at": a.recorded_at,
            },
        )
