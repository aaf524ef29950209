"""xAPI 2.0 statements (IEEE 9274.1.1) of what officers did, built from an event's facts.

One function per kind, named after the event it reports; each takes the event's keyword arguments
(app/common/events.py) — the same whether the event has just happened or is read back from the
database by the backfill — and returns the statement as JSON-ready dicts. The statement's id is a
UUID derived from the event's natural key (the enrolment, the attempt, the certificate…), so sending
it again, live or by backfill, is harmless: the LRS keeps one.

What a statement says of a person: an account on this academy (PUBLIC_URL) whose name is a
pseudonym (an HMAC of the user id), never their name; their email only when XAPI_ACTOR_EMAIL is on.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.xapi import activities
from app.xapi.activities import Activity

PLATFORM = "Customs Data Academy"

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": ADL + "registered",
    "experienced": ADL + "experienced",
    "completed": ADL + "completed",
    "attempted": ADL + "attempted",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "attended": ADL + "attended",
    "voided": ADL + "voided",
    # The ADL vocabulary has no verb for receiving an award; the xAPI registry's is the usual one.
    "earned": "http://id.tincanapi.com/verb/earned",
}

#: The LMS profile Ralph and others know, which a course registration follows (its category).
LMS_PROFILE = {"id": "https://w3id.org/xapi/lms", "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}


@dataclass(frozen=True)
class Academy:
    """What every statement takes from the academy's settings: its address and how it names people."""

    url: str
    actor_key: bytes
    actor_email: bool

    @classmethod
    def from_config(cls, config) -> Academy:
        key = config.get("XAPI_ACTOR_KEY")
        if key:
            actor_key = key.encode()
        else:
            actor_key = hmac.new(config["SECRET_KEY"].encode(), b"xapi actor pseudonyms", hashlib.sha256).digest()
        return cls(config["PUBLIC_URL"].rstrip("/"), actor_key, bool(config.get("XAPI_ACTOR_EMAIL")))

    @property
    def namespace(self) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, self.url + "/xapi")

    def statement_id(self, natural_key: str) -> str:
        return str(uuid.uuid5(self.namespace, "statement:" + natural_key))

    def registration(self, enrolment_id: int | None) -> str | None:
        """The enrolment as an xAPI registration: the same UUID in every statement of that enrolment."""
        return str(uuid.uuid5(self.namespace, f"enrolment:{enrolment_id}")) if enrolment_id else None

    def pseudonym(self, user_id: int) -> str:
        return hmac.new(self.actor_key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]

    def actor(self, user_id: int) -> dict:
        if self.actor_email:
            return {"objectType": "Agent", "mbox": "mailto:" + activities.email_of(user_id)}
        return {"objectType": "Agent", "account": {"homePage": self.url, "name": self.pseudonym(user_id)}}


