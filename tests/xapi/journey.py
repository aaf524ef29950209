"""A learner's journey through the services, for the xAPI tests: the events it sends are what
statements are made of."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.assessments import services as assessments
from app.assessments.models import Assessment
from app.auth.models import User
from app.courses import services as courses
from app.courses.models import Course, Lesson
from app.extensions import db
from tests.helpers import answer_form


def finish_practice_course(app, learner) -> None:
    """Open and complete every lesson of Data in practice, fail its assessment once, then pass it."""
    with app.app_context():
        user = db.session.get(User, learner.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        enrolment = courses.enrol(user, course)
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id)):
            courses.open_lesson(user.id, enrolment.id, lesson.id, course_id=course.id)
            courses.complete_lesson(user, enrolment, lesson)
        db.session.commit()
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.course_id == course.id))
        for right in (False, True):
            attempt = assessments.start_attempt(user, assessment)
            db.session.commit()
            form = answer_form(app, attempt.id, right=right)
            assessments.submit(db.session.merge(attempt), MultiDict(_pairs(form)))
            db.session.commit()


def _pairs(form: dict) -> list[tuple[str, str]]:
    return [(k, item) for k, v in form.items() for item in (v if isinstance(v, list) else [v])]
