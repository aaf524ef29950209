"""Workshops: registration with a waiting list, prerequisites, attendance, certificates of attendance, counting."""

import io
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Administration, Role, User
from app.certificates.models import Certificate
from app.courses.models import Course
from app.directorate import figures
from app.directorate import services as projects
from app.directorate.models import Project
from app.extensions import db
from app.workshops import services
from app.workshops.models import Attendance, Registration, Workshop
from tests.helpers import csrf_token, post_form

pytestmark = pytest.mark.storage  # stored files: CI runs it on S3 too

TODAY = date.today()


@pytest.fixture
def workshop(app, project, make_user):
    """A data technique workshop of project KE-DATA for Kenya, 2 seats, two sessions, open for registration."""
    trainer = make_user(Role.TRAINER, project["kenya"], email="facilitator@example.org", full_name="Facilitator")
    with app.app_context():
        director = db.session.get(User, project["director"].id)
        p = db.session.get(Project, project["id"])
        start = max(TODAY + timedelta(days=10), p.start_date)
        w = services.save_workshop(
            director,
            None,
            kind="data_technique",
            title="Risk indicators hands-on",
            description="Bring a laptop.",
            objectives="Build unit-value indicators.",
            start_date=start,
            end_date=start + timedelta(days=1),
            capacity=2,
            registration_opens=TODAY - timedelta(days=1),
            registration_closes=start,
            administrations=[db.session.get(Administration, project["kenya"].id)],
            project=p,
            academics=[("Dr Jane Doe", "A university")],
            facilitator_users=[db.session.get(User, trainer.id)],
        )
        for day in range(2):
            begin = datetime.combine(start + timedelta(days=day), datetime.min.time()) + timedelta(hours=8)
            services.add_session(
                w,
                title=f"Day {day + 1}",
                starts_at=begin,
                ends_at=begin + timedelta(hours=7),
                mode="in_person",
                place="Nairobi",
            )
        db.session.commit()
        return {"id": w.id, "trainer": trainer, **project}


def _officer(make_user, project, name="Officer"):
    return make_user(Role.LEARNER, project["kenya"], full_name=name)


def _register(client, auth, user, workshop_id):
    auth.login(user.email)
    response = post_form(client, f"/workshops/{workshop_id}", f"/workshops/{workshop_id}/register")
    page = client.get(f"/workshops/{workshop_id}").get_data(as_text=True)
    auth.logout()
    return response, page


def test_register_fill_waitlist_and_promote_on_cancellation(app, client, auth, workshop, make_user):
    """Do officers get seats up to the capacity, then the waiting list (said plainly), and a seat when one cancels?"""
    first, second, third = (_officer(make_user, workshop, f"Officer {n}") for n in range(3))
    _register(client, auth, first, workshop["id"])
    _register(client, auth, second, workshop["id"])
    _response, page = _register(client, auth, third, workshop["id"])
    assert "You are on the waiting list" in page
    auth.login(first.email)
    post_form(client, f"/workshops/{workshop['id']}", f"/workshops/{workshop['id']}/cancel")
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Registration.user_id, Registration.status)).all())
    assert statuses == {first.id: "cancelled", second.id: "registered", third.id: "registered"}


def test_registration_outside_the_window_or_administration_is_refused(
    app, client, auth, workshop, make_user, make_administration
):
    """Is registration refused with a reason before it opens, after it closes, and for an administration not invited?"""
    officer = _officer(make_user, workshop)
    with app.app_context():
        w = db.session.get(Workshop, workshop["id"])
        assert "opens on" in services.refusal(w, db.session.get(User, officer.id), TODAY - timedelta(days=5))
        assert "closed on" in services.refusal(
            w, db.session.get(User, officer.id), w.registration_closes + timedelta(days=1)
        )
    foreigner = make_user(Role.LEARNER, make_administration("SN"))
    auth.login(foreigner.email)
    assert client.get(f"/workshops/{workshop['id']}").status_code == 403  # not invited: not even shown
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_prerequisite_course_is_required(app, client, auth, workshop, make_user):
    """Is an officer who has not completed the required course refused with the course's name?"""
    with app.app_context():
        w = db.session.get(Workshop, workshop["id"])
        w.required_course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.commit()
    _response, page = _register(client, auth, _officer(make_user, workshop), workshop["id"])
    assert "Complete the course “Introduction to Customs data” first." in page


def test_coordinator_registers_their_officers_only(app, client, auth, workshop, make_user, make_administration):
    """Can a coordinator register an officer of their administration, and not one of another?"""
    coordinator = make_user(Role.COORDINATOR, workshop["kenya"])
    mine = _officer(make_user, workshop, "Mine")
    other = make_user(Role.LEARNER, make_administration("SN"), email="other@example.org")
    auth.login(coordinator.email)
    page = f"/workshops/{workshop['id']}"
    post_form(client, page, f"{page}/register-officer", email=mine.email)
    post_form(client, page, f"{page}/register-officer", email=other.email)
    with app.app_context():
        assert set(db.session.scalars(sa.select(Registration.user_id))) == {mine.id}


def test_session_outside_the_dates_is_refused(app, client, auth, workshop):
    """Is a session outside the workshop's dates refused with a clear message, nothing added?"""
    auth.login(workshop["director"].email)
    page = f"/workshops/{workshop['id']}"
    post_form(
        client,
        page,
        f"{page}/sessions",
        title="Too late",
        starts_at="2099-01-01T09:00",
        ends_at="2099-01-01T12:00",
        mode="in_person",
        place="Nairobi",
    )
    assert "outside the workshop" in client.get(page).get_data(as_text=True)
    with app.app_context():
        assert len(db.session.get(Workshop, workshop["id"]).sessions) == 2


