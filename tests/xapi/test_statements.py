"""The statements a learner's journey gives, checked with Ralph's own xAPI models."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.certificates import services as certificates
from app.certificates.models import Certificate
from app.extensions import db
from app.xapi import statements
from app.xapi.backfill import past_events
from tests.xapi.journey import finish_practice_course
from tests.xapi.validation import validate_with_ralph

ACADEMY_URL = "https://academy.example.org"


@pytest.fixture
def academy_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", ACADEMY_URL)
    monkeypatch.setitem(app.config, "XAPI_ACTOR_EMAIL", False)
    return app.config


def journey_statements(app, learner) -> list[dict]:
    finish_practice_course(app, learner)
    with app.app_context():
        academy = statements.Academy.from_config(app.config)
        made = [
            s for event, facts in past_events(datetime(2000, 1, 1)) for s in statements.for_event(academy, event, facts)
        ]
        db.session.rollback()
    return made


def test_every_statement_of_a_journey_is_valid_for_ralph(app, academy_config, ready_learner, ralph):
    """Does each kind of statement a journey gives pass Ralph's models, the registration its LMS profile's?"""
    made = journey_statements(app, ready_learner)
    verbs = {s["verb"]["display"]["en-US"] for s in made}
    assert {"registered", "experienced", "completed", "attempted", "passed", "failed", "earned"} <= verbs
    reports = validate_with_ralph(made)
    assert [r for r in reports if r["error"]] == []
    registered = next(r for r, s in zip(reports, made, strict=True) if s["verb"]["display"]["en-US"] == "registered")
    assert registered["models"] == ["BaseXapiStatement", "LMSRegisteredCourse"]


def test_a_statement_names_the_officer_by_a_pseudonym_only(app, academy_config, ready_learner):
    """Does a statement carry neither the officer's name nor email, unless the academy turns email on?"""
    made = journey_statements(app, ready_learner)
    text = str(made)
    assert ready_learner.email not in text and ready_learner.full_name not in text
    actors = {s["actor"]["account"]["name"] for s in made}
    assert len(actors) == 1 and str(ready_learner.id) != actors.pop()
    assert {s["actor"]["account"]["homePage"] for s in made} == {ACADEMY_URL}
    academy_config["XAPI_ACTOR_EMAIL"] = True
    with app.app_context():
        academy = statements.Academy.from_config(app.config)
        assert academy.actor(ready_learner.id) == {"objectType": "Agent", "mbox": f"mailto:{ready_learner.email}"}


def test_a_graded_attempt_carries_its_score_duration_and_context(app, academy_config, ready_learner):
    """Does 'passed' carry the scaled score, success, an ISO 8601 duration, the enrolment and the course?"""
    made = journey_statements(app, ready_learner)
    passed = next(s for s in made if s["verb"]["display"]["en-US"] == "passed")
    assert passed["object"]["id"] == f"{ACADEMY_URL}/courses/data-in-practice/assessments/final"
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert passed["result"]["success"] is True and 0.7 <= passed["result"]["score"]["scaled"] <= 1
    assert passed["result"]["duration"].startswith("PT")
    context = passed["context"]
    registered = next(
        s for s in made if s["verb"]["display"]["en-US"] == "registered" and "data-in-practice" in s["object"]["id"]
    )
    assert context["registration"] == registered["context"]["registration"]
    assert uuid.UUID(context["registration"])
    assert context["contextActivities"]["parent"][0]["id"] == f"{ACADEMY_URL}/courses/data-in-practice"
    assert [a["definition"]["type"] for a in context["contextActivities"]["grouping"]] == [
        "https://w3id.org/xapi/cmi5/activitytype/block"
    ] * 2
    assert "version" not in passed


def test_a_course_translated_into_french_is_named_in_both_languages(app, academy_config, ready_learner):
    """Does the practice course (translated in the fixture content) carry its French name beside the English?"""
    made = journey_statements(app, ready_learner)
    course = next(s for s in made if s["object"]["id"].endswith("/courses/data-in-practice"))
    names = course["object"]["definition"]["name"]
    assert set(names) == {"en", "fr"} and names["en"] != names["fr"]


def test_the_same_event_gives_the_same_statement_id_and_another_event_another(app, academy_config, ready_learner):
    """Is a statement's id the same each time its event is rebuilt, and different for another event?"""
    first = journey_statements(app, ready_learner)
    with app.app_context():
        academy = statements.Academy.from_config(app.config)
        again = [s for e, f in past_events(datetime(2000, 1, 1)) for s in statements.for_event(academy, e, f)]
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == len(first)


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (timedelta(seconds=0), "PT0S"),
        (timedelta(seconds=3.5), "PT3.5S"),
        (timedelta(hours=1, minutes=2, seconds=3), "PT1H2M3S"),
    ],
)
def test_a_duration_is_written_in_iso_8601(length, expected):
    """Is a duration written as ISO 8601 asks, to the hundredth of a second?"""
    assert statements.duration(length) == expected


def test_a_revoked_and_a_reissued_certificate_void_what_was_earned(app, academy_config, ready_learner, make_user):
    """Does a reissue say 'earned' of the new certificate and void the old one's, and a revocation void its
    own — each valid for Ralph?"""
    admin = make_user(Role.ADMIN)
    with app.app_context():
        by = db.session.get(User, admin.id)
        issued = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
        replacement = certificates.reissue(issued[0], reissued_by=by)
        certificates.revoke(issued[1], reason="Issued in error.", revoked_by=by)
        db.session.commit()
        academy = statements.Academy.from_config(app.config)
        made = [s for e, f in past_events(datetime(2000, 1, 1)) for s in statements.for_event(academy, e, f)]
        earned = {s["object"]["id"]: s["id"] for s in made if s["verb"]["id"].endswith("/earned")}
        voided = {s["object"]["id"] for s in made if s["verb"]["id"].endswith("/voided")}
        old, new, revoked = issued[0].code, replacement.code, issued[1].code
    assert f"{ACADEMY_URL}/verify/{new}" in earned
    assert voided == {earned[f"{ACADEMY_URL}/verify/{old}"], earned[f"{ACADEMY_URL}/verify/{revoked}"]}
    assert [r for r in validate_with_ralph(made) if r["error"]] == []
