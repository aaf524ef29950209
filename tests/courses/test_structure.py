"""The curriculum kept per process: a publish shows at once, and no visitor sees another's page."""

import sqlalchemy as sa

from app.content.sync import sync
from app.courses.models import Course
from app.extensions import db
from tests.helpers import post_form

INTRO = "/courses/intro-to-data"
LESSON = f"{INTRO}/lessons/declarations"


def _republish(app, content_dir, old: str, new: str, path: str = "courses/intro-to-data/lessons/declarations.md"):
    """Change a content file and publish it the way `flask content sync` does."""
    source = content_dir / path
    source.write_text(source.read_text().replace(old, new))
    with app.app_context():
        report = sync(content_dir)
        db.session.commit()
    assert report.changed


def test_republished_lesson_shows_its_new_text(app, client, auth, make_user, synced):
    """Does a lesson show its new text on the next view after the course is published again?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    assert "The goods declaration" in client.get(LESSON).get_data(as_text=True)
    _republish(app, synced, "The goods declaration", "The single administrative document")
    page = client.get(LESSON).get_data(as_text=True)
    assert "The single administrative document" in page and "The goods declaration" not in page


def test_republished_course_title_shows_in_catalogue_and_lessons(app, client, auth, make_user, synced):
    """Do the anonymous catalogue, My learning and the lesson outline follow a renamed course and lesson?"""
    assert "Introduction to Customs data" in client.get("/catalogue").get_data(as_text=True)
    _republish(
        app,
        synced,
        "title: Introduction to Customs data",
        "title: Customs data, first steps",
        "courses/intro-to-data/course.yml",
    )
    _republish(
        app,
        synced,
        "title: What a declaration holds",
        "title: Inside a declaration",
        "courses/intro-to-data/course.yml",
    )
    catalogue = client.get("/catalogue").get_data(as_text=True)
    assert "Customs data, first steps" in catalogue and "Introduction to Customs data" not in catalogue
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    assert "Customs data, first steps" in client.get("/my-learning").get_data(as_text=True)
    assert "Inside a declaration" in client.get(f"{INTRO}/lessons/exploring").get_data(as_text=True)


def test_retired_course_leaves_the_kept_catalogue(app, client, synced):
    """Does a course retired by an edit of its row disappear from the anonymous catalogue at once?"""
    assert "Customs data in practice" in client.get("/catalogue").get_data(as_text=True)
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        course.retired_at = sa.func.now()
        db.session.commit()
    assert "Customs data in practice" not in client.get("/catalogue").get_data(as_text=True)
    assert client.get("/courses/data-in-practice/lessons/indicators").status_code in (302, 404)


def test_kept_catalogue_holds_no_visitor_data(app, client, auth, make_user, synced):
    """Does an anonymous visitor get neither a learner's enrolment nor a message meant for someone else?"""
    learner = make_user()
    auth.login(learner.email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    assert "In progress" in client.get("/catalogue").get_data(as_text=True)
    auth.logout()
    stranger = app.test_client()
    assert "In progress" not in stranger.get("/catalogue").get_data(as_text=True)
    # A visitor with a message waiting sees it once; the page kept for everyone does not hold it.
    stranger.get("/my-learning")  # redirected to log in, with "Log in to open this page."
    assert "Log in to open this page." in stranger.get("/catalogue").get_data(as_text=True)
    assert "Log in to open this page." not in app.test_client().get("/catalogue").get_data(as_text=True)
    assert "Log in to open this page." not in stranger.get("/catalogue").get_data(as_text=True)
