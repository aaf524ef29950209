"""Where a learner stands in a course's assessments: what the course page, "Continue" and My learning show.

Each is read in one statement, whatever the number of assessments, attempts or courses, so
that the pages that show it run the same number of statements at any size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.assessments.models import Assessment, Attempt
from app.assessments.services import OPEN, attempts_left
from app.common.time import utcnow
from app.extensions import db

NOT_STARTED, IN_PROGRESS, TIME_UP, PASSED, NOT_PASSED = "not_started", "in_progress", "time_up", "passed", "not_passed"


@dataclass(frozen=True)
class AssessmentStanding:
    """One assessment of a course with what the learner has done of it."""

    id: int
    slug: str
    title: str
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


def _standing_columns(user_id: int | None) -> sa.Select:
    mine = sa.and_(Attempt.assessment_id == Assessment.id, Attempt.user_id == user_id)
    return (
        sa.select(
            Assessment.id,
            Assessment.slug,
            Assessment.title,
            Assessment.required,
            Assessment.pass_mark,
            Assessment.max_attempts,
            Assessment.time_limit_minutes,
            sa.func.count(Attempt.id),
            sa.func.max(sa.case((Attempt.passed.is_(True), Attempt.percent))),
            sa.func.max(sa.case((Attempt.status != OPEN, Attempt.percent))),
            sa.func.max(sa.case((Attempt.status == OPEN, Attempt.id))),
            sa.func.max(sa.case((Attempt.status == OPEN, Attempt.deadline))),
        )
        .select_from(Assessment)
        .outerjoin(Attempt, mine)
        .where(Assessment.retired_at.is_(None))
        .group_by(Assessment.id)
    )


def standings_in(user_id: int | None, course_id: int) -> list[AssessmentStanding]:
    """The live assessments of a course in order, each with the learner's attempts (none for None); one statement."""
    rows = db.session.execute(
        _standing_columns(user_id).where(Assessment.course_id == course_id).order_by(Assessment.position)
    ).all()
    return [AssessmentStanding(*row) for row in rows]


@dataclass(frozen=True)
class Due:
    """A required assessment a learner has still to pass."""

    course_id: int
    slug: str
    title: str
    open_attempt_id: int | None
    attempts_used: int
    max_attempts: int | None

    @property
    def attempts_left(self) -> int | None:
        """Attempts the learner may still start; None when unlimited."""
        return attempts_left(self, self.attempts_used)


def required_due(user_id: int, course_ids: list[int]) -> dict[int, list[Due]]:
    """For each of the courses, its required assessments the learner has not passed, in order; one statement."""
    if not course_ids:
        return {}
    passed = sa.select(Attempt.assessment_id).where(Attempt.user_id == user_id, Attempt.passed.is_(True))
    mine = sa.and_(Attempt.assessment_id == Assessment.id, Attempt.user_id == user_id)
    running = sa.select(sa.func.max(Attempt.id)).where(mine, Attempt.status == OPEN).scalar_subquery()
    used = sa.select(sa.func.count(Attempt.id)).where(mine).scalar_subquery()
    rows = db.session.execute(
        sa.select(Assessment.course_id, Assessment.slug, Assessment.title, running, used, Assessment.max_attempts)
        .where(
            Assessment.course_id.in_(course_ids),
            Assessment.required.is_(True),
            Assessment.retired_at.is_(None),
            Assessment.id.not_in(passed),
        )
        .order_by(Assessment.course_id, Assessment.position)
    ).all()
    due: dict[int, list[Due]] = {}
    for row in rows:
        due.setdefault(row[0], []).append(Due(*row))
    return due
