"""In chromium, from the home page: a coordinator enrols officers from a CSV into a new cohort and follows them."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.auth.models import Role, User
from app.courses import services as courses
from app.courses.models import Course, Lesson
from app.extensions import db
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_coordinator_enrols_a_cohort_and_follows_an_officer(app, page, project, make_user, tmp_path):
    """Can a coordinator enrol officers from a CSV, form a cohort, see who waits for what, open a person and go
    back to their cohort, and add one more officer by email, told which course waits for prerequisites?"""
    kenya = project["kenya"]
    coordinator = make_user(Role.COORDINATOR, kenya, email="coordinator@example.org")
    ready = make_user(Role.LEARNER, kenya, email="ready@example.org", full_name="Zawadi Ready")
    make_user(Role.LEARNER, kenya, email="late@example.org", full_name="Kamau Late")
    with app.app_context():
        # Zawadi completed the Foundation course: the cohort's Practitioner course opens to her.
        user = db.session.get(User, ready.id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        enrolment = courses.enrol(user, intro)
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == intro.id)):
            courses.complete_lesson(user, enrolment, lesson)
        db.session.commit()

    log_in(page, coordinator.email)
    page.get_by_role("link", name="My administration").click()
    page.wait_for_url("**/coordinator")
    assert page.get_by_role("heading", level=1).inner_text() == kenya.name

    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Kenya risk analysts 2027")
    page.get_by_label("Start date").fill("2027-01-15")
    page.get_by_label("End date").fill("2027-06-30")
    page.get_by_label("Courses").select_option(label=["Introduction to Customs data", "Customs data in practice"])
    page.get_by_role("button", name="Save the cohort").click()
    page.wait_for_url("**/cohorts/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Kenya risk analysts 2027"

    officers = tmp_path / "officers.csv"
    officers.write_text("email,full_name\nready@example.org,\nbrian.mwangi@example.org,Brian Mwangi\n")
    page.get_by_label("CSV file (email, full_name)").set_input_files(str(officers))
    page.get_by_role("button", name="Add the officers").click()
    page.get_by_text("2 officers added. 1 new account invited.").wait_for()

    # Brian has not completed the Foundation course: he is listed with the reason, not skipped.
    waiting = page.get_by_role("region", name="1 place waits for prerequisites")
    assert "Brian Mwangi — Customs data in practice: first complete Introduction to Customs data" in (
        waiting.inner_text()
    )
    brian = page.get_by_role("row", name="Brian Mwangi")
    assert "Not enrolled: first complete Introduction to Customs data" in brian.inner_text()
    zawadi = page.get_by_role("row", name="Zawadi Ready")
    assert "Completed on" in zawadi.inner_text() and "0 of 1 lessons" in zawadi.inner_text()

    page.get_by_role("link", name="My administration").click()
    page.wait_for_url("**/coordinator")
    row = page.get_by_role("row", name="Brian Mwangi")
    assert row.get_by_role("cell").nth(2).inner_text() == "1"  # one enrolment, the Foundation course
    row.get_by_role("link", name="Brian Mwangi").click()
    page.wait_for_url("**/people/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Brian Mwangi"
    course_row = page.get_by_role("row", name="Introduction to Customs data")
    assert "0 of" in course_row.inner_text() and "lessons" in course_row.inner_text()
    expect(page.get_by_role("heading", name="Assessment results")).to_be_visible()
    expect(page.get_by_text("No certificate yet.")).to_be_visible()

    page.get_by_role("link", name="Kenya risk analysts 2027").click()
    page.wait_for_url("**/cohorts/*")
    page.get_by_label("Officer's email").fill("late@example.org")
    page.get_by_role("button", name="Add to the cohort").click()
    page.get_by_text(
        "Kamau Late added, but not enrolled in Customs data in practice until they complete its prerequisites."
    ).wait_for()
