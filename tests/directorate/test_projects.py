"""Projects, milestones, targets and cohorts: validation, audit, status, scoping, exports."""

import io
import re
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.courses.models import Course, Enrolment
from app.directorate import figures, results, services
from app.directorate.models import Cohort, CohortMember, Milestone, Project, Target
from app.extensions import db
from tests.helpers import YEAR1, YEAR2, YEAR3, csrf_token, post_form


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_project_code_is_normalised_and_audited(app, project):
    """Is a project's code kept in capitals, and its creation in the audit log?"""
    assert project["code"] == "KE-DATA"
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "project"))
        assert (entry.action, entry.after["code"], entry.user_id) == ("create", "KE-DATA", project["director"].id)


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        (
            "/projects/KE-DATA/milestones/new",
            {"title": "Too early", "due_date": f"{YEAR1 - 1}-06-01", "status": "planned"},
            "outside the project",
        ),
        (
            "/projects/KE-DATA/targets/new",
            {"year": f"{YEAR3 + 4}", "indicator": "enrolled", "target_value": "10", "track": "0", "tier": "0"},
            "outside the project",
        ),
        (
            "/projects/new",
            {
                "code": "X1",
                "title": "Backwards",
                "start_date": f"{YEAR2}-01-01",
                "end_date": f"{YEAR1}-01-01",
                "status": "planned",
                "lead": "0",
            },
            "end date is before the start date",
        ),
    ],
    ids=["milestone-before-start", "target-year-outside", "end-before-start"],
)
def test_bad_dates_are_refused_with_a_message(app, client, auth, project, path, data, message):
    """Are a milestone before the project, a target year outside it and an end before a start refused, unsaved?"""
    auth.login(project["director"].email)
    before = (_count(app, Milestone), _count(app, Target), _count(app, Project))
    if path == "/projects/new":
        with app.app_context():
            data = {**data, "administrations": str(db.session.scalar(sa.select(sa.func.min(User.administration_id))))}
    page = post_form(client, path, **data)
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert (_count(app, Milestone), _count(app, Target), _count(app, Project)) == before


def test_milestone_target_and_their_history(app, client, auth, project):
    """Can the directorate add a milestone and a target, and does the audit log keep before and after?"""
    auth.login(project["director"].email)
    response = post_form(
        client,
        "/projects/KE-DATA/milestones/new",
        title="Diagnostic mission",
        due_date=f"{YEAR1}-03-01",
        status="planned",
    )
    assert response.status_code == 302
    with app.app_context():
        milestone_id = db.session.scalar(sa.select(Milestone.id))
    post_form(
        client,
        f"/projects/KE-DATA/milestones/{milestone_id}",
        title="Diagnostic mission",
        due_date=f"{YEAR1}-03-01",
        status="done",
        completed_on=f"{YEAR1}-03-05",
    )
    response = post_form(
        client,
        "/projects/KE-DATA/targets/new",
        year=f"{YEAR1}",
        indicator="enrolled",
        target_value="4",
        track="0",
        tier="0",
    )
    assert response.status_code == 302
    with app.app_context():
        update = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.entity == "milestone", AuditEntry.action == "update")
        )
        assert update.before == {"status": "planned", "completed_on": None}
        assert update.after == {"status": "done", "completed_on": f"{YEAR1}-03-05"}
    assert "Diagnostic mission" in client.get("/audit").get_data(as_text=True)


