"""After submission: a review that shows the learner's answer beside the right one only when the policy allows,
and a submission with unanswered questions that asks first, without JavaScript."""

import re

import sqlalchemy as sa

from app.assessments.models import Attempt, Response
from app.content.schema import AssessmentFile
from app.extensions import db
from tests.helpers import ASSESSMENT, answer_form, change_assessments, csrf_token, post_form

EXPLANATION = "The red channel means a physical examination of the goods."


def _policy(app, review: str) -> None:
    # Every question on every attempt, so the review's explanation above is always there to leak or show.
    change_assessments(app, review=review, draw=100)  # as a publish would


def _sit(app, client, right: bool) -> str:
    """Start an attempt, answer every question right or wrong, submit; the result page's HTML."""
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    data = {
        **answer_form(app, attempt_id, right=right),
        "action": "submit",
        "csrf_token": csrf_token(client, ASSESSMENT),
    }
    response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.location.endswith(f"/attempts/{attempt_id}/result")
    return client.get(response.location).get_data(as_text=True)


def _shows_answers(html: str) -> bool:
    return "Correct answer:" in html or EXPLANATION in html


def test_the_default_policy_waits_for_a_pass_or_the_last_attempt():
    """Does an assessment that names no review policy show answers only once passed or out of attempts?"""
    settings = {"slug": "a", "title": "A", "pass_mark": 50, "draw": 1}
    question = {"id": "q", "type": "true_false", "text": "T?", "answer": True}
    assert AssessmentFile(**settings, questions=[question]).review == "after_pass_or_last"


def test_a_failing_learner_with_attempts_left_sees_no_correct_answer(app, client, auth, ready_learner):
    """Does a learner who fails with attempts left see the score but neither the right answers nor explanations?"""
    _policy(app, "after_pass_or_last")
    auth.login(ready_learner.email)
    html = _sit(app, client, right=False)
    assert "Not passed" in html and "Score: 0%" in html
    assert not _shows_answers(html) and "Your answer:" not in html
    assert "shown once you pass or have used every attempt" in html


def test_a_passing_learner_sees_their_answer_beside_the_right_one(app, client, auth, ready_learner):
    """Once passed, does the review show each question with the learner's answer, the right one and the
    explanation; and does it hide them again while a new attempt is under way?"""
    _policy(app, "after_pass_or_last")
    auth.login(ready_learner.email)
    html = _sit(app, client, right=True)
    assert "Passed" in html and _shows_answers(html)
    assert html.count("Your answer:") == html.count("Correct answer:") > 0
    given = re.findall(r"<dt>Your answer:</dt><dd>([^<]*)</dd>", html)
    assert given and all(answer.strip() and answer != "No answer" for answer in given)
    assert "<dd>Red</dd>" in html  # the right choice, in words, beside the learner's
    with app.app_context():
        passed = db.session.scalar(sa.select(Attempt.id).where(Attempt.passed.is_(True)))
    post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")  # a new attempt, open: the review would be its key
    assert not _shows_answers(client.get(f"/attempts/{passed}/result").get_data(as_text=True))


def test_after_the_last_attempt_the_answers_are_shown(app, client, auth, ready_learner):
    """When a learner has failed all three attempts, do they see the right answers (of the last and the earlier)?"""
    _policy(app, "after_pass_or_last")
    auth.login(ready_learner.email)
    first = _sit(app, client, right=False)
    second = _sit(app, client, right=False)
    assert not _shows_answers(first) and not _shows_answers(second)
    last = _sit(app, client, right=False)
    assert "Not passed" in last and _shows_answers(last) and "Your answer:" in last
    with app.app_context():
        earliest = db.session.scalar(sa.select(Attempt.id).where(Attempt.number == 1))
    assert _shows_answers(client.get(f"/attempts/{earliest}/result").get_data(as_text=True))


