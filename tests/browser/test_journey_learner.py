"""The learner's journey in chromium, from the home page to a certificate anyone can verify.

Only the first page is typed in: every other page is reached by a link or a button the page
shows, as a person would. Questions are answered by reading them and clicking the labels that
carry the answer's words (tests/browser/answering.py), never through the form's values.
"""

import re

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.answering import answer_attempt, load_bank
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.storage]  # storage: CI runs it on S3 too

INTRO, PRACTICE, FINAL = "Introduction to Customs data", "Customs data in practice", "Final assessment"


def _log_in_from_home(page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def _submit(page, bank, right: bool) -> None:
    """Answer every question of the open attempt and submit it for grading."""
    expect(page.locator("fieldset.question").first).to_be_visible()
    assert answer_attempt(page, bank, right=right) == 7
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Result of attempt \d"))).to_be_visible()


def test_a_learner_goes_from_the_home_page_to_a_verified_certificate(page, make_user, synced):
    """Can a learner go from the home page through two courses, their lessons and an assessment to a certificate
    PDF and its public verification page, clicking only what each page shows?"""
    bank = load_bank(synced / "courses" / "data-in-practice" / "assessment.yml")
    learner = make_user(Role.LEARNER, full_name="Amina Odhiambo")
    _log_in_from_home(page, learner.email)

    # The Foundation course: enrol, then lesson by lesson.
    page.get_by_role("link", name="Catalogue").first.click()
    page.get_by_role("link", name=INTRO).click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("heading", name="What a declaration holds", level=1)).to_be_visible()
    # Opened, not completed yet: My learning and the course page both offer to continue, back to that lesson.
    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_text("Continue: What a declaration holds")).to_be_visible()
    page.get_by_role("link", name=INTRO).click()
    page.get_by_role("link", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", name="What a declaration holds", level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("heading", name="Exploring a dataset", level=1)).to_be_visible()
    # "Next" leads to the optional reading; the learner glances at it and comes back.
    page.get_by_role("link", name="Trade statistics →").click()
    expect(page.get_by_role("heading", name="Trade statistics", level=1)).to_be_visible()
    page.get_by_role("link", name="← Exploring a dataset").click()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text(f"Congratulations: you have completed {INTRO}.")).to_be_visible()

    # The Practitioner course opens, and the page says so: its one lesson, then its required assessment.
    expect(page.get_by_text("Completing it opened the next course:")).to_be_visible()
    page.get_by_role("link", name=PRACTICE).click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("heading", name="Risk indicators", level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    # Every lesson done: the page says the assessment is what is left, and is the assessment's.
    expect(page.get_by_text(f"You have completed every lesson of {PRACTICE}: pass its assessment")).to_be_visible()
    expect(page.get_by_role("heading", name=FINAL, level=1)).to_be_visible()

    # The course is not shown complete, and each way back leads to the assessment.
    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_role("heading", name="Completed")).to_have_count(1)  # the Foundation course only
    expect(page.get_by_text("1 assessment to pass")).to_be_visible()
    page.get_by_role("link", name=PRACTICE).click()
    expect(page.get_by_text("You completed this course")).to_have_count(0)
    expect(page.get_by_text("Congratulations")).to_have_count(0)
    expect(page.get_by_text("1 of 1 lessons done · 1 assessment to pass")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=FINAL)).to_contain_text("Not started")
    page.get_by_role("link", name="Risk indicators").click()
    page.get_by_role("link", name="What is left to do").click()  # "Continue" from a lesson, once they are done
    expect(page.get_by_role("heading", name=FINAL, level=1)).to_be_visible()
    page.get_by_role("link", name=PRACTICE).click()
    page.get_by_role("link", name=f"Take the assessment: {FINAL}").click()

    # The assessment, passed.
    expect(page.get_by_text("Once you start, you have 20 minutes to submit your answers.")).to_be_visible()
    page.get_by_role("button", name="Start an attempt").click()
    _submit(page, bank, right=True)
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()
    next_step = page.get_by_role("region", name="What to do next")
    expect(next_step).to_contain_text(f"You have completed {PRACTICE}.")

    # The certificate: its PDF, then its public page by the address the learner is given.
    with page.expect_download() as download:
        next_step.get_by_role("link", name="Download your certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    next_step.get_by_role("link", name="My certificates").click()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=PRACTICE, exact=True))
    code = card.locator("code").inner_text()
    address = card.get_by_role("link", name=re.compile(f"{code}$"))  # the address the PDF and its QR code print
    assert address.inner_text().endswith(f"/verify/{code}")
    address.click()
    expect(page.get_by_text("Valid.")).to_be_visible()
    expect(page.get_by_text("Amina Odhiambo")).to_be_visible()
    expect(page.get_by_text(code)).to_be_visible()

    # My learning now files the course as completed.
    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_role("heading", name="In progress")).to_have_count(0)
    expect(page.get_by_role("link", name=PRACTICE)).to_be_visible()


def test_a_learner_who_fails_sees_what_to_do_next_retakes_and_passes(page, ready_learner, synced):
    """Does a learner who fails the assessment learn how many attempts are left and what to read again, and can
    they try again from the result page and pass?"""
    bank = load_bank(synced / "courses" / "data-in-practice" / "assessment.yml")
    _log_in_from_home(page, ready_learner.email)
    page.get_by_role("link", name="My learning").first.click()
    page.get_by_role("link", name="Risk indicators").click()
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("button", name="Start an attempt").click()
    _submit(page, bank, right=False)

    expect(page.get_by_text("Not passed", exact=True)).to_be_visible()
    next_step = page.get_by_role("region", name="What to do next")
    expect(next_step).to_contain_text("You have 2 attempts left.")
    expect(next_step.get_by_role("link", name="Risk")).to_be_visible()  # the module to read again

    # The course page and the assessment's page tell the same story.
    page.get_by_role("link", name=PRACTICE).first.click()
    expect(page.get_by_role("listitem").filter(has_text=FINAL)).to_contain_text("2 attempts left")
    expect(page.get_by_text("You completed this course")).to_have_count(0)
    page.get_by_role("link", name=f"Try the assessment again: {FINAL}").click()
    expect(page.get_by_text("You have 2 attempts left.")).to_be_visible()
    page.get_by_role("link", name="See what to revisit").click()

    next_step.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Attempt 2")).to_be_visible()
    _submit(page, bank, right=True)
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()
    expect(next_step).to_contain_text(f"You have completed {PRACTICE}.")
    next_step.get_by_role("link", name="My certificates").click()
    expect(page.get_by_role("heading", name=PRACTICE, exact=True)).to_be_visible()
