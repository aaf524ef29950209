"""Putting officers in a cohort: choosing its courses, what adding an officer says (courses waiting for
prerequisites, plurals), and a person's page listing their cohorts."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from app.courses.models import Course
from app.directorate.models import Cohort
from app.extensions import db
from tests.helpers import StatementCounter, csrf_token, post_form


def test_a_persons_page_lists_their_cohorts_linked_for_those_who_may_open_them(app, client, auth, kenya_cohort):
    """Does a person's page name the cohorts they belong to, with a link only for a viewer who may open the cohort,
    in one query?"""
    member_page = f"/people/{kenya_cohort['member'].id}"
    auth.login(kenya_cohort["coordinator"].email)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        page = client.get(member_page).get_data(as_text=True)
    assert f'<a href="{kenya_cohort["path"]}">Nairobi 2026</a>' in page
    assert sum("cohort_members" in statement for statement in counter.statements) == 1
    outside = client.get(f"/people/{kenya_cohort['kenyan'].id}").get_data(as_text=True)
    assert "Not a member of any cohort." in outside and "Nairobi 2026" not in outside
    auth.logout()
    auth.login(kenya_cohort["member"].email)  # an officer may see their own page, not the cohort's
    own = client.get(member_page).get_data(as_text=True)
    assert "Nairobi 2026" in own and f'href="{kenya_cohort["path"]}"' not in own


def test_adding_a_member_names_the_courses_waiting_for_prerequisites(app, client, auth, kenya_cohort):
    """When an officer added by email cannot be enrolled in a cohort course yet, does the message say which
    course, and why?"""
    with app.app_context():
        cohort = db.session.get(Cohort, kenya_cohort["id"])
        cohort.courses = list(db.session.scalars(sa.select(Course).order_by(Course.id)))
        db.session.commit()
    auth.login(kenya_cohort["coordinator"].email)
    response = post_form(
        client, kenya_cohort["path"], f"{kenya_cohort['path']}/members", email=kenya_cohort["kenyan"].email
    )
    page = client.get(response.location).get_data(as_text=True)
    flash = re.search(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert flash.startswith("Outside Otieno added")
    assert "Customs data in practice" in flash and "prerequisite" in flash
    assert "Introduction to Customs data" not in flash  # enrolled: no prerequisite


def test_adding_one_officer_from_a_csv_says_so_in_the_singular(app, client, auth, kenya_cohort):
    """Does adding one officer from a CSV file, inviting one new account, read "1 officer added. 1 new account
    invited." rather than "1 officers"?"""
    auth.login(kenya_cohort["coordinator"].email)
    path = kenya_cohort["path"]
    response = client.post(
        f"{path}/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, path),
            "file": (io.BytesIO(b"email,full_name\nnew.officer@kra.go.ke,New Officer\n"), "c.csv"),
        },
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "1 officer added. 1 new account invited." in page


def test_the_cohort_form_shows_every_course_and_how_to_choose_several(app, client, auth, kenya_cohort):
    """Does the cohort form show every course at once, and say how to choose more than one?"""
    auth.login(kenya_cohort["coordinator"].email)
    page = client.get("/cohorts/new").get_data(as_text=True)
    select = re.search(r"<select[^>]*\bname=\"courses\"[^>]*>", page).group(0)
    with app.app_context():
        live = db.session.scalar(sa.select(sa.func.count()).select_from(Course).where(Course.retired_at.is_(None)))
    assert f'size="{live}"' in select
    assert "Hold Ctrl (or Cmd) to choose several." in page
