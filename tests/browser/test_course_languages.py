"""In chromium: a francophone learner reads a course in French and keeps their progress in English."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def french_page(browser, live_server):
    """A browser whose preferred language is French (fr-FR)."""
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_francophone_learner_reads_a_french_course_and_keeps_progress_in_english(french_page, ready_learner):
    """From `/`, clicking only what pages show, does a learner whose browser asks for French reach the French
    course and lesson, complete it, and find it completed after switching to English mid-course?"""
    page = french_page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Courriel").fill(ready_learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Catalogue").first.click()
    card = page.locator("li.card", has_text="Les données douanières en pratique")
    expect(card).to_contain_text(re.compile(r"Langues\s*:\s*English, Français"))
    intro = page.locator("li.card", has_text="Introduction to Customs data")
    expect(intro.locator("p.meta").first).to_have_text(re.compile(r"^Langues\s*:\s*English$"))
    card.get_by_role("link", name="Les données douanières en pratique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les données douanières en pratique")
    page.get_by_role("link", name="Les indicateurs de risque").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les indicateurs de risque")
    expect(page.locator("div.prose").first).to_contain_text("examen plus attentif")
    page.get_by_role("button", name="Marquer comme terminée").click()

    # Mid-course, the learner switches to English: the same course, with the lesson still completed.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="My learning").first.click()
    page.get_by_role("link", name="Customs data in practice").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customs data in practice")
    expect(page.locator("li", has_text="Risk indicators")).to_contain_text("completed")
    page.get_by_role("link", name="Risk indicators").first.click()
    expect(page.locator("div.prose").first).to_contain_text("closer look")
