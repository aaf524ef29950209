"""The next step is always on the page: the course page, Continue, My learning and the result page lead a learner
from the last lesson to the assessment, and from the assessment to the certificate or to another try."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.assessments.models import Attempt
from app.auth.models import Role
from app.certificates.models import Certificate
from app.common.time import utcnow
from app.extensions import db
from tests.helpers import ASSESSMENT, CSRF_RE, PRACTICE, AuthActions, answer_form, csrf_token, post_form

LESSON = f"{PRACTICE}/lessons/indicators"


def _text(client, path: str) -> str:
    """The visible words of a page, one space between them."""
    html = client.get(path).get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _sit(client, app, right: bool) -> int:
    """Start an attempt and submit it answered right or wrong; returns its id."""
    started = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    attempt_id = int(started.location.rsplit("/", 1)[1])
    data = {**answer_form(app, attempt_id, right=right), "action": "submit"}
    data["csrf_token"] = csrf_token(client, ASSESSMENT)
    assert client.post(f"/attempts/{attempt_id}", data=data).status_code == 302
    return attempt_id


def test_the_last_lesson_leads_to_the_assessment_and_the_course_is_not_shown_complete(app, client, auth, ready_learner):
    """When every lesson is done but the required assessment is not passed, do "Mark as complete", "Continue",
    My learning and the course page all lead to the assessment, without calling the course complete?"""
    auth.login(ready_learner.email)
    done = post_form(client, LESSON, f"{LESSON}/complete")
    assert done.location == ASSESSMENT
    overview = _text(client, ASSESSMENT)
    assert "You have completed every lesson of Customs data in practice: pass its assessment" in overview
    assert "Congratulations" not in overview

    assert client.get(f"{PRACTICE}/resume").location == ASSESSMENT

    course = _text(client, PRACTICE)
    assert "1 of 1 lessons done · 1 assessment to pass" in course
    assert "Take the assessment: Final assessment" in course
    assert "You completed this course" not in course and "Not started" in course

    learning = _text(client, "/my-learning")
    assert "Take the assessment: Final assessment" in learning
    assert learning.index("In progress") < learning.index("Customs data in practice") < learning.index("Completed")

    lesson = client.get(LESSON).get_data(as_text=True)
    assert f'href="{PRACTICE}/resume">What is left to do' in lesson

    _sit(client, app, right=True)
    course = _text(client, PRACTICE)
    assert "You completed this course" in course and "Passed with 100%" in course
    assert "assessment to pass" not in course and "Take the assessment" not in course
    assert "Take the assessment" not in _text(client, "/my-learning")
    assert "What is left to do" not in client.get(LESSON).get_data(as_text=True)


def test_the_course_page_shows_each_state_of_the_assessment(app, client, auth, ready_learner):
    """Does the course page show the assessment not started, in progress with the time left, not passed with the
    attempts left, and passed with the score?"""
    auth.login(ready_learner.email)
    assert "Not started · 3 attempts allowed · 20 minutes" in _text(client, PRACTICE)

    started = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    assert re.search(r"In progress · (19|20) minutes left", _text(client, PRACTICE))
    assert "Continue the attempt" in _text(client, ASSESSMENT)
    with app.app_context():
        attempt = db.session.get(Attempt, int(started.location.rsplit("/", 1)[1]))
        attempt.deadline = utcnow() - timedelta(minutes=5)
        db.session.commit()
    assert "Time is up: open the assessment to see your result" in _text(client, PRACTICE)
    assert "Your last attempt scored 0%; the pass mark is 70%. You have 2 attempts left." in _text(client, ASSESSMENT)

    assert re.search(r"Not passed \(best score \d+%\) · 2 attempts left", _text(client, PRACTICE))
    _sit(client, app, right=False)
    course = _text(client, PRACTICE)
    assert "1 attempt left" in course
    post_form(client, LESSON, f"{LESSON}/complete")  # the lessons done, the page leads to another try
    assert "Try the assessment again: Final assessment" in _text(client, PRACTICE)
    learning = _text(client, "/my-learning")
    assert "Not passed yet · 1 attempt left" in learning and "Try the assessment again: Final assessment" in learning
    _sit(client, app, right=True)
    course = _text(client, PRACTICE)
    assert "Passed with 100%" in course and "attempt left" not in course
    assert "You passed this assessment with 100%." in _text(client, ASSESSMENT)


def test_a_failed_attempt_says_how_many_attempts_are_left_and_what_to_read_again(app, client, auth, ready_learner):
    """Does the result of a failed attempt count the attempts left (singular and plural), list what to revisit and
    offer another try, until none is left?"""
    auth.login(ready_learner.email)
    first = _sit(client, app, right=False)
    page = _text(client, f"/attempts/{first}/result")
    assert "What to do next" in page and "You have 2 attempts left." in page and "Try again" in page
    assert f'href="{LESSON}">Risk</a>' in client.get(f"/attempts/{first}/result").get_data(as_text=True)
    second = _sit(client, app, right=False)
    assert "You have 1 attempt left." in _text(client, f"/attempts/{second}/result")

    last = _sit(client, app, right=False)
    page = _text(client, f"/attempts/{last}/result")
    assert "You have used every attempt at this assessment." in page and "Try again" not in page
    post_form(client, LESSON, f"{LESSON}/complete")
    course = _text(client, PRACTICE)
    assert "You have used every attempt at the assessment, so the course is not complete." in course
    assert "See your results: Final assessment" in course and "Take the assessment" not in course
    assert "no attempts left" in _text(client, "/my-learning")
    # An earlier result tells the same, now: no button for an attempt the server would refuse.
    assert "Try again" not in _text(client, f"/attempts/{first}/result")


def test_try_again_starts_the_next_attempt(app, client, auth, ready_learner):
    """Does the result page's "Try again" button start the next attempt?"""
    auth.login(ready_learner.email)
    first = _sit(client, app, right=False)
    html = client.get(f"/attempts/{first}/result").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="{ASSESSMENT}/start">.*?</form>', html, re.S)
    assert form and "Try again" in form[0]
    retry = client.post(f"{ASSESSMENT}/start", data={"csrf_token": CSRF_RE.search(form[0])[1]})
    assert retry.status_code == 302 and retry.location == f"/attempts/{first + 1}"


