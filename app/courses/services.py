"""The courses API: catalogue, locks, enrolment, progress and the completion service.

Other domains (assessments, certificates, cohorts) call these functions, not the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.auth.api import User
from app.common import events, kept
from app.common.database import conflict_insert
from app.common.time import utcnow
from app.courses import structure
from app.courses.models import Course, Enrolment, GlossaryTerm, Lesson, LessonProgress
from app.courses.structure import CourseView, LessonItem, LessonView, PrerequisiteView, TierView, TrackView
from app.extensions import db


class CourseLocked(Exception):
    """The learner has not completed what the course requires."""

    def __init__(self, missing: list[CourseView]) -> None:
        super().__init__(", ".join(course.title for course in missing))
        self.missing = missing


@dataclass
class CatalogueTier:
    tier: TierView
    courses: list[CourseView] = field(default_factory=list)


@dataclass
class CatalogueTrack:
    track: TrackView
    tiers: list[CatalogueTier] = field(default_factory=list)


@dataclass
class Catalogue:
    tracks: list[CatalogueTrack]
    enrolments: dict[int, Enrolment]
    locks: dict[int, list]  # course id -> courses to complete first


def _matching(query, search: str, language: str = "en"):
    """Narrow a query of courses to those whose title, summary or a live lesson mentions `search`, in the course's
    own words or, for a reader of another language, in that language's translation (the `translations` column)."""
    pattern = f"%{search.lower()}%"

    def mentions(*columns):
        return sa.or_(*(sa.func.lower(column).like(pattern) for column in columns))

    def translated(model, field: str):
        return model.translations[(language, field)].as_string()

    lesson_columns = [Lesson.title, Lesson.search_text]
    course_columns = [Course.title, Course.summary]
    if language != "en":
        lesson_columns += [translated(Lesson, "title"), translated(Lesson, "search_text")]
        course_columns += [translated(Course, "title"), translated(Course, "summary")]
    in_lessons = (
        sa.select(Lesson.id)
        .where(Lesson.course_id == Course.id, Lesson.retired_at.is_(None))
        .where(mentions(*lesson_columns))
        .exists()
    )
    return query.where(sa.or_(mentions(*course_columns), in_lessons))


def live_courses() -> list[CourseView]:
    """Courses on offer (not retired) in catalogue order, as the kept curriculum holds them."""
    return structure.current().live


def live_courses_by_title() -> list[CourseView]:
    """Courses on offer by title: what a form offers to choose from."""
    return sorted(structure.current().live, key=lambda course: course.title)


def course_by_id(course_id: int) -> CourseView | None:
    """A course by its id, retired ones included (learners keep them), as the kept curriculum holds it."""
    return structure.current().by_id.get(course_id)


