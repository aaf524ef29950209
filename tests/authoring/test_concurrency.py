"""Two trainers at the same instant (threads, separate sessions and connections), on SQLite or PostgreSQL."""

import re

import sqlalchemy as sa

from app.auth.models import Role
from app.authoring.models import CourseDraft
from app.courses.models import CourseVersion
from app.extensions import db
from tests.assessments.test_concurrency import _clients, _together
from tests.helpers import csrf_token

LESSON = "/author/intro-to-data/lessons/declarations"


def _revision(client, page: str) -> str:
    return re.search(r'name="revision"[^>]*value="(\d+)"', client.get(page).get_data(as_text=True)).group(1)


def test_two_trainers_publishing_the_same_draft_at_once_publish_one_version(app, make_user, synced):
    """Does exactly one publish win, the other is told, and no error page is shown?"""
    director = make_user(Role.DIRECTORATE)
    first, second = _clients(app, director.email, 2)
    token = csrf_token(first, "/author/intro-to-data")
    first.post("/author/intro-to-data/draft", data={"csrf_token": token})
    form = {"revision": _revision(first, LESSON), "title": "What a declaration holds", "minutes": "20"}
    first.post(LESSON, data={**form, "body": "# Changed\n", "csrf_token": csrf_token(first, LESSON)})
    revision = _revision(first, "/author/intro-to-data")

    def publish(client):
        data = {"csrf_token": csrf_token(client, "/author/intro-to-data"), "revision": revision, "note": "same time"}
        return lambda: client.post("/author/intro-to-data/publish", data=data).status_code

    assert _together([publish(first), publish(second)]) == [302, 302]
    with app.app_context():
        versions = db.session.scalars(sa.select(CourseVersion.note).order_by(CourseVersion.number)).all()
        assert versions.count("same time") == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseDraft)) == 0


def test_two_trainers_saving_the_same_revision_at_once_keep_exactly_one(app, make_user, synced):
    """Of two saves based on the same revision, posted at the same instant, is exactly one kept?"""
    director = make_user(Role.DIRECTORATE)
    first, second = _clients(app, director.email, 2)
    first.post("/author/intro-to-data/draft", data={"csrf_token": csrf_token(first, "/author/intro-to-data")})
    revision = _revision(first, LESSON)

    def save(client, text):
        data = {"csrf_token": csrf_token(client, LESSON), "revision": revision, "title": "T", "minutes": "20"}
        return lambda: client.post(LESSON, data={**data, "body": text}).status_code

    assert _together([save(first, "# First\n"), save(second, "# Second\n")]) == [302, 302]
    with app.app_context():
        draft = db.session.scalar(sa.select(CourseDraft))
        assert draft.revision == int(revision) + 1
    shown = first.get(LESSON).get_data(as_text=True)
    assert ("# First" in shown) != ("# Second" in shown)