def test_a_pass_that_completes_the_course_links_to_its_certificate(app, client, auth, ready_learner):
    """Does a passing result say the course is complete and link to the learner's own certificate?"""
    auth.login(ready_learner.email)
    post_form(client, LESSON, f"{LESSON}/complete")
    attempt_id = _sit(client, app, right=True)
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    with app.app_context():
        code = db.session.scalar(
            sa.select(Certificate.code).where(
                Certificate.user_id == ready_learner.id, Certificate.title == "Customs data in practice"
            )
        )
    assert "You have completed Customs data in practice." in html
    assert "opened the next course" not in html  # the fixture's track has no Advanced course
    assert f'href="/certificates/{code}.pdf">Download your certificate (PDF)' in html
    assert 'href="/certificates">My certificates' in html


def test_a_pass_before_the_lessons_are_done_says_what_is_left(app, client, auth, ready_learner):
    """Does a learner who passes before finishing the lessons learn that the lessons are what is left?"""
    auth.login(ready_learner.email)
    result = _text(client, f"/attempts/{_sit(client, app, right=True)}/result")
    assert "You passed. To complete Customs data in practice, finish its lessons." in result
    assert "Continue the course" in result and "You have completed" not in result
    assert "1 assessment to pass" not in _text(client, PRACTICE)


def test_staff_reading_a_result_are_not_offered_the_learners_next_step(app, client, auth, ready_learner, make_user):
    """Does a member of staff who reads a learner's failed attempt see the result without the learner's buttons?"""
    auth.login(ready_learner.email)
    attempt_id = _sit(client, app, right=False)
    staff = make_user(Role.DIRECTORATE)
    other = app.test_client()
    AuthActions(other).login(staff.email)
    page = _text(other, f"/attempts/{attempt_id}/result")
    assert "Not passed" in page
    assert "What to do next" not in page and "Try again" not in page


def test_a_completed_course_names_the_courses_it_opened(app, client, auth, make_user, synced):
    """Once a course is complete, does its page name the course it opened, and stop naming it once enrolled?"""
    learner = make_user()
    auth.login(learner.email)
    intro = "/courses/intro-to-data"
    post_form(client, intro, f"{intro}/enrol")
    assert "opened the next course" not in _text(client, intro)
    for lesson in ("declarations", "exploring"):
        post_form(client, f"{intro}/lessons/{lesson}", f"{intro}/lessons/{lesson}/complete")
    html = client.get(intro).get_data(as_text=True)
    assert re.search(
        rf'Completing it opened the next course:\s*<a href="{PRACTICE}">Customs data in practice</a>', html
    )
    post_form(client, PRACTICE, f"{PRACTICE}/enrol")
    assert "opened the next course" not in _text(client, intro)
