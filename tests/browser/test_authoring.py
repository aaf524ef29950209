"""In chromium: a trainer builds and publishes a course, a learner starts it, a republish keeps their progress."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

NOTEBOOK = Path(__file__).parent.parent / "fixtures" / "content" / "courses" / "intro-to-data" / "notebooks"


def add_lesson(page, title: str, kind: str, notebook: Path | None = None) -> None:
    page.get_by_role("link", name="Add a lesson to this module").first.click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label=kind)
    if notebook:
        page.get_by_label("Notebook (.ipynb), for a notebook lesson").set_input_files(str(notebook))
    page.get_by_role("button", name="Add the lesson").click()
    page.get_by_text("Lesson added.").wait_for()


def new_course(page) -> None:
    page.get_by_role("link", name="Course editor").click()
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill("Valuation analytics")
    page.get_by_label("Track").select_option(label="Data specialists")
    page.get_by_label("Tier").select_option(label="Foundation")
    page.get_by_label("Summary").fill("Finding undervaluation in declarations.")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/author/valuation-analytics")


def publish(page, note: str) -> None:
    page.get_by_label("What changed (for the version history)").fill(note)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Learners see it now, and keep their progress.").wait_for()


def test_trainer_builds_publishes_and_republishes_while_a_learner_keeps_progress(page, make_user, synced):
    trainer = make_user(Role.TRAINER, full_name="Tomás Trainer")
    learner = make_user(Role.LEARNER, full_name="Awa Ndiaye")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # The trainer creates a course.
    log_in(page, trainer.email)
    new_course(page)

    # A Markdown lesson, with the live preview rendered by the server as the trainer types.
    add_lesson(page, "Unit values", "Text (Markdown)")
    body = page.get_by_label("Text (Markdown)")
    body.fill("# Unit values\n\nA **unit value** is the value divided by the quantity.\n")
    page.locator("#lesson-preview strong", has_text="unit value").wait_for()
    page.get_by_role("button", name="Save the lesson").click()
    page.get_by_text("Lesson saved.").wait_for()

    # A notebook lesson, rendered by the import pipeline.
    page.locator(".breadcrumb").get_by_role("link", name="Valuation analytics").click()
    add_lesson(page, "Exploring declarations", "Jupyter notebook", NOTEBOOK / "exploring.ipynb")
    expect(page.locator("#lesson-preview").get_by_text("lines: 2")).to_be_visible()
    page.locator(".breadcrumb").get_by_role("link", name="Valuation analytics").click()

    # Reorder: drag the notebook above the first lesson, then put it back with the arrow (no script needed).
    page.locator("li[data-lesson=exploring-declarations]").drag_to(page.locator("li[data-lesson=unit-values]"))
    page.get_by_text("New order saved.").wait_for()
    assert page.locator("li[data-lesson]").first.get_attribute("data-lesson") == "exploring-declarations"
    page.get_by_role("button", name="Move lesson Unit values up").click()
    page.get_by_text("Lesson moved.").wait_for()
    assert page.locator("li[data-lesson]").first.get_attribute("data-lesson") == "unit-values"

    # An assessment with its question bank.
    add_assessment(page)

    expect(page.get_by_text("The draft passes every check")).to_be_visible()
    publish(page, "First version")
    expect(page.get_by_role("cell", name="First version")).to_be_visible()

    # The learner starts the course and completes the first lesson.
    page.get_by_role("button", name="Log out").click()
    log_in(page, learner.email)
    page.goto("/courses/valuation-analytics")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/lessons/unit-values")
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_url("**/lessons/exploring-declarations")
    page.get_by_role("button", name="Log out").click()

    # The trainer edits the first lesson and republishes.
    log_in(page, trainer.email)
    page.goto("/author/valuation-analytics")
    page.get_by_role("button", name="Edit this course").click()
    page.get_by_role("link", name="Unit values").click()
    page.get_by_label("Text (Markdown)").fill("# Unit values\n\nRevised: compare unit values with reference prices.\n")
    page.get_by_role("button", name="Save the lesson").click()
    page.get_by_text("Lesson saved.").wait_for()
    page.locator(".breadcrumb").get_by_role("link", name="Valuation analytics").click()
    publish(page, "Reference prices")
    expect(page.get_by_role("cell", name="Reference prices")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The learner sees the new text and keeps their progress.
    log_in(page, learner.email)
    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_text("1 of 2 lessons done").first).to_be_visible()
    page.goto("/courses/valuation-analytics/lessons/unit-values")
    expect(page.get_by_text("Revised: compare unit values with reference prices.")).to_be_visible()
    assert errors == []


def add_assessment(page) -> None:
    """An assessment drawing one of two true-or-false questions, previewed as a learner sees it."""
    page.get_by_role("link", name="Add an assessment").click()
    page.get_by_label("Title").fill("Valuation check")
    page.get_by_label("Pass mark (%)").fill("50")
    page.get_by_label("Questions drawn per attempt").fill("1")
    page.get_by_role("button", name="Create the assessment").click()
    statements = [
        ("A unit value is the customs value divided by the quantity.", "True"),
        ("A larger declared quantity raises the unit value.", "False"),
    ]
    for text, answer in statements:
        page.get_by_role("link", name="True or false").click()
        page.get_by_label("Question (Markdown)").fill(text)
        page.get_by_label("The statement is").select_option(label=answer)
        page.get_by_role("button", name="Save the question").click()
        page.get_by_text("Question saved.").wait_for()
    page.get_by_role("link", name="Preview as a learner").click()
    page.wait_for_url("**/preview")  # the click only starts the navigation: on a busy machine the old page was read
    for text, _answer in statements:
        expect(page.get_by_text(text)).to_be_visible()
    page.get_by_role("link", name="Valuation analytics").first.click()
    page.wait_for_url("**/author/valuation-analytics")


def test_text_typed_before_the_editor_script_runs_gets_its_preview(page, make_user, synced):
    """On a slow line a trainer may type before editor.js has arrived: is that text previewed once it runs?"""
    trainer = make_user(Role.TRAINER)
    log_in(page, trainer.email)
    new_course(page)
    page.route("**/static/js/editor.*js", lambda route: route.abort())  # not arrived yet (named by its hash)
    add_lesson(page, "Unit values", "Text (Markdown)")
    page.get_by_label("Text (Markdown)").fill("A **unit value** is the value divided by the quantity.")
    assert page.locator("#lesson-preview strong").count() == 0
    page.unroute("**/static/js/editor.*js")
    page.add_script_tag(url=page.url.split("/author/")[0] + "/static/js/editor.js")  # now it arrives
    page.locator("#lesson-preview strong", has_text="unit value").wait_for()
