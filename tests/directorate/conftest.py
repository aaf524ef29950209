"""Shared fixtures of the directorate tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Administration, Region, Role, User
from app.courses.models import Course, Enrolment
from app.directorate import results_services, services
from app.directorate.models import Project
from app.extensions import db


@pytest.fixture
def kenya_cohort(app, make_administration, make_user, synced):
    """Kenya's coordinator with a cohort of one member, a Kenyan officer outside it, a Senegalese officer and
    directorate staff."""
    kenya = make_administration("KE", "Kenya Revenue Authority", Region.EAST_SOUTHERN_AFRICA)
    senegal = make_administration("SN", "Douanes sénégalaises", Region.WEST_CENTRAL_AFRICA)
    people = {
        "coordinator": make_user(Role.COORDINATOR, kenya, email="coordinator@kra.go.ke", full_name="Coordinator K"),
        "member": make_user(administration=kenya, email="member@kra.go.ke", full_name="Member Wanjiru"),
        "kenyan": make_user(administration=kenya, email="outside@kra.go.ke", full_name="Outside Otieno"),
        "senegalese": make_user(administration=senegal, email="awa@douanes.sn", full_name="Awa Ndiaye"),
        "staff": make_user(
            Role.DIRECTORATE, make_administration("WCO", region=None), email="d@wcoomd.org", full_name="Staff Dupont"
        ),
    }
    with app.app_context():
        coordinator = db.session.get(User, people["coordinator"].id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        cohort = services.save_cohort(
            coordinator,
            None,
            name="Nairobi 2026",
            administration=db.session.get(Administration, kenya.id),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            course_list=[course],
            project=None,
        )
        services.add_member(coordinator, cohort, db.session.get(User, people["member"].id))
        db.session.commit()
        return {"id": cohort.id, "path": f"/cohorts/{cohort.id}", **people}


@pytest.fixture
def framework(app, project, make_user):
    """KE-DATA with an impact, an outcome, a manual indicator with two values and a platform one (enrolments)."""
    officer = make_user(administration=project["kenya"], email="officer@kra.go.ke")
    with app.app_context():
        director = db.session.get(User, project["director"].id)
        row = db.session.get(Project, project["id"])
        save = results_services
        impact = save.save_result(director, row, None, level="impact", statement="Trade is faster", parent=None)
        outcome = save.save_result(director, row, None, level="outcome", statement="Risk uses data", parent=impact)
        manual = save.save_indicator(
            director,
            outcome,
            None,
            name="Declarations selected by a model",
            unit="percent",
            direction="higher",
            baseline_value=10,
            baseline_date=date(2024, 12, 31),
            target_value=60,
            target_date=date(2027, 12, 31),
            milestones={2025: 20, 2026: 40},
            means_of_verification="Customs annual report",
        )
        platform = save.save_indicator(
            director,
            outcome,
            None,
            name="Officers enrolled",
            unit="officers",
            direction="higher",
            baseline_value=0,
            baseline_date=date(2024, 12, 31),
            target_value=20,
            target_date=date(2027, 12, 31),
            source="platform",
            figure="enrolled",
        )
        save.add_value(director, manual, value=18, measured_on=date(2025, 12, 1), source="Annual report 2025")
        save.add_value(
            director, manual, value=31, measured_on=date.today() - timedelta(days=10), source="Mid-year review"
        )
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.add(Enrolment(user_id=officer.id, course_id=course.id))
        db.session.commit()
        return {**project, "manual": manual.id, "platform": platform.id}