def timestamp(at: datetime) -> str:
    """A stored UTC time (naive, as the database keeps it) as ISO 8601 with its zone."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(length: timedelta) -> str:
    """An ISO 8601 duration to the hundredth of a second, as xAPI asks: PT1H2M3.5S."""
    hundredths = max(0, round(length.total_seconds() * 100))
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    seconds = f"{rest // 100}" if rest % 100 == 0 else f"{rest / 100:.2f}".rstrip("0")
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}S"


def _statement(
    academy: Academy,
    key: str,
    user_id: int,
    verb: str,
    target: Activity,
    at: datetime,
    *,
    course: activities.CourseActivities | None = None,
    enrolment_id: int | None = None,
    parent: Activity | None = None,
    result: dict | None = None,
    category: dict | None = None,
) -> dict:
    statement = {
        "id": academy.statement_id(key),
        "actor": academy.actor(user_id),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": target.as_object(academy.url),
        "timestamp": timestamp(at),
    }
    if result:
        statement["result"] = result
    context: dict = {"platform": PLATFORM}
    registration = academy.registration(enrolment_id)
    if registration:
        context["registration"] = registration
    context_activities: dict = {}
    parents = [p for p in (parent, course.course if course and course.course is not target else None) if p]
    if parents:
        context_activities["parent"] = [p.as_object(academy.url) for p in parents]
    if course:
        context_activities["grouping"] = [course.tier.as_object(academy.url), course.track.as_object(academy.url)]
        context["language"] = course.language
    if category:
        context_activities["category"] = [category]
    if context_activities:
        context["contextActivities"] = context_activities
    statement["context"] = context
    return statement


# Courses ------------------------------------------------------------------------------------


def enrolled(academy: Academy, *, user_id: int, course_id: int, enrolment_id: int, at: datetime, **_) -> dict:
    """Registered: the officer enrolled in a course (the LMS profile's course registration)."""
    course = activities.course(course_id)
    return _statement(
        academy, f"enrolled:{enrolment_id}", user_id, "registered", course.course, at,
        course=course, enrolment_id=enrolment_id, category=LMS_PROFILE,
    )  # fmt: skip


def lesson_opened(
    academy: Academy, *, user_id: int, course_id: int, enrolment_id: int, lesson_id: int, at: datetime, **_
) -> dict:
    """Experienced: the officer opened a lesson (one statement per lesson: the first opening)."""
    course = activities.course(course_id)
    return _statement(
        academy, f"lesson-opened:{user_id}:{lesson_id}", user_id, "experienced", activities.lesson(lesson_id), at,
        course=course, enrolment_id=enrolment_id,
    )  # fmt: skip


def lesson_completed(
    academy: Academy, *, user_id: int, course_id: int, enrolment_id: int, lesson_id: int, at: datetime, **_
) -> dict:
    """Completed: the officer marked a lesson complete."""
    course = activities.course(course_id)
    return _statement(
        academy, f"lesson-completed:{user_id}:{lesson_id}", user_id, "completed", activities.lesson(lesson_id), at,
        course=course, enrolment_id=enrolment_id, result={"completion": True},
    )  # fmt: skip


def course_completed(
    academy: Academy, *, user_id: int, course_id: int, enrolment_id: int, enrolled_at: datetime, at: datetime, **_
) -> dict:
    """Completed: every requirement of a course is met; the duration runs from the enrolment."""
    course = activities.course(course_id)
    result = {"completion": True, "success": True, "duration": duration(at - enrolled_at)}
    return _statement(
        academy, f"course-completed:{enrolment_id}", user_id, "completed", course.course, at,
        course=course, enrolment_id=enrolment_id, result=result,
    )  # fmt: skip


# Assessments --------------------------------------------------------------------------------


def attempt_started(
    academy: Academy, *, user_id: int, course_id: int, assessment_id: int, attempt_id: int, at: datetime, **_
) -> dict:
    """Attempted: the officer started an attempt at an assessment."""
    course = activities.course(course_id)
    return _statement(
        academy, f"attempt-started:{attempt_id}", user_id, "attempted", activities.assessment(assessment_id), at,
        course=course, enrolment_id=activities.enrolment_id(user_id, course_id),
    )  # fmt: skip


def attempt_graded(
    academy: Academy,
    *,
    user_id: int,
    course_id: int,
    assessment_id: int,
    attempt_id: int,
    score: float,
    max_score: float,
    percent: float,
    passed: bool,
    started_at: datetime,
    at: datetime,
    **_,
) -> dict:
    """Passed or failed: an attempt was graded, with its scaled score and how long it took."""
    course = activities.course(course_id)
    result = {
        "score": {"scaled": round(percent / 100, 4), "raw": score, "min": 0, "max": max_score},
        "success": bool(passed),
        "completion": True,
        "duration": duration(at - started_at),
    }
    return _statement(
        academy, f"attempt-graded:{attempt_id}", user_id, "passed" if passed else "failed",
        activities.assessment(assessment_id), at,
        course=course, enrolment_id=activities.enrolment_id(user_id, course_id), result=result,
    )  # fmt: skip


# Certificates -------------------------------------------------------------------------------


def certificate_issued(
    academy: Academy, *, certificate_id: int, user_id: int, course_id: int | None, at: datetime, **_
) -> dict:
    """Earned: a certificate was issued to the officer (its public verification page is the activity)."""
    course = activities.course(course_id) if course_id else None
    return _statement(
        academy, f"certificate-issued:{certificate_id}", user_id, "earned", activities.certificate(certificate_id), at,
        course=course, enrolment_id=activities.enrolment_id(user_id, course_id) if course_id else None,
    )  # fmt: skip


def certificate_revoked(academy: Academy, *, certificate_id: int, user_id: int, at: datetime, **_) -> dict:
    """Voided: the statement that the officer earned a revoked certificate no longer holds."""
    earned = academy.statement_id(f"certificate-issued:{certificate_id}")
    return {
        "id": academy.statement_id(f"certificate-revoked:{certificate_id}"),
        "actor": academy.actor(user_id),
        "verb": {"id": VERBS["voided"], "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": earned},
        "timestamp": timestamp(at),
    }


def certificate_reissued(academy: Academy, *, certificate_id: int, replaces_id: int, at: datetime, **facts) -> dict:
    """Earned: the corrected certificate (the one it replaces is voided by `certificate_revoked`'s kind)."""
    return certificate_issued(academy, certificate_id=certificate_id, at=at, **facts)


# Workshops ----------------------------------------------------------------------------------


def workshop_registered(
    academy: Academy, *, user_id: int, workshop_id: int, registration_id: int, status: str, at: datetime, **_
) -> dict | None:
    """Registered: the officer has a seat at a workshop (the waiting list is not a registration yet)."""
    if status != "registered":
        return None
    return _statement(
        academy, f"workshop-registered:{registration_id}", user_id, "registered", activities.workshop(workshop_id), at
    )


def workshop_promoted(academy: Academy, *, user_id: int, workshop_id: int, registration_id: int, at: datetime, **_):
    """Registered: the officer took a seat from the waiting list."""
    return workshop_registered(
        academy, user_id=user_id, workshop_id=workshop_id, registration_id=registration_id, status="registered", at=at
    )


def workshop_attended(academy: Academy, *, user_id: int, workshop_id: int, session_id: int, at: datetime, **_) -> dict:
    """Attended: the officer was present at a session of a workshop."""
    return _statement(
        academy, f"workshop-attended:{user_id}:{session_id}", user_id, "attended", activities.session(session_id), at,
        parent=activities.workshop(workshop_id),
    )  # fmt: skip


#: The statement (or statements) each event gives, by the event's name in app/common/events.py.
BY_EVENT = {
    "enrolled": enrolled,
    "lesson_opened": lesson_opened,
    "lesson_completed": lesson_completed,
    "course_completed": course_completed,
    "attempt_started": attempt_started,
    "attempt_graded": attempt_graded,
    "certificate_issued": certificate_issued,
    "certificate_revoked": certificate_revoked,
    "certificate_reissued": certificate_reissued,
    "workshop_registered": workshop_registered,
    "workshop_promoted": workshop_promoted,
    "workshop_attended": workshop_attended,
}


def for_event(academy: Academy, event: str, facts: dict) -> list[dict]:
    """The statements an event gives: usually one; a reissue also voids what the old certificate earned."""
    statements = [BY_EVENT[event](academy, **facts)]
    if event == "certificate_reissued":
        statements.append(certificate_revoked(academy, **{**facts, "certificate_id": facts["replaces_id"]}))
    return [s for s in statements if s is not None]
