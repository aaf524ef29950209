"""The learner's path: catalogue, locks enforced on the server, enrolment, lessons, progress, resume."""

import re

import sqlalchemy as sa

from app.auth.models import Role, User
from app.authoring.drafts import add_author
from app.courses.models import Enrolment, Lesson, LessonProgress
from app.extensions import db
from tests.helpers import csrf_token, post_form

INTRO = "/courses/intro-to-data"
PRACTICE = "/courses/data-in-practice"


def _complete(client, lesson_slug: str, course: str = INTRO):
    page = f"{course}/lessons/{lesson_slug}"
    return post_form(client, page, f"{page}/complete")


def test_anonymous_catalogue_shows_tracks_tiers_and_courses(client, synced):
    """Can anyone browse tracks, tiers and courses with summaries and hours?"""
    page = client.get("/catalogue").get_data(as_text=True)
    assert "Data specialists" in page and "Foundation" in page and "Practitioner" in page
    assert "Introduction to Customs data" in page and "2.0 hours" in page
    assert "Leaders" not in page  # a track with no course is not shown


def test_catalogue_search_finds_lesson_text(client, synced):
    """Does searching the catalogue find a course by words inside its lessons?"""
    page = client.get("/catalogue?q=closer+look").get_data(as_text=True)
    assert ">Customs data in practice</a></h4>" in page and ">Introduction to Customs data</a></h4>" not in page
    assert "No course matches" in client.get("/catalogue?q=zebra").get_data(as_text=True)


def test_locked_course_says_what_to_complete(client, auth, make_user, synced):
    """Does a learner see why a higher-tier course is locked?"""
    auth.login(make_user().email)
    page = client.get("/catalogue").get_data(as_text=True)
    assert "Locked: complete Introduction to Customs data first." in page
    assert "Locked: complete Introduction to Customs data first." in client.get(PRACTICE).get_data(as_text=True)


def test_locked_course_cannot_be_entered_by_posting(app, client, auth, make_user, synced):
    """Is a locked course refused on the server, even to a hand-made enrol post or a lesson URL?"""
    learner = make_user()
    auth.login(learner.email)
    response = post_form(client, INTRO, f"{PRACTICE}/enrol")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0
    response = client.get(f"{PRACTICE}/lessons/indicators")
    assert response.status_code == 302 and response.location.endswith(PRACTICE)


def test_enrol_read_complete_and_unlock(app, client, auth, make_user, synced):
    """Can a learner enrol, read the Markdown and notebook lessons, mark them complete and so unlock the next tier?"""
    learner = make_user()
    auth.login(learner.email)
    response = post_form(client, INTRO, f"{INTRO}/enrol")
    assert response.location.endswith(f"{INTRO}/resume")
    first = client.get(response.location)
    assert first.location.endswith("/lessons/declarations")
    page = client.get(first.location).get_data(as_text=True)
    assert "What a declaration holds" in page and "<table>" in page and "Mark as complete" in page
    assert 'href="/glossary#term-anonymisation"' in page
    response = _complete(client, "declarations")
    assert response.location.endswith("/lessons/exploring")  # on to the next lesson
    page = client.get(f"{INTRO}/lessons/exploring").get_data(as_text=True)
    assert "lines: 2" in page and "Sample declarations (CSV)" in page
    response = _complete(client, "exploring")
    assert response.location.endswith(INTRO)  # the optional reading is not needed
    course_page = client.get(INTRO).get_data(as_text=True)
    assert "You completed this course" in course_page
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment))
        assert enrolment.completed_at is not None and enrolment.lessons_completed == 2
    assert "Locked" not in client.get(PRACTICE).get_data(as_text=True)
    assert post_form(client, PRACTICE, f"{PRACTICE}/enrol").location.endswith(f"{PRACTICE}/resume")


