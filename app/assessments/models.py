"""Assessments, their question banks, and officers' attempts and responses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db


class Assessment(db.Model):
    __tablename__ = "assessments"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(300))
    #: Percentage of the points needed to pass.
    pass_mark: Mapped[float]
    #: None: unlimited.
    max_attempts: Mapped[int | None]
    #: None: untimed.
    time_limit_minutes: Mapped[int | None]
    #: Questions drawn from the bank for each attempt.
    draw: Mapped[int]
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    #: after_submission, after_passing, after_pass_or_last or never (app/content/schema.py):
    #: when the right answers, feedback and explanations of a submitted attempt are shown.
    review: Mapped[str] = mapped_column(sa.String(20), default="after_pass_or_last")
    #: Passing it is needed to complete the course.
    required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    course = relationship("Course")
    questions: Mapped[list[Question]] = relationship(back_populates="assessment", order_by="Question.position")


class Question(db.Model):
    """A question of a bank; its type (app/assessments/types.py) reads and grades answers."""

    __tablename__ = "questions"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    #: The question's id in content: stable across versions.
    key: Mapped[str] = mapped_column(sa.String(80))
    #: single_choice, multiple_choice, true_false, numeric, short_text, ordering, matching.
    type: Mapped[str] = mapped_column(sa.String(30))
    #: Sanitised HTML of the question text.
    text_html: Mapped[str] = mapped_column(sa.Text)
    points: Mapped[float] = mapped_column(default=1)
    explanation_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: What the type needs: choices (with ids, HTML, correct flags, feedback), answer, tolerance, items, pairs.
    spec: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    #: Learner-visible texts in other languages, {"fr": {...}}, filled by `content sync` from the
    #: translations beside the source (content/README.md, "Translations").
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    assessment: Mapped[Assessment] = relationship(back_populates="questions")


class Attempt(db.Model):
    """One sitting of an assessment; the draw and the order are stored so a reload shows the same."""

    __tablename__ = "attempts"
    # The attempt number is unique per learner and assessment: two parallel starts cannot both
    # take the last allowed attempt.
    __table_args__ = (sa.UniqueConstraint("assessment_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    #: open, then submitted (by the learner) or expired (closed by the server at the deadline).
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None when untimed.
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    #: Question ids in the order shown.
    question_ids: Mapped[list] = mapped_column(sa.JSON)
    #: {question id: [choice or item ids in the order shown], "layouts": {question id: its type's layout}}:
    #: a layout holds the options in the order shown, each under a token drawn for this attempt alone
    #: ([[token, bank id], ...]), so the page carries nothing of the bank's key (services.orders_for).
    orders: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]

    assessment: Mapped[Assessment] = relationship()


class Response(db.Model):
    """The learner's answer to one question of an attempt, saved as they go."""

    __tablename__ = "responses"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    #: The answer as the question type reads it (choice ids, a number, text, an order, pairs).
    answer: Mapped[dict | list | str | float | bool | None] = mapped_column(sa.JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Set at grading: the fraction of the question's points earned (0 to 1).
    credit: Mapped[float | None]
