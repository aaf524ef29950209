"""In chromium: a workshop from creation to a verified certificate of attendance, attendance taken on a phone."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.storage]  # storage: CI runs it on S3 too


def _log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_workshop_from_creation_to_verified_certificate(page, browser, live_server, project, make_user):
    """Directorate creates a workshop in a project; an officer registers; a facilitator ticks attendance on a
    narrow screen; the officer downloads a certificate of attendance that verifies publicly; the project counts it."""
    facilitator = make_user(Role.TRAINER, project["kenya"], full_name="Field Facilitator")
    officer = make_user(Role.LEARNER, project["kenya"], full_name="Achieng Otieno")
    today = date.today()
    start = max(today, date(2025, 1, 1))

    log_in(page, project["director"].email)
    page.goto("/workshops/new")
    page.get_by_label("Kind").select_option("data_technique")
    page.get_by_label("Title").fill("Unit values hands-on")
    page.get_by_label("First day", exact=True).fill(start.isoformat())
    page.get_by_label("Last day", exact=True).fill(start.isoformat())
    page.get_by_label("Capacity (participants)").fill("10")
    page.get_by_label("Registration opens").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Registration closes").fill(start.isoformat())
    page.get_by_label("Administrations invited").select_option(str(project["kenya"].id))
    page.get_by_label("Project", exact=True).select_option(label="KE-DATA — Data for Kenya")
    page.get_by_label("Facilitators with an account").select_option(label=f"Field Facilitator ({facilitator.email})")
    page.get_by_role("button", name="Save the workshop").click()
    page.wait_for_url(re.compile(r".*/workshops/\d+$"))
    workshop_url = page.url
    page.get_by_text("Add a session").click()
    page.get_by_label("Session title").fill("Hands-on day")
    page.get_by_label("Starts (UTC)").fill(f"{start.isoformat()}T00:10")
    page.get_by_label("Ends (UTC)").fill(f"{start.isoformat()}T06:10")
    page.get_by_label("Place (in person)").fill("Nairobi")
    page.get_by_role("button", name="Add the session").click()
    page.get_by_text("Session added.").wait_for()
    _log_out(page)

    log_in(page, officer.email)
    page.goto(workshop_url)
    page.get_by_role("button", name="Register", exact=True).click()
    page.get_by_text("You are registered.").wait_for()
    _log_out(page)

    phone = browser.new_context(
        base_url=live_server, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    mobile = phone.new_page()
    log_in(mobile, facilitator.email)
    mobile.goto(workshop_url + "/attendance")
    box = mobile.get_by_label("Achieng Otieno")
    assert box.bounding_box()["height"] >= 20  # a target a thumb can hit
    box.tap()
    mobile.get_by_role("button", name="Save attendance for this session").tap()
    mobile.get_by_text("1 certificate of attendance issued.").wait_for()
    phone.close()

    log_in(page, officer.email)
    page.goto("/certificates")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("link", name="Public verification page").click()
    page.wait_for_url(re.compile(r".*/verify/[A-Z2-7-]+$"))
    verification = page.url
    _log_out(page)
    page.goto(verification)  # as anyone, logged out
    page.get_by_text("Valid.").wait_for()
    expect(page.get_by_text("Unit values hands-on")).to_be_visible()

    log_in(page, project["director"].email)
    page.goto("/projects/KE-DATA")
    row = page.get_by_role("row", name=re.compile("Unit values hands-on"))
    assert row.get_by_role("cell").nth(5).inner_text() == "1"  # attended
    assert row.get_by_role("cell").nth(6).inner_text() == "1"  # certificates of attendance
