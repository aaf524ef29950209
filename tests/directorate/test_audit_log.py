"""The audit log as the directorate reads it: names and titles rather than ids, filtered by who, what and when."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import Administration, Region, Role, User
from app.courses.models import Course
from app.directorate import services
from app.extensions import db


@pytest.fixture
def history(app, make_administration, make_user, synced):
    """Two directors' changes: a project with a lead, a cohort of it with a member (in November), a target."""
    wco = make_administration("WCO", region=None)
    kenya = make_administration("KE", "Kenya Revenue Authority", Region.EAST_SOUTHERN_AFRICA)
    amina = make_user(Role.DIRECTORATE, wco, email="amina@wcoomd.org", full_name="Amina Director")
    paul = make_user(Role.DIRECTORATE, wco, email="paul@wcoomd.org", full_name="Paul Auditor")
    lead = make_user(Role.TRAINER, wco, email="lead@wcoomd.org", full_name="Lena Lead")
    officer = make_user(administration=kenya, email="wanjiru@kra.go.ke", full_name="Wanjiru Kamau")
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        kenya_row = db.session.get(Administration, kenya.id)
        project = services.save_project(
            db.session.get(User, amina.id),
            None,
            code="KE-DATA-2026",
            title="Data for Kenya",
            partner="A donor",
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            status="active",
            objectives="",
            lead=db.session.get(User, lead.id),
            administrations=[kenya_row],
            course_list=[course],
        )
        cohort = services.save_cohort(
            db.session.get(User, paul.id),
            None,
            name="Mombasa port team",
            administration=kenya_row,
            start_date=date(2026, 2, 1),
            end_date=date(2026, 6, 30),
            course_list=[course],
            project=project,
        )
        services.add_member(db.session.get(User, paul.id), cohort, db.session.get(User, officer.id))
        db.session.flush()
        # The project was created in October, the cohort's entries in November.
        db.session.execute(
            sa.update(AuditEntry).where(AuditEntry.entity == "project").values(at=datetime(2026, 10, 5, 9, 0))
        )
        db.session.execute(
            sa.update(AuditEntry).where(AuditEntry.entity == "cohort").values(at=datetime(2026, 11, 20, 15, 30))
        )
        db.session.commit()
        return {"amina": amina, "paul": paul, "lead": lead, "officer": officer, "cohort_id": cohort.id}


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]]


def test_the_audit_log_names_people_administrations_and_projects(client, auth, history):
    """Does the audit log show the lead's, the officer's and the administration's names and the project's code
    where the entries hold their ids, and no raw id?"""
    auth.login(history["amina"].email)
    page = client.get("/audit").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 3
    added, cohort, project = rows
    assert "Paul Auditor" in added and "Officer" in added and "Wanjiru Kamau" in added
    assert "Administration" in cohort and "Kenya Revenue Authority" in cohort and "KE-DATA-2026" in cohort
    assert "Project lead" in project and "Lena Lead" in project and "Amina Director" in project
    for raw in ("lead_id", "user_id", "administration_id", "project_id", f'"{history["officer"].id}"'):
        assert raw not in page, raw


def test_the_audit_log_is_filtered_by_person_object_and_date(client, auth, history):
    """Can the directorate narrow the log to one person's changes, one kind of object or one object, words of
    its name, and a period?"""
    auth.login(history["amina"].email)

    def rows(**query) -> list[str]:
        response = client.get("/audit", query_string=query)
        assert response.status_code == 200
        return _rows(response.get_data(as_text=True))

    assert len(rows(user=history["paul"].id)) == 2
    assert all("Paul Auditor" in row for row in rows(user=history["paul"].id))
    assert len(rows(user=history["amina"].id)) == 1
    assert len(rows(entity="project")) == 1
    assert len(rows(entity="cohort", entity_id=history["cohort_id"])) == 2
    assert len(rows(q="mombasa")) == 2
    assert len(rows(q="100%_")) == 1 and "No change matches these filters." in rows(q="100%_")[0]
    assert len(rows(start="2026-11-01", end="2026-11-30")) == 2
    assert len(rows(start="2026-10-05", end="2026-10-05")) == 1  # the end day counts whole
    assert len(rows(end="2026-10-31")) == 1


def test_inverted_or_bad_dates_are_named(client, auth, history):
    """Does an end before the start, or a date that is not one, get a message naming it (and the log unfiltered)?"""
    auth.login(history["amina"].email)
    page = client.get("/audit?start=2026-12-01&end=2026-11-01").get_data(as_text=True)
    assert "The end date 2026-11-01 is before the start date 2026-12-01." in page
    assert len(_rows(page)) == 3
    page = client.get("/audit?start=1st+of+May").get_data(as_text=True)
    assert "From is not a date (YYYY-MM-DD): 1st of May." in page


def test_the_last_day_of_the_calendar_is_a_date_like_any_other(client, auth, history):
    """Does an end date of 9999-12-31 list the log up to then rather than fail?"""
    auth.login(history["amina"].email)
    response = client.get("/audit?end=9999-12-31")
    assert response.status_code == 200 and len(_rows(response.get_data(as_text=True))) == 3