def completed_course_ids(user: User | None) -> set[int]:
    """The courses this user has completed."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        db.session.scalars(
            sa.select(Enrolment.course_id).where(Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None))
        )
    )


def missing_requirements(course: CourseView, completed: set[int], courses: list[CourseView]) -> list:
    """What must be completed before `course`: its prerequisites and the tier below in its track."""
    missing = [p for p in course.prerequisites if p.id not in completed and p.retired_at is None]
    below = [
        other
        for other in courses
        if other.track_id == course.track_id and other.tier.rank == course.tier.rank - 1 and other.id not in completed
    ]
    listed = {p.id for p in missing}
    return missing + [c for c in below if c.id not in listed]


def catalogue(user: User | None, search: str = "") -> Catalogue:
    """Tracks → tiers → courses, with each course's lock for this user; a fixed number of queries.

    The structure comes from the per-process curriculum (see structure.py); only the search and
    the learner's own enrolments are read for the request.
    """
    language = structure.reader_language()
    curriculum = structure.current(language)
    everything = curriculum.live
    shown = everything
    if search:
        live = sa.select(Course.id).where(Course.retired_at.is_(None))
        found = set(db.session.scalars(_matching(live, search, language)))
        shown = [course for course in everything if course.id in found]
    enrolments = {}
    if user is not None and user.is_authenticated:
        enrolments = {
            e.course_id: e for e in db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id))
        }
    completed = {course_id for course_id, e in enrolments.items() if e.completed_at is not None}
    result = []
    for track in curriculum.tracks:
        entry = CatalogueTrack(track=track)
        for tier in curriculum.tiers:
            courses = [c for c in shown if c.track_id == track.id and c.tier_id == tier.id]
            if courses:
                entry.tiers.append(CatalogueTier(tier=tier, courses=courses))
        if entry.tiers:
            result.append(entry)
    locks = {c.id: missing_requirements(c, completed, everything) for c in shown}
    return Catalogue(tracks=result, enrolments=enrolments, locks={k: v for k, v in locks.items() if v})


def courses_opened_by(record: Record, course: CourseView) -> list[CourseView]:
    """The courses that completing `course` opened to the learner, not yet enrolled in: what to take next.

    Read from the learner's record (`record_in`); the courses and their locks come from the kept curriculum.
    """
    curriculum = structure.current()
    completed = record.completed
    following = [
        other
        for other in curriculum.live
        if other.id not in record.courses
        and (
            course.id in {p.id for p in other.prerequisites}
            or (other.track_id == course.track_id and other.tier.rank == course.tier.rank + 1)
        )
    ]
    return [other for other in following if not missing_requirements(other, completed, curriculum.live)]


def course_by_slug(slug: str) -> CourseView | None:
    """A course on offer, by its slug, as the kept curriculum holds it."""
    return structure.live_course(slug)


def requirements_for(
    user: User, course: CourseView, record: Record | None = None
) -> list[PrerequisiteView | CourseView]:
    """What `user` must still complete before entering `course` (from their `record` when the page has read it)."""
    completed = record.completed if record is not None else completed_course_ids(user)
    return missing_requirements(course, completed, structure.current().live)


def enrolment_for(user: User, course: Course | CourseView) -> Enrolment | None:
    """The user's enrolment in the course, if any."""
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id))


def enrol(user: User, course: CourseView) -> Enrolment:
    """Enrol the user; raises CourseLocked while requirements are missing. Enrolling twice is harmless."""
    existing = enrolment_for(user, course)
    if existing is not None:
        return existing
    missing = requirements_for(user, course)
    if missing:
        raise CourseLocked(missing)
    enrolment = Enrolment(user_id=user.id, course_id=course.id)
    db.session.add(enrolment)
    db.session.flush()
    events.enrolled.send(
        "courses", user_id=user.id, course_id=course.id, enrolment_id=enrolment.id, at=enrolment.enrolled_at
    )
    return enrolment


@dataclass(frozen=True)
class Standing:
    """Where a learner stands in a course they are enrolled in: what a lesson page shows of them."""

    enrolment_id: int
    lessons_completed: int
    last_lesson_id: int | None
    completed_at: datetime | None  # when the course was completed (lessons and every other requirement)
    opened: frozenset[int]  # lessons the learner has opened (completed ones included)
    done: frozenset[int]  # lessons the learner has completed

    @property
    def completed(self) -> bool:
        """The course is complete."""
        return self.completed_at is not None


@dataclass(frozen=True)
class Record:
    """A learner's enrolments and where they stand in one course: what the course and result pages show of them."""

    courses: dict[int, datetime | None]  # every course they are enrolled in → when they completed it (None: not yet)
    standing: Standing | None  # in the course asked about; None when not enrolled in it

    @property
    def completed(self) -> set[int]:
        """The courses they have completed."""
        return {course_id for course_id, completed_at in self.courses.items() if completed_at is not None}


@kept.once
def _record_statement() -> sa.Select:
    """The learner's enrolments, with the progress rows of one course, in one statement built once.

    One row per enrolment of another course (no progress), and one per progress row of the course
    asked about (or one, if it has none). Read as plain rows: the lesson page, the one learners
    open most, needs no ORM objects.
    """
    enrolment, progress, lesson = Enrolment.__table__, LessonProgress.__table__, Lesson.__table__
    course_id = sa.bindparam("course_id")
    # An IN list of the course's lessons, not a nested join: SQLite would build that join for every learner first.
    of_the_course = sa.and_(
        enrolment.c.course_id == course_id,
        progress.c.user_id == enrolment.c.user_id,
        progress.c.lesson_id.in_(sa.select(lesson.c.id).where(lesson.c.course_id == course_id)),
    )
    return (
        sa.select(
            enrolment.c.course_id,
            enrolment.c.id,
            enrolment.c.lessons_completed,
            enrolment.c.last_lesson_id,
            enrolment.c.completed_at.label("course_completed_at"),
            progress.c.lesson_id,
            progress.c.completed_at,
        )
        .select_from(enrolment.outerjoin(progress, of_the_course))
        .where(enrolment.c.user_id == sa.bindparam("user_id"))
    )


