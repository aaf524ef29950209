"""An officer reads the academy in French, chosen from the header, in chromium."""

import re

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_an_officer_switches_to_french_and_keeps_it_after_logging_in(page, make_user):
    """Can an officer press "Français" on the home page, log in through French pages, find French again on
    their next visit, and switch back to English from any page?"""
    officer = make_user(Role.LEARNER, full_name="Awa Ndiaye")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Courriel").fill(officer.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Bienvenue"))

    # The choice is the account's: a new browser (no cookie, an English browser) opens in French after login.
    page.context.clear_cookies()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Catalogue").first.click()
    expect(page).to_have_url(re.compile("/catalogue$"))
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile("/catalogue$"))  # back on the page it was pressed on
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="My learning")).to_be_visible()
