"""The curriculum as stored: tracks, tiers, courses, modules, lessons, and each learner's progress."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db

course_prerequisites = sa.Table(
    "course_prerequisites",
    db.metadata,
    sa.Column("course_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("prerequisite_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


class Track(db.Model):
    """Leaders, data specialists, WCO experts: defined in content/catalogue.yml."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    #: Order in the catalogue.
    position: Mapped[int] = mapped_column(default=0)
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")


class Tier(db.Model):
    """Foundation, Practitioner, Advanced: a higher tier of a track opens when the lower one is done."""

    __tablename__ = "tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    #: 0 for the first tier; the order of catalogue.yml.
    rank: Mapped[int] = mapped_column(default=0)
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    tier_id: Mapped[int] = mapped_column(sa.ForeignKey("tiers.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    #: Sanitised HTML rendered from the manifest's Markdown description.
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[list] = mapped_column(sa.JSON, default=list)
    estimated_hours: Mapped[float] = mapped_column(default=1)
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    version: Mapped[str] = mapped_column(sa.String(20), default="1.0")
    #: Lessons that count towards completion (not optional, not retired), kept by the import.
    required_lessons: Mapped[int] = mapped_column(default=0)
    #: Hash of every file the course is made of; an unchanged hash means nothing to import.
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    #: Where the course is maintained: "files" (content/, `flask content sync`) or "browser"
    #: (the course editor, or a ZIP imported in the browser). A sync of content/ leaves a
    #: course maintained in the browser alone, unless told to take it back.
    origin: Mapped[str] = mapped_column(sa.String(10), default="files", server_default="files")
    #: Set when the course disappeared from content/: kept for its learners' history.
    retired_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    track: Mapped[Track] = relationship()
    tier: Mapped[Tier] = relationship()
    prerequisites: Mapped[list[Course]] = relationship(
        secondary=course_prerequisites,
        primaryjoin=id == course_prerequisites.c.course_id,
        secondaryjoin=id == course_prerequisites.c.prerequisite_id,
    )
    modules: Mapped[list[Module]] = relationship(back_populates="course", order_by="Module.position")


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    course: Mapped[Course] = relationship(back_populates="modules")


class Lesson(db.Model):
    """A Markdown lesson, a notebook or a reading; its HTML is rendered and sanitised at import."""

    __tablename__ = "lessons"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    #: Stable across versions: learners keep their progress when a lesson changes.
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(300))
    #: markdown, notebook or reading.
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: Order within the course, across modules.
    position: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=30)
    #: Optional lessons do not count towards completion.
    optional: Mapped[bool] = mapped_column(default=False)
    #: The address of a reading.
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    #: The sanitised HTML the lesson page serves.
    html: Mapped[str] = mapped_column(sa.Text, default="")
    #: The lesson's words, for search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    source_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    retired_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    module: Mapped[Module] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="lesson", order_by="Attachment.position", cascade="all, delete-orphan"
    )


class Attachment(db.Model):
    """A file to download beside a lesson (the notebook itself, a dataset), kept in storage by hash."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    #: Where the bytes are: the Store, key content/<sha256[:2]>/<sha256>.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)

    lesson: Mapped[Lesson] = relationship(back_populates="attachments")


class GlossaryTerm(db.Model):
    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    term: Mapped[str] = mapped_column(sa.String(300))
    definition_html: Mapped[str] = mapped_column(sa.Text)
    see_also: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")


class Reference(db.Model):
    """A document of the bibliography."""

    __tablename__ = "bibliography_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    authors: Mapped[str | None] = mapped_column(sa.String(300))
    publisher: Mapped[str] = mapped_column(sa.String(300))
    year: Mapped[int]
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    note: Mapped[str | None] = mapped_column(sa.Text)


class ContentSource(db.Model):
    """The hash of a content file last imported (catalogue, glossary, bibliography)."""

    __tablename__ = "content_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set by the completion service when every requirement of the course is met.
    completed_at: Mapped[datetime | None]
    #: Where "resume" takes the learner.
    last_lesson_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lessons.id", ondelete="SET NULL"))
    #: Required lessons completed, kept up to date on write so lists need no counting.
    lessons_completed: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship()


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class CourseVersion(db.Model):
    """One published version of a course: who published it, when, and every file it was made of.

    The files are kept in content storage by hash, so any version can be exported to the content
    format again, and a new draft starts from the latest one.
    """

    __tablename__ = "course_versions"
    __table_args__ = (sa.UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: 1 for the first version imported or published.
    number: Mapped[int]
    #: files (content sync), editor (published from a draft) or import (a ZIP uploaded by an admin).
    source: Mapped[str] = mapped_column(sa.String(10))
    #: Who published it; none for the command line.
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: The author's label of this version (course.yml's `version`, e.g. "1.2"); None for versions published
    #: before labels were kept. `number` counts publishes, the label is what learners and certificates show.
    label: Mapped[str | None] = mapped_column(sa.String(20))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    #: {path inside the content folder: sha256}, e.g. {"courses/x/course.yml": "ab…"}.
    files: Mapped[dict] = mapped_column(sa.JSON)

    published_by = relationship("User")