def record_in(user_id: int, course_id: int) -> Record:
    """The learner's enrolments and their standing in the course (None when not enrolled in it)."""
    rows = db.session.execute(_record_statement(), {"user_id": user_id, "course_id": course_id}).all()
    courses = {row.course_id: row.course_completed_at for row in rows}
    mine = [row for row in rows if row.course_id == course_id]
    if not mine:
        return Record(courses, None)
    first = mine[0]
    standing = Standing(
        enrolment_id=first.id,
        lessons_completed=first.lessons_completed,
        last_lesson_id=first.last_lesson_id,
        completed_at=first.course_completed_at,
        opened=frozenset(row.lesson_id for row in mine if row.lesson_id is not None),
        done=frozenset(row.lesson_id for row in mine if row.completed_at is not None),
    )
    return Record(courses, standing)


def standing_in(user_id: int, course_id: int) -> Standing | None:
    """The learner's standing in the course, or None when they are not enrolled in it."""
    return record_in(user_id, course_id).standing


def opens_anew(standing: Standing, lesson_id: int) -> bool:
    """Whether opening the lesson changes anything: a first visit or a new resume point (a repeat writes nothing)."""
    return lesson_id not in standing.opened or standing.last_lesson_id != lesson_id


def open_lesson(user_id: int, enrolment_id: int, lesson_id: int, *, course_id: int) -> None:
    """Note that the learner opened the lesson (the first time is kept) and resume here next time.

    Written whatever the page read a moment ago, so two tabs opening the lesson at once are both
    fine: the first visit is recorded once (the second insert does nothing), on SQLite and PostgreSQL.
    """
    db.session.execute(
        conflict_insert(LessonProgress)
        .values(user_id=user_id, lesson_id=lesson_id)
        .on_conflict_do_nothing(index_elements=["user_id", "lesson_id"])
    )
    db.session.execute(sa.update(Enrolment).where(Enrolment.id == enrolment_id).values(last_lesson_id=lesson_id))
    events.lesson_opened.send(
        "courses", user_id=user_id, course_id=course_id, enrolment_id=enrolment_id, lesson_id=lesson_id, at=utcnow()
    )


def required_lessons_completed(user_id, course_id) -> sa.ScalarSelect:
    """How many of the course's live required lessons the learner has completed: the one definition.

    Takes values or columns (`Enrolment.user_id`, `Enrolment.course_id`), so that content sync
    recounts every enrolment of a course in one statement with the same rule.
    """
    return (
        sa.select(sa.func.count())
        .select_from(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.user_id == user_id,
            Lesson.course_id == course_id,
            LessonProgress.completed_at.is_not(None),
            Lesson.retired_at.is_(None),
            Lesson.optional.is_(False),
        )
        .scalar_subquery()
    )


