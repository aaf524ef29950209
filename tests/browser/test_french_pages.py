"""In chromium: a French-speaking learner walks from the home page to a lesson and meets no English interface."""

import pytest
from playwright.sync_api import expect

from app.auth.models import User
from app.extensions import db
from tests.browser.conftest import log_in
from tests.i18n.test_untranslated import _english_in

pytestmark = pytest.mark.browser


def test_a_french_learner_walks_to_a_lesson_without_meeting_english_interface(page, app, ready_learner):
    """Following only links from home to a lesson, does a French-speaking learner see French everywhere but an
    English-only course's own text, which says it is English?"""
    with app.app_context():
        db.session.get(User, ready_learner.id).locale = "fr"
        db.session.commit()
    log_in(page, ready_learner.email)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    seen = {"home": page.content()}
    page.get_by_role("link", name="Catalogue").first.click()
    seen["catalogue"] = page.content()
    page.get_by_role("link", name="Les données douanières en pratique").first.click()
    expect(page.locator("h1")).not_to_have_attribute("lang", "en")  # the course is read in its French version
    seen["course"] = page.content()
    page.get_by_role("link", name="Les indicateurs de risque").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("div.prose").first).not_to_have_attribute("lang", "en")
    seen["lesson"] = page.content()
    # A course without French is shown in English, marked so for screen readers.
    page.get_by_role("link", name="Catalogue").first.click()
    page.get_by_role("link", name="Introduction to Customs data").first.click()
    expect(page.locator("h1")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="What a declaration holds").first.click()
    expect(page.locator("div.prose").first).to_have_attribute("lang", "en")
    seen["english lesson"] = page.content()
    leftovers = {name: found for name, html in seen.items() if (found := _english_in(html))}
    assert not leftovers, leftovers
