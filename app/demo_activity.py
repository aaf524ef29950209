"""Demo projects, cohorts and officers' learning activity, so the dashboards show something real.

Deterministic (a seeded generator) and idempotent: nothing is added when the demo projects exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.auth.api import Role, User
from app.auth.services import find_administration, find_user
from app.courses import services as courses
from app.courses.api import Course, Enrolment
from app.courses.structure import CourseView
from app.directorate import services as directorate
from app.directorate.api import Project
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
        # Led by the trainer: the demo shows what a project lead who is not the directorate sees.
        "lead": "trainer@academy.test",
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
            lead=find_user(spec["lead"]) if "lead" in spec else director,
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
                manual_value=1 if indicator == "custom" else None,
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
            lessons = foundations.lessons
            for lesson in lessons[: rng.randint(0, len(lessons))]:
                courses.complete_lesson(user, enrolment, lesson)
            if rng.random() < 0.35:
                _graduate(user, foundations, enrolment, lessons)


def _graduate(user: User, course: CourseView, enrolment: Enrolment, lessons) -> None:
    from app.assessments import services as assessments

    for lesson in lessons:
        courses.complete_lesson(user, enrolment, lesson)
    for assessment in assessments.assessments_of(course):
        attempt = assessments.start_attempt(user, assessment)
        assessments.submit(attempt, assessments.answer_key(attempt))


def load_workshops(today: date | None = None) -> None:
    """One past data technique workshop with attendance and certificates; one upcoming data policy workshop."""
    from app.workshops import services as workshops
    from app.workshops.api import Registration, Workshop

    if db.session.scalar(sa.select(Workshop.id).limit(1)) is not None:
        return
    esa = db.session.scalar(sa.select(Project).where(Project.code == "ESA-DATA-2025"))
    wca = db.session.scalar(sa.select(Project).where(Project.code == "WCA-STATS-2026"))
    if esa is None or wca is None:
        return
    today = today or date.today()
    director, trainer = find_user("directorate@academy.test"), find_user("trainer@academy.test")
    past_start = max(esa.start_date, today - timedelta(days=75))
    past = workshops.save_workshop(
        director,
        None,
        kind="data_technique",
        title="Unit-value analysis on anonymised declarations",
        description="Two days of joint experiments on the sandbox dataset with academics.",
        objectives="Compute unit-value indicators per HS subheading; compare flagged lines with control results.",
        start_date=past_start,
        end_date=past_start + timedelta(days=1),
        capacity=12,
        registration_opens=past_start - timedelta(days=30),
        registration_closes=past_start,
        administrations=[find_administration("KE")],
        project=esa,
        academics=[("Invited academic (demo)", "A university statistics department")],
        facilitator_users=[trainer],
    )
    for day in range(2):
        begin = datetime.combine(past_start + timedelta(days=day), datetime.min.time()) + timedelta(hours=7)
        workshops.add_session(
            past,
            title=f"Day {day + 1}",
            starts_at=begin,
            ends_at=begin + timedelta(hours=6),
            mode="in_person",
            place="Regional training centre (demo)",
        )
    officers = [find_user(f"officer{n}.ke@academy.test") for n in range(1, 6)]
    for officer in officers:
        # Registered back when registration was open (the service refuses a closed window).
        db.session.add(
            Registration(workshop_id=past.id, user_id=officer.id, status="registered", registered_by_id=director.id)
        )
    db.session.flush()
    marks = {(s.id, o.id): (n < 4 or s is past.sessions[0]) for s in past.sessions for n, o in enumerate(officers)}
    workshops.record_attendance(trainer, past, marks)
    past.output_note = "A note on unit-value thresholds per HS chapter, circulated to the risk management unit."

    upcoming_start = max(today + timedelta(days=40), wca.start_date)
    upcoming = workshops.save_workshop(
        director,
        None,
        kind="data_policy",
        title="Publishing Customs statistics: quality and confidentiality",
        description="Data policy workshop with academics, leading to a draft guideline.",
        objectives="Agree confidentiality rules for published aggregates; draft a dissemination calendar.",
        start_date=upcoming_start,
        end_date=upcoming_start,
        capacity=3,
        registration_opens=today - timedelta(days=5),
        registration_closes=upcoming_start - timedelta(days=1),
        administrations=[find_administration("SN")],
        project=wca,
        facilitator_users=[trainer],
    )
    begin = datetime.combine(upcoming_start, datetime.min.time()) + timedelta(hours=9)
    workshops.add_session(
        upcoming,
        title="Workshop",
        starts_at=begin,
        ends_at=begin + timedelta(hours=5),
        mode="online",
        link="https://meet.example.org/customs-statistics",
    )
    for n in range(1, 5):  # the fourth waits for a seat
        workshops.register(director, upcoming, find_user(f"officer{n}.sn@academy.test"), today=today)
    db.session.flush()
