"""Sitting an assessment: the page hides the answers, the server grades, tampering is refused."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.assessments.models import Attempt, Question, Response
from app.auth.models import Role
from app.common.time import utcnow
from app.courses.models import Enrolment
from app.extensions import db
from tests.helpers import ASSESSMENT, PRACTICE, StatementCounter, answer_form, change_assessments, csrf_token, post_form


def _start(client) -> int:
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    match = re.search(r"/attempts/(\d+)$", response.location or "")
    assert match, response.location
    return int(match.group(1))


def _post(client, attempt_id: int, data: dict, action: str = "save"):
    data = {**data, "action": action, "csrf_token": csrf_token(client, ASSESSMENT)}
    return client.post(f"/attempts/{attempt_id}", data=data)


def _submit_anyway(client, attempt_id: int):
    """Submit with questions unanswered: the confirmation page's "Submit anyway"."""
    return post_form(client, f"/attempts/{attempt_id}/submit")


def _responses(app, attempt_id: int) -> dict:
    with app.app_context():
        return {
            r.question_id: r.answer
            for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt_id))
        }


def test_attempt_page_carries_no_answer(app, client, auth, ready_learner):
    """Does the page of a running attempt hold no correct answer, weight, explanation or feedback?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count('class="question"') == 7
    with app.app_context():
        questions = db.session.scalars(sa.select(Question)).all()
        secrets = set()
        for question in questions:
            if question.explanation_html:
                secrets.add(re.sub("<[^>]+>", "", question.explanation_html).strip())
            for choice in question.spec.get("choices", []):
                if choice["feedback"]:
                    secrets.add(re.sub("<[^>]+>", "", choice["feedback"]).strip())
            secrets.update(question.spec.get("accepted", []))
            if question.type == "numeric":
                secrets.add(f"{question.spec['answer']:g}")
        # What the page shows on purpose (question texts and options) is not a secret.
        shown = " ".join(
            q.text_html
            + " ".join(c["html"] for c in q.spec.get("choices", []))
            + " ".join(str(i) for i in q.spec.get("items", []))
            for q in questions
        ).lower()
    lowered = html.lower()
    for secret in secrets:
        if secret.lower() not in shown and not secret.isdigit():
            assert secret.lower() not in lowered, secret
    for word in ("correct", "points", "explanation", "tolerance", "accepted"):
        assert word not in lowered, word


def test_reload_shows_the_same_questions_in_the_same_order(client, auth, ready_learner):
    """Does a reload (or a second start) show the same draw in the same order?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    first = re.findall(
        r'name="(q\d+)[^"]*" value="([^"]*)"', client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    )
    assert _start(client) == attempt_id  # the open attempt continues
    second = re.findall(
        r'name="(q\d+)[^"]*" value="([^"]*)"', client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    )
    assert first == second and first


def test_fail_retry_pass_completes_the_course(app, client, auth, ready_learner):
    """Can a learner fail, retry and pass, and does passing (with the lessons done) complete the course?"""
    auth.login(ready_learner.email)
    post_form(client, f"{PRACTICE}/lessons/indicators", f"{PRACTICE}/lessons/indicators/complete")
    first = _start(client)
    response = _post(client, first, answer_form(app, first, right=False), action="submit")
    assert response.location.endswith(f"/attempts/{first}/result")
    result = client.get(response.location).get_data(as_text=True)
    assert "Not passed" in result and "Score: 0%" in result
    assert "Correct answer:" in result  # review after submission
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Enrolment.completed_at.is_not(None))) == 1
        )  # intro only

    second = _start(client)
    assert second != first
    _post(client, second, answer_form(app, second, right=True), action="submit")
    result = client.get(f"/attempts/{second}/result").get_data(as_text=True)
    assert "Passed" in result and "Score: 100%" in result
    page = client.get(PRACTICE).get_data(as_text=True)
    assert "You completed this course" in page


def test_lessons_alone_do_not_complete_a_course_with_a_required_assessment(app, client, auth, ready_learner):
    """Does a course with a required assessment stay incomplete until the assessment is passed?"""
    auth.login(ready_learner.email)
    post_form(client, f"{PRACTICE}/lessons/indicators", f"{PRACTICE}/lessons/indicators/complete")
    assert "You completed this course" not in client.get(PRACTICE).get_data(as_text=True)


