"""Demo data for a local run: a few administrations and one user of each role."""

from __future__ import annotations

from app.auth.api import Administration, Region, Role, User
from app.auth.services import find_administration, find_user
from app.extensions import db

#: Documented in the README; the demo command is refused in production.
PASSWORD = "academy-demo-2026"  # noqa: S105 (the documented demo password)

#: (code, name, region, working language: mail to its officers who have not chosen one is written in it).
ADMINISTRATIONS = [
    ("WCO", "WCO Secretariat", None, None),
    ("KE", "Customs administration of Kenya", Region.EAST_SOUTHERN_AFRICA, "en"),
    ("SN", "Customs administration of Senegal", Region.WEST_CENTRAL_AFRICA, "fr"),
    ("MA", "Customs administration of Morocco", Region.NORTH_AFRICA_NEAR_MIDDLE_EAST, "fr"),
    ("BE", "Customs administration of Belgium", Region.EUROPE, None),
    ("FJ", "Customs administration of Fiji", Region.ASIA_PACIFIC, "en"),
    ("PE", "Customs administration of Peru", Region.AMERICAS_CARIBBEAN, None),
]

USERS = [
    ("admin@academy.test", "Academy Administrator", Role.ADMIN, "WCO"),
    ("directorate@academy.test", "Capacity Building Officer", Role.DIRECTORATE, "WCO"),
    ("trainer@academy.test", "Trainer on Data Analytics", Role.TRAINER, "WCO"),
    ("coordinator@academy.test", "Wanjiku Kamau", Role.COORDINATOR, "KE"),
    ("learner@academy.test", "Amina Odhiambo", Role.LEARNER, "KE"),
    ("officer@academy.test", "Awa Ndiaye", Role.LEARNER, "SN"),
    ("coordinator.sn@academy.test", "Moussa Sarr", Role.COORDINATOR, "SN"),
]

USERS_SUMMARY = [(email, role.value, code) for email, _name, role, code in USERS]

#: The demo trainer authors these courses (the course editor lists them).
AUTHORED_COURSES = ["customs-data-foundations", "data-governance-and-ethics"]

#: The demo learner has completed this course (when content/ is loaded) and holds its certificate.
COMPLETED_COURSE = "evidence-based-policy-making"
GRADUATE = "learner@academy.test"


def load() -> None:
    """Create or refresh the demo records; running it twice changes nothing."""
    for code, name, region, language in ADMINISTRATIONS:
        administration = find_administration(code)
        if administration is None:
            db.session.add(Administration(code=code, name=name, region=region, language=language))
        elif administration.language is None:
            administration.language = language
    db.session.flush()
    for email, name, role, code in USERS:
        user = find_user(email)
        if user is None:
            user = User(email=email, full_name=name, role=role, administration=find_administration(code))
            user.set_password(PASSWORD)
            db.session.add(user)
        elif not user.check_password(PASSWORD) or not user.active:
            user.active = True
            user.set_password(PASSWORD)
    db.session.flush()
    _graduate(find_user(GRADUATE))
    _assign_authors(find_user("trainer@academy.test"))

    from app import demo_activity, demo_results

    demo_activity.load()
    demo_activity.load_workshops()
    demo_results.load()


def _assign_authors(trainer: User) -> None:
    from app.authoring.drafts import add_author

    for slug in AUTHORED_COURSES:
        add_author(slug, trainer, assigned_by=None)


def _graduate(user: User) -> None:
    """Take the demo learner through a whole course, as a learner would, so certificates show."""
    from app.assessments import services as assessments
    from app.courses import services as courses

    course = courses.course_by_slug(COMPLETED_COURSE) or next(
        (c for c in courses.live_courses() if c.tier.rank == 0 and not c.prerequisites), None
    )
    if course is None:
        return  # content not loaded yet
    enrolment = courses.enrol(user, course)
    if enrolment.completed_at is not None:
        return
    for lesson in course.lessons:
        courses.complete_lesson(user, enrolment, lesson)
    for assessment in assessments.assessments_of(course):
        if not assessments.has_passed(user.id, assessment.id):
            attempt = assessments.start_attempt(user, assessment)
            assessments.submit(attempt, assessments.answer_key(attempt))