def complete_lesson(user: User, enrolment: Enrolment, lesson: LessonItem | LessonView) -> bool:
    """Mark a lesson complete; returns True if this completed the course."""
    progress = db.session.scalar(
        sa.select(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
    )
    if progress is None:
        progress = LessonProgress(user_id=user.id, lesson_id=lesson.id)
        db.session.add(progress)
    newly_completed = progress.completed_at is None
    if newly_completed:
        progress.completed_at = utcnow()
    db.session.flush()
    if newly_completed:
        events.lesson_completed.send(
            "courses",
            user_id=user.id,
            course_id=enrolment.course_id,
            enrolment_id=enrolment.id,
            lesson_id=lesson.id,
            at=progress.completed_at,
        )
    # Counted by SQL rather than incremented, so a double submit cannot count twice.
    enrolment.lessons_completed = db.session.scalar(sa.select(required_lessons_completed(user.id, enrolment.course_id)))
    return update_completion(enrolment)


def is_complete(enrolment: Enrolment) -> bool:
    """The definition of a completed course: all required lessons done, and every other requirement met."""
    course = structure.current().by_id[enrolment.course_id]
    return course.lessons_done(enrolment.lessons_completed) and events.completion_requirements_met(
        enrolment.user_id, enrolment.course_id, enrolment.id
    )


def update_completion(enrolment: Enrolment) -> bool:
    """Record the completion of the course if it is now complete; True the first time."""
    if enrolment.completed_at is not None or not is_complete(enrolment):
        return False
    enrolment.completed_at = utcnow()
    db.session.flush()
    events.course_completed.send(
        "courses",
        user_id=enrolment.user_id,
        course_id=enrolment.course_id,
        enrolment_id=enrolment.id,
        enrolled_at=enrolment.enrolled_at,
        at=enrolment.completed_at,
    )
    return True


def next_lesson(lessons: list[LessonItem], done: frozenset[int] | set[int], after_id: int | None = None):
    """The lesson to open next: the first required one not completed (after lesson `after_id` if given), else None."""
    start = next((i + 1 for i, lesson in enumerate(lessons) if lesson.id == after_id), 0)
    for lesson in lessons[start:] + lessons[:start]:
        if lesson.id not in done and not lesson.optional:
            return lesson
    return None


@dataclass
class LearningEntry:
    enrolment: sa.Row  # course_id, completed_at, lessons_completed, last_lesson_id, enrolled_at
    course: CourseView
    resume: LessonItem | None


@kept.once
def _learning_statement() -> sa.CompoundSelect:
    """A learner's enrolments and the lessons they completed, as plain rows of one statement built once.

    An enrolment's row names its course; a completed lesson's row names only the lesson. Every lesson the
    learner completed (a few hundred at most), rather than an IN list of the courses' lessons: the
    statement stays small and the same whatever the enrolments. My learning reads no ORM objects.
    """
    enrolment, progress = Enrolment.__table__, LessonProgress.__table__
    user_id, nothing = sa.bindparam("user_id"), sa.null()
    return sa.union_all(
        sa.select(
            enrolment.c.course_id,
            enrolment.c.completed_at,
            enrolment.c.lessons_completed,
            enrolment.c.last_lesson_id,
            enrolment.c.enrolled_at,
            sa.cast(nothing, sa.Integer).label("lesson_id"),
        ).where(enrolment.c.user_id == user_id),
        sa.select(nothing, nothing, nothing, nothing, nothing, progress.c.lesson_id).where(
            progress.c.user_id == user_id, progress.c.completed_at.is_not(None)
        ),
    )


def my_learning(user: User) -> list[LearningEntry]:
    """The user's courses, unfinished first and the latest enrolled first, with where to resume; one statement
    whatever the history (courses are kept per process)."""
    rows = db.session.execute(_learning_statement(), {"user_id": user.id}).all()
    enrolments = [row for row in rows if row.course_id is not None]
    enrolments.sort(key=lambda row: row.enrolled_at, reverse=True)
    enrolments.sort(key=lambda row: row.completed_at is not None)  # a stable sort: unfinished first
    done = {row.lesson_id for row in rows if row.course_id is None}
    courses = structure.current().by_id
    lessons = {e.course_id: courses[e.course_id].lessons for e in enrolments}
    entries = []
    for enrolment in enrolments:
        own = lessons[enrolment.course_id]
        resume = next((lesson for lesson in own if lesson.id not in done and not lesson.optional), None)
        if enrolment.last_lesson_id and enrolment.completed_at is None:
            last = next((lesson for lesson in own if lesson.id == enrolment.last_lesson_id), None)
            if last is not None and last.id not in done:
                resume = last
        entries.append(LearningEntry(enrolment=enrolment, course=courses[enrolment.course_id], resume=resume))
    return entries


@dataclass(frozen=True)
class GlossaryEntry:
    """A glossary term as the glossary page shows it, in the reader's language where translated."""

    slug: str
    term: str
    definition_html: str
    see_also: list[str]
    #: The language the term and definition are written in (the page's own, or English).
    language: str


def glossary(language: str) -> list[GlossaryEntry]:
    """Every glossary term in `language` where translated, else in English, sorted by the name shown."""
    entries = []
    for term in db.session.scalars(sa.select(GlossaryTerm)):
        texts = (term.translations or {}).get(language)
        if texts:
            entries.append(GlossaryEntry(term.slug, texts["term"], texts["definition_html"], term.see_also, language))
        else:
            entries.append(GlossaryEntry(term.slug, term.term, term.definition_html, term.see_also, "en"))
    return sorted(entries, key=lambda entry: entry.term.lower())
