"""A learner ready to sit the fixture course's assessment, and a way to answer it right or wrong."""

import pytest
import sqlalchemy as sa

from app.assessments.models import Assessment, Attempt, Question
from app.courses import services as courses
from app.courses.models import Course, Lesson
from app.extensions import db

PRACTICE = "/courses/data-in-practice"
ASSESSMENT = f"{PRACTICE}/assessments/final"


@pytest.fixture
def ready_learner(app, make_user, synced):
    """A learner who completed the Foundation course and is enrolled in the Practitioner one."""
    learner = make_user()
    with app.app_context():
        from app.auth.models import User

        user = db.session.get(User, learner.id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        enrolment = courses.enrol(user, intro)
        for lesson in db.session.scalars(
            sa.select(Lesson).where(Lesson.course_id == intro.id, Lesson.optional.is_(False))
        ):
            courses.complete_lesson(user, enrolment, lesson)
        courses.enrol(user, db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice")))
        db.session.commit()
    return learner


def answer_form(app, attempt_id: int, right: bool = True) -> dict:
    """The form a learner would post to answer every question of the attempt right (or wrong)."""
    data: dict = {}
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        for question_id in attempt.question_ids:
            question = db.session.get(Question, question_id)
            field, spec = f"q{question.id}", question.spec
            if question.type == "single_choice":
                data[field] = next(c["id"] for c in spec["choices"] if c["correct"] == right)
            elif question.type == "multiple_choice":
                data[field] = [c["id"] for c in spec["choices"] if c["correct"] == right] or [spec["choices"][0]["id"]]
            elif question.type == "true_false":
                data[field] = "true" if spec["answer"] == right else "false"
            elif question.type == "numeric":
                data[field] = str(spec["answer"] if right else spec["answer"] + 1000)
            elif question.type == "short_text":
                data[field] = f"  {spec['accepted'][0].upper()} " if right else "something else"
            elif question.type == "ordering":
                ids = [item["id"] for item in spec["items"]]
                order = ids if right else list(reversed(ids))
                data.update({f"{field}-{item_id}": str(order.index(item_id) + 1) for item_id in ids})
            elif question.type == "matching":
                ids = [item["id"] for item in spec["items"]]
                data.update({f"{field}-{item_id}": item_id if right else ids[(i + 1) % len(ids)]
                             for i, item_id in enumerate(ids)})  # fmt: skip
    return data


def assessment_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Assessment.id).where(Assessment.slug == "final"))