def test_status_rule(app, project, make_user):
    """Is a project on track, at risk, then off track as milestones become overdue and targets are missed?"""
    with app.app_context():
        p = db.session.get(Project, project["id"])
        actor = db.session.get(User, project["director"].id)
        services.save_target(actor, p, None, year=YEAR1, indicator="enrolled", target_value=2)
        db.session.commit()
        (state,) = results.project_states(date(YEAR1, 1, 1), [p.id])
        assert state.light.status == "on_track"  # the target's year has just begun: nothing is expected yet
        (state,) = results.project_states(date(YEAR1, 2, 1), [p.id])
        assert state.light.status == "off_track"  # a month of the year gone and no officer enrolled
        assert state.light.target_counts["off_track"] == 1
        services.save_milestone(
            actor, p, None, title="Kick-off", due_date=date(YEAR1, 3, 1), status="planned", completed_on=None
        )
        db.session.commit()
        before = results.project_states(date(YEAR1 - 1, 6, 1), [p.id])[0].light
        assert (before.status, before.lifecycle) == ("not_measured", "not_started")  # no target due before its year
        p.status = "closed"
        db.session.commit()
        closed = results.project_states(date(YEAR1, 6, 1), [p.id])[0].light
        assert closed.lifecycle == "closed" and closed.status != "off_track"  # a closed project is not judged


def test_milestones_put_a_project_at_risk_then_off_track(app, project, make_user):
    """Does an overdue milestone put a project at risk, and one more than 60 days overdue off track?"""
    with app.app_context():
        p = db.session.get(Project, project["id"])
        actor = db.session.get(User, project["director"].id)
        services.save_milestone(
            actor, p, None, title="Kick-off", due_date=date(YEAR1, 3, 1), status="planned", completed_on=None
        )
        db.session.commit()
        assert results.project_states(date(YEAR1, 2, 1), [p.id])[0].light.status == "not_measured"
        assert results.project_states(date(YEAR1, 3, 20), [p.id])[0].light.status == "at_risk"  # 19 days overdue
        assert results.project_states(date(YEAR1, 6, 1), [p.id])[0].light.status == "off_track"  # over 60 days


def test_a_target_is_judged_like_an_indicator():
    """Is a yearly target lit by the indicators' thresholds, against the share of its year gone?"""
    limits = results.Thresholds(on_track=0.9, at_risk=0.6)
    mid_year = date(2026, 7, 2)  # 182 of 365 days: about half the target expected
    assert results.target_light(100, 50, 2026, mid_year, limits).status == "on_track"
    assert results.target_light(100, 35, 2026, mid_year, limits).status == "at_risk"
    assert results.target_light(100, 20, 2026, mid_year, limits).status == "off_track"
    assert results.target_light(100, 100, 2026, date(2027, 3, 1), limits).status == "on_track"
    assert results.target_light(100, 80, 2026, date(2027, 3, 1), limits).status == "at_risk"  # the year is over


def test_enrolled_target_counts_beneficiary_officers_in_covered_courses(app, project, make_user, make_administration):
    """Does 'officers enrolled' count only beneficiary administrations' officers, in the project's courses?"""
    kenyan = make_user(Role.LEARNER, project["kenya"])
    foreigner = make_user(Role.LEARNER, make_administration("SN"))
    with app.app_context():
        p = db.session.get(Project, project["id"])
        actor = db.session.get(User, project["director"].id)
        target = services.save_target(
            actor,
            p,
            None,
            year=YEAR2,
            indicator="enrolled",
            target_value=5,
        )
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        for learner in (kenyan, foreigner):
            db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        db.session.commit()
        actuals = figures.target_actuals([p.id])[p.id]
        assert [(t.target.id, t.actual) for t in actuals] == [(target.id, 1.0)]