def test_maximum_attempts(app, client, auth, ready_learner):
    """Is a fourth attempt refused when three are allowed?"""
    auth.login(ready_learner.email)
    for _ in range(3):
        attempt_id = _start(client)
        assert _post(client, attempt_id, {}, action="submit").location.endswith(f"/attempts/{attempt_id}/submit")
        _submit_anyway(client, attempt_id)
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    assert response.location.endswith(ASSESSMENT)
    assert "You have used all 3 attempts." in client.get(ASSESSMENT).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 3


def test_saved_answers_come_back_and_no_javascript_is_needed(app, client, auth, ready_learner):
    """Are answers saved by a plain form post shown again when the learner returns?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    data = answer_form(app, attempt_id)
    response = _post(client, attempt_id, data)
    assert response.status_code == 302
    saved = _responses(app, attempt_id)
    assert len(saved) == 7 and all(answer is not None for answer in saved.values())
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count(" checked") + html.count(" selected") >= 3


def test_autosave_keeps_other_answers(app, client, auth, ready_learner):
    """Does saving as you go (JavaScript) store the posted answers and leave the others as they were?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    data = answer_form(app, attempt_id)
    _post(client, attempt_id, data)
    question = next(iter(data)).split("-")[0]
    response = client.post(
        f"/attempts/{attempt_id}/autosave",
        data={key: value for key, value in data.items() if key.split("-")[0] == question},
        headers={"X-CSRFToken": csrf_token(client, ASSESSMENT)},
    )
    assert response.status_code == 200 and response.json["saved"]
    assert all(answer is not None for answer in _responses(app, attempt_id).values())


def test_tampered_posts_are_refused_and_change_nothing(app, client, auth, ready_learner):
    """Are a foreign question, another question's choice, an oversized text and a closed attempt refused with 400?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    _post(client, attempt_id, answer_form(app, attempt_id))
    before = _responses(app, attempt_id)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        drawn = set(attempt.question_ids)
        outside = db.session.scalar(sa.select(Question.id).where(Question.id.not_in(drawn)))
        kinds = ("single_choice", "multiple_choice", "true_false", "short_text", "numeric")
        choice_q = next(
            q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(drawn))) if q.type in kinds
        )
    bad_posts = [
        {f"q{outside}": "c0"},
        {f"q{choice_q.id}": "c99" if "choice" in choice_q.type else "x" * 600},
        {f"q{choice_q.id}": "x" * 5000},
    ]
    for data in bad_posts:
        response = _post(client, attempt_id, data)
        assert response.status_code == 400, data
        assert "were not saved" in response.get_data(as_text=True)
        assert _responses(app, attempt_id) == before
    # Saving as you go reads only the posted questions: a foreign one beside a drawn one is still refused whole.
    token = csrf_token(client, ASSESSMENT)
    wrong_answer = {
        k: v for k, v in answer_form(app, attempt_id, right=False).items() if k.startswith(f"q{choice_q.id}")
    }
    for data in [*bad_posts, {**wrong_answer, f"q{outside}": "c0"}]:
        response = client.post(f"/attempts/{attempt_id}/autosave", data=data, headers={"X-CSRFToken": token})
        assert response.status_code == 400 and response.json["saved"] is False, data
        assert _responses(app, attempt_id) == before
    _post(client, attempt_id, answer_form(app, attempt_id), action="submit")
    response = _post(client, attempt_id, answer_form(app, attempt_id, right=False))
    assert response.status_code == 400 and "this attempt is closed" in response.get_data(as_text=True)
    assert _responses(app, attempt_id) == before


def test_another_learner_cannot_touch_an_attempt(app, client, auth, ready_learner, make_user):
    """Can another learner open, answer or read the result of someone else's attempt? (No.)"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    auth.logout()
    auth.login(make_user(Role.LEARNER).email)
    assert client.get(f"/attempts/{attempt_id}").status_code == 403
    assert _post(client, attempt_id, {}).status_code == 403
    assert client.get(f"/attempts/{attempt_id}/result").status_code == 403


