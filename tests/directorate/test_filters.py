"""The overview's and the coordinator's filters: every table follows them, and a bad period is named."""

import csv
import io
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import Region, Role
from app.certificates.models import Certificate
from app.courses.models import Course, Enrolment
from app.extensions import db


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_an_inverted_period_is_named_not_shown_as_nothing(client, auth, project):
    """Does a period that ends before it starts get a message saying so (and no download of zeros)?"""
    auth.login(project["director"].email)
    html = client.get("/directorate?start=2026-06-30&end=2026-01-01").get_data(as_text=True)
    assert "The period ends on 2026-01-01, before it starts on 2026-06-30" in html
    assert "Nothing yet." not in html
    assert client.get("/directorate?start=2026-06-30&end=2026-01-01&format=csv&table=trend").status_code == 400
    html = client.get("/directorate?start=2026-13-01").get_data(as_text=True)
    assert "“2026-13-01” is not a date: write it as YYYY-MM-DD." in html


def test_an_empty_period_says_nothing_happened_in_it(client, auth, project):
    """Does a period in which nothing happened say so, rather than 'Nothing yet.'?"""
    auth.login(project["director"].email)
    html = client.get("/directorate?start=2020-01-01&end=2020-01-31").get_data(as_text=True)
    assert "Nothing happened in this period under these filters" in html
    assert "Nothing in this period." in html and "Nothing yet." not in html


def test_region_filter_narrows_the_project_list(client, auth, project, make_administration):
    """Does the West and Central Africa filter list only the projects with a beneficiary there?"""
    make_administration("SN", region=Region.WEST_CENTRAL_AFRICA)
    auth.login(project["director"].email)
    rows = _rows(client.get("/directorate?region=west-central-africa&format=csv&table=projects"))
    assert rows == [rows[0]]  # Kenya's project is not in the region
    rows = _rows(client.get(f"/directorate?region={project['kenya'].region.value}&format=csv&table=projects"))
    assert [r[0] for r in rows[1:]] == ["KE-DATA"]


def test_by_month_follows_the_period(app, client, auth, project, make_user):
    """With January–June chosen, does "By month" show those months and agree with the breakdowns?"""
    officer = make_user(Role.LEARNER, project["kenya"])
    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.add(
            Enrolment(
                user_id=officer.id,
                course_id=intro.id,
                enrolled_at=datetime(2026, 5, 20),
                completed_at=datetime(2026, 12, 2),
            )
        )
        db.session.commit()
    auth.login(project["director"].email)
    period = "start=2026-01-01&end=2026-06-30"
    months = _rows(client.get(f"/directorate?{period}&format=csv&table=trend"))
    assert [m[0] for m in months[1:]] == [f"2026-0{i}" for i in range(1, 7)]
    assert [m[1:3] for m in months[1:] if m[0] == "2026-05"] == [["1", "0"]]
    by_administration = _rows(client.get(f"/directorate?{period}&format=csv&table=by-administration"))
    assert by_administration[1][1:3] == ["1", "0"]  # completed in December: not a June completion
    december = _rows(client.get("/directorate?start=2026-12-01&end=2026-12-31&format=csv&table=by-administration"))
    assert december[1][1:3] == ["0", "1"]


def test_coordinator_counts_certificates_as_the_overview_does(app, client, auth, project, make_user):
    """Does the coordinator's page count the same certificates as the overview (course ones, not revoked)?"""
    officer = make_user(Role.LEARNER, project["kenya"])
    coordinator = make_user(Role.COORDINATOR, project["kenya"])
    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.expunge(intro)
        for kind, key, status in [
            ("course", "course/intro-to-data/1.0", "valid"),
            ("course", "course/intro-to-data/0.9", "revoked"),
            ("tier", "tier/data/foundation", "valid"),
            ("workshop", "workshop/1", "valid"),
        ]:
            db.session.add(
                Certificate(
                    code=f"{kind}{status}".upper().ljust(26, "A"),
                    user_id=officer.id,
                    kind=kind,
                    achievement_key=key,
                    course_id=intro.id if kind == "course" else None,
                    title="T",
                    recipient_name="R",
                    issuer="Academy",
                    status=status,
                )
            )
        db.session.commit()
    auth.login(project["director"].email)
    overview = _rows(client.get("/directorate?format=csv&table=by-administration"))
    assert overview[1][3] == "1"
    auth.logout()
    auth.login(coordinator.email)
    officers = _rows(client.get("/coordinator?format=csv&table=officers"))
    assert sum(int(r[4]) for r in officers[1:]) == 1
    html = client.get(f"/coordinator?course={intro.id}&figure=certified").get_data(as_text=True)
    assert "Officers certified in Introduction to Customs data" in html and officer.full_name in html
    assert client.get("/coordinator?course=999999&figure=certified").status_code == 200  # no such course: no list


def test_a_period_beyond_the_years_covered_is_named(client, auth, project):
    """Is a period reaching 9999-12-31 or 0001-01-01 named as outside the years the figures cover (the date
    left out), rather than drawn month by month for thousands of years?"""
    auth.login(project["director"].email)
    html = client.get("/directorate?start=0001-01-01&end=9999-12-31").get_data(as_text=True)
    assert "9999-12-31 is outside the years the figures cover, 2000 to 2099." in html
    response = client.get("/directorate?start=2026-01-01&end=9999-12-31&format=csv&table=trend")
    assert response.status_code == 200 and len(_rows(response)) < 30
