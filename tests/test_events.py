"""Events: the services announce what they change, with plain values, in the request's transaction."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime

import sqlalchemy as sa

from app.common import events
from app.courses.models import Enrolment
from app.extensions import db
from tests.helpers import ASSESSMENT, PRACTICE, answer_form, csrf_token, post_form

LEARNER_EVENTS = [
    events.enrolled,
    events.lesson_opened,
    events.lesson_completed,
    events.attempt_started,
    events.attempt_graded,
    events.course_completed,
    events.certificate_issued,
]


@contextlib.contextmanager
def recording(*signals):
    """Collect (signal name, sender, kwargs) for each of these signals sent inside the block."""
    heard: list[tuple[str, object, dict]] = []

    def receiver_for(signal):
        def receive(sender, **kwargs):
            heard.append((signal.name, sender, kwargs))

        return receive

    receivers = [(signal, receiver_for(signal)) for signal in signals]
    with contextlib.ExitStack() as stack:
        for signal, receiver in receivers:
            stack.enter_context(signal.connected_to(receiver))
        yield heard


def _plain(value) -> bool:
    return value is None or isinstance(value, int | float | str | bool | datetime)


def test_a_learners_journey_announces_each_step(app, client, auth, ready_learner):
    """Do enrolling, lessons, an attempt and the course's completion each send their event, with plain values?"""
    auth.login(ready_learner.email)
    with recording(*LEARNER_EVENTS) as heard:
        client.get(f"{PRACTICE}/lessons/indicators")
        post_form(client, f"{PRACTICE}/lessons/indicators", f"{PRACTICE}/lessons/indicators/complete")
        start = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
        attempt_id = int(re.search(r"/attempts/(\d+)$", start.location).group(1))
        data = {**answer_form(app, attempt_id, right=True), "action": "submit"}
        client.post(f"/attempts/{attempt_id}", data={**data, "csrf_token": csrf_token(client, ASSESSMENT)})
    names = [name for name, _sender, _kwargs in heard]
    # The certificates' receiver of course-completed runs before this test's: the certificates come first.
    assert names[:4] == ["lesson-opened", "lesson-completed", "attempt-started", "attempt-graded"]
    assert sorted(names[4:]) == ["certificate-issued", "certificate-issued", "course-completed"]  # course and tier
    for _name, sender, kwargs in heard:
        assert isinstance(sender, str)
        assert all(_plain(value) for value in kwargs.values()), kwargs
        assert kwargs["user_id"] == ready_learner.id
        assert isinstance(kwargs["at"], datetime)
    graded = next(kwargs for name, _sender, kwargs in heard if name == "attempt-graded")
    assert graded["attempt_id"] == attempt_id and graded["passed"] is True and graded["percent"] == 100.0
    completed = next(kwargs for name, _sender, kwargs in heard if name == "course-completed")
    with app.app_context():
        enrolment = db.session.get(Enrolment, completed["enrolment_id"])
        assert enrolment.completed_at == completed["at"]


def test_an_event_sent_in_a_rolled_back_transaction_leaves_nothing(app, make_user, synced):
    """Does a receiver's write join the service's transaction, so a rollback undoes both?"""
    from app.auth.models import User
    from app.courses import services as courses

    learner = make_user()

    def write_in_the_same_transaction(_sender, *, enrolment_id, **_facts):
        db.session.execute(sa.update(Enrolment).where(Enrolment.id == enrolment_id).values(lessons_completed=7))

    with app.app_context(), events.enrolled.connected_to(write_in_the_same_transaction):
        courses.enrol(db.session.get(User, learner.id), courses.course_by_slug("intro-to-data"))
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0


def test_questions_answer_neutrally_without_receivers(app):
    """With no package above to answer, is a course's completion unconditioned, and are there no projects?"""
    with (
        events.completion_requirements.muted(),
        events.workshop_projects.muted(),
        events.course_editable.muted(),
    ):
        assert events.completion_requirements_met(1, 1, 1) is True
        assert events.projects_for_workshops() == []
        assert events.may_edit_course("intro-to-data") is False
