"""In chromium, from the home page: a director exports a long period and downloads it once a background job has
built it; a coordinator's large cohort CSV is checked at once and its officers added by a job."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from app import jobs
from app.auth.models import Role
from tests.browser.conftest import log_in
from tests.helpers import intro_cohort

pytestmark = pytest.mark.browser


@pytest.fixture
def thread_jobs(app):
    """The served app runs its jobs on its own thread (as `make run` does), with small thresholds, for this test."""
    saved = {key: app.config[key] for key in ("JOBS_BACKEND", "IMPORT_JOB_LINES")}
    app.config.update(JOBS_BACKEND="thread", IMPORT_JOB_LINES=3)
    yield
    runner = app.extensions.get("academy_jobs")
    if runner is not None:
        runner.stop()
    app.config.update(saved)


def test_a_director_downloads_a_long_period_s_export_when_ready(app, page, project, thread_jobs, tmp_path):
    """Is a seven-year export prepared in the background, the director taken to a page that refreshes itself
    until the file is ready, and the workbook downloaded from there?"""
    page.goto("/")
    log_in(page, project["director"].email)
    page.get_by_role("link", name="Directorate").click()
    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("The period is long: its files are prepared in the background")).to_be_visible()
    page.get_by_role("button", name="Everything as XLSX").click()  # asking writes: a button, not a link
    page.wait_for_url("**/downloads")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your exports and imports")
    expect(page.get_by_text("The period is long: your export is being prepared.")).to_be_visible()
    row = page.get_by_role("row", name="Overview, 2020-01-01 to 2026-12-31 (XLSX)")
    link = row.get_by_role("link", name="Download overview.xlsx")
    link.wait_for(timeout=30_000)  # the page refreshes itself every 5 s until the job is done
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "overview.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename == "overview.xlsx"
    assert "xl/workbook.xml" in zipfile.ZipFile(path).namelist()
    page.screenshot(path=str(tmp_path / "downloads.png"))

    # Gone elsewhere, the director finds the file again from the header, told how long it is kept.
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_role("navigation").get_by_role("link", name="Exports and imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your exports and imports")
    expect(page.get_by_text("A prepared file is kept for 7 days after it is ready, then removed")).to_be_visible()
    row = page.get_by_role("row", name="Overview, 2020-01-01 to 2026-12-31 (XLSX)")
    expect(row.get_by_role("link", name="Download overview.xlsx")).to_be_visible()


def test_a_coordinator_s_large_cohort_import_is_done_by_a_job(app, page, project, make_user, thread_jobs, tmp_path):
    """Is a large cohort CSV with a bad line refused at once with the line named, and the corrected file's officers
    added by a job, the outcome shown on the page the coordinator is taken to?"""
    kenya = project["kenya"]
    coordinator = make_user(Role.COORDINATOR, kenya, email="coordinator@example.org")
    page.goto("/")
    log_in(page, coordinator.email)
    page.get_by_role("link", name="My administration").click()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Kenya analysts 2027")
    page.get_by_label("Start date").fill("2027-01-15")
    page.get_by_label("End date").fill("2027-06-30")
    page.get_by_label("Courses").select_option(label=["Introduction to Customs data"])
    page.get_by_role("button", name="Save the cohort").click()
    page.wait_for_url("**/cohorts/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Kenya analysts 2027"

    officers = tmp_path / "officers.csv"
    rows = [f"officer{i}@example.org,Officer Number{i}" for i in range(5)]
    officers.write_text("email,full_name\n" + "\n".join(rows) + "\nnot-an-address,Someone\n")
    page.get_by_label("CSV file (email, full_name)").set_input_files(str(officers))
    page.get_by_role("button", name="Add the officers").click()
    main = page.get_by_role("main").inner_text()
    assert "Line 7:" in main, main  # checked whole, at once: nothing queued

    officers.write_text("email,full_name\n" + "\n".join(rows) + "\n")
    page.get_by_label("CSV file (email, full_name)").set_input_files(str(officers))
    page.get_by_role("button", name="Add the officers").click()
    page.wait_for_url("**/downloads")
    expect(page.get_by_text("The file is correct and large: its 5 officers are being added.")).to_be_visible()
    row = page.get_by_role("row", name="5 officers into the cohort Kenya analysts 2027")
    row.get_by_text("Done: 5 officers added. 5 new accounts invited.").wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "import.png"))
    assert jobs.thread_runner(app).wait_idle(timeout=30)


def test_a_trainer_asks_for_a_large_cohort_s_certificates_with_the_cohort_s_button(
    app, page, make_user, synced, thread_jobs, tmp_path
):
    """From the header's Cohorts, does the cohort page's "Certificates (ZIP)" button (a POST: it may start a job)
    take the trainer to their exports, where the ZIP is offered once built?"""
    from tests.certificates.test_certificates import _complete_intro

    member = make_user(full_name="Member")
    _complete_intro(app, member.id)
    cohort_id = intro_cohort(app, member)
    saved = app.config["CERTIFICATES_ZIP_JOB_COUNT"]
    app.config["CERTIFICATES_ZIP_JOB_COUNT"] = 0  # one certificate is "many" for this test
    try:
        trainer = make_user(Role.TRAINER, email="trainer@example.org")
        page.goto("/")
        log_in(page, trainer.email)
        page.get_by_role("navigation").get_by_role("link", name="Cohorts").click()
        page.get_by_role("link", name="Mombasa 2026").click()
        page.get_by_role("button", name="Certificates (ZIP)").click()
        page.wait_for_url("**/downloads")
        row = page.get_by_role("row", name="Certificates of the cohort Mombasa 2026 (1, ZIP)")
        link = row.get_by_role("link", name=f"Download cohort-{cohort_id}-certificates.zip")
        link.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "certificates.png"))
        with page.expect_download() as download:
            link.click()
        path = tmp_path / "certificates.zip"
        download.value.save_as(path)
        assert len(zipfile.ZipFile(path).namelist()) == 1
    finally:
        app.config["CERTIFICATES_ZIP_JOB_COUNT"] = saved
