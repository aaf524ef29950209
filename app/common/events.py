"""Events: what changed, announced by the service that changed it, for whichever domain cares.

Each signal below is sent by the service that makes the change, inside its transaction (after
its `flush()`), so a receiver that writes — to the outbox, say — joins that transaction: a
rollback undoes both, a commit keeps both. Receivers are connected in each domain's `init_app`
(blinker keeps module-level functions connected for the life of the process; connecting twice
is harmless).

Every signal is sent with the name of the domain that sends it as the sender (a str:
"courses", "assessments", "certificates", "workshops", "authoring") and keyword arguments of
plain values — ids, numbers, datetimes in UTC (naive, as the database stores them) — never ORM
objects, which a receiver running after the request could find detached. `at` is when the
change happened.

Below the announcements are the *questions* a lower package asks of the packages above it
(which it may not import, ARCHITECTURE.md): each is a signal whose receivers return an answer,
with a small function that sends it and combines the answers. With no receiver, the answer is
the neutral one (no further requirement, no projects, nobody may edit).
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

_events = Namespace()

# Courses ------------------------------------------------------------------------------------

#: A learner enrolled in a course (the first time only). Sender "courses".
#: kwargs: user_id: int, course_id: int, enrolment_id: int, at: datetime.
enrolled = _events.signal("enrolled")

#: A learner opened a lesson (the first visit, or a lesson becoming the resume point again).
#: Sender "courses". kwargs: user_id: int, course_id: int, enrolment_id: int, lesson_id: int, at: datetime.
lesson_opened = _events.signal("lesson-opened")

#: A learner completed a lesson (once per lesson). Sender "courses".
#: kwargs: user_id: int, course_id: int, enrolment_id: int, lesson_id: int, at: datetime.
lesson_completed = _events.signal("lesson-completed")

#: A learner completed a course: every required lesson and every other requirement (once per
#: enrolment). Sender "courses". Certificates issue theirs from it.
#: kwargs: user_id: int, course_id: int, enrolment_id: int, enrolled_at: datetime, at: datetime.
course_completed = _events.signal("course-completed")

# Assessments --------------------------------------------------------------------------------

#: A learner started a new attempt at an assessment. Sender "assessments".
#: kwargs: user_id: int, course_id: int, assessment_id: int, attempt_id: int, number: int (1 for the
#: first attempt), at: datetime.
attempt_started = _events.signal("attempt-started")

#: An attempt was closed and graded (submitted, or expired with what was saved). Sender "assessments".
#: kwargs: user_id: int, course_id: int, assessment_id: int, attempt_id: int, score: float (points),
#: max_score: float, percent: float (0–100), passed: bool, started_at: datetime, at: datetime
#: (when it was submitted or closed).
attempt_graded = _events.signal("attempt-graded")

# Certificates -------------------------------------------------------------------------------

#: A certificate was issued (a course's, a tier's, a workshop's, or one issued by hand).
#: Sender "certificates". kwargs: certificate_id: int, user_id: int, kind: str ("course", "tier",
#: "workshop", "manual"), code: str, course_id: int | None, achievement_key: str, at: datetime.
certificate_issued = _events.signal("certificate-issued")

#: A certificate was revoked. Sender "certificates".
#: kwargs: certificate_id: int, user_id: int, code: str, reason: str, revoked_by_id: int, at: datetime.
certificate_revoked = _events.signal("certificate-revoked")

#: A certificate was replaced by a corrected one (a new code). Sender "certificates".
#: kwargs: certificate_id: int (the replacement), replaces_id: int, user_id: int, code: str,
#: course_id: int | None, reissued_by_id: int, at: datetime.
certificate_reissued = _events.signal("certificate-reissued")

# Workshops ----------------------------------------------------------------------------------

#: An officer was registered for a workshop, with a seat or on the waiting list. Sender "workshops".
#: kwargs: user_id: int, workshop_id: int, registration_id: int, status: str ("registered" or
#: "waitlisted"), registered_by_id: int, at: datetime.
workshop_registered = _events.signal("workshop-registered")

#: An officer on a workshop's waiting list took a seat that a cancellation freed. Sender "workshops".
#: kwargs: user_id: int, workshop_id: int, registration_id: int, at: datetime.
workshop_promoted = _events.signal("workshop-promoted")

#: An officer's attendance of a workshop session was recorded as present (once per session, or
#: again after being marked absent). Sender "workshops".
#: kwargs: user_id: int, workshop_id: int, session_id: int, recorded_by_id: int, at: datetime.
workshop_attended = _events.signal("workshop-attended")

# Content ------------------------------------------------------------------------------------

#: A new version of a course was published: from the editor, or by `flask content sync` from
#: content/ (every import that changes a course records a version). Sender "content".
#: kwargs: course_id: int, slug: str, version: int (1, 2, … in the course's history), label: str
#: (the manifest's version), source: str ("files", "editor", …), published_by_id: int | None, at: datetime.
course_published = _events.signal("course-published")


# Questions a lower package asks of those above it ---------------------------------------------

#: Asked by courses before it records a completion, with user_id: int, course_id: int,
#: enrolment_id: int; each receiver returns whether its part of the course is done (the
#: assessments domain: every required assessment passed).
completion_requirements = _events.signal("completion-requirements")

#: Asked by workshops for the assistance projects a workshop may belong to (no kwargs); each
#: receiver returns a list of objects with id, code, title, start_date, end_date (the directorate's).
workshop_projects = _events.signal("workshop-projects")

#: Asked by the home page (core) with user_id: int, of a person who may lead a project but not open the
#: directorate (a trainer): each receiver returns the projects they lead, as objects with code and title.
projects_led = _events.signal("projects-led")

#: Asked by pages below the editor (the course page, the assessment report) with slug: str;
#: a receiver returns whether the visitor may edit that course in the editor (authoring's).
course_editable = _events.signal("course-editable")


def completion_requirements_met(user_id: int, course_id: int, enrolment_id: int) -> bool:
    """Whether every requirement other domains add to a course's completion is met (True with none)."""
    answers = completion_requirements.send("courses", user_id=user_id, course_id=course_id, enrolment_id=enrolment_id)
    return all(met for _receiver, met in answers)


def projects_for_workshops() -> list[Any]:
    """The projects a workshop may belong to, as the packages above workshops answer (none without them)."""
    return [project for _receiver, found in workshop_projects.send("workshops") for project in found]


def projects_led_by(user_id: int) -> list[Any]:
    """The projects this person leads, as the packages above core answer (none without them)."""
    return [project for _receiver, found in projects_led.send("core", user_id=user_id) for project in found]


def may_edit_course(slug: str) -> bool:
    """May the visitor edit this course in the editor? (False without the editor's receiver.)"""
    return any(answer for _receiver, answer in course_editable.send("courses", slug=slug))
