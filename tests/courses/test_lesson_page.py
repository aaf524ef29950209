"""The lesson page is rendered once per lesson and language, and filled with each learner's parts."""

import re

import sqlalchemy as sa
from flask import template_rendered

from app.auth.models import Role
from app.core.shells import Shell, hole
from app.courses.models import Enrolment, LessonProgress
from app.extensions import db
from tests.helpers import CSRF_RE, AuthActions, StatementCounter, post_form

INTRO = "/courses/intro-to-data"
FIRST = f"{INTRO}/lessons/declarations"
SECOND = f"{INTRO}/lessons/exploring"
TICK = '<span class="done">✓'


class Rendered:
    """The names of the templates rendered inside a `with` block."""

    def __init__(self, app) -> None:
        self.app, self.names = app, []

    def _record(self, _sender, template, context, **_extra) -> None:
        self.names.append(template.name)

    def __enter__(self):
        template_rendered.connect(self._record, self.app)
        return self

    def __exit__(self, *_exc) -> None:
        template_rendered.disconnect(self._record, self.app)


def _ticks(page: str) -> int:
    return page.count(TICK)


def test_each_learner_sees_their_own_progress_on_one_kept_page(app, make_user, synced):
    """Do two learners get the same lesson, rendered once, each with their own ticks, bar and form?"""
    ahead, behind = app.test_client(), app.test_client()
    for client in (ahead, behind):
        AuthActions(client).login(make_user().email)
        post_form(client, INTRO, f"{INTRO}/enrol")
    post_form(ahead, FIRST, f"{FIRST}/complete")

    with Rendered(app) as rendered:
        ahead_page = ahead.get(FIRST).get_data(as_text=True)
        behind_page = behind.get(FIRST).get_data(as_text=True)
        ahead.get(FIRST)
    assert "courses/lesson.html" not in rendered.names  # kept from the views that read the tokens

    assert "You completed this lesson." in ahead_page and "Mark as complete" not in ahead_page
    assert _ticks(ahead_page) == 1 and "1 of 2 lessons done" in ahead_page
    assert "Mark as complete" in behind_page and "You completed this lesson." not in behind_page
    assert _ticks(behind_page) == 0 and "0 of 2 lessons done" in behind_page
    assert "<!--hole-" not in ahead_page + behind_page

    # Each page carries its own learner's token: the form works for the one it was given to.
    tokens = {CSRF_RE.search(page)[1] for page in (ahead_page, behind_page)}
    assert len(tokens) == 2
    reply = behind.post(f"{FIRST}/complete", data={"csrf_token": CSRF_RE.search(behind_page)[1]})
    assert reply.status_code == 302
    assert _ticks(behind.get(SECOND).get_data(as_text=True)) == 1


def test_opening_a_lesson_is_recorded_once_and_a_repeat_view_writes_nothing(app, client, auth, make_user, synced):
    """Is the first opening of each lesson kept, does "resume" follow the last lesson opened, and does
    reading the same lesson again (what learners do most) leave the database alone?"""
    learner = make_user()
    auth.login(learner.email)
    post_form(client, INTRO, f"{INTRO}/enrol")

    def state() -> tuple[dict, int | None]:
        with app.app_context():
            opened = dict(
                db.session.execute(
                    sa.select(LessonProgress.lesson_id, LessonProgress.first_opened_at).where(
                        LessonProgress.user_id == learner.id
                    )
                ).all()
            )
            last = db.session.scalar(sa.select(Enrolment.last_lesson_id).where(Enrolment.user_id == learner.id))
        return opened, last

    client.get(FIRST)
    first_opened, last = state()
    assert len(first_opened) == 1 and last == next(iter(first_opened))
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(FIRST).status_code == 200
    assert not [s for s in counter.statements if s.split()[0] in ("INSERT", "UPDATE", "DELETE")], counter.statements

    client.get(SECOND)
    opened, last = state()
    assert len(opened) == 2 and last != next(iter(first_opened))
    client.get(FIRST)
    again, last = state()
    assert again == opened and last == next(iter(first_opened))  # the first opening is kept; resume follows


def test_a_message_shows_once_on_the_kept_page(app, client, auth, make_user, synced):
    """Is a flashed message shown on the next lesson view, and only that one?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    client.get(FIRST)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your cohort starts on Monday.")]
    assert "Your cohort starts on Monday." in client.get(FIRST).get_data(as_text=True)
    assert "Your cohort starts on Monday." not in client.get(FIRST).get_data(as_text=True)


def test_the_header_follows_the_role_on_a_kept_page(app, client, auth, make_user, synced):
    """Does a trainer previewing a lesson get the trainer's header, and a learner the learner's?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    learner_page = client.get(FIRST).get_data(as_text=True)
    auth.logout()
    auth.login(make_user(Role.TRAINER).email)
    trainer_page = client.get(FIRST).get_data(as_text=True)
    assert "Course editor" in trainer_page and "Course editor" not in learner_page
    assert "Mark as complete" not in trainer_page and "lessons done" not in trainer_page  # a preview


def test_shell_fills_holes_and_ignores_forged_markers():
    """Are holes filled with their arguments, while a marker written by a trainer stays text?"""
    forged = "<!--hole-0000000000000000:actions-->"
    shell = Shell(f"<ul>{hole('done', 7)}{hole('done', 8)}</ul>{forged}<p>{hole('actions')}</p>")
    page = shell.fill({"done": lambda lesson_id: f"[{lesson_id}]", "actions": lambda: "form"})
    assert page == f"<ul>[7][8]</ul>{forged}<p>form</p>"
    assert re.search(r"hole-[0-9a-f]{16}", str(hole("x"))) is not None
