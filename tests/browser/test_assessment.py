"""In chromium: a learner sits a timed attempt, saving as they go, and gets a graded result."""

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.assessments.models import Assessment, Response
from app.extensions import db
from tests.browser.conftest import log_in
from tests.helpers import ASSESSMENT, PASSWORD

pytestmark = pytest.mark.browser


def test_learner_sits_an_attempt(page, app, ready_learner):
    """Can a learner start an attempt, answer, have answers saved as they go, submit and see the result?"""
    page.goto("/login")
    page.get_by_label("Email").fill(ready_learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.goto(ASSESSMENT)
    page.get_by_role("button", name="Start an attempt").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("fieldset.question").count() == 7
    assert page.locator("#deadline").inner_text().startswith("Time left:")  # the script counts down

    # Answer the first question with a single input; the script saves it without a click on Save.
    # The seven are drawn at random from sixteen, and only six (ordering, matching) have none.
    field = page.locator(
        ", ".join(f"fieldset.question input[type={kind}]" for kind in ("radio", "checkbox", "text"))
    ).first
    name = field.get_attribute("name")
    if field.get_attribute("type") == "text":
        field.fill("42")
        field.press("Tab")  # a text input's change event fires when it loses focus
    else:
        field.check()
    page.locator("#autosave-status").get_by_text("Saved.", exact=True).wait_for()
    question_id = int(name[1:])
    with app.app_context():
        saved = db.session.scalar(
            sa.select(Response.answer).where(Response.attempt_id == attempt_id, Response.question_id == question_id)
        )
    assert saved is not None

    # Submitting with six questions blank asks first, says how many, and offers a way back: with JavaScript,
    # on the page itself.
    page.get_by_role("button", name="Submit for grading").click()
    confirmation = page.get_by_role("heading", name="You have left 6 questions unanswered. Submit anyway?")
    confirmation.wait_for()
    assert page.url.endswith(f"/attempts/{attempt_id}")
    page.get_by_role("link", name="Back to my answers").click()
    assert confirmation.count() == 0
    assert page.locator(f'[name="{name}"]:checked, input[type=text][name="{name}"]').count() >= 1
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url(f"**/attempts/{attempt_id}/result")
    expect(page.get_by_text(re.compile(r"Score: \d+%"))).to_be_visible()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    # The review sets the learner's answer beside the right one.
    assert page.get_by_text("Your answer:").count() == 7 and page.get_by_text("Correct answer:").count() == 7


def test_without_javascript_a_blank_submission_asks_on_its_own_page(browser, live_server, ready_learner):
    """Without JavaScript, does "Submit for grading" with every question blank lead to a page saying how many are
    unanswered, whose "Back to my answers" returns to the attempt and whose "Submit anyway" grades it?"""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, ready_learner.email)
        page.goto(ASSESSMENT)
        page.get_by_role("button", name="Start an attempt").click()
        page.get_by_role("button", name="Submit for grading").click()
        page.wait_for_url(re.compile(r".*/attempts/\d+/submit$"))
        expect(page.get_by_role("heading", name="You have left 7 questions unanswered. Submit anyway?")).to_be_visible()
        page.get_by_role("link", name="Back to my answers").click()
        page.wait_for_url(re.compile(r".*/attempts/\d+$"))
        assert page.locator("fieldset.question").count() == 7
        page.get_by_role("button", name="Submit for grading").click()
        page.get_by_role("button", name="Submit anyway").click()
        page.wait_for_url(re.compile(r".*/attempts/\d+/result$"))
        expect(page.get_by_text("Score: 0%")).to_be_visible()
    finally:
        context.close()


def _answer(fieldset) -> None:
    """Give an answer to a question as a person would: a choice, a typed value or every position picked."""
    choice = fieldset.locator("input[type=radio], input[type=checkbox]")
    if choice.count():
        choice.first.check()
    elif fieldset.locator("input[type=text]").count():
        fieldset.locator("input[type=text]").first.fill("42")
        fieldset.locator("input[type=text]").first.press("Tab")  # a text input's change fires on leaving it
    else:  # an order or a matching: every position chosen (positions 1, 2, 3… are an order)
        selects = fieldset.locator("select")
        for i in range(selects.count()):
            selects.nth(i).select_option(index=min(i + 1, selects.nth(i).locator("option").count() - 1))


def _saved_questions(app, attempt_id: int) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Response.question_id).where(Response.attempt_id == attempt_id)))


def test_quick_answers_are_saved_together_and_leaving_sends_the_rest(page, app, ready_learner):
    """Are answers given in quick succession saved by one request rather than one each (issue #20: 2,000
    officers at once), is the next answer held for a few seconds, and is it still saved when the learner
    leaves the page before then? And does the page say all this in French?"""
    saves = []
    page.on("request", lambda request: saves.append(request) if request.url.endswith("/autosave") else None)
    log_in(page, ready_learner.email)
    page.get_by_role("button", name="Français").click()
    page.goto(ASSESSMENT)
    page.get_by_role("button", name="Commencer une tentative").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#deadline").inner_text().startswith("Temps restant :")
    questions = page.locator("fieldset.question")
    ids = [int(questions.nth(i).locator("[name]").first.get_attribute("name")[1:].split("-")[0]) for i in range(4)]

    _answer(questions.nth(0))  # the first answer is saved at once
    status = page.locator("#autosave-status")
    status.get_by_text("Enregistré.", exact=True).wait_for()
    assert len(saves) == 1 and _saved_questions(app, attempt_id) == {ids[0]}

    _answer(questions.nth(1))  # the next two, within five seconds of that save: held, then saved together
    page.wait_for_timeout(1500)  # well past the 0.4 s a lone answer waits: still held
    assert status.inner_text() == "Enregistrement dans un instant…" and len(saves) == 1
    _answer(questions.nth(2))
    status.get_by_text("Enregistré.", exact=True).wait_for(timeout=10_000)
    assert len(saves) == 2 and _saved_questions(app, attempt_id) == set(ids[:3])

    _answer(questions.nth(3))  # held again; the learner leaves before it is due, and leaving sends it (a beacon)
    assert status.inner_text() == "Enregistrement dans un instant…"
    page.get_by_role("link", name="Mon apprentissage").click()
    page.wait_for_url("**/my-learning")
    deadline = time.monotonic() + 3
    while ids[3] not in _saved_questions(app, attempt_id) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _saved_questions(app, attempt_id) == set(ids[:4])


def test_unticking_every_box_is_saved_as_a_blank_answer(page, app, ready_learner):
    """A learner ticks a box of a "select every answer" question, then unticks it: is the saved answer blank
    again, so that a time-out grades what the page shows rather than the box once ticked?"""
    with app.app_context():
        db.session.execute(sa.update(Assessment).values(draw=100))  # every question, the multiple-choice ones too
        db.session.commit()
    log_in(page, ready_learner.email)
    page.goto(ASSESSMENT)
    page.get_by_role("button", name="Start an attempt").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    box = page.locator("fieldset.question input[type=checkbox]").first
    question_id = int(box.get_attribute("name")[1:])
    status = page.locator("#autosave-status")

    def saved():
        with app.app_context():
            return db.session.scalar(
                sa.select(Response.answer).where(Response.attempt_id == attempt_id, Response.question_id == question_id)
            )

    box.check()
    status.get_by_text("Saved.", exact=True).wait_for()
    assert saved()
    box.uncheck()
    expect(status).to_have_text("Saving shortly…")
    status.get_by_text("Saved.", exact=True).wait_for(timeout=15_000)
    assert saved() is None
