"""In chromium: the directorate steers a project; a coordinator stays within their administration."""

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_directorate_walks_a_project(page, project, make_user, tmp_path):
    """Overview → project → add a milestone → a cohort from a CSV → download CSV, XLSX and PDF."""
    make_user(Role.LEARNER, project["kenya"], email="k1@example.org")
    log_in(page, project["director"].email)
    page.get_by_role("link", name="Directorate").click()
    expect(page.get_by_role("heading", name="Directorate overview")).to_be_visible()
    page.get_by_role("link", name="KE-DATA").first.click()
    page.wait_for_url("**/projects/KE-DATA")

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Title").fill("Data technique workshop")
    page.get_by_label("Due date").fill("2026-05-15")
    page.get_by_role("button", name="Save the milestone").click()
    page.wait_for_url("**/projects/KE-DATA")
    expect(page.get_by_role("cell", name="Data technique workshop")).to_be_visible()

    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Kenya data specialists 2026")
    page.get_by_label("Project (optional)").select_option(label="KE-DATA — Data for Kenya")
    page.get_by_label("Start date").fill("2026-02-01")
    page.get_by_label("End date").fill("2026-11-30")
    page.get_by_label("Courses").select_option(label="Introduction to Customs data")
    page.get_by_role("button", name="Save the cohort").click()
    csv_file = tmp_path / "officers.csv"
    csv_file.write_text("email,full_name\nk1@example.org,\nnew.officer@example.org,Wanjiru Kamau\n")
    page.get_by_label("CSV file (email, full_name)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Add the officers").click()
    expect(page.get_by_text("2 officers added. 1 new account invited.")).to_be_visible()
    expect(page.get_by_role("cell", name="Wanjiru Kamau", exact=True)).to_be_visible()

    page.goto("/projects/KE-DATA")
    for name, suffix in (("Report (PDF)", ".pdf"), ("Report (XLSX)", ".xlsx")):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        assert download.value.suggested_filename.endswith(suffix)
    with page.expect_download() as download:
        page.get_by_role("link", name="Targets and actuals by year (CSV)").click()
    assert download.value.suggested_filename == "KE-DATA-targets.csv"


def test_coordinator_cannot_open_another_administration(page, project, make_user, make_administration):
    """Does a coordinator who types another administration's address get 'Not allowed'?"""
    senegal = make_administration("SN")
    log_in(page, make_user(Role.COORDINATOR, project["kenya"]).email)
    page.get_by_role("link", name="My administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project["kenya"].name)
    page.goto(f"/coordinator?administration={senegal.id}")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.goto("/directorate")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
