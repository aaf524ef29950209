"""The lesson page: rendered once per lesson and language, filled with the learner's parts.

The lesson page is the one learners open most, and all of it but a few small parts is the
same for everyone: the outline, the lesson's text or notebook, its downloads. It is rendered
once per lesson and language (app/core/pages.py), kept with the curriculum of its version
(structure.py), so a publish replaces it at the next request. For each request only the holes
are filled: the header's links, flashed messages, the progress bar, a tick beside each
completed lesson and the "Mark as complete" form.

`context()` is what the lesson's GET and its "Mark as complete" POST both start from.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app import policy
from app.common import kept
from app.core.pages import kept_page, kept_part
from app.core.shells import hole
from app.courses import services, structure
from app.courses.services import Standing
from app.courses.structure import CourseView, LessonView

#: The course pages kept as shells: the anonymous catalogue, lesson pages and a learner's parts of them.
PAGES = kept.Store(
    "course pages",
    holds="page shells: the anonymous catalogue, course and lesson pages, My learning, and their parts",
    keyed_by="page, its ids (a part: the values it shows) and language",
    stale=(structure.PUBLISHED,),
    bound=2048,
    owner="app/courses/lesson_page.py",
    pages=("catalogue", "course", "lesson", "my-learning"),
    parts=("tick", "progress", "actions", "standing", "card", "done card"),
)


@dataclass(frozen=True)
class LessonContext:
    """A lesson as one person asks for it: the course, the lesson, where they stand and whether they may open it."""

    course: CourseView
    lesson: LessonView
    #: The learner's standing in the course; None when they are not enrolled (a trainer's preview).
    standing: Standing | None
    #: Why they may not open it (a sentence for them), or None when they may.
    refusal: str | None

    @property
    def may_open(self) -> bool:
        return self.refusal is None


def context(user, slug: str, lesson_slug: str) -> LessonContext | None:
    """The context of a lesson request, None when the course or the lesson is not on offer; two statements.

    The course and lesson come from the kept curriculum (structure.py); the learner's standing is
    read now. Enrolment is checked here, on the server, for the page and for "Mark as complete" alike.
    """
    course = structure.live_course(slug)
    if course is None:
        return None
    lesson = structure.lesson(course, lesson_slug)
    if lesson is None:
        return None
    standing = services.standing_in(user.id, course.id)
    refusal = None
    if standing is None and not policy.can(user, "course.preview", course):
        refusal = _("Enrol in the course to open its lessons.")
    return LessonContext(course, lesson, standing, refusal)


def render(course: CourseView, lesson: LessonView, standing: Standing | None) -> str:
    """The page for this learner: their standing in the course (None for a trainer's preview)."""
    done = standing.done if standing is not None else frozenset()
    tick = kept_part(PAGES, ("tick",), lambda: _parts().tick()) if done else ""

    def context() -> dict:
        lessons = course.lessons
        index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
        return {
            "course": course,
            "lesson": lesson,
            "outline": course.outline,
            "previous": lessons[index - 1] if index > 0 else None,
            "following": lessons[index + 1] if index + 1 < len(lessons) else None,
        }

    def progress() -> str:
        if standing is None:
            return ""
        counts = (standing.lessons_completed, course.required_lessons)
        if course.lessons_done(standing.lessons_completed) and not standing.completed:
            # The lessons are done, the course is not: something else is due (an assessment), found by "Continue".
            left = url_for("courses.resume", slug=course.slug)
            return kept_part(PAGES, ("progress", *counts, course.id), lambda: _parts().progress(*counts, left))
        return kept_part(PAGES, ("progress", *counts), lambda: _parts().progress(*counts))

    def actions() -> str:
        if standing is None:
            return ""
        completed = lesson.id in done
        return kept_part(
            PAGES,
            ("actions", lesson.id, completed),
            lambda: _parts().actions(completed, course, lesson, hole("csrf_token")),
            {"csrf_token": generate_csrf},
        )

    return kept_page(
        PAGES,
        ("lesson", lesson.id),
        "courses/lesson.html",
        context,
        {"progress": progress, "done": lambda lesson_id: tick if int(lesson_id) in done else "", "actions": actions},
    )


def _parts():
    """The macros of courses/_lesson_learner.html: a learner's parts, each rendered once per value (kept_part)."""
    return current_app.jinja_env.get_template("courses/_lesson_learner.html").module