def test_progress_is_kept_across_logins_and_resume_returns_to_the_last_lesson(app, client, auth, make_user, synced):
    """After logging out and in again days later, does 'Continue' open the lesson where the learner stopped?"""
    learner = make_user()
    auth.login(learner.email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    _complete(client, "declarations")
    client.get(f"{INTRO}/lessons/exploring")  # opened, not completed
    auth.logout()
    auth.login(learner.email)
    my = client.get("/my-learning").get_data(as_text=True)
    assert "Introduction to Customs data" in my and "1 of 2 lessons done" in my
    assert f"{INTRO}/lessons/exploring" in my
    assert client.get(f"{INTRO}/resume").location.endswith("/lessons/exploring")
    with app.app_context():
        opened = db.session.scalars(sa.select(LessonProgress)).all()
        assert len(opened) == 2 and sum(p.completed_at is not None for p in opened) == 1


def test_completing_twice_counts_once(app, client, auth, make_user, synced):
    """Does marking the same lesson complete twice count it once?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    _complete(client, "declarations")
    _complete(client, "declarations")
    with app.app_context():
        assert db.session.scalar(sa.select(Enrolment.lessons_completed)) == 1


def test_complete_needs_csrf(app, client, auth, make_user, synced):
    """Is a 'mark as complete' post without the CSRF token refused?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    assert client.post(f"{INTRO}/lessons/declarations/complete").status_code == 400


def test_downloads_need_enrolment_and_are_attachments(app, client, auth, make_user, synced):
    """Are the notebook and dataset downloadable by enrolled learners only, always as attachments?"""
    learner = make_user()
    auth.login(learner.email)
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "exploring"))
        urls = [f"/attachments/{a.id}/{a.filename}" for a in lesson.attachments]
    assert client.get(urls[1]).status_code == 403
    post_form(client, INTRO, f"{INTRO}/enrol")
    with client.get(urls[1]) as response:
        assert response.status_code == 200 and response.data.startswith(b"date,hs_code,value")
        assert response.headers["Content-Disposition"].startswith("attachment;")
    with client.get(urls[0]) as notebook:
        assert notebook.headers["Content-Type"].startswith("application/x-ipynb+json")
    assert client.get(urls[0].replace("exploring.ipynb", "other.ipynb")).status_code == 404


def test_trainer_previews_lessons_without_enrolling(app, client, auth, make_user, synced):
    """Can a trainer open a locked course's lessons to check them, without an enrolment being made?"""
    auth.login(make_user(Role.TRAINER).email)
    page = client.get(f"{PRACTICE}/lessons/indicators")
    assert page.status_code == 200 and "Mark as complete" not in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0


def test_lessons_need_a_login(client, synced):
    """Are lessons and My learning closed to anonymous visitors?"""
    assert "/login" in client.get(f"{INTRO}/lessons/declarations").location
    assert "/login" in client.get("/my-learning").location


def test_glossary_and_bibliography_are_searchable(client, synced):
    """Do the glossary and bibliography pages list and filter their entries?"""
    page = client.get("/glossary").get_data(as_text=True)
    assert 'id="term-anonymisation"' in page and "<strong>codes</strong>" in page
    filtered = client.get("/glossary?q=pseudo").get_data(as_text=True)
    assert "Pseudonymisation" in filtered and 'id="term-anonymisation"' not in filtered
    assert "International Merchandise Trade Statistics" in client.get("/bibliography?q=united").get_data(as_text=True)
    assert "No reference matches" in client.get("/bibliography?q=zebra").get_data(as_text=True)


def test_lesson_page_never_renders(app, client, auth, make_user, synced, monkeypatch):
    """Is a lesson page served from stored HTML, never converting a notebook per request?"""
    from app.content import render

    def refuse(*_args, **_kwargs):
        raise AssertionError("a request ran a converter")

    monkeypatch.setattr(render, "notebook_to_html", refuse)
    monkeypatch.setattr(render, "markdown_to_html", refuse)
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    assert client.get(f"{INTRO}/lessons/exploring").status_code == 200


