"""Drafts of courses being edited in the browser, and the trainers each course is assigned to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db


class CourseDraft(db.Model):
    """A course folder in the making, kept as {path: sha256} of files in content storage.

    Learners never see a draft: publishing checks it with the same rules as `content check`,
    imports it with the same code as `content sync`, and deletes it, in one transaction.
    Every save raises `revision`; a save based on an older revision is refused, so two
    trainers editing at once never overwrite each other silently.
    """

    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The course's slug: the draft of a new course has no course row yet.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: The published course this draft will replace, if any.
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    #: The version it started from (None for a new course): publishing on top of a newer one is refused.
    base_version: Mapped[int | None]
    #: {path inside a content folder: sha256}, e.g. {"courses/x/course.yml": "ab…"}.
    files: Mapped[dict] = mapped_column(sa.JSON)
    revision: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("Course")
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])


class CourseAuthor(db.Model):
    """A trainer who may edit and publish a course: its creator, or one assigned by the directorate."""

    __tablename__ = "course_authors"
    __table_args__ = (sa.UniqueConstraint("course_slug", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: By slug, so a course being created (no course row yet) has its authors too.
    course_slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
