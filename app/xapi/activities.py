"""The activities statements are about — courses, lessons, assessments, certificates, workshops —
with IRIs under PUBLIC_URL that never change (slugs and ids, which a course's new version keeps)
and definitions: a name in each language the academy has it in, and a type from the ADL vocabulary.

Read from the database through each domain's api.py, in the transaction of the event that asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.assessments.api import Assessment
from app.auth.api import User
from app.certificates.api import Certificate
from app.courses.api import Course, Enrolment, Lesson, Tier, Track
from app.extensions import db
from app.workshops.api import Workshop, WorkshopSession

ACTIVITIES = "http://adlnet.gov/expapi/activities/"
TYPES = {
    "course": ACTIVITIES + "course",
    "lesson": ACTIVITIES + "lesson",
    "assessment": ACTIVITIES + "assessment",
    "meeting": ACTIVITIES + "meeting",
    # Tracks and tiers group courses: cmi5's block, "a grouping of one or more activities".
    "block": "https://w3id.org/xapi/cmi5/activitytype/block",
    # A certificate is an Open Badges credential: the badge object of Activity Streams.
    "badge": "http://activitystrea.ms/schema/1.0/badge",
}


@dataclass(frozen=True)
class Activity:
    path: str  #: under PUBLIC_URL, e.g. /courses/intro-to-data
    type: str
    name: dict[str, str] = field(default_factory=dict)  #: {language tag: name}

    def as_object(self, base: str) -> dict:
        definition = {"type": TYPES[self.type]}
        if self.name:
            definition["name"] = dict(self.name)
        return {"objectType": "Activity", "id": base + self.path, "definition": definition}


@dataclass(frozen=True)
class CourseActivities:
    """A course with the tier and track it belongs to, and the language its text is written in."""

    course: Activity
    tier: Activity
    track: Activity
    language: str


def _names(source_language: str, title: str, translations: dict | None) -> dict[str, str]:
    names = {source_language: title}
    for language, texts in (translations or {}).items():
        if texts.get("title"):
            names[language] = texts["title"]
    return names


def course(course_id: int) -> CourseActivities:
    row = db.session.get(Course, course_id)
    tier, track = db.session.get(Tier, row.tier_id), db.session.get(Track, row.track_id)
    language = row.language or "en"
    return CourseActivities(
        course=Activity(f"/courses/{row.slug}", "course", _names(language, row.title, row.translations)),
        # The catalogue (catalogue.yml) is written in English, translated beside it.
        tier=Activity(f"/catalogue/tiers/{tier.slug}", "block", _names("en", tier.title, tier.translations)),
        track=Activity(f"/catalogue/tracks/{track.slug}", "block", _names("en", track.title, track.translations)),
        language=language,
    )


def lesson(lesson_id: int) -> Activity:
    row = db.session.get(Lesson, lesson_id)
    owner = db.session.get(Course, row.course_id)
    path = f"/courses/{owner.slug}/lessons/{row.slug}"
    return Activity(path, "lesson", _names(owner.language or "en", row.title, row.translations))


def assessment(assessment_id: int) -> Activity:
    row = db.session.get(Assessment, assessment_id)
    owner = db.session.get(Course, row.course_id)
    path = f"/courses/{owner.slug}/assessments/{row.slug}"
    return Activity(path, "assessment", _names(owner.language or "en", row.title, row.translations))


def certificate(certificate_id: int) -> Activity:
    """A certificate's public verification page; its name is what it certifies, as printed (English)."""
    row = db.session.get(Certificate, certificate_id)
    return Activity(f"/verify/{row.code}", "badge", {"en": row.title})


def workshop(workshop_id: int) -> Activity:
    row = db.session.get(Workshop, workshop_id)
    # Organisers write a workshop's title in the language of their choice: undetermined (RFC 5646).
    return Activity(f"/workshops/{row.id}", "meeting", {"und": row.title})


def session(session_id: int) -> Activity:
    row = db.session.get(WorkshopSession, session_id)
    return Activity(f"/workshops/{row.workshop_id}/sessions/{row.id}", "meeting", {"und": row.title})


def enrolment_id(user_id: int, course_id: int) -> int | None:
    """The officer's enrolment in a course (an assessment's or a certificate's registration)."""
    return db.session.scalar(
        sa.select(Enrolment.id).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )


def email_of(user_id: int) -> str:
    return db.session.get(User, user_id).email
