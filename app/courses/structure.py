"""The curriculum's structure as plain data, kept in each process until the next publish.

Tracks, tiers, courses, their outlines and lessons change only when a course is published
(`flask content sync`, the course editor), while every catalogue, lesson and My learning view
reads them. Each request asks the database for one cheap fingerprint of the published
curriculum (`version()`); the process keeps what it built for that fingerprint and builds it
again when the fingerprint changes, so a publish reaches every worker at its next request.

What is kept is the same for everyone (no learner's progress, no enrolment): the pages add
the learner's own rows, read for each request.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import get_locale

from app.common import along, kept
from app.courses.models import Attachment, ContentSource, Course, Lesson, Module, Tier, Track, course_prerequisites
from app.extensions import db


@dataclass(frozen=True)
class TrackView:
    id: int
    slug: str
    title: str
    summary: str
    position: int


@dataclass(frozen=True)
class TierView:
    id: int
    slug: str
    title: str
    rank: int


@dataclass(frozen=True)
class LessonItem:
    """A lesson as the outline shows it."""

    id: int
    slug: str
    title: str
    kind: str
    minutes: int
    optional: bool
    position: int
    module_id: int


@dataclass(frozen=True)
class ModuleView:
    id: int
    title: str
    position: int


@dataclass(frozen=True)
class AttachmentView:
    id: int
    title: str
    filename: str
    size: int


@dataclass(frozen=True)
class LessonView:
    """A live lesson as its page shows it."""

    id: int
    course_id: int
    slug: str
    title: str
    kind: str
    minutes: int
    optional: bool
    position: int
    url: str | None
    html: str
    attachments: tuple[AttachmentView, ...]
    #: The language `html` is written in: the reader's where the lesson is translated, else the course's.
    text_language: str = "en"
    #: The language `title` is written in (a lesson added to a translated course has no translated title yet).
    title_language: str = "en"


@dataclass(frozen=True)
class PrerequisiteView:
    id: int
    slug: str
    title: str
    retired_at: datetime | None


@dataclass(frozen=True)
class CourseView:
    """A course with its track, tier, prerequisites and live outline (retired courses too: learners keep them)."""

    id: int
    slug: str
    title: str
    summary: str
    track_id: int
    tier_id: int
    track: TrackView
    tier: TierView
    estimated_hours: float
    required_lessons: int
    retired_at: datetime | None
    prerequisites: tuple[PrerequisiteView, ...]
    outline: tuple[tuple[ModuleView, tuple[LessonItem, ...]], ...]
    #: What the course page shows besides the outline.
    description_html: str = ""
    objectives: tuple[str, ...] = ()
    language: str = "en"
    version: str = "1.0"
    #: The languages the course can be read in (its own first) and the one this view's text is in.
    languages: tuple[str, ...] = ("en",)
    text_language: str = "en"

    @property
    def lessons(self) -> list[LessonItem]:
        return [lesson for _module, lessons in self.outline for lesson in lessons]

    def lesson_by_id(self, lesson_id: int | None) -> LessonItem | None:
        """A live lesson of the outline, by its id."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def lessons_done(self, lessons_completed: int) -> bool:
        """Whether a learner with this many required lessons completed has done every required lesson."""
        return lessons_completed >= self.required_lessons


@dataclass
class Curriculum:
    """Everything kept for one version of the published curriculum."""

    version: tuple
    tracks: list[TrackView]
    tiers: list[TierView]
    #: Every course, retired ones included, by id and by slug.
    by_id: dict[int, CourseView]
    by_slug: dict[str, CourseView]
    #: Live courses in catalogue order (track, tier rank, title).
    live: list[CourseView]


def _columns(model, view, without: frozenset[str] | set[str] = frozenset()) -> list:
    """The model's columns named as the view's fields, in their order: a view is read as it is declared."""
    return [getattr(model, item.name) for item in dataclasses.fields(view) if item.name not in without]


def version() -> tuple:
    """The published curriculum's fingerprint, read once per request: along with the user's row on a
    logged-in page (app/common/along.py), else with a statement of its own.

    A publish changes a course row (its content hash, origin or retirement, hence
    `updated_at`), adds one, or changes catalogue.yml (tracks and tiers, kept in
    content_sources). The hashes are listed as well as the latest time, so that a clock
    going backwards cannot hide a publish.
    """
    if "curriculum_version" not in g:
        _keep_version(db.session.execute(_fingerprint_statement()).one())
    return g.curriculum_version


