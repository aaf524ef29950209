"""An officer's sessions in a real browser: logging out on a shared computer leaves nothing behind (not the page
under Back, not a copied cookie), the phone stays logged in until "Log out everywhere", and a locked account says
how long to wait."""

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _log_in_from_home(page, email: str, password: str = PASSWORD, *, remember: bool = True) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if remember:
        page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Log in").click()


def test_logging_out_on_a_shared_computer_leaves_nothing_behind(browser, live_server, make_user, make_administration):
    """After an officer logs out of the office computer, do Back and a copied cookie show only the login page,
    while their phone stays logged in until they log out everywhere from it?"""
    officer = make_user(Role.LEARNER, make_administration("KE"), full_name="Amina Odhiambo")
    office_context = browser.new_context(base_url=live_server)
    phone_context = browser.new_context(base_url=live_server)
    try:
        office, phone = office_context.new_page(), phone_context.new_page()
        for page in (office, phone):
            _log_in_from_home(page, officer.email)
            page.wait_for_url("**/")
            assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Amina Odhiambo"

        office.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
        expect(office.get_by_text(officer.email)).to_be_visible()
        copied = office_context.cookies()
        assert {"session", "remember_token"} <= {cookie["name"] for cookie in copied}
        office.get_by_role("button", name="Log out", exact=True).click()
        expect(office.get_by_text("You are logged out.")).to_be_visible()
        office.go_back()  # the account page was sent no-store: Back asks the server again
        expect(office.get_by_role("heading", name="Log in")).to_be_visible()
        assert not office.get_by_text(officer.email).is_visible()

        thief_context = browser.new_context(base_url=live_server)
        thief_context.add_cookies(copied)
        thief = thief_context.new_page()
        thief.goto("/")
        expect(thief.get_by_role("link", name="Log in").first).to_be_visible()
        assert "Amina" not in thief.content()
        thief_context.close()

        phone.reload()
        assert phone.get_by_role("heading", level=1).inner_text() == "Welcome, Amina Odhiambo"
        phone.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
        expect(phone.get_by_text("You are logged in on 1 device or browser.")).to_be_visible()
        phone.get_by_role("button", name="Log out everywhere").click()
        expect(phone.get_by_text("You are logged out on every device, this one included.")).to_be_visible()
        expect(phone.get_by_role("link", name="Log in").first).to_be_visible()
        phone.reload()
        assert "Amina" not in phone.content()
    finally:
        office_context.close()
        phone_context.close()


def test_a_locked_account_says_how_long_to_wait(page, make_user):
    """After five wrong passwords, is the officer told in words how long to wait, even when the sixth is right?"""
    officer = make_user(Role.LEARNER)
    _log_in_from_home(page, officer.email, "not-the-password", remember=False)
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    for _ in range(4):
        page.get_by_label("Password").fill("still-not-it")
        with page.expect_navigation():  # each refusal is a new page: the next try must not type into the old one
            page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Too many failed logins. Try again in 15 minutes.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
