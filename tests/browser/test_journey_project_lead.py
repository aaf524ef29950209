"""In chromium, from the home page: a trainer who leads a project finds it, reads its figures and writes a period's
narrative, without the directorate's buttons."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.auth.models import Role
from app.directorate.models import Project
from app.extensions import db
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_trainer_who_leads_a_project_writes_its_narrative_from_the_home_page(
    app, page, framework, make_user, tmp_path
):
    """Does a trainer leading KE-DATA find it on their home page, read its results framework and reports with no
    button of the directorate's, open an indicator's figures, and save a period's narrative?"""
    trainer = make_user(Role.TRAINER, email="lead.trainer@example.org", full_name="Lead Trainer")
    with app.app_context():
        db.session.execute(sa.update(Project).where(Project.code == "KE-DATA").values(lead_id=trainer.id))
        db.session.commit()

    page.goto("/")
    log_in(page, trainer.email)
    assert page.get_by_role("navigation").get_by_role("link", name="Directorate").count() == 0
    page.get_by_role("heading", name="Projects you lead").wait_for()
    page.get_by_role("link", name=re.compile(r"^KE-DATA — ")).click()
    page.wait_for_url("**/projects/KE-DATA")
    page.screenshot(path=str(tmp_path / "lead-project.png"), full_page=True)
    main = page.get_by_role("main")
    expect(main.get_by_text("You lead this project")).to_be_visible()
    expect(main.get_by_text("Status by the results framework:")).to_be_visible()
    for button in ("Edit", "Add a result", "Add a milestone", "Add a target", "Import indicator values (XLSX)"):
        assert main.get_by_role("link", name=button, exact=True).count() == 0, button
    assert main.get_by_role("link", name="Directorate overview").count() == 0

    # An indicator's figures, read-only.
    main.locator("table a").first.click()
    page.wait_for_url("**/projects/KE-DATA/indicators/*")
    assert page.get_by_role("link", name="Edit the indicator").count() == 0
    page.get_by_role("link", name="KE-DATA").click()

    # The period's narrative.
    period = page.get_by_role("link", name=re.compile(r"^Narrative and figures for ")).first
    key = period.inner_text().removeprefix("Narrative and figures for ")
    period.click()
    page.wait_for_url(f"**/projects/KE-DATA/periods/{key}")
    page.get_by_label("Summary").fill("Two offices run the pilot; the lead trainer reports.")
    page.get_by_role("button", name="Save the narrative").click()
    page.get_by_text(f"The narrative for {key} is saved.").wait_for()
    assert page.get_by_label("Summary").input_value() == "Two offices run the pilot; the lead trainer reports."
    page.screenshot(path=str(tmp_path / "lead-period.png"), full_page=True)
