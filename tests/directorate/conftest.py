"""Shared fixtures of the directorate tests."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.models import Administration, Region, Role, User
from app.courses.models import Course
from app.directorate import services
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
