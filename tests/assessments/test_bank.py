"""The question bank each process keeps (app/assessments/bank.py): read once, fresh after every publish."""

import re

import sqlalchemy as sa

from app.assessments.models import Attempt, Question
from app.content.sync import sync
from app.extensions import db
from tests.helpers import ASSESSMENT, StatementCounter, answer_form, csrf_token, post_form

BANK = "courses/data-in-practice/assessment.yml"


def _start(client) -> int:
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    return int(re.search(r"/attempts/(\d+)$", response.location).group(1))


def test_a_synchronised_bank_reaches_the_next_page_and_a_started_attempt_keeps_its_questions(
    app, client, auth, ready_learner, synced
):
    """A trainer rewords every question, drops one and draws one fewer; after the sync, does the running attempt
    show the new words (without reading the bank again on each page), still show the dropped question it drew, and
    grade as before?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    page = f"/attempts/{attempt_id}"
    assert "(revised)" not in client.get(page).get_data(as_text=True)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(page).status_code == 200
    assert not [s for s in counter.statements if re.search(r"\bFROM questions\b", s)], counter.statements

    with app.app_context():
        drawn = db.session.get(Attempt, attempt_id).question_ids
        dropped = db.session.scalar(sa.select(Question.key).where(Question.id == drawn[0]))
    path = synced / BANK
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(    text: .*)$", r"\1 (revised)", text, flags=re.M)
    # The first question drawn leaves the bank: retired, kept for the attempts that drew it.
    blocks = re.split(r"(?m)^(?=  - id: )", text)
    text = "".join(block for block in blocks if not block.startswith(f"  - id: {dropped}\n"))
    text = text.replace("draw: 7", "draw: 6")  # a bank holds at least twice the draw
    path.write_text(text, encoding="utf-8")
    french = synced / BANK.replace(".yml", ".fr.yml")  # the translation follows the bank
    blocks = re.split(r"(?m)^(?=  [a-z0-9-]+:$)", french.read_text(encoding="utf-8"))
    french.write_text("".join(b for b in blocks if not b.startswith(f"  {dropped}:\n")), encoding="utf-8")
    with app.app_context():
        assert "course data-in-practice" in sync(synced).changed
        db.session.commit()
        assert db.session.scalar(sa.select(Question.retired_at).where(Question.id == drawn[0])) is not None

    html = client.get(page).get_data(as_text=True)
    assert html.count("(revised)") == len(drawn) - 1  # the dropped question keeps the words it was drawn with
    assert html.count('class="question"') == len(drawn)
    data = {**answer_form(app, attempt_id, right=True), "action": "submit", "csrf_token": csrf_token(client, page)}
    assert client.post(page, data=data).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.percent) == ("submitted", 100)


def test_an_exam_reads_its_assessment_once_and_a_synchronised_pass_mark_grades_the_next_submit(
    app, client, auth, ready_learner, synced
):
    """An officer's exam pages read the assessment's settings as their process keeps them, not its row on each
    page. A trainer renames the assessment and lowers its pass mark to 0; after the sync, does the attempt page
    show the new title, and is an attempt answered wrongly graded a pass?"""
    auth.login(ready_learner.email)
    attempt_id = _start(client)
    page = f"/attempts/{attempt_id}"
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        for path in (ASSESSMENT, page, f"{page}/submit"):
            assert client.get(path).status_code == 200, path
    assert not [s for s in counter.statements if re.search(r"\bFROM assessments\b", s)], counter.statements

    path = synced / BANK
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: Final assessment", "title: Final assessment (revised)").replace(
            "pass_mark: 70", "pass_mark: 0"
        ),
        encoding="utf-8",
    )
    with app.app_context():
        assert "course data-in-practice" in sync(synced).changed
        db.session.commit()

    assert "Final assessment (revised)" in client.get(page).get_data(as_text=True)
    data = {**answer_form(app, attempt_id, right=False), "action": "submit", "csrf_token": csrf_token(client, page)}
    assert client.post(page, data=data).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted" and attempt.percent < 70 and attempt.passed
    assert "Passed" in client.get(f"{page}/result").get_data(as_text=True)