def _keep_version(values) -> None:
    g.curriculum_version = (str(db.engine.url), *(str(value) for value in values))


@kept.once
def _fingerprint() -> list[sa.ScalarSelect]:
    """The fingerprint's columns, built once: they are the same for every request."""
    # The separator is written into the SQL: given as a string, it would be a parameter SQLAlchemy renders
    # into the statement again at every execution (15 of its 68 µs).
    comma = sa.literal_column("','")
    return [
        sa.select(sa.func.count(Course.id)).scalar_subquery(),
        sa.select(sa.func.max(Course.updated_at)).scalar_subquery(),
        sa.select(sa.func.aggregate_strings(Course.content_hash, comma)).scalar_subquery(),
        sa.select(sa.func.aggregate_strings(ContentSource.sha256, comma)).scalar_subquery(),
    ]


@kept.once
def _fingerprint_statement() -> sa.Select:
    return sa.select(*_fingerprint())


along.register("the published curriculum's fingerprint", _fingerprint, _keep_version)

#: What every store kept with the published curriculum goes stale by (the course pages' shells too).
PUBLISHED = kept.Mark("a publish or `content sync` changes the published curriculum's fingerprint", version)
CURRICULUM = kept.Store(
    "curriculum",
    holds="the published curriculum as plain data (tracks, tiers, courses, outlines) in one language",
    keyed_by="the reader's language: one version at a time",
    stale=(PUBLISHED,),
    bound=2,  # the languages the academy speaks (config LANGUAGES)
    owner="app/courses/structure.py",
)
LESSONS = kept.Store(
    "lessons",
    holds="a live lesson's HTML and attachments, read on its first view",
    keyed_by="course id, lesson slug and the language the course is read in (unknown slugs are not kept)",
    stale=(PUBLISHED,),
    bound=4096,
    owner="app/courses/structure.py",
)


def reader_language() -> str:
    """The language the curriculum is read in: the request's (flask_babel), else English."""
    return str(get_locale()) if has_request_context() else "en"


def _texts(translations: dict | None, language: str) -> dict:
    """A row's texts in `language` (its `translations` column), or {} to show the source's."""
    return (translations or {}).get(language) or {}


def current(language: str | None = None) -> Curriculum:
    """The curriculum of the current version in the reader's language, built once per process, version and language."""
    language = language or reader_language()
    return CURRICULUM.get_or_make(language, lambda: _build(version(), language), once=True)