def test_attendance_checklist_issues_certificates_of_attendance(app, client, auth, workshop, make_user):
    """Does an officer ticked present at every session get a verifiable certificate of attendance?"""
    full, partial = _officer(make_user, workshop, "Full Attendee"), _officer(make_user, workshop, "Partial Attendee")
    for officer in (full, partial):
        _register(client, auth, officer, workshop["id"])
    with app.app_context():
        sessions = [s.id for s in db.session.get(Workshop, workshop["id"]).sessions]
    auth.login(workshop["trainer"].email)
    page = f"/workshops/{workshop['id']}/attendance"
    post_form(
        client,
        page,
        session=str(sessions[0]),
        **{f"s{sessions[0]}-u{full.id}": "on", f"s{sessions[0]}-u{partial.id}": "on"},
    )
    post_form(client, page, session=str(sessions[1]), **{f"s{sessions[1]}-u{full.id}": "on"})
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        assert (certificate.user_id, certificate.kind, certificate.hours) == (full.id, "workshop", 14)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1
    assert "Valid." in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert (
        client.get(f"/verify/{certificate.code}/credential.json").json["credentialSubject"]["achievement"]["name"]
        == "Risk indicators hands-on"
    )


def test_attendance_for_someone_not_registered_is_refused(app, workshop, make_user):
    """Is attendance for an officer who is not registered refused, nothing saved?"""
    stranger = _officer(make_user, workshop, "Stranger")
    with app.app_context():
        w = db.session.get(Workshop, workshop["id"])
        with pytest.raises(services.WorkshopError, match="registered officers"):
            services.record_attendance(
                db.session.get(User, workshop["director"].id), w, {(w.sessions[0].id, stranger.id): True}
            )
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_attendance_csv_reports_every_bad_line(app, client, auth, workshop, make_user):
    """Does an attendance CSV with unknown emails, unregistered officers and bad values list each line, unsaved?"""
    officer = _officer(make_user, workshop, "Registered")
    unregistered = _officer(make_user, workshop, "Unregistered")
    _register(client, auth, officer, workshop["id"])
    auth.login(workshop["trainer"].email)
    page = f"/workshops/{workshop['id']}/attendance"
    bad = (
        f"email,session,present\n{officer.email},1,yes\nghost@example.org,1,yes\n{unregistered.email},1,yes\n"
        f"{officer.email},9,yes\n{officer.email},2,maybe\n"
    ).encode()
    response = client.post(
        f"/workshops/{workshop['id']}/attendance.csv",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, page), "file": (io.BytesIO(bad), "a.csv")},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    for line, words in ((3, "no account"), (4, "not registered"), (5, "does not exist"), (6, "yes or no")):
        assert f"Line {line}:" in text and words in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    good = f"email,session,present\n{officer.email},1,yes\n{officer.email},2,yes\n".encode()
    response = client.post(
        f"/workshops/{workshop['id']}/attendance.csv",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, page), "file": (io.BytesIO(good), "a.csv")},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_calendar_file(app, client, auth, workshop, make_user):
    """Does the .ics file hold one event per session, in UTC, with CRLF line ends?"""
    auth.login(_officer(make_user, workshop).email)
    body = client.get(f"/workshops/{workshop['id']}/calendar.ics")
    text = body.get_data(as_text=True)
    assert body.mimetype == "text/calendar" and text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2 and "LOCATION:Nairobi" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_materials_are_downloads(app, client, auth, workshop, make_user):
    """Is a workshop material (even an HTML file) served as a download, never as a page?"""
    auth.login(workshop["director"].email)
    page = f"/workshops/{workshop['id']}"
    client.post(
        f"{page}/materials",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, page),
            "title": "Sandbox data",
            "file": (io.BytesIO(b"<script>alert(1)</script>"), "sandbox.html"),
        },
    )
    auth.logout()
    auth.login(_officer(make_user, workshop).email)
    html = client.get(page).get_data(as_text=True)
    assert "Sandbox data" in html
    with app.app_context():
        from app.workshops.models import Material

        material = db.session.scalar(sa.select(Material))
    with client.get(f"/workshop-materials/{material.id}/{material.filename}") as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.mimetype == "application/octet-stream"


def test_workshops_count_towards_project_targets(app, workshop, make_user):
    """Do workshops held and officers trained count towards the project's targets?"""
    officer = _officer(make_user, workshop)
    with app.app_context():
        w = db.session.get(Workshop, workshop["id"])
        director = db.session.get(User, workshop["director"].id)
        services.register(director, w, db.session.get(User, officer.id), today=TODAY)
        services.record_attendance(director, w, {(s.id, officer.id): True for s in w.sessions})
        # Move the workshop into the past, within the project, so that it was held.
        w.start_date, w.end_date = date(2025, 5, 5), date(2025, 5, 6)
        for n, s in enumerate(w.sessions):
            s.starts_at = datetime(2025, 5, 5 + n, 8)
            s.ends_at = datetime(2025, 5, 5 + n, 15)
        p = db.session.get(Project, w.project_id)
        projects.save_target(director, p, None, year=2025, indicator="workshops", target_value=2)
        projects.save_target(director, p, None, year=2025, indicator="trained", target_value=10)
        db.session.commit()
        actuals = {t.target.indicator: t.actual for t in figures.target_actuals([p.id])[p.id]}
    assert actuals == {"workshops": 1, "trained": 1}
