"""Where a learner stands in a course's assessments: what the course page, "Continue", My learning and the
result page (whether the review may be shown, the next step) show.

Each is read in one statement, whatever the number of assessments, attempts or courses, so
that the pages that show it run the same number of statements at any size. The rule "a
required assessment not passed yet" is `AssessmentStanding.due`, and course completion asks
it too (`required_assessments_passed`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.assessments.models import Assessment, Attempt
from app.assessments.services import (
    AFTER_PASS_OR_LAST,
    AFTER_PASSING,
    AFTER_SUBMISSION,
    OPEN,
    assessment_of,
    attempts_left,
)
from app.common import kept
from app.common.time import utcnow
from app.extensions import db

NOT_STARTED, IN_PROGRESS, TIME_UP, PASSED, NOT_PASSED = "not_started", "in_progress", "time_up", "passed", "not_passed"


@dataclass(frozen=True)
class AssessmentStanding:
    """One assessment of a course with what the learner has done of it."""

    course_id: int
    id: int
    slug: str
    #: In the source language; templates show `standing|translated("title")`, the reader's.
    title: str
    #: The assessment's stored translations ({"fr": {"title": …}}).
    translations: dict | None
    required: bool
    pass_mark: float
    max_attempts: int | None
    time_limit_minutes: int | None
    #: Attempts started, the open one included (each counts against max_attempts).
    attempts_used: int
    #: The best score of a passing attempt, in percent; None until passed.
    best_passed: float | None
    #: The best score of a closed attempt, in percent; None before the first is graded.
    best_percent: float | None
    open_attempt_id: int | None
    #: The open attempt's deadline (UTC); None when untimed or when no attempt is open.
    open_deadline: datetime | None

    @property
    def passed(self) -> bool:
        return self.best_passed is not None

    @property
    def due(self) -> bool:
        """A required assessment not passed yet: it stands between the learner and completing the course."""
        return self.required and not self.passed

    @property
    def action(self) -> str:
        """What the learner's button for it does: continue (an attempt is open), results (no attempt left),
        retry or take. The course page and My learning word their button from this."""
        if self.open_attempt_id is not None:
            return "continue"
        if self.attempts_used:
            return "results" if self.attempts_left == 0 else "retry"
        return "take"

    @property
    def attempts_left(self) -> int | None:
        """Attempts the learner may still start; None when unlimited."""
        return attempts_left(self, self.attempts_used)

    @property
    def state(self) -> str:
        """not_started, in_progress, time_up (open past its deadline, closed at the next view), passed or not_passed."""
        if self.passed:
            return PASSED
        if self.open_attempt_id is not None:
            return TIME_UP if minutes_left(self.open_deadline) == 0 else IN_PROGRESS
        return NOT_STARTED if self.attempts_used == 0 else NOT_PASSED


def minutes_left(deadline: datetime | None) -> int | None:
    """Whole minutes until a deadline, rounded up (0 once it has passed); None when there is none."""
    if deadline is None:
        return None
    return max(0, math.ceil((deadline - utcnow()).total_seconds() / 60))


@kept.once
def _standing_columns() -> sa.Select:
    """Each live assessment with the learner's attempts (`user_id` bound per call), built once.

    Read as plain rows from the tables: the course page, which shows it, needs no ORM objects.
    """
    assessment, attempt = Assessment.__table__, Attempt.__table__
    mine = sa.and_(attempt.c.assessment_id == assessment.c.id, attempt.c.user_id == sa.bindparam("user_id"))
    return (
        sa.select(
            assessment.c.course_id,
            assessment.c.id,
            assessment.c.slug,
            assessment.c.title,
            assessment.c.translations,
            assessment.c.required,
            assessment.c.pass_mark,
            assessment.c.max_attempts,
            assessment.c.time_limit_minutes,
            sa.func.count(attempt.c.id),
            sa.func.max(sa.case((attempt.c.passed.is_(True), attempt.c.percent))),
            sa.func.max(sa.case((attempt.c.status != OPEN, attempt.c.percent))),
            sa.func.max(sa.case((attempt.c.status == OPEN, attempt.c.id))),
            sa.func.max(sa.case((attempt.c.status == OPEN, attempt.c.deadline))),
        )
        .select_from(assessment.outerjoin(attempt, mine))
        .where(assessment.c.retired_at.is_(None))
        .group_by(assessment.c.id)
    )


@kept.once
def _course_standings() -> sa.Select:
    assessment = Assessment.__table__
    return (
        _standing_columns().where(assessment.c.course_id == sa.bindparam("course_id")).order_by(assessment.c.position)
    )


@kept.once
def _required_standings() -> sa.Select:
    assessment = Assessment.__table__
    return (
        _standing_columns()
        .where(assessment.c.course_id.in_(sa.bindparam("course_ids", expanding=True)), assessment.c.required.is_(True))
        .order_by(assessment.c.course_id, assessment.c.position)
    )


def standings_in(user_id: int | None, course_id: int) -> list[AssessmentStanding]:
    """The live assessments of a course in order, each with the learner's attempts (none for None); one statement."""
    rows = db.session.execute(_course_standings(), {"user_id": user_id, "course_id": course_id}).all()
    return [AssessmentStanding(*row) for row in rows]


def due_of(standings: list[AssessmentStanding]) -> list[AssessmentStanding]:
    """The required assessments of these not passed yet, in their order."""
    return [item for item in standings if item.due]


def required_due(user_id: int, course_ids: list[int]) -> dict[int, list[AssessmentStanding]]:
    """For each of the courses, its required assessments the learner has not passed, in order; one statement."""
    if not course_ids:
        return {}
    rows = db.session.execute(_required_standings(), {"user_id": user_id, "course_ids": list(course_ids)}).all()
    due: dict[int, list[AssessmentStanding]] = {}
    for item in due_of([AssessmentStanding(*row) for row in rows]):
        due.setdefault(item.course_id, []).append(item)
    return due


def required_assessments_passed(_sender, *, user_id: int, course_id: int, **_facts) -> bool:
    """The assessments' part of course completion (`events.completion_requirements`): no required
    assessment left to pass."""
    return not required_due(user_id, [course_id])


def may_review(attempt: Attempt, standing: AssessmentStanding | None = None) -> bool:
    """Whether the right answers, feedback and explanations may be shown for a closed attempt.

    Under every policy but after_submission, never while another attempt of the learner is open:
    the review would be the key to it. `standing`, the learner's in this assessment when the page
    has read it (standing.py), saves reading their attempts again.
    """
    if attempt.status == OPEN:
        return False
    assessment = assessment_of(attempt)
    if assessment.review == AFTER_SUBMISSION:
        return True
    if assessment.review not in (AFTER_PASSING, AFTER_PASS_OR_LAST):
        return False
    if standing is not None:
        any_open, any_passed, used = standing.open_attempt_id is not None, standing.passed, standing.attempts_used
    else:
        sittings = db.session.execute(
            sa.select(Attempt.status, Attempt.passed).where(
                Attempt.user_id == attempt.user_id, Attempt.assessment_id == assessment.id
            )
        ).all()
        any_open = any(status == OPEN for status, _passed in sittings)
        any_passed = any(passed for _status, passed in sittings)
        used = len(sittings)
    if any_open:
        return False
    if any_passed:
        return True
    return assessment.review == AFTER_PASS_OR_LAST and attempts_left(assessment, used) == 0
