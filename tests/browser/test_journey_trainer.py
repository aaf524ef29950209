"""The trainer's journey in chromium, following only what each page shows: from the home page to a published
change a learner sees (keeping their progress), then to an assessment's item analysis."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.assessments import services as assessments
from app.assessments.models import Assessment
from app.auth.models import Role, User
from app.authoring.drafts import add_author
from app.courses import services as courses
from app.courses.models import Course, Lesson
from app.extensions import db
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.storage]  # storage: CI runs it on S3 too

REVISED = "Revised: a declaration is the trader's statement, and its data elements follow the WCO Data Model."


@pytest.fixture
def trainer(app, make_user, synced):
    """A trainer who authors both test courses."""
    user = make_user(Role.TRAINER, full_name="Tomás Trainer")
    with app.app_context():
        person = db.session.get(User, user.id)
        for slug in ("intro-to-data", "data-in-practice"):
            add_author(slug, person, assigned_by=None)
        db.session.commit()
    return user


@pytest.fixture
def halfway_learner(app, make_user, synced):
    """A learner who completed the first lesson of "Introduction to Customs data" before the trainer's change."""
    learner = make_user(Role.LEARNER, full_name="Awa Ndiaye")
    with app.app_context():
        user = db.session.get(User, learner.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        enrolment = courses.enrol(user, course)
        first = db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == "declarations"))
        courses.complete_lesson(user, enrolment, first)
        db.session.commit()
    return learner


@pytest.fixture
def graded_attempt(app, ready_learner):
    """One submitted attempt at the final assessment of "Customs data in practice", so its analysis has data."""
    with app.app_context():
        user = db.session.get(User, ready_learner.id)
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.slug == "final"))
        assert assessments.submit(assessments.start_attempt(user, assessment))
        db.session.commit()


def test_a_trainer_edits_previews_and_publishes_a_lesson_a_learner_then_reads(
    page, trainer, halfway_learner, graded_attempt
):
    """Can a trainer, clicking only what pages show, edit a lesson in a draft, preview it, publish it under a new
    version label, while a learner halfway through sees the change and keeps their progress, and then reach the
    item analysis of an assessment?"""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    log_in(page, trainer.email)

    # Home → Course editor → the course.
    page.get_by_role("link", name="Edit your courses").click()
    page.get_by_role("link", name="Introduction to Customs data").click()
    expect(page.get_by_text("Learners see version 1.0 (revision 1).")).to_be_visible()
    page.get_by_role("button", name="Edit this course").click()
    page.get_by_text("Draft started from the published version.").wait_for()

    # Edit the first lesson in the draft and preview it as learners will see it.
    page.get_by_role("link", name="What a declaration holds").click()
    body = page.get_by_label("Text (Markdown)")
    body.fill(f"# What a declaration holds\n\n{REVISED}\n")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#lesson-preview").get_by_text(REVISED)).to_be_visible()
    page.get_by_role("button", name="Save the lesson").click()
    page.get_by_text("Lesson saved.").wait_for()

    # Back to the course by its title, and publish under a new version label.
    page.locator(".breadcrumb").get_by_role("link", name="Introduction to Customs data").click()
    expect(page.get_by_text("The draft passes every check")).to_be_visible()
    assert page.get_by_label("Keep 1.0").is_checked()
    assert page.get_by_label("New version label").input_value() == "1.1"  # the next minor version, suggested
    page.get_by_label("What changed (for the version history)").fill("A clearer first lesson")
    page.get_by_label("Change it to").check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published as version 1.1 (revision 2).").wait_for()
    history = page.get_by_role("table").filter(has_text="A clearer first lesson")
    expect(history.get_by_role("row", name="2 1.1")).to_be_visible()  # each publish's revision beside its label
    page.get_by_role("button", name="Log out").click()

    # The learner sees the new version and the changed lesson, and keeps the lesson they had completed.
    log_in(page, halfway_learner.email)
    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_text("1 of 2 lessons done").first).to_be_visible()
    page.get_by_role("link", name="Introduction to Customs data").first.click()
    expect(page.get_by_text("Version 1.1")).to_be_visible()
    first = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="What a declaration holds"))
    assert first.get_by_text("completed").count() == 1
    first.get_by_role("link", name="What a declaration holds").click()
    expect(page.get_by_text(REVISED)).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The trainer reaches the assessment's item analysis from the course editor.
    log_in(page, trainer.email)
    page.get_by_role("link", name="Course editor").first.click()
    page.get_by_role("link", name="Customs data in practice").click()
    page.get_by_role("link", name="Results and item analysis: Final assessment").click()
    expect(page.get_by_role("heading", name="Item analysis", exact=True)).to_be_visible()
    rows = page.get_by_role("table").last.get_by_role("row")
    assert rows.count() > 1 and page.get_by_text("No attempt has been graded yet.").count() == 0
    # Each question by its text, and its type in words.
    questions = page.get_by_role("table").last.locator("tbody td:nth-child(1)").all_inner_texts()
    assert all(cell.split("\n")[0].endswith(("?", ".")) for cell in questions), questions  # its text, then its key
    kinds = set(page.get_by_role("table").last.locator("tbody td:nth-child(2)").all_inner_texts())
    words = {"Single choice", "Multiple choice", "True or false", "Number", "Short text", "Put in order"}
    assert kinds and kinds <= words | {"Matching pairs"}

    # From the results back to the course editor, to the course as learners see it, and back to the editor.
    page.locator(".breadcrumb").get_by_role("link", name="Customs data in practice").click()
    page.get_by_role("link", name="See it as learners do").click()
    expect(page.get_by_role("heading", name="Customs data in practice", level=1)).to_be_visible()
    page.get_by_role("link", name="Edit in the course editor").click()
    expect(page.get_by_role("link", name="Results and item analysis: Final assessment")).to_be_visible()
    assert errors == []


def test_discarding_a_draft_asks_first_and_keeps_what_learners_see(page, trainer, halfway_learner):
    """Is "Discard the draft" a separate, danger-styled step away from Publish that asks before it throws work away?"""
    page.goto("/")
    log_in(page, trainer.email)
    page.get_by_role("link", name="Course editor").first.click()
    page.get_by_role("link", name="Introduction to Customs data").click()
    page.get_by_role("button", name="Edit this course").click()

    publish = page.locator("form.publish")
    discard = page.get_by_role("link", name="Discard the draft…")
    assert publish.get_by_text("Discard").count() == 0  # not beside Publish
    assert "danger" in discard.get_attribute("class")
    assert discard.bounding_box()["y"] > publish.bounding_box()["y"] + publish.bounding_box()["height"] + 200

    discard.click()
    page.get_by_role("heading", name="Discard the draft of Introduction to Customs data?").wait_for()
    page.get_by_role("link", name="Keep the draft").click()
    expect(page.get_by_role("heading", name="Draft", exact=True)).to_be_visible()  # nothing was lost

    page.get_by_role("link", name="Discard the draft…").click()
    page.get_by_role("button", name="Discard the draft").click()
    page.get_by_text("Draft discarded.").wait_for()
    expect(page.get_by_text("Learners see version 1.0 (revision 1).")).to_be_visible()
