"""A crowd on the lesson pages: real threads, each with its own session and connection, on the test
database (a SQLite file by default, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.courses import services
from app.courses.models import Course, Enrolment, Lesson, LessonProgress
from app.extensions import db
from tests.helpers import PASSWORD, AuthActions

CROWD = 32
COURSE = "intro-to-data"


def _together(functions) -> list:
    """Run the functions in threads released at the same instant; return their results (or exceptions)."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        barrier.wait()
        try:
            results[index] = function()
        except Exception as error:  # a 500 in the test client: kept, to be reported with the others
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _learners_on_their_first_lesson(app, make_user, n: int) -> tuple[list, list[str]]:
    """n learners logged in (each from their own address), enrolled, each having opened the first lesson only."""
    learners = [make_user(password=None) for _ in range(n)]
    with app.app_context():
        # One scrypt hash for all: a crowd of hashes would only slow the test down.
        db.session.execute(sa.update(User).values(password_hash=generate_password_hash(PASSWORD)))
        course = db.session.scalar(sa.select(Course).where(Course.slug == COURSE))
        lessons = db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id)).all()
        for learner in learners:
            services.enrol(db.session.get(User, learner.id), course)
        db.session.commit()
        slugs = [lesson.slug for lesson in lessons]
    clients = [_logged_in(app, learner.email, number) for number, learner in enumerate(learners)]
    for client in clients:
        assert client.get(f"/courses/{COURSE}/lessons/{slugs[0]}").status_code == 200
    return clients, slugs


def _logged_in(app, email: str, number: int):
    """A browser of its own, logged in from an address of its own (login limits count per address)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.{number // 250}.{number % 250 + 1}"
    assert AuthActions(client).login(email).status_code == 302
    return client


def test_a_crowd_opening_new_lessons_at_once_gets_every_page(app, make_user, synced):
    """When 32 learners open, at the same moment, a lesson they never opened, does each get the page and keep it?"""
    clients, slugs = _learners_on_their_first_lesson(app, make_user, CROWD)

    def first_visit(client):
        return lambda: client.get(f"/courses/{COURSE}/lessons/{slugs[1]}").status_code

    codes = _together([first_visit(client) for client in clients])
    assert codes == [200] * CROWD, [code for code in codes if code != 200]
    with app.app_context():
        second = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slugs[1]))
        assert db.session.scalar(sa.select(sa.func.count()).where(LessonProgress.lesson_id == second)) == CROWD
        assert db.session.scalars(sa.select(Enrolment.last_lesson_id)).all() == [second] * CROWD


def test_two_tabs_opening_a_new_lesson_at_once_record_one_first_visit(app, make_user, synced):
    """When a learner opens the same new lesson in several tabs at once, is each tab served and the visit kept once?"""
    clients, slugs = _learners_on_their_first_lesson(app, make_user, 1)
    with app.app_context():
        email = db.session.scalar(sa.select(User.email))
    tabs = clients + [_logged_in(app, email, number) for number in range(1, 8)]  # a session per tab

    def open_third(tab):
        return lambda: tab.get(f"/courses/{COURSE}/lessons/{slugs[2]}").status_code

    codes = _together([open_third(tab) for tab in tabs])
    assert codes == [200] * 8
    with app.app_context():
        third = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slugs[2]))
        assert db.session.scalar(sa.select(sa.func.count()).where(LessonProgress.lesson_id == third)) == 1
        assert db.session.scalar(sa.select(Enrolment.last_lesson_id)) == third
