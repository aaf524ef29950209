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


#: Where each header link's and button's text stands: the lowest row of the screenshot where its first letter (a
#: capital: no descender) has a light pixel, in CSS pixels at four device pixels each.
def _baselines(page) -> dict[str, float]:
    import io

    from PIL import Image

    header = page.locator(".site-header").bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot(clip=header, scale="device"))).convert("L")
    scale = shot.width / header["width"]
    found = {}
    for item in page.locator(".site-header .nav a, .site-header .nav button").all():
        box = item.bounding_box()
        left = int((box["x"] - header["x"]) * scale)
        columns = range(left, left + int(6 * scale))
        rows = [y for y in range(shot.height) if any(shot.getpixel((x, y)) > 200 for x in columns)]
        found[item.inner_text().strip()] = rows[-1] / scale
    return found


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "officer"])
def test_the_language_button_stands_on_the_links_baseline(browser, live_server, make_user, logged_in):
    """Does the header's language button (and the log-out button) sit on the same line as the links beside it,
    not a pixel or two above?"""
    context = browser.new_context(base_url=live_server, device_scale_factor=4)
    page = context.new_page()
    page.goto("/")
    if logged_in:
        officer = make_user(Role.LEARNER)
        page.get_by_role("link", name="Log in").first.click()
        page.get_by_label("Email").fill(officer.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
    baselines = _baselines(page)
    assert "Français" in baselines and len(baselines) >= 3
    assert max(baselines.values()) - min(baselines.values()) < 0.3, baselines
    context.close()