def test_after_passing_policy_still_hides_answers_from_a_failing_last_attempt(app, client, auth, ready_learner):
    """Under 'after_passing', does a learner out of attempts who never passed still see no answers?"""
    _policy(app, "after_passing")
    auth.login(ready_learner.email)
    for _ in range(3):
        html = _sit(app, client, right=False)
    assert not _shows_answers(html) and "shown once you pass." in html


def _responses(app, attempt_id: int) -> dict:
    with app.app_context():
        return {
            r.question_id: r.answer
            for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt_id))
        }


def test_submitting_with_unanswered_questions_asks_first(app, client, auth, ready_learner):
    """Without JavaScript, does "Submit for grading" with questions left blank save the answers, say how many are
    unanswered, and submit only when the learner confirms (with the form's token)?"""
    auth.login(ready_learner.email)
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    token = csrf_token(client, f"/attempts/{attempt_id}")
    full = answer_form(app, attempt_id, right=True)
    questions = sorted({name.split("-")[0] for name in full})
    some = {name: value for name, value in full.items() if name.split("-")[0] in questions[:2]}
    response = client.post(f"/attempts/{attempt_id}", data={**some, "action": "submit", "csrf_token": token})
    assert response.location.endswith(f"/attempts/{attempt_id}/submit")
    page = client.get(response.location).get_data(as_text=True)
    assert "You have left 5 questions unanswered. Submit anyway?" in page
    assert page.count(f'href="/attempts/{attempt_id}#question-') == 5  # each blank one, a link back to it
    assert f'href="/attempts/{attempt_id}"' in page  # back to my answers
    saved = _responses(app, attempt_id)
    assert sum(answer is not None for answer in saved.values()) == 2
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "open"

    # Answer all but one: the sentence is singular.
    almost = {name: value for name, value in full.items() if name.split("-")[0] != questions[-1]}
    client.post(f"/attempts/{attempt_id}", data={**almost, "action": "submit", "csrf_token": token})
    assert "You have left 1 question unanswered. Submit anyway?" in client.get(
        f"/attempts/{attempt_id}/submit"
    ).get_data(as_text=True)

    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 400  # no token: nothing happens
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "open"
    response = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert response.location.endswith(f"/attempts/{attempt_id}/result")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted" and attempt.percent is not None
    assert client.get(f"/attempts/{attempt_id}/submit").location.endswith(f"/attempts/{attempt_id}/result")


def test_a_complete_submission_is_not_asked_twice(app, client, auth, ready_learner):
    """With every question answered, does "Submit for grading" go straight to the result?"""
    auth.login(ready_learner.email)
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    data = {**answer_form(app, attempt_id), "action": "submit", "csrf_token": csrf_token(client, ASSESSMENT)}
    assert client.post(f"/attempts/{attempt_id}", data=data).location.endswith("/result")


def test_the_review_rule_reads_the_same_from_the_standing_as_from_the_attempts(app, client, auth, ready_learner):
    """The result page decides from the learner's standing it has read anyway; a retired assessment has none, and
    the attempts are read instead. After each sitting (failed, failed, then one left open), under each policy,
    do both give the same answer for every attempt?"""
    from app.assessments.standing import may_review, standings_in

    auth.login(ready_learner.email)
    for step in ("fail", "fail", "open"):
        if step == "fail":
            _sit(app, client, right=False)
        else:
            post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
        for policy in ("after_submission", "after_passing", "after_pass_or_last", "never"):
            _policy(app, policy)
            with app.app_context():
                for attempt in db.session.scalars(sa.select(Attempt)):
                    standing = next(
                        s
                        for s in standings_in(attempt.user_id, attempt.assessment.course_id)
                        if s.id == attempt.assessment_id
                    )
                    assert may_review(attempt, standing) == may_review(attempt), (step, policy, attempt.number)
    with app.app_context():
        answers_shown = [
            may_review(attempt) for attempt in db.session.scalars(sa.select(Attempt).order_by(Attempt.number))
        ]
    assert answers_shown == [False, False, False]  # "never", and an attempt is open
