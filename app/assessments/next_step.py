"""What a learner should do after an attempt: the "next step" block of the result page.

A pass says whether the course is now complete and where its certificate is, or what is still
left; a fail says how many attempts are left and what to read again before trying again.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.assessments.models import Attempt
from app.assessments.services import assessment_of
from app.assessments.standing import AssessmentStanding, due_of, standings_in
from app.certificates import services as certificates
from app.courses import services as courses
from app.courses import structure
from app.courses.structure import CourseView, LessonItem, ModuleView


@dataclass(frozen=True)
class NextStep:
    course: CourseView
    #: This assessment as the learner now stands in it (a later attempt may have passed).
    assessment: AssessmentStanding
    course_complete: bool
    #: Required lessons the learner has still to complete.
    lessons_left: bool
    #: Other required assessments of the course not passed yet.
    other_due: list[AssessmentStanding]
    #: The code of the learner's certificate for the course, once it is complete.
    certificate_code: str | None
    #: What to read again before another attempt: each module with its first lesson.
    revisit: list[tuple[ModuleView, LessonItem]]
    #: The courses that completing this one opened to the learner.
    opened: list[CourseView]


def after(attempt: Attempt, standings: list[AssessmentStanding] | None = None) -> NextStep | None:
    """The next step for the learner of a closed attempt (None once its assessment is retired); three statements,
    two when the page has read the learner's `standings` in the course.

    Questions carry no link to the lessons that teach them, so a fail points to the course's
    modules (each by its first lesson) rather than to the lessons of the questions missed.
    """
    course = structure.current().by_id[assessment_of(attempt).course_id]
    standings = standings_in(attempt.user_id, course.id) if standings is None else standings
    this = next((item for item in standings if item.id == attempt.assessment_id), None)
    if this is None:
        return None
    record = courses.record_in(attempt.user_id, course.id)
    enrolment = record.standing
    complete = enrolment is not None and enrolment.completed
    certificate = certificates.course_certificate(attempt.user_id, course.id) if complete else None
    return NextStep(
        course=course,
        assessment=this,
        course_complete=complete,
        lessons_left=enrolment is not None and not course.lessons_done(enrolment.lessons_completed),
        other_due=[item for item in due_of(standings) if item.id != this.id],
        certificate_code=certificate.code if certificate else None,
        revisit=[(module, lessons[0]) for module, lessons in course.outline if lessons],
        opened=courses.courses_opened_by(record, course) if complete else [],
    )