def _build(key: tuple, language: str) -> Curriculum:
    """Read tracks, tiers, courses, prerequisites, modules and lesson titles (six queries), in `language`
    where translated."""
    tracks = {}
    for t in db.session.scalars(sa.select(Track).order_by(Track.position)):
        texts = _texts(t.translations, language)
        tracks[t.id] = TrackView(t.id, t.slug, texts.get("title", t.title), texts.get("summary", t.summary), t.position)
    tiers = {
        t.id: TierView(t.id, t.slug, _texts(t.translations, language).get("title", t.title), t.rank)
        for t in db.session.scalars(sa.select(Tier).order_by(Tier.rank))
    }
    columns = (
        Course.id,
        Course.slug,
        Course.title,
        Course.summary,
        Course.track_id,
        Course.tier_id,
        Course.estimated_hours,
        Course.required_lessons,
        Course.retired_at,
        Course.description_html,
        Course.objectives,
        Course.language,
        Course.version,
        Course.translations,
    )
    rows = db.session.execute(sa.select(*columns)).all()
    # Each course's texts in the reader's language, when it has them and is not written in it.
    translated = {row.id: _texts(row.translations, language) if row.language != language else {} for row in rows}
    titles = {row.id: (row.slug, translated[row.id].get("title", row.title), row.retired_at) for row in rows}
    prerequisites: dict[int, list[PrerequisiteView]] = {}
    for course_id, prerequisite_id in db.session.execute(
        sa.select(course_prerequisites.c.course_id, course_prerequisites.c.prerequisite_id)
    ):
        slug, title, retired_at = titles[prerequisite_id]
        prerequisites.setdefault(course_id, []).append(PrerequisiteView(prerequisite_id, slug, title, retired_at))
    modules: dict[int, list[ModuleView]] = {}
    module_course = {}
    for row in db.session.execute(
        sa.select(Module.id, Module.course_id, Module.title, Module.position, Module.translations)
        .where(Module.retired_at.is_(None))
        .order_by(Module.course_id, Module.position)
    ):
        title = _texts(row.translations, language).get("title", row.title) if translated[row.course_id] else row.title
        modules.setdefault(row.course_id, []).append(ModuleView(row.id, title, row.position))
        module_course[row.id] = row.course_id
    lessons: dict[int, list[LessonItem]] = {}
    for *item, course_id, translations in db.session.execute(
        sa.select(*_columns(Lesson, LessonItem), Lesson.course_id, Lesson.translations)
        .where(Lesson.retired_at.is_(None))
        .order_by(Lesson.course_id, Lesson.position)
    ):
        lesson = LessonItem(*item)
        title = _texts(translations, language).get("title") if translated[course_id] else None
        lessons.setdefault(course_id, []).append(dataclasses.replace(lesson, title=title) if title else lesson)
    by_id = {}
    for row in rows:
        own = lessons.get(row.id, [])
        outline = tuple(
            (module, tuple(lesson for lesson in own if lesson.module_id == module.id))
            for module in modules.get(row.id, [])
        )
        texts = translated[row.id]
        by_id[row.id] = CourseView(
            id=row.id,
            slug=row.slug,
            title=texts.get("title", row.title),
            summary=texts.get("summary", row.summary),
            track_id=row.track_id,
            tier_id=row.tier_id,
            track=tracks[row.track_id],
            tier=tiers[row.tier_id],
            estimated_hours=row.estimated_hours,
            required_lessons=row.required_lessons,
            retired_at=row.retired_at,
            prerequisites=tuple(prerequisites.get(row.id, [])),
            outline=outline,
            description_html=texts.get("description_html") or row.description_html or "",
            objectives=tuple(texts.get("objectives") or row.objectives or ()),
            language=row.language,
            version=row.version,
            languages=(row.language, *sorted(set(row.translations or {}) - {row.language})),
            text_language=language if texts else row.language,
        )
    live = sorted(
        (course for course in by_id.values() if course.retired_at is None),
        key=lambda c: (c.track.position, c.tier.rank, c.title),
    )
    return Curriculum(
        version=key,
        tracks=list(tracks.values()),
        tiers=list(tiers.values()),
        by_id=by_id,
        by_slug={course.slug: course for course in by_id.values()},
        live=live,
    )


def live_course(slug: str) -> CourseView | None:
    """A course on offer, by its slug."""
    course = current().by_slug.get(slug)
    return course if course is not None and course.retired_at is None else None


def lesson(course: CourseView, slug: str) -> LessonView | None:
    """A live lesson of the course with its HTML and attachments, read once per version (two queries)."""
    key = (course.id, slug, course.text_language)
    view = LESSONS.get(key)
    if view is None:
        row = db.session.execute(
            sa.select(
                *_columns(Lesson, LessonView, without={"attachments", "text_language", "title_language"}),
                Lesson.translations,
            ).where(Lesson.course_id == course.id, Lesson.slug == slug, Lesson.retired_at.is_(None))
        ).one_or_none()
        if row is None:
            return None
        fields = row._asdict()
        translations = fields.pop("translations")
        fields["text_language"] = fields["title_language"] = course.text_language
        if course.text_language != course.languages[0]:  # the course is read in a translation
            texts = _texts(translations, course.text_language)
            if not texts.get("title"):
                fields["title_language"] = course.languages[0]
            fields["title"] = texts.get("title", fields["title"])
            if texts.get("html"):
                fields["html"] = texts["html"]
            else:
                fields["text_language"] = course.languages[0]  # no translated file: the source's text
        attachments = tuple(
            AttachmentView(*a)
            for a in db.session.execute(
                sa.select(*_columns(Attachment, AttachmentView))
                .where(Attachment.lesson_id == row.id)
                .order_by(Attachment.position)
            )
        )
        view = LESSONS.put(key, LessonView(**fields, attachments=attachments))
    return view
