"""In chromium: a learner sits a timed attempt, saving as they go, and gets a graded result."""

import re

import pytest
import sqlalchemy as sa

from app.assessments.models import Response
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
    assert page.get_by_text(re.compile(r"Score: \d+%")).is_visible()
    assert page.get_by_role("heading", name="Review").is_visible()
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
        assert page.get_by_role("heading", name="You have left 7 questions unanswered. Submit anyway?").is_visible()
        page.get_by_role("link", name="Back to my answers").click()
        page.wait_for_url(re.compile(r".*/attempts/\d+$"))
        assert page.locator("fieldset.question").count() == 7
        page.get_by_role("button", name="Submit for grading").click()
        page.get_by_role("button", name="Submit anyway").click()
        page.wait_for_url(re.compile(r".*/attempts/\d+/result$"))
        assert page.get_by_text("Score: 0%").is_visible()
    finally:
        context.close()
