"""My learning: kept once per language as a shell, the learner's courses filled in as cards kept per value.

The page is the learner's own, but little of it is: the header, the title and the section headings
are the same for everyone, and a course's card shows only a few values (its lessons done, the
assessment due and what is left of its attempts, where to resume, the day it was completed). So
the page is kept as a shell (core/pages.py) with one hole, and each card is kept per the values it
shows (`kept_part`), with the curriculum: a publish drops them all. Nothing kept names the learner
(tests/test_kept_pages.py renders the page for two people).
"""

from __future__ import annotations

from flask import current_app

from app.core.pages import kept_page, kept_part
from app.courses.lesson_page import PAGES
from app.courses.services import LearningEntry


def render(entries: list[LearningEntry], due: dict[int, list]) -> str:
    """The page for this learner: their courses (`entries`) and, by course, the required assessments `due`
    (AssessmentStanding, the next one first: courses/signals.py)."""

    def learning() -> str:
        current = [
            _card(entry, due.get(entry.course.id, [])) for entry in entries if entry.enrolment.completed_at is None
        ]
        done = [_done_card(entry) for entry in entries if entry.enrolment.completed_at is not None]
        return str(_parts().sections(current, done))

    # The shell needs nothing but the language: everything of the learner is the hole "learning".
    return kept_page(PAGES, ("my-learning",), "courses/my_learning.html", lambda: {}, {"learning": learning})


def _card(entry: LearningEntry, waiting: list) -> str:
    """A course in progress, kept per what it shows: the course, lessons done, the assessment due, where to resume."""
    enrolment, upcoming = entry.enrolment, waiting[0] if waiting else None
    if upcoming is not None:
        tried = bool(upcoming.attempts_used and not upcoming.open_attempt_id)
        next_step = ("assessment", len(waiting), upcoming.id, upcoming.action, tried, upcoming.attempts_left)
    elif entry.resume is not None:
        next_step = ("lesson", entry.resume.id, bool(enrolment.lessons_completed or enrolment.last_lesson_id))
    else:
        next_step = ()
    key = ("card", entry.course.id, enrolment.lessons_completed, *next_step)
    return kept_part(PAGES, key, lambda: _parts().card(entry, waiting))


def _done_card(entry: LearningEntry) -> str:
    """A completed course, kept per course and day of completion."""
    key = ("done card", entry.course.id, entry.enrolment.completed_at.date())
    return kept_part(PAGES, key, lambda: _parts().done_card(entry))


def _parts():
    """The macros of courses/_learning_cards.html."""
    return current_app.jinja_env.get_template("courses/_learning_cards.html").module
