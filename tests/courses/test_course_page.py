"""The course page: read through the kept curriculum, kept as a shell, filled with each visitor's own parts."""

from app.auth.models import Role
from app.extensions import db
from tests.courses.test_lesson_page import TICK, Rendered
from tests.helpers import CSRF_RE, AuthActions, StatementCounter, post_form

INTRO = "/courses/intro-to-data"
FIRST = f"{INTRO}/lessons/declarations"
#: Columns only a read of the curriculum itself would select (the fingerprint counts rows, the standing lists ids).
CURRICULUM_COLUMNS = ("courses.title", "courses.slug", "modules.title", "lessons.title", "tracks.title", "tiers.title")


def _repeat_view(app, client, path: str) -> list[str]:
    """The statements a repeat view of `path` runs."""
    client.get(path)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(path).status_code == 200
    return counter.statements


def test_the_course_page_reads_no_more_than_a_lesson_page(app, client, auth, make_user, synced):
    """Does an enrolled learner's course page run at most one statement more than a lesson page (its assessments),
    and read the curriculum only through its fingerprint?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    post_form(client, FIRST, f"{FIRST}/complete")
    course = _repeat_view(app, client, INTRO)
    lesson = _repeat_view(app, client, FIRST)
    assert len(course) <= len(lesson) + 1, course
    assert not [s for s in course if any(column in s for column in CURRICULUM_COLUMNS)], course


def test_each_visitor_gets_their_own_parts_of_one_kept_course_page(app, make_user, synced):
    """Do two learners, a newcomer and an anonymous visitor get one page rendered once, each with their own
    progress, ticks, form and links?"""
    ahead, behind, newcomer, anonymous = (app.test_client() for _ in range(4))
    for client in (ahead, behind):
        AuthActions(client).login(make_user().email)
        post_form(client, INTRO, f"{INTRO}/enrol")
    AuthActions(newcomer).login(make_user().email)
    post_form(ahead, FIRST, f"{FIRST}/complete")

    pages = {}
    visitors = {"ahead": ahead, "behind": behind, "newcomer": newcomer, "anonymous": anonymous}
    for client in visitors.values():
        client.get(INTRO)  # each kind of page is kept at its first view
    with Rendered(app) as rendered:
        for name, client in visitors.items():
            pages[name] = client.get(INTRO).get_data(as_text=True)
    assert "courses/course.html" not in rendered.names

    assert "1 of 2 lessons done" in pages["ahead"] and pages["ahead"].count(TICK) == 1
    assert "0 of 2 lessons done" in pages["behind"] and pages["behind"].count(TICK) == 0
    assert ">Continue<" in pages["ahead"] and ">Start<" in pages["behind"]
    assert f'href="{FIRST}"' in pages["ahead"] and f'href="{FIRST}"' in pages["behind"]
    assert f'href="{FIRST}"' not in pages["newcomer"] and "lessons done" not in pages["newcomer"]
    assert 'action="/courses/intro-to-data/enrol"' in pages["newcomer"] and CSRF_RE.search(pages["newcomer"])
    assert "Log in to enrol" in pages["anonymous"] and f'href="{FIRST}"' not in pages["anonymous"]
    assert 'action="/courses/intro-to-data/enrol"' not in pages["anonymous"]
    assert "<!--hole-" not in "".join(pages.values())


def test_a_trainer_previews_the_lessons_from_the_course_page(app, client, auth, make_user, synced):
    """Does a trainer who is not enrolled see the lessons as links (a preview) and the enrol form?"""
    auth.login(make_user(Role.TRAINER).email)
    page = client.get(INTRO).get_data(as_text=True)
    assert f'href="{FIRST}"' in page and "lessons done" not in page
    assert 'action="/courses/intro-to-data/enrol"' in page
