"""An assessment's settings and its question bank, kept per process as plain data.

Both are published content: they change only when their course is published or synchronised,
which moves the curriculum's fingerprint. Every request of an exam (start, the attempt page,
each save, the submit, the result) needs the attempt's questions; reading them from the
database each time cost a statement of wide rows (texts, specs, translations as JSON) and the
objects made of them, five times an officer. The assessment's settings (pass mark, attempts,
time limit, review) were read five times an officer too: by its slug for the assessment page
and the start, with the attempt for the attempt page, the submit and the result. Kept here,
each is read once per process and publish, and a request reads only the fingerprint, which it
reads for the curriculum anyway. Pages that change an assessment (authoring, sync) use the
model itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

import sqlalchemy as sa

from app.assessments.models import Assessment, Question
from app.common import kept
from app.courses import structure
from app.extensions import db


@dataclass(frozen=True)
class AssessmentView:
    """An assessment's settings as the exam's pages and grading read them (the model's columns, as plain data)."""

    id: int
    course_id: int
    slug: str
    title: str
    pass_mark: float
    max_attempts: int | None
    time_limit_minutes: int | None
    draw: int
    shuffle_questions: bool
    shuffle_choices: bool
    review: str
    required: bool
    position: int
    retired_at: datetime | None
    translations: dict


@dataclass(frozen=True)
class BankQuestion:
    """A question of a bank as stored (retired ones too: past attempts show them). Never changed once kept."""

    id: int
    assessment_id: int
    key: str
    type: str
    points: float
    text_html: str
    explanation_html: str
    spec: dict
    position: int
    retired_at: datetime | None
    translations: dict


@dataclass(frozen=True)
class Bank:
    """One assessment's questions: every one by id, and the live ones (those an attempt may draw) in bank order."""

    by_id: MappingProxyType
    live: tuple[BankQuestion, ...]


BANKS = kept.Store(
    "question banks",
    holds="an assessment's questions (texts, specs, translations) as plain data, retired ones included",
    keyed_by="assessment id",
    stale=(structure.PUBLISHED,),
    bound=256,
    owner="app/assessments/bank.py",
)


ASSESSMENTS = kept.Store(
    "assessments",
    holds="an assessment's settings (pass mark, attempts, time limit, draw, review, titles) as plain data",
    keyed_by="assessment id (retired ones too: past attempts show them), or course id and slug for a live one "
    "(unknown ids and slugs are not kept)",
    stale=(structure.PUBLISHED,),
    bound=512,
    owner="app/assessments/bank.py",
)


@kept.once
def _assessment_statement() -> sa.Select:
    return sa.select(*(getattr(Assessment, field.name) for field in dataclasses.fields(AssessmentView)))


def assessment(assessment_id: int) -> AssessmentView | None:
    """The assessment, read once per process and publish; None if there is no such assessment."""
    return _kept_or_read(("id", assessment_id), Assessment.id == assessment_id)


def live_assessment(course_id: int, slug: str) -> AssessmentView | None:
    """The course's live assessment of that slug, read once per process and publish; None if it has none."""
    return _kept_or_read(
        ("slug", course_id, slug),
        Assessment.course_id == course_id,
        Assessment.slug == slug,
        Assessment.retired_at.is_(None),
    )


def _kept_or_read(key: tuple, *where: sa.ColumnElement[bool]) -> AssessmentView | None:
    """The assessment kept under `key`, else the one row `where` finds, then kept (a miss is not kept)."""
    found = ASSESSMENTS.get(key)
    if found is None:
        row = db.session.execute(_assessment_statement().where(*where)).one_or_none()
        found = None if row is None else _keep(AssessmentView(*row))
    return found


def _keep(view: AssessmentView) -> AssessmentView:
    """Keep the assessment under its id and, while live, under its course and slug: an exam finds it either way."""
    ASSESSMENTS.put(("id", view.id), view)
    if view.retired_at is None:
        ASSESSMENTS.put(("slug", view.course_id, view.slug), view)
    return view


@kept.once
def _bank_statement() -> sa.Select:
    columns = [getattr(Question, field.name) for field in dataclasses.fields(BankQuestion)]
    return (
        sa.select(*columns).where(Question.assessment_id == sa.bindparam("assessment_id")).order_by(Question.position)
    )


def _read(assessment_id: int) -> Bank:
    questions = [BankQuestion(*row) for row in db.session.execute(_bank_statement(), {"assessment_id": assessment_id})]
    return Bank(
        by_id=MappingProxyType({q.id: q for q in questions}),
        live=tuple(q for q in questions if q.retired_at is None),
    )


def of(assessment_id: int) -> Bank:
    """The assessment's bank, read once per process and publish."""
    return BANKS.get_or_make(assessment_id, lambda: _read(assessment_id))


def questions(assessment_id: int, ids: list[int]) -> list[BankQuestion]:
    """The questions `ids` of the assessment's bank, in that order.

    A question the kept bank lacks was added since it was read without a publish (a script, a
    test's factory): the bank is read again once.
    """
    bank = of(assessment_id)
    if any(question_id not in bank.by_id for question_id in ids):
        bank = BANKS.put(assessment_id, _read(assessment_id))
    return [bank.by_id[question_id] for question_id in ids]