def test_time_limit_is_enforced_by_the_server(app, client, auth, ready_learner):
    """After the deadline (and grace), are answers refused and the attempt graded with what was saved?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    _post(client, attempt_id, answer_form(app, attempt_id, right=True))
    token = csrf_token(client, f"/attempts/{attempt_id}")
    with app.app_context():
        db.session.execute(sa.update(Attempt).values(deadline=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    late = {**answer_form(app, attempt_id, right=False), "action": "save", "csrf_token": token}
    response = client.post(f"/attempts/{attempt_id}", data=late)
    assert response.status_code == 400 and "time limit" in response.get_data(as_text=True)
    response = client.get(f"/attempts/{attempt_id}")
    assert response.location.endswith(f"/attempts/{attempt_id}/result")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "expired" and attempt.percent == 100  # graded with the saved answers


def test_a_number_written_in_words_is_refused_by_its_question(app, client, auth, ready_learner):
    """Does a learner who types "12 kg" as a number learn which question it is and why it was refused,
    with nothing of that save kept?"""
    change_assessments(app, draw=99)  # draw the whole bank, so the attempt holds a numeric question
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        numeric = next(
            (n, qid)
            for n, qid in enumerate(attempt.question_ids, start=1)
            if db.session.get(Question, qid).type == "numeric"
        )
    number, question_id = numeric
    response = _post(client, attempt_id, {**answer_form(app, attempt_id), f"q{question_id}": "12 kg"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"question {number}: not a number" in page
    assert _responses(app, attempt_id) == {}


def test_confirmation_page_after_the_deadline_shows_the_result(app, client, auth, ready_learner):
    """When the time runs out while the learner reads "Submit anyway?", does reopening that page grade
    the attempt with what was saved and lead to the result, rather than fail?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    _post(client, attempt_id, answer_form(app, attempt_id, right=True))
    with app.app_context():
        db.session.execute(sa.update(Attempt).values(deadline=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    response = client.get(f"/attempts/{attempt_id}/submit")
    assert response.status_code == 302 and response.location.endswith(f"/attempts/{attempt_id}/result")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "expired" and attempt.percent == 100


def test_answers_within_the_grace_period_are_taken(app, client, auth, ready_learner):
    """Is an answer arriving a few seconds after the deadline still saved?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    with app.app_context():
        db.session.execute(sa.update(Attempt).values(deadline=utcnow() - timedelta(seconds=5)))
        db.session.commit()
    assert _post(client, attempt_id, answer_form(app, attempt_id)).status_code == 302


def test_review_policy_never_hides_answers(app, client, auth, ready_learner):
    """With review 'never', does the result page show the score but no answers or explanations?"""
    change_assessments(app, review="never")  # as a publish would
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    _post(client, attempt_id, answer_form(app, attempt_id, right=False), action="submit")
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Score: 0%" in html and "Correct answer:" not in html


def test_trainer_report_and_csv(app, client, auth, ready_learner, make_user):
    """Does a trainer see the score distribution and item analysis, and download it as CSV?"""
    auth.login(ready_learner.email)
    for right in (False, True):
        attempt_id = _start(client)
        _post(client, attempt_id, answer_form(app, attempt_id, right=right), action="submit")
    auth.logout()
    assert client.get(f"{ASSESSMENT}/report").status_code == 302  # login first
    auth.login(make_user(Role.LEARNER).email)
    assert client.get(f"{ASSESSMENT}/report").status_code == 403
    auth.logout()
    auth.login(make_user(Role.TRAINER).email)
    html = client.get(f"{ASSESSMENT}/report").get_data(as_text=True)
    assert "Item analysis" in html and "Facility" in html
    csv_text = client.get(f"{ASSESSMENT}/item-analysis.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "Question,Type,Points,Responses,Facility index,Discrimination index,Text"
    assert len(csv_text.splitlines()) >= 2


def test_close_expired_command_grades_abandoned_attempts(app, client, auth, ready_learner, runner):
    """Does the periodic job close an attempt left open past its deadline, graded with what was saved?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    _post(client, attempt_id, answer_form(app, attempt_id, right=True))
    with app.app_context():
        db.session.execute(sa.update(Attempt).values(deadline=utcnow() - timedelta(hours=1)))
        db.session.commit()
    result = runner.invoke(args=["assessments", "close-expired"])
    assert result.exit_code == 0 and "1 attempt(s) closed" in result.output
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.passed) == ("expired", True)


def test_the_assessment_page_reads_each_row_once_and_writes_nothing(app, client, auth, ready_learner):
    """On an exam morning every learner opens this page first. With an attempt under way and nothing expired,
    does it write nothing, and read the learner's account only once (a needless commit expired what it had
    loaded, and the page read the account, course and assessment a second time)?"""
    auth.login(ready_learner.email)
    _start(client)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(ASSESSMENT).status_code == 200
    assert not [s for s in counter.statements if s.split()[0] in ("INSERT", "UPDATE", "DELETE", "COMMIT")]
    assert len([s for s in counter.statements if re.search(r"\bFROM users\b", s)]) == 1, counter.statements


def test_a_submit_reads_each_row_once_and_closes_the_attempt_in_one_statement(app, client, auth, ready_learner):
    """In an exam spike the submit is the busiest write: does it read the learner and the attempt once each, its
    assessment and questions (kept since the assessment page and the start) and saved responses (the page holds
    every answer) not at all, claim and grade
    the attempt in one UPDATE, write the answers with their credits in one statement, and read nothing again after
    its commit (it ran 24 statements on PostgreSQL, 6 of them reading again what it had already read)?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    data = {**answer_form(app, attempt_id, right=True), "action": "submit"}
    data["csrf_token"] = csrf_token(client, ASSESSMENT)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.status_code == 302 and response.location.endswith(f"/attempts/{attempt_id}/result")

    def reading(table: str) -> list[str]:
        return [s for s in counter.statements if s.startswith("SELECT") and re.search(rf"\bFROM {table}\b", s)]

    for table in ("users", "attempts"):
        assert len(reading(table)) == 1, (table, counter.statements)
    assert not reading("assessments") and not reading("questions") and not reading("responses"), counter.statements
    updates = [s for s in counter.statements if s.startswith("UPDATE attempts")]
    assert len(updates) == 1 and "status=" in updates[0] and "score=" in updates[0], updates
    writes = [s for s in counter.statements if re.match(r"(INSERT INTO|UPDATE) responses", s)]
    assert len(writes) == 1 and "credit = excluded.credit" in writes[0], writes
    # Besides: the course's completion (the enrolment and the curriculum's fingerprint; here not every lesson done).
    assert len(counter.statements) <= 9, "\n".join(s[:100] for s in counter.statements)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.percent, attempt.passed) == ("submitted", 100, True)
        assert all(
            r.credit == 1 for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt_id))
        )


def test_starting_an_attempt_reads_nothing_again_after_its_commit(app, client, auth, ready_learner):
    """2,000 officers press "Start an attempt" within a minute: does the start write the attempt once and read
    neither it nor the learner again after its commit (it read the attempt back only to name it in the redirect)?"""
    auth.login(ready_learner.email)
    token = csrf_token(client, ASSESSMENT)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        response = client.post(f"{ASSESSMENT}/start", data={"csrf_token": token})
    assert response.status_code == 302 and re.search(r"/attempts/\d+$", response.location)
    inserted = [i for i, s in enumerate(counter.statements) if s.startswith("INSERT INTO attempts")]
    assert len(inserted) == 1
    after = [s for s in counter.statements[inserted[0] + 1 :] if s.startswith("SELECT")]
    assert not after, after


def test_saving_as_you_go_writes_the_changed_answers_in_one_statement(app, client, auth, ready_learner):
    """The page's script posts the questions changed since its last save: are they written in one statement,
    without reading the attempt's responses first, whether each is a first answer or a changed one, and are the
    questions not posted left as they were?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    token = csrf_token(client, f"/attempts/{attempt_id}")
    right, wrong = answer_form(app, attempt_id, right=True), answer_form(app, attempt_id, right=False)
    fields = sorted({name.split("-", 1)[0] for name in right})
    first, second, third = fields[:3]

    def posted(form: dict, questions: list[str]) -> dict:
        return {k: v for k, v in form.items() if k.split("-", 1)[0] in questions}

    assert client.post(
        f"/attempts/{attempt_id}/autosave", data=posted(right, [first, second]), headers={"X-CSRFToken": token}
    ).get_json() == {"saved": True, "questions": 2}
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:  # one changed answer and one first answer
        reply = client.post(
            f"/attempts/{attempt_id}/autosave",
            data=posted(wrong, [second]) | posted(right, [third]),
            headers={"X-CSRFToken": token},
        )
    assert reply.get_json() == {"saved": True, "questions": 2}
    writes = [s for s in counter.statements if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1 and writes[0].startswith("INSERT INTO responses") and "ON CONFLICT" in writes[0]
    assert not [s for s in counter.statements if re.search(r"\bFROM responses\b", s)]
    with app.app_context():
        saved = {
            f"q{r.question_id}": r.answer
            for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt_id))
        }
    assert set(saved) == {first, second, third}
    # Graded as the learner left them: the first right, the second changed to wrong, the third right.
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    with app.app_context():
        credits = {
            f"q{r.question_id}": r.credit
            for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt_id))
        }
    assert (credits[first], credits[second], credits[third]) == (1, 0, 1)
