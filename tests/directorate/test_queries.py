"""Each dashboard runs a fixed number of SQL statements whatever the data size."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.auth.models import Administration, Region, Role, User
from app.certificates.models import Certificate
from app.courses.models import Course, Enrolment
from app.directorate.models import Cohort, CohortMember, Milestone, Project, Target
from app.extensions import db
from tests.helpers import StatementCounter


def _grow(app, n: int, start: int) -> None:
    """n more administrations, each with a project, a cohort, officers, enrolments and certificates."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        codes = ["AR", "BR", "CL", "CO", "DE", "EG", "ES", "GH", "IN", "JP", "MX", "NG", "NL", "PK", "TZ", "UG"]
        for i in range(start, start + n):
            administration = Administration(code=codes[i], name=f"Customs {codes[i]}", region=list(Region)[i % 6])
            db.session.add(administration)
            db.session.flush()
            project = Project(
                code=f"P-{i}",
                title=f"Project {i}",
                start_date=date(2025, 1, 1),
                end_date=date(2027, 12, 31),
                status="active",
                administrations=[administration],
                courses=[course],
            )
            db.session.add(project)
            db.session.flush()
            db.session.add(Target(project_id=project.id, year=2026, indicator="enrolled", target_value=10))
            db.session.add(Target(project_id=project.id, year=2026, indicator="certified", target_value=5))
            db.session.add(Milestone(project_id=project.id, title="M", due_date=date(2025, 6, 1), status="planned"))
            cohort = Cohort(
                name=f"C{i}",
                administration_id=administration.id,
                project_id=project.id,
                start_date=date(2025, 1, 1),
                end_date=date(2025, 12, 31),
                courses=[course],
            )
            db.session.add(cohort)
            db.session.flush()
            for k in range(5):
                user = User(
                    email=f"o{i}-{k}@example.org",
                    full_name=f"Officer {i}-{k}",
                    role=Role.LEARNER,
                    administration_id=administration.id,
                    last_login_at=datetime.now() - timedelta(days=k),
                )
                db.session.add(user)
                db.session.flush()
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
                db.session.add(
                    Enrolment(user_id=user.id, course_id=course.id, completed_at=datetime.now() if k % 2 else None)
                )
                if k % 2:
                    db.session.add(
                        Certificate(
                            code=f"C{i:02d}{k}".ljust(26, "A"),
                            user_id=user.id,
                            kind="course",
                            achievement_key="course/intro-to-data/1.0",
                            course_id=course.id,
                            title="Intro",
                            recipient_name=user.full_name,
                            issuer="Academy",
                        )
                    )
        db.session.commit()


def _count(app, client, path: str) -> int:
    with app.app_context():
        engine = db.engine
    client.get(path)
    with StatementCounter(engine) as counter:
        assert client.get(path).status_code == 200, path
    return counter.count


def test_dashboards_run_a_fixed_number_of_statements(app, client, auth, make_user, make_administration, synced):
    """Do the overview, a project and the coordinator's page run as many statements at 4 as at 12 administrations?"""
    _grow(app, 4, 0)  # one of each of the first four regions: the filtered overview lists a project at both sizes
    staff = make_user(Role.DIRECTORATE, make_administration("WCO", region=None))
    with app.app_context():
        first = db.session.scalar(sa.select(Administration).where(Administration.code == "AR"))
        first_id = first.id
    coordinator = make_user(Role.COORDINATOR, first)
    pages = ["/directorate", "/directorate?region=europe&track=1", "/projects/P-0", "/cohorts"]
    auth.login(staff.email)
    small = {p: _count(app, client, p) for p in pages}
    auth.logout()
    auth.login(coordinator.email)
    small["/coordinator"] = _count(app, client, "/coordinator")
    small["/coordinator?course=1"] = _count(app, client, f"/coordinator?administration={first_id}&course=1")
    _grow(app, 8, 4)
    large = {
        "/coordinator": _count(app, client, "/coordinator"),
        "/coordinator?course=1": _count(app, client, f"/coordinator?administration={first_id}&course=1"),
    }
    auth.logout()
    auth.login(staff.email)
    large.update({p: _count(app, client, p) for p in pages})
    assert small == large