def test_cohort_from_csv_all_or_nothing(app, client, auth, project, make_user, make_administration):
    """Does a cohort CSV naming another administration's officer add nobody, and a good one add and enrol all?"""
    kenyan = make_user(Role.LEARNER, project["kenya"], email="k1@example.org")
    make_user(Role.LEARNER, make_administration("SN"), email="s1@example.org")
    auth.login(project["director"].email)
    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == "intro-to-data"))
    response = post_form(
        client,
        "/cohorts/new",
        name=f"Kenya {YEAR1}",
        administration=str(project["kenya"].id),
        project=str(project["id"]),
        start_date=f"{YEAR1}-02-01",
        end_date=f"{YEAR1}-12-31",
        courses=str(course_id),
    )
    cohort_path = response.location
    cohort_id = int(cohort_path.rsplit("/", 1)[1])
    bad = b"email,full_name\nk1@example.org,\ns1@example.org,\nnew@example.org,\n"
    page = client.post(
        f"/cohorts/{cohort_id}/import",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, cohort_path), "file": (io.BytesIO(bad), "c.csv")},
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Line 3:" in text and "not an officer of" in text and "Line 4:" in text
    assert _count(app, CohortMember) == 0
    good = b"email,full_name\nk1@example.org,\nnew.officer@example.org,Wanjiru Kamau\n"
    response = client.post(
        f"/cohorts/{cohort_id}/import",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, cohort_path), "file": (io.BytesIO(good), "c.csv")},
    )
    assert response.status_code == 302
    with app.app_context():
        assert _count(app, CohortMember) == 2
        new = db.session.scalar(sa.select(User).where(User.email == "new.officer@example.org"))
        assert new.administration_id == project["kenya"].id
        enrolled = set(db.session.scalars(sa.select(Enrolment.user_id).where(Enrolment.course_id == course_id)))
        assert {kenyan.id, new.id} <= enrolled  # cohort enrolment opens the course


def test_exports(app, client, auth, project):
    """Does the directorate download the overview and the project report as CSV, XLSX and PDF?"""
    auth.login(project["director"].email)
    csv_text = client.get("/directorate?table=projects&format=csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Code,Title,Beneficiaries") and "KE-DATA" in csv_text
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/directorate?table=all&format=xlsx").data))
    assert workbook.sheetnames == [
        "Projects",
        "Totals",
        "By WCO region",
        "By administration",
        "By track",
        "By tier",
        "By month",
    ]
    assert workbook["By administration"]["A1"].value == "Enrolments, completions and certificates by administration"
    pdf = client.get("/projects/KE-DATA/report.pdf").data
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "KE-DATA" in text and "Data for Kenya" in text
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/projects/KE-DATA/report.xlsx").data)).worksheets[0]
    assert sheet.cell(1, 1).value == "Targets and actuals by year" and sheet.cell(2, 1).value == "Year"


def test_the_project_page_names_each_section_once(client, auth, project):
    """Does the project page head each section once (its table's title beside its button), with every table named
    for screen readers by a heading on the page?"""

    auth.login(project["director"].email)
    html = client.get("/projects/KE-DATA").get_data(as_text=True)
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert len(headings) == len(set(headings)), headings
    assert {"Targets and actuals by year", "Cohorts", "Workshops", "Milestones"} <= set(headings)
    ids = set(re.findall(r'<h2 id="([^"]+)"', html))
    assert set(re.findall(r'<section class="data-table" aria-labelledby="([^"]+)"', html)) <= ids


