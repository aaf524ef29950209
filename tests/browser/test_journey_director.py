"""In chromium, from the home page: a director narrows the overview by period and region, then reports on a project."""

import io
import os
import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from app.auth.models import Administration, Region, Role, User
from app.certificates import services as certificates
from app.courses.models import Course, Enrolment
from app.directorate import services
from app.extensions import db
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.storage]  # storage: CI runs it on S3 too

SHOTS = os.environ.get("BROWSER_SCREENSHOTS")  # a folder: the walk's screenshots are kept there


def test_director_filters_the_overview_downloads_a_project_report_and_reissues_a_certificate(
    app, page, project, make_user, make_administration
):
    """Can a director filter by period and region, see figures that agree, open a project and get its PDF, then
    find a certificate by its code from the home page and reissue it with a corrected name?"""
    senegal = make_administration("SN", name="Customs of Senegal", region=Region.WEST_CENTRAL_AFRICA)
    kenyan = make_user(Role.LEARNER, project["kenya"], email="k1@example.org")
    senegalese = make_user(Role.LEARNER, senegal, email="s1@example.org")
    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.add_all(
            [
                Enrolment(user_id=kenyan.id, course_id=intro.id, enrolled_at=datetime(2026, 2, 10, 9)),
                Enrolment(
                    user_id=senegalese.id,
                    course_id=intro.id,
                    enrolled_at=datetime(2026, 3, 2, 9),
                    completed_at=datetime(2026, 12, 1, 9),
                ),
            ]
        )
        services.save_project(
            db.session.get(User, project["director"].id),
            None,
            code="sn-stats",
            title="Statistics for Senegal",
            partner="",
            start_date=datetime(2026, 1, 1).date(),
            end_date=datetime(2027, 12, 31).date(),
            status="active",
            objectives="",
            lead=None,
            administrations=[db.session.get(Administration, senegal.id)],
            course_list=[intro],
        )
        certificate = certificates.issue_manual(
            db.session.get(User, senegalese.id),
            title="Data quality workshop",
            reason="Attended the Dakar workshop",
            issued_by=db.session.get(User, project["director"].id),
        )
        code = certificate.code
        db.session.commit()

    log_in(page, project["director"].email)
    page.get_by_role("link", name="Directorate").click()
    page.wait_for_url("**/directorate")
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-06-30")
    page.get_by_label("Region", exact=True).select_option(label="West and Central Africa")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/directorate?start=2026-01-01&end=2026-06-30&region=west-central-africa*")

    totals = page.get_by_role("region", name="Totals, 2026-01-01 – 2026-06-30")
    assert "Enrolments\n1" in totals.inner_text() and "Completions\n0" in totals.inner_text()
    # The project list follows the region: Senegal's project only.
    expect(page.get_by_role("link", name="SN-STATS")).to_be_visible()
    assert page.get_by_role("link", name="KE-DATA").count() == 0
    # "By month" covers the period's six months and adds up to the totals.
    by_month = page.get_by_role("region", name="By month")
    months = by_month.get_by_role("row").all()[1:]
    assert [m.get_by_role("cell").first.inner_text() for m in months] == [f"2026-0{i}" for i in range(1, 7)]
    assert sum(int(m.get_by_role("cell").nth(1).inner_text()) for m in months) == 1

    # An inverted period says so instead of showing zeros.
    page.get_by_label("From", exact=True).fill("2026-06-30")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/directorate?start=2026-06-30*")
    assert page.get_by_role("alert").inner_text().startswith("The period ends on 2026-01-01, before it starts")

    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/directorate?start=2026-01-01&end=2026-12-31*")
    # The project's one status: its card says it, and so do its page, its results framework and its PDF.
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="SN-STATS"))
    status = card.locator("[data-status]").inner_text()
    assert status == "Not measured"  # no indicator yet, and this year's targets are not set
    page.get_by_role("link", name="SN-STATS").first.click()
    page.wait_for_url("**/projects/SN-STATS")
    assert page.get_by_role("heading", level=1).inner_text() == "SN-STATS — Statistics for Senegal"
    assert page.get_by_role("main").locator("[data-status]").inner_text() == status
    assert f"Status by the results framework: {status}" in page.get_by_role("main").inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "director-project-page.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Report (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Statistics for Senegal" in text and "SN-STATS" in text and status in text

    # A certificate with a misspelt name: back home, find it by its code (as printed, any case) and reissue it.
    page.get_by_role("link", name="Customs Data Academy", exact=True).click()
    page.get_by_role("main").get_by_role("link", name="Verify a certificate").click()
    page.get_by_label("Certificate code").fill(code.lower())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Valid\."))
    page.get_by_role("link", name="Reissue with a corrected name").click()
    page.get_by_label("Name as it should appear").fill("Seynabou Diallo")
    page.get_by_role("button", name="Reissue with this name").click()
    page.get_by_text("the previous certificate is kept as replaced").wait_for()
    assert page.get_by_text("Seynabou Diallo").is_visible() and page.get_by_text(code).count() == 0
