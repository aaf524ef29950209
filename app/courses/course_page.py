"""The course page: kept once per course, language and what the visitor may open, filled with their parts.

Like the lesson page (lesson_page.py), all of it but a few parts is the same for everyone: the
description, objectives, prerequisites, outline and the list of assessments. That is rendered
once and kept with the curriculum of its version (structure.py), so a publish replaces it. Kept
apart are the pages whose lesson and assessment titles are links (enrolled, or a trainer's
preview) and those whose are not. For each request only the holes are filled: the header's links,
flashed messages, where the visitor stands and what to do next, the edit link, a tick beside each
completed lesson and each assessment's state.
"""

from __future__ import annotations

import dataclasses

from flask import current_app, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app import policy
from app.common import events
from app.common.kept import Store
from app.core.pages import kept_page, kept_part
from app.courses import lesson_page
from app.courses.services import Standing
from app.courses.structure import CourseView


def render(course: CourseView, standing: Standing | None, missing: list, standings: list, opened: list) -> str:
    """The page for this visitor: their standing (None when not enrolled), what locks the course for them,
    the course's assessments with their attempts, and the courses completing it opened to them."""
    kept = lesson_page.PAGES
    enrolled = standing is not None
    opens = enrolled or policy.can(current_user, "course.preview", course)
    reports = policy.can(current_user, "assessment.report")
    done = standing.done if enrolled else frozenset()
    tick = kept_part(kept, ("tick",), lambda: _parts().tick()) if done else ""
    by_id = {item.id: item for item in standings}

    def context() -> dict:
        # The assessments as they are for no one: the kept page shows only their titles and rules.
        blank = [dataclasses.replace(item, **_NO_ATTEMPTS) for item in standings]
        return {
            "course": course,
            "assessments": blank,
            "enrolled": enrolled,
            "opens_lessons": opens,
            "reports": reports,
        }

    def learner() -> str:
        due = [item for item in standings if item.due]
        token = generate_csrf() if current_user.is_authenticated and not enrolled else ""
        login_url = "" if current_user.is_authenticated else url_for("auth.login", next=request.path)
        return str(_parts().learner(course, standing, missing, due, opened, token, login_url))

    def edit() -> str:
        # The editor sits above courses: it answers whether the visitor may edit a course (app/common/events.py).
        return str(_parts().edit(course)) if events.may_edit_course(course.slug) else ""

    return kept_page(
        kept,
        ("course", course.id, enrolled, opens, reports),
        "courses/course.html",
        context,
        {
            "learner": learner,
            "edit": edit,
            "done": lambda lesson_id: tick if int(lesson_id) in done else "",
            "standing": lambda assessment_id: _standing(kept, by_id[int(assessment_id)]),
        },
    )


def _standing(kept: Store, assessment) -> str:
    """An assessment's state for the learner; kept per value, except while an attempt is open (its minutes run)."""
    if assessment.open_attempt_id is not None:
        return str(_parts().standing(assessment))
    values = (assessment.best_passed, assessment.best_percent, assessment.attempts_left, assessment.time_limit_minutes)
    return kept_part(kept, ("standing", assessment.state, *values), lambda: _parts().standing(assessment))


_NO_ATTEMPTS = {
    "attempts_used": 0,
    "best_passed": None,
    "best_percent": None,
    "open_attempt_id": None,
    "open_deadline": None,
}


def _parts():
    """The macros of courses/_course_learner.html: the visitor's parts of the page."""
    return current_app.jinja_env.get_template("courses/_course_learner.html").module
