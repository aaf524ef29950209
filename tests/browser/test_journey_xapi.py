"""A learner's journey in chromium, with the academy connected to a real learning record store
(Ralph): what they did arrives there as xAPI statements, valid for Ralph's models."""

import re

import pytest
from playwright.sync_api import expect

from app import outbox
from app.auth.models import Role
from tests.browser.answering import answer_attempt, load_bank
from tests.helpers import PASSWORD
from tests.xapi.validation import validate_with_ralph

pytestmark = pytest.mark.browser

INTRO, PRACTICE, FINAL = "Introduction to Customs data", "Customs data in practice", "Final assessment"
ACADEMY = "https://journey.example.org"


@pytest.fixture
def connected(app, ralph, monkeypatch):
    for key, value in {
        "PUBLIC_URL": ACADEMY,
        "LRS_URL": ralph.url,
        "LRS_USERNAME": ralph.username,
        "LRS_PASSWORD": ralph.password,
    }.items():
        monkeypatch.setitem(app.config, key, value)


def test_a_learners_journey_arrives_in_the_learning_record_store(page, app, connected, ralph, make_user, synced):
    """Does a learner's journey from the home page — enrol, lessons, assessment, certificate — arrive in
    Ralph as the statements an LRS expects, each valid for Ralph's models, naming nobody?"""
    bank = load_bank(synced / "courses" / "data-in-practice" / "assessment.yml")
    learner = make_user(Role.LEARNER, full_name="Kofi Mensah")
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()

    page.get_by_role("link", name="Catalogue").first.click()
    page.get_by_role("link", name=INTRO).click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("heading", name="What a declaration holds", level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("heading", name="Exploring a dataset", level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text(f"Congratulations: you have completed {INTRO}.")).to_be_visible()

    page.get_by_role("link", name=PRACTICE).click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("heading", name="Risk indicators", level=1)).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("heading", name=FINAL, level=1)).to_be_visible()
    page.get_by_role("link", name=PRACTICE).click()
    page.get_by_role("link", name=f"Take the assessment: {FINAL}").click()
    page.get_by_role("button", name="Start an attempt").click()
    expect(page.locator("fieldset.question").first).to_be_visible()
    answer_attempt(page, bank, right=True)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()
    page.get_by_role("region", name="What to do next").get_by_role("link", name="My certificates").click()
    expect(page.get_by_role("heading", name=PRACTICE, exact=True)).to_be_visible()

    with app.app_context():
        outbox.deliver_due()
    stored = ralph.statements(ACADEMY)
    said = sorted((s["verb"]["display"]["en-US"], s["object"]["id"].removeprefix(ACADEMY)) for s in stored)
    assert said == sorted(
        [
            ("registered", "/courses/intro-to-data"),
            ("experienced", "/courses/intro-to-data/lessons/declarations"),
            ("completed", "/courses/intro-to-data/lessons/declarations"),
            ("experienced", "/courses/intro-to-data/lessons/exploring"),
            ("completed", "/courses/intro-to-data/lessons/exploring"),
            ("completed", "/courses/intro-to-data"),
            ("registered", "/courses/data-in-practice"),
            ("experienced", "/courses/data-in-practice/lessons/indicators"),
            ("completed", "/courses/data-in-practice/lessons/indicators"),
            ("attempted", "/courses/data-in-practice/assessments/final"),
            ("passed", "/courses/data-in-practice/assessments/final"),
            ("completed", "/courses/data-in-practice"),
        ]
        + [
            ("earned", s["object"]["id"].removeprefix(ACADEMY))
            for s in stored
            if s["verb"]["display"]["en-US"] == "earned"
        ]
    )
    # Four certificates: each course's, and each tier's, which its one course completes.
    earned = [s for s in stored if s["verb"]["display"]["en-US"] == "earned"]
    assert len(earned) == 4 and all(s["object"]["id"].startswith(f"{ACADEMY}/verify/") for s in earned)
    parents = {
        s["context"]["contextActivities"]["parent"][0]["id"] for s in earned if "contextActivities" in s["context"]
    }
    assert parents == {f"{ACADEMY}/courses/intro-to-data", f"{ACADEMY}/courses/data-in-practice"}
    assert len({s["actor"]["account"]["name"] for s in stored}) == 1
    assert learner.email not in str(stored) and "Kofi" not in str(stored)
    sent = [{k: v for k, v in s.items() if k not in {"stored", "authority", "version"}} for s in stored]
    assert [r["error"] for r in validate_with_ralph(sent) if r["error"]] == []
