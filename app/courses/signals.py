"""What courses asks of the packages above it, as blinker signals, so that it never imports them.

Assessments build on courses (a layer above, ARCHITECTURE.md), yet the course page lists a
course's assessments and resume, "Mark as complete" and My learning lead to a required one not
yet passed. The assessments package answers these signals (app/assessments/__init__.py); with
no receiver a course has no assessments.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

_signals = Namespace()

#: Sent with the learner's id (None: nobody's attempts) and `course_id`; a receiver returns the
#: course's live assessments in order, each with the learner's standing.
assessment_standings = _signals.signal("assessment-standings")
#: Sent with the learner's id and `course_ids`; a receiver returns {course id: the required
#: assessments the learner has still to pass, in order}.
assessments_due = _signals.signal("assessments-due")


def standings_in(user_id: int | None, course_id: int) -> list[Any]:
    """The course's assessments with the learner's standing in each (the course page lists them)."""
    return [item for _receiver, items in assessment_standings.send(user_id, course_id=course_id) for item in items]


def required_due(user_id: int, course_ids: list[int]) -> dict[int, list[Any]]:
    """For each of these courses, the required assessments the learner has still to pass."""
    due: dict[int, list[Any]] = {}
    for _receiver, answer in assessments_due.send(user_id, course_ids=course_ids):
        for course_id, items in answer.items():
            due.setdefault(course_id, []).extend(items)
    return due