def test_print_friendly_and_navigation(client, auth, make_user, synced):
    """Does the lesson page offer previous/next links and hide navigation when printed?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    page = client.get(f"{INTRO}/lessons/exploring").get_data(as_text=True)
    assert re.search(r'rel="prev" href="/courses/intro-to-data/lessons/declarations"', page)
    assert re.search(r'rel="next" href="/courses/intro-to-data/lessons/trade-statistics"', page)
    assert 'class="player-nav no-print"' in page
    assert csrf_token(client, f"{INTRO}/lessons/exploring")


def test_opening_a_lesson_turns_start_into_continue(client, auth, make_user, synced):
    """Once a learner has opened a lesson without completing it, do the course page and My learning say
    'Continue' rather than 'Start'?"""
    auth.login(make_user().email)
    post_form(client, INTRO, f"{INTRO}/enrol")
    assert ">Start</a>" in client.get(INTRO).get_data(as_text=True)
    assert "Start:" in client.get("/my-learning").get_data(as_text=True)
    client.get(f"{INTRO}/lessons/declarations")  # opened, not completed
    course_page = client.get(INTRO).get_data(as_text=True)
    assert ">Continue</a>" in course_page and ">Start</a>" not in course_page
    my = client.get("/my-learning").get_data(as_text=True)
    assert "Continue:" in my and "Start:" not in my
    assert f"{INTRO}/lessons/declarations" in my


def test_the_course_page_leads_whoever_may_edit_it_to_the_course_editor(app, client, auth, make_user, synced):
    """Does the course page offer "Edit in the course editor" to a trainer who authors it and to the directorate,
    and not to another trainer, a learner or a visitor?"""
    author, other, director = make_user(Role.TRAINER), make_user(Role.TRAINER), make_user(Role.DIRECTORATE)
    with app.app_context():
        add_author("intro-to-data", db.session.get(User, author.id), assigned_by=None)
        db.session.commit()
    link = '<a href="/author/intro-to-data">Edit in the course editor</a>'
    assert link not in client.get("/courses/intro-to-data").get_data(as_text=True)
    for person, shown in ((author, True), (director, True), (other, False), (make_user(Role.LEARNER), False)):
        auth.login(person.email)
        assert (link in client.get("/courses/intro-to-data").get_data(as_text=True)) is shown, person.role
        auth.logout()


def test_my_learning_lists_courses_in_progress_latest_first_then_completed(app, client, auth, make_user, synced):
    """Does My learning show the courses in progress, the latest enrolled first, each resuming at its first lesson
    not done, and then the completed ones?"""
    from datetime import timedelta

    from app.common.time import utcnow
    from app.courses.models import Course

    learner = make_user()
    now = utcnow()
    with app.app_context():
        courses = {c.slug: c for c in db.session.scalars(sa.select(Course))}
        practice_id = courses["data-in-practice"].id
        lessons = {
            slug: db.session.scalars(
                sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
            ).all()
            for slug, course in courses.items()
        }
        db.session.add_all(
            [
                Enrolment(
                    user_id=learner.id, course_id=courses["intro-to-data"].id, enrolled_at=now - timedelta(days=2)
                ),
                Enrolment(
                    user_id=learner.id, course_id=courses["data-in-practice"].id, enrolled_at=now - timedelta(days=1)
                ),
                LessonProgress(user_id=learner.id, lesson_id=lessons["intro-to-data"][0].id, completed_at=now),
            ]
        )
        db.session.commit()
        first_left = {
            slug: (items[1].slug, items[1].title) if slug == "intro-to-data" else (items[0].slug, items[0].title)
            for slug, items in lessons.items()
        }
    auth.login(learner.email)
    page = client.get("/my-learning").get_data(as_text=True)
    assert (
        page.index("Customs data in practice") < page.index("Introduction to Customs data") and "Completed" not in page
    )
    for slug, (lesson, title) in first_left.items():
        assert f'href="/courses/{slug}/lessons/{lesson}">{title}</a>' in page

    with app.app_context():  # the latest enrolled is completed: it moves below the one in progress
        db.session.execute(sa.update(Enrolment).where(Enrolment.course_id == practice_id).values(completed_at=now))
        db.session.commit()
    page = client.get("/my-learning").get_data(as_text=True)
    assert page.index("In progress") < page.index("Introduction to Customs data") < page.index("Completed")
    assert page.index("Completed") < page.index("Customs data in practice")
