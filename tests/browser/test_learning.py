"""In chromium: enrol, read a Markdown and a notebook lesson, complete them, log out, log in, resume."""

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.storage]  # storage: CI runs it on S3 too


def test_learner_takes_a_course_and_resumes_it(page, make_user, synced):
    """Can a learner walk a course lesson by lesson in a real browser and pick up where they left off?"""
    learner = make_user(Role.LEARNER, full_name="Awa Ndiaye")
    log_in(page, learner.email)
    page.get_by_role("link", name="Catalogue").first.click()
    expect(page.get_by_text("Locked: complete Introduction to Customs data first.")).to_be_visible()
    page.get_by_role("link", name="Introduction to Customs data").click()
    page.get_by_role("button", name="Enrol").click()

    # The Markdown lesson, with its table and glossary link.
    page.wait_for_url("**/lessons/declarations")
    expect(page.get_by_role("heading", name="What a declaration holds", level=1)).to_be_visible()
    assert page.locator("article table").count() == 1
    assert page.get_by_role("link", name="anonymisation").get_attribute("href") == "/glossary#term-anonymisation"
    page.get_by_role("button", name="Mark as complete").click()

    # The notebook lesson, rendered from stored HTML with its outputs and downloads.
    page.wait_for_url("**/lessons/exploring")
    expect(page.get_by_text("lines: 2")).to_be_visible()
    expect(page.get_by_role("link", name="Sample declarations (CSV)")).to_be_visible()
    expect(page.get_by_text("0 of 2").count() == 0 and page.get_by_text("1 of 2 lessons done").first).to_be_visible()

    # Log out, come back, resume at the notebook lesson.
    page.get_by_role("button", name="Log out").click()
    log_in(page, learner.email)
    page.get_by_role("link", name="My learning").first.click()
    page.get_by_role("link", name="Exploring a dataset").click()
    page.wait_for_url("**/lessons/exploring")
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_url("**/courses/intro-to-data")
    expect(page.get_by_text("Congratulations: you have completed Introduction to Customs data.")).to_be_visible()

    # The next tier opens.
    page.goto("/courses/data-in-practice")
    expect(page.get_by_role("button", name="Enrol")).to_be_visible()


def test_lesson_runs_no_script_and_loads_nothing_from_elsewhere(page, make_user, synced, live_server):
    """Does a lesson page load only this site's files and run without console errors?"""
    learner = make_user()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, learner.email)
    page.goto("/courses/intro-to-data")
    page.get_by_role("button", name="Enrol").click()
    page.goto("/courses/intro-to-data/lessons/exploring")
    assert all(url.startswith(live_server) or url.startswith("data:") for url in requests), requests
    assert errors == []