def test_command_line_reports(app, runner, project, tmp_path):
    """Do `projects list` and `reports project|overview` write what a scheduler needs?"""
    assert "KE-DATA\tData for Kenya" in runner.invoke(args=["projects", "list"]).output
    for fmt in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(args=["reports", "project", "ke-data", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert out.read_bytes().startswith("\ufeffYear".encode())
    assert runner.invoke(args=["reports", "project", "NOPE", "--output", str(out)]).exit_code == 1
    result = runner.invoke(args=["reports", "overview", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "o.xlsx").stat().st_size > 0


def test_command_line_overview_takes_the_pages_filters(app, runner, project, make_user, tmp_path):
    """Does `reports overview` narrow every table by period and administration, as the page does, and refuse an
    inverted period?"""
    from datetime import datetime

    officer = make_user(Role.LEARNER, project["kenya"])
    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.add(Enrolment(user_id=officer.id, course_id=intro.id, enrolled_at=datetime(2026, 3, 5)))
        db.session.commit()
    out = tmp_path / "o.xlsx"
    args = ["reports", "overview", "--output", str(out), "--start", "2026-03-01", "--end", "2026-04-30"]
    assert runner.invoke(args=[*args, "--administration", "ke"]).exit_code == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert [r[:2] for r in book["By month"].iter_rows(min_row=3, values_only=True)] == [("2026-03", 1), ("2026-04", 0)]
    result = runner.invoke(
        args=["reports", "overview", "--output", str(out), "--start", "2026-05-01", "--end", "2026-04-30"]
    )
    assert result.exit_code != 0 and "ends before it starts" in result.output


def test_coordinator_sees_only_their_administration(app, client, auth, project, make_user, make_administration):
    """Does a coordinator see their own officers and cohorts, and get 403 on another administration's pages?"""
    senegal = make_administration("SN")
    coordinator = make_user(Role.COORDINATOR, project["kenya"])
    make_user(Role.LEARNER, project["kenya"], full_name="Kenyan Officer")
    make_user(Role.LEARNER, senegal, full_name="Senegalese Officer")
    with app.app_context():
        other = Cohort(
            name="Senegal cohort",
            administration_id=senegal.id,
            start_date=date(YEAR1, 1, 1),
            end_date=date(YEAR1, 12, 31),
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    auth.login(coordinator.email)
    page = client.get("/coordinator").get_data(as_text=True)
    assert "Kenyan Officer" in page and "Senegalese Officer" not in page
    assert client.get(f"/coordinator?administration={senegal.id}").status_code == 403
    assert client.get(f"/cohorts/{other_id}").status_code == 403
    assert "Senegal cohort" not in client.get("/cohorts").get_data(as_text=True)
    for path in ("/directorate", "/projects/KE-DATA", "/projects/KE-DATA/report.pdf", "/audit"):
        assert client.get(path).status_code == 403, path
    response = post_form(client, "/cohorts", f"/cohorts/{other_id}/members", email="x@example.org")
    assert response.status_code == 403


def test_learners_see_nothing_of_this(client, auth, project, make_user):
    """Are the directorate, cohort and coordinator pages closed to learners?"""
    auth.login(make_user(Role.LEARNER, project["kenya"]).email)
    for path in ("/directorate", "/projects/KE-DATA", "/cohorts", "/coordinator", "/audit"):
        assert client.get(path).status_code == 403, path


def test_a_trainer_reads_the_project_they_lead_and_no_other(app, client, auth, framework, make_user):
    """May a trainer who leads KE-DATA open its page, periods, indicators and reports (but none of its editing
    pages), while another trainer is refused, and does the kept page give the lead no directorate button?"""
    lead, other = make_user(Role.TRAINER), make_user(Role.TRAINER)
    with app.app_context():
        db.session.execute(sa.update(Project).where(Project.code == "KE-DATA").values(lead_id=lead.id))
        db.session.commit()
    year = date.today().year
    readable = [
        "/projects/KE-DATA",
        f"/projects/KE-DATA/periods/{year}",
        f"/projects/KE-DATA/indicators/{framework['manual']}",
        "/projects/KE-DATA/report.xlsx",
        f"/projects/KE-DATA/periods/{year}/donor-report.xlsx",
    ]
    editing = [
        "/projects/KE-DATA/edit",
        "/projects/KE-DATA/milestones/new",
        "/projects/KE-DATA/targets/new",
        "/projects/KE-DATA/results/new",
        "/projects/KE-DATA/risks",
        "/projects/KE-DATA/values/import",
        "/directorate",
    ]
    auth.login(make_user(Role.DIRECTORATE).email)
    assert "Add a milestone" in client.get("/projects/KE-DATA").get_data(as_text=True)  # kept for the directorate
    auth.logout()
    auth.login(lead.email)
    for path in readable:
        assert client.get(path).status_code == 200, path
    for path in editing:
        assert client.get(path).status_code == 403, path
    page = client.get("/projects/KE-DATA").get_data(as_text=True)
    assert "You lead this project" in page and "Add a milestone" not in page and "Recent changes" not in page
    assert "KE-DATA — " in client.get("/").get_data(as_text=True)  # found from the home page
    auth.logout()
    auth.login(other.email)
    for path in readable:
        assert client.get(path).status_code == 403, path
    assert "Projects you lead" not in client.get("/").get_data(as_text=True)
