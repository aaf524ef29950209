"""The overview's figures kept by a worker: reused while nothing moved, never once something did."""

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.courses.models import Course, Enrolment
from app.directorate import reports
from app.directorate.models import Project
from app.extensions import db
from tests.helpers import StatementCounter

BY_ADMINISTRATION = "/directorate?table=by-administration&format=csv"


@pytest.fixture
def kept(app, monkeypatch):
    """The overview cache turned on (the test configuration keeps it off), emptied before and after."""
    monkeypatch.setitem(app.config, "DIRECTORATE_FIGURES_SECONDS", 60)
    reports.FIGURES.clear(), reports.PAGES.clear()
    yield
    reports.FIGURES.clear(), reports.PAGES.clear()


def _kenya_row(client) -> str:
    rows = client.get(BY_ADMINISTRATION).data.decode("utf-8-sig").splitlines()
    return next((row for row in rows if "(KE)" in row), "")


def test_overview_is_reused_while_nothing_moved(app, client, auth, project, kept):
    """Does a second view of the overview skip the grouping queries?"""
    auth.login(project["director"].email)
    assert client.get("/directorate").status_code == 200
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        page = client.get("/directorate")
    assert page.status_code == 200 and "Data for Kenya" in page.get_data(as_text=True)
    assert not any("GROUP BY" in statement for statement in counter.statements), counter.statements


def test_new_enrolment_and_edited_project_show_at_once(app, client, auth, project, make_user, kept):
    """Do a new enrolment and an audited project edit show on the next view, whatever was kept?"""
    auth.login(project["director"].email)
    assert "Data for Kenya" in client.get("/directorate").get_data(as_text=True)
    before = _kenya_row(client)
    learner = make_user(Role.LEARNER, project["kenya"])
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        db.session.commit()
    after = _kenya_row(client)
    assert after and after != before

    from app.directorate import services

    with app.app_context():
        p = db.session.get(Project, project["id"])
        services.save_project(
            db.session.get(User, project["director"].id),
            p,
            code=p.code,
            title="Data for Kenya, phase two",
            partner=p.partner,
            start_date=p.start_date,
            end_date=p.end_date,
            status=p.status,
            objectives=p.objectives,
            lead=None,
            administrations=list(p.administrations),
            course_list=list(p.courses),
        )
        db.session.commit()
    assert "Data for Kenya, phase two" in client.get("/directorate").get_data(as_text=True)


def test_kept_overview_page_carries_each_viewers_own_parts(app, client, auth, project, make_user, kept):
    """Is the overview rendered once for two viewers, each with their own token and messages?"""
    from flask import template_rendered

    from tests.helpers import CSRF_RE, AuthActions

    auth.login(project["director"].email)
    first = client.get("/directorate").get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login(make_user(Role.ADMIN).email)
    rendered = []

    def record(_sender, template, context, **_extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        with other.session_transaction() as session:
            session["_flashes"] = [("success", "Target saved.")]
        second = other.get("/directorate").get_data(as_text=True)
    finally:
        template_rendered.disconnect(record, app)
    assert "directorate/overview.html" not in rendered
    assert "Target saved." in second and "Target saved." not in first
    assert CSRF_RE.search(first)[1] != CSRF_RE.search(second)[1]
    assert "<!--hole-" not in first + second
    # The token each page carries logs its own viewer out.
    assert other.post("/logout", data={"csrf_token": CSRF_RE.search(second)[1]}).status_code == 302


def test_project_page_is_reused_until_an_audited_edit(app, client, auth, project, kept):
    """Is a project's page kept while nothing moved, and does an edited milestone show on the next view?"""
    from flask import template_rendered

    from app.directorate import services

    auth.login(project["director"].email)
    code = project["code"]
    assert client.get(f"/projects/{code}").status_code == 200
    rendered = []

    def record(_sender, template, context, **_extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        client.get(f"/projects/{code}")
        assert "directorate/project.html" not in rendered
        with app.app_context():
            services.save_milestone(
                db.session.get(User, project["director"].id),
                db.session.get(Project, project["id"]),
                None,
                title="Risk dashboard in production",
                due_date=__import__("datetime").date(2027, 6, 30),
                status="planned",
                completed_on=None,
            )
            db.session.commit()
        assert "Risk dashboard in production" in client.get(f"/projects/{code}").get_data(as_text=True)
        assert "directorate/project.html" in rendered
    finally:
        template_rendered.disconnect(record, app)
