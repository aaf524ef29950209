"""A learner logs in, in a real browser, and sees their home page."""

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_learner_logs_in_and_sees_the_home_page(page, make_user, make_administration):
    """Can a learner log in through the form in chromium and land on their home page?"""
    learner = make_user(Role.LEARNER, make_administration("KE"), full_name="Amina Odhiambo")
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Amina Odhiambo"
    expect(page.get_by_role("main")).to_be_visible()
    # Keyboard users get a skip link as the first stop.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"


def test_wrong_password_shows_the_message(page, make_user):
    """Does a wrong password keep the person on the login page with a clear message?"""
    learner = make_user(Role.LEARNER)
    page.goto("/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
