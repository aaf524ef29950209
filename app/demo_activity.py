"""Demo projects, cohorts and officers' learning activity, so the dashboards show something real.

Deterministic (a seeded generator) and idempotent: nothing is added when the demo projects exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.auth.models import Role, User
from app.auth.services import find_administration, find_user
from app.courses import services as courses
from app.courses.models import Course, Enrolment
from app.directorate import services as directorate
from app.directorate.models import Project
from app.extensions import db

OFFICERS = {
    "KE": ["Achieng Otieno", "Brian Mwangi", "Cynthia Wanjiru", "David Kiprop", "Esther Njeri", "Felix Omondi"],
    "SN": ["Fatou Diop", "Mamadou Ba", "Aminata Fall", "Cheikh Ndiaye", "Khady Sow"],
    "MA": ["Youssef El Amrani", "Salma Benali", "محمد العلوي", "Nadia Tazi"],
    "FJ": ["Sereana Tuilagi", "Josefa Naivalu", "Mereani Vula"],
    "PE": ["Lucía Quispe", "Jorge Huamán", "María Fernández"],
    "BE": ["Élodie Lambert", "Pieter Janssens"],
}

PROJECTS = [
    {
        "code": "ESA-DATA-2025",
        "title": "Data analytics capacity for risk management",
        "partner": "Demo development partner",
        "start": date(2025, 1, 1),
        "end": date(2027, 12, 31),
        "administrations": ["KE"],
        "courses": ["customs-data-foundations", "risk-and-fraud-analytics", "evidence-based-policy-making"],
        "objectives": "Build a national team of data specialists able to run risk indicators on declarations, "
        "and leaders able to steer a data strategy.",
        "milestones": [
            ("Diagnostic mission", date(2025, 3, 15), "done"),
            ("Data technique workshop", date(2025, 9, 30), "done"),
            ("Risk indicator pilot in two offices", date(2026, 6, 30), "in_progress"),
            ("Final evaluation", date(2027, 11, 30), "planned"),
        ],
        "targets": [(2025, "enrolled", 8), (2026, "enrolled", 15), (2026, "certified", 6), (2026, "workshops", 2)],
    },
    {
        "code": "WCA-STATS-2026",
        "title": "Customs statistics services reinforcement",
        "partner": "Demo regional partner",
        "start": date(2026, 1, 1),
        "end": date(2028, 12, 31),
        "administrations": ["SN"],
        "courses": ["customs-data-foundations", "data-governance-and-ethics"],
        "objectives": "Publish quarterly Customs statistics of international standard, reconciled with mirror data.",
        "milestones": [
            ("Statistics diagnostic", date(2026, 4, 30), "done"),
            ("First quarterly release", date(2026, 10, 31), "planned"),
            ("Mirror statistics review", date(2027, 6, 30), "planned"),
        ],
        "targets": [(2026, "enrolled", 6), (2026, "custom", 4)],
    },
    {
        "code": "AP-ML-2024",
        "title": "Machine learning for targeting, pilot",
        "partner": "Demo donor",
        "start": date(2024, 7, 1),
        "end": date(2026, 12, 31),
        "administrations": ["FJ", "PE"],
        "courses": ["customs-data-foundations", "machine-learning-for-customs"],
        "objectives": "A supervised model for targeting tested on anonymised declarations, with a sandbox.",
        "milestones": [
            ("Sandbox dataset prepared", date(2024, 12, 31), "done"),
            ("Model evaluated on live data", date(2025, 9, 30), "in_progress"),
        ],
        "targets": [(2025, "enrolled", 10), (2026, "certified", 5)],
    },
]


def load(today: date | None = None) -> None:
    """Create the demo projects, officers, cohorts and activity, unless they exist."""
    if db.session.scalar(sa.select(Project.id).where(Project.code == PROJECTS[0]["code"])):
        return
    if courses.course_by_slug("customs-data-foundations") is None:
        return  # the curriculum is not loaded
    today = today or date.today()
    rng = random.Random(2026)
    director = find_user("directorate@academy.test")
    officers = _officers()
    by_slug = {c.slug: c for c in db.session.scalars(sa.select(Course))}
    for spec in PROJECTS:
        project = directorate.save_project(
            director,
            None,
            code=spec["code"],
            title=spec["title"],
            partner=spec["partner"],
            start_date=spec["start"],
            end_date=spec["end"],
            status="active",
            objectives=spec["objectives"],
            lead=director,
            administrations=[find_administration(c) for c in spec["administrations"]],
            course_list=[by_slug[s] for s in spec["courses"] if s in by_slug],
        )
        for title, due, status in spec["milestones"]:
            directorate.save_milestone(
                director,
                project,
                None,
                title=title,
                due_date=due,
                status=status,
                completed_on=due if status == "done" else None,
                evidence_note="Mission report filed." if status == "done" else "",
            )
        for year, indicator, value in spec["targets"]:
            directorate.save_target(
                director,
                project,
                None,
                year=year,
                indicator=indicator,
                target_value=value,
                label="Quarterly releases published" if indicator == "custom" else "",
                manual_value=1 if indicator in ("custom", "workshops") else None,
            )
        for code in spec["administrations"]:
            cohort = directorate.save_cohort(
                director,
                None,
                name=f"{code} data specialists {spec['start'].year}",
                administration=find_administration(code),
                start_date=spec["start"],
                end_date=min(spec["end"], spec["start"] + timedelta(days=365)),
                course_list=[by_slug[s] for s in spec["courses"][:1] if s in by_slug],
                project=project,
            )
            for officer in officers[code]:
                directorate.add_member(director, cohort, officer)
    _spread_activity(officers, rng, today)
    db.session.flush()


def _officers() -> dict[str, list[User]]:
    result = {}
    for code, names in OFFICERS.items():
        administration = find_administration(code)
        result[code] = []
        for number, name in enumerate(names, start=1):
            email = f"officer{number}.{code.lower()}@academy.test"
            user = find_user(email)
            if user is None:
                user = User(email=email, full_name=name, role=Role.LEARNER, administration=administration)
                user.set_password("academy-demo-2026")  # noqa: S106 (the documented demo password)
                db.session.add(user)
            result[code].append(user)
    db.session.flush()
    return result


def _spread_activity(officers: dict[str, list[User]], rng: random.Random, today: date) -> None:
    """Back-date enrolments over the last year and take some officers through a course."""
    foundations = courses.course_by_slug("customs-data-foundations")
    for people in officers.values():
        for user in people:
            enrolment = courses.enrol(user, foundations)
            enrolment.enrolled_at = datetime.combine(today - timedelta(days=rng.randint(20, 330)), datetime.min.time())
            user.last_login_at = datetime.combine(today - timedelta(days=rng.randint(0, 60)), datetime.min.time())
            lessons = [lesson for _m, items in courses.outline(foundations) for lesson in items]
            for lesson in lessons[: rng.randint(0, len(lessons))]:
                courses.complete_lesson(user, enrolment, lesson)
            if rng.random() < 0.35:
                _graduate(user, foundations, enrolment, lessons)


def _graduate(user: User, course: Course, enrolment: Enrolment, lessons) -> None:
    from app.assessments import services as assessments

    for lesson in lessons:
        courses.complete_lesson(user, enrolment, lesson)
    for assessment in assessments.assessments_of(course):
        attempt = assessments.start_attempt(user, assessment)
        assessments.submit(attempt, assessments.answer_key(attempt))
