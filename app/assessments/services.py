"""The assessments API: import from content, attempts, saving, grading, results, item analysis.

Integrity rules live here, on the server: the draw and order are stored with the attempt; the
deadline is enforced on every save; a submission grades the attempt exactly once; the number
of attempts is bounded by a unique constraint, so parallel starts cannot exceed it.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import MultiDict

from app.assessments import bank
from app.assessments.bank import AssessmentView, BankQuestion
from app.assessments.models import Assessment, Attempt, Question, Response
from app.assessments.types import TYPES, BadAnswer, shown_order
from app.auth.api import User
from app.common import events, kept
from app.common.database import conflict_insert, insert_unless_present
from app.common.time import utcnow
from app.content import render
from app.content.schema import ASSESSMENT_SETTINGS, REVIEW_POLICIES
from app.courses import services as courses
from app.courses.api import Course, Enrolment
from app.courses.structure import CourseView
from app.extensions import db

#: Answers arriving this long after the deadline are still taken (a slow network, a late click).
GRACE = timedelta(seconds=30)
OPEN, SUBMITTED, EXPIRED = "open", "submitted", "expired"
#: The key of Attempt.orders under which each question's layout (its tokens) is kept.
LAYOUTS = "layouts"
#: Review policies (an assessment's `review`): when the right answers and explanations are shown.
AFTER_SUBMISSION, AFTER_PASSING, AFTER_PASS_OR_LAST, NEVER = REVIEW_POLICIES


class AttemptRefused(Exception):
    """An attempt cannot be started or changed; the message says why, for the learner."""


def field_name(question: BankQuestion | ShownQuestion) -> str:
    return f"q{question.id}"


# Import from content ------------------------------------------------------------------------


def import_assessments(course: Course, source) -> None:
    """Create or update a course's assessments and banks from its content (a sync hook)."""
    existing = {a.slug: a for a in db.session.scalars(sa.select(Assessment).where(Assessment.course_id == course.id))}
    seen = set()
    for position, (path, spec) in enumerate(source.assessments):
        assessment = existing.get(spec.slug) or Assessment(course_id=course.id, slug=spec.slug)
        for name in ASSESSMENT_SETTINGS:
            if name != "slug":
                setattr(assessment, name, getattr(spec, name))
        assessment.position, assessment.retired_at = position, None
        translated = {
            language: texts.assessments[path]
            for language, texts in source.translations.items()
            if path in texts.assessments
        }
        assessment.translations = {language: {"title": texts.title} for language, texts in translated.items()}
        db.session.add(assessment)
        db.session.flush()
        seen.add(spec.slug)
        questions = {
            q.key: q for q in db.session.scalars(sa.select(Question).where(Question.assessment_id == assessment.id))
        }
        keys = set()
        for index, item in enumerate(spec.questions):
            question = questions.get(item.id) or Question(assessment_id=assessment.id, key=item.id)
            question.type, question.position, question.points = item.type, index, item.points
            question.text_html = render.markdown_to_html(item.text)
            question.explanation_html = render.markdown_to_html(item.explanation) if item.explanation else ""
            question.spec = TYPES[item.type].spec(item, render.markdown_to_html)
            question.translations = {
                language: _translated_question(item, texts.questions[item.id], language)
                for language, texts in translated.items()
                if item.id in texts.questions
            }
            if item.type == "short_text":
                # Answers are graded against the stored spec whatever the page's language: a French
                # answer is right in an English page too.
                extra = [a for t in question.translations.values() for a in t["spec"]["accepted"]]
                question.spec = {**question.spec, "accepted": list(dict.fromkeys([*item.accepted, *extra]))}
            question.retired_at = None
            db.session.add(question)
            keys.add(item.id)
        for key, question in questions.items():
            if key not in keys:
                question.retired_at = utcnow()  # answered in past attempts: kept for their history
    for slug, assessment in existing.items():
        if slug not in seen:
            assessment.retired_at = utcnow()


def _translated_question(item, texts, language: str) -> dict:
    """A question's stored form in another language: the same ids and key, the translated words.

    Choices, items and pairs keep their positions (content check holds the translation to it),
    so answers stored as bank ids grade the same whichever language the page was in; a
    short_text question accepts the translation's answers besides the source's.
    """
    update = {"text": texts.text, "explanation": texts.explanation or item.explanation}
    if texts.choices is not None:
        update["choices"] = [
            choice.model_copy(update={"text": mine.text, "feedback": mine.feedback or choice.feedback})
            for choice, mine in zip(item.choices, texts.choices, strict=True)
        ]
    if texts.items is not None:
        update["items"] = list(texts.items)
    if texts.pairs is not None:
        update["pairs"] = list(texts.pairs)
    if texts.accepted:
        update["accepted"] = [*texts.accepted, *item.accepted]  # the review shows the first
    translated = item.model_copy(update=update)

    def to_html(text: str) -> str:
        return render.markdown_to_html(text, language)

    return {
        "text_html": to_html(translated.text),
        "explanation_html": to_html(translated.explanation) if translated.explanation else "",
        "spec": TYPES[item.type].spec(translated, to_html),
    }


# Reading ------------------------------------------------------------------------------------


def assessments_of(course: Course) -> list[Assessment]:
    """The live assessments of a course, in order."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.course_id == course.id, Assessment.retired_at.is_(None))
            .order_by(Assessment.position)
        )
    )


def assessment_by_slug(course: CourseView, slug: str) -> AssessmentView | None:
    """The course's live assessment of that slug, as each process keeps it (bank.py)."""
    return bank.live_assessment(course.id, slug)


def assessment_of(attempt: Attempt) -> AssessmentView:
    """The attempt's assessment as each process keeps it (bank.py): `attempt.assessment` would read its row."""
    return bank.assessment(attempt.assessment_id)


def attempts_of(user: User, assessment: Assessment | AssessmentView) -> list[Attempt]:
    """The user's attempts at an assessment, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.assessment_id == assessment.id)
            .order_by(Attempt.number)
        )
    )


@dataclass(frozen=True)
class ShownQuestion:
    """A question as a page shows it: its texts and spec in the reader's language where translated.

    The spec keeps the bank's choice, item and pair ids, so the views, answers and grades of an
    attempt are the same in every language.
    """

    id: int
    key: str
    type: str
    points: float
    text_html: str
    explanation_html: str
    spec: dict
    #: The language the texts are in.
    language: str


def shown_in(questions: list[BankQuestion], language: str) -> list[ShownQuestion]:
    """The questions with their texts in `language` where the bank is translated, else the source's."""
    shown = []
    for question in questions:
        texts = (question.translations or {}).get(language)
        source = texts or {"text_html": question.text_html, "explanation_html": question.explanation_html}
        shown.append(
            ShownQuestion(
                id=question.id,
                key=question.key,
                type=question.type,
                points=question.points,
                text_html=source["text_html"],
                explanation_html=source["explanation_html"],
                spec=texts["spec"] if texts else question.spec,
                language=language if texts else "en",
            )
        )
    return shown


def attempt_questions(attempt: Attempt) -> list[BankQuestion]:
    """The questions drawn for an attempt, in the order shown (from the bank kept per process)."""
    return bank.questions(attempt.assessment_id, attempt.question_ids)


def responses_of(attempt: Attempt) -> dict[int, Response]:
    return {r.question_id: r for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt.id))}


def has_passed(user_id: int, assessment_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attempt)
            .where(Attempt.user_id == user_id, Attempt.assessment_id == assessment_id, Attempt.passed.is_(True))
        )
    )


# Attempts -----------------------------------------------------------------------------------


def attempts_left(assessment: Assessment | AssessmentView, used: int) -> int | None:
    """Attempts still to start after `used` (None when unlimited); anything with `max_attempts` will do."""
    return None if assessment.max_attempts is None else max(0, assessment.max_attempts - used)


def start_attempt(user: User, assessment: Assessment | AssessmentView) -> Attempt:
    """Start (or return the open) attempt; draws and orders the questions and stores them."""
    enrolment = courses.enrolment_for(user, courses.course_by_id(assessment.course_id))
    if enrolment is None:
        raise AttemptRefused(_("Enrol in the course to sit its assessments."))
    previous = attempts_of(user, assessment)
    for attempt in previous:
        if attempt.status == OPEN and not close_if_expired(attempt):
            return attempt  # one attempt at a time: carry on with it
    number = len(previous) + 1
    if assessment.max_attempts is not None and number > assessment.max_attempts:
        raise AttemptRefused(
            ngettext("You have used your only attempt.", "You have used all %(num)d attempts.", assessment.max_attempts)
        )
    live = bank.of(assessment.id).live
    rng = random.Random(secrets.randbits(64))
    drawn = rng.sample(live, min(assessment.draw, len(live)))
    if not assessment.shuffle_questions:
        drawn.sort(key=lambda q: q.position)
    now = utcnow()
    attempt = insert_unless_present(
        Attempt,
        {
            "assessment_id": assessment.id,
            "user_id": user.id,
            "number": number,
            "status": OPEN,
            "started_at": now,
            "deadline": now + timedelta(minutes=assessment.time_limit_minutes)
            if assessment.time_limit_minutes
            else None,
            "question_ids": [q.id for q in drawn],
            "orders": orders_for(
                {str(q.id): TYPES[q.type].layout(q.spec, assessment.shuffle_choices, rng) for q in drawn}
            ),
        },
        unique=("assessment_id", "user_id", "number"),
    )
    if attempt is None:
        # Another request started attempt `number` at the same moment: only one of them wins.
        raise AttemptRefused(_("An attempt was started at the same time in another window; reload the page."))
    events.attempt_started.send(
        "assessments",
        user_id=user.id,
        course_id=assessment.course_id,
        assessment_id=assessment.id,
        attempt_id=attempt.id,
        number=number,
        at=attempt.started_at,
    )
    return attempt


def _check_open(attempt: Attempt) -> None:
    if attempt.status != OPEN:
        raise BadAnswer(_("this attempt is closed"))
    if attempt.deadline is not None and utcnow() > attempt.deadline + GRACE:
        raise BadAnswer(_("the time limit of this attempt has passed"))


def orders_for(layouts: dict[str, dict]) -> dict:
    """What an attempt stores (Attempt.orders): each question's layout, under LAYOUTS, and beside it the bank
    ids in the order shown, which the code before tokens reads (put back, it still shows an open attempt)."""
    return {**{question_id: shown_order(layout) for question_id, layout in layouts.items()}, LAYOUTS: layouts}


def layout_of(attempt: Attempt, question: BankQuestion | ShownQuestion) -> dict:
    """How the attempt shows the question: its options in order, under the attempt's own tokens."""
    layout = attempt.orders.get(LAYOUTS, {}).get(str(question.id))
    if layout is None:
        # Started before tokens: its page shows the bank ids, and keeps taking them until it closes.
        return TYPES[question.type].from_order(question.spec, attempt.orders.get(str(question.id), []))
    return layout


def attempt_views(attempt: Attempt, questions: list[ShownQuestion], responses: dict[int, Response]) -> dict[int, dict]:
    """What the attempt page shows of each question, with the saved answers, in the attempt's tokens."""
    return {
        q.id: TYPES[q.type].view(q.spec, layout_of(attempt, q), r.answer if (r := responses.get(q.id)) else None)
        for q in questions
    }


def read_answers(attempt: Attempt, form: MultiDict, questions: list[BankQuestion]) -> dict[int, object]:
    """Every answer in a posted form, checked against the attempt's page: anything else is a BadAnswer."""
    fields = set()
    for q in questions:
        fields |= TYPES[q.type].fields(layout_of(attempt, q), field_name(q))
    for key in form:
        if key in ("csrf_token", "action", "submit") or key.startswith("csrf"):
            continue
        if key not in fields:
            raise BadAnswer(_("%(key)s is not a field of this attempt's page", key=key))
    answers = {}
    for q in questions:
        try:
            answers[q.id] = TYPES[q.type].read(q.spec, layout_of(attempt, q), form, field_name(q))
        except BadAnswer as error:
            # The learner is told which question to mend, by its number on the page.
            number = attempt.question_ids.index(q.id) + 1
            raise BadAnswer(_("question %(number)d: %(reason)s", number=number, reason=str(error))) from None
    return answers


def read_page(attempt: Attempt, form: MultiDict) -> dict[int, object]:
    """The answers of the posted attempt page, every question's (a blank one: None), by question id.

    BadAnswer if the attempt is closed or the form is not this attempt's page.
    """
    _check_open(attempt)
    return read_answers(attempt, form, attempt_questions(attempt))


def save_answers(attempt: Attempt, answers: dict[int, object]) -> int:
    """Save the page's answers (`read_page`; a blank question is saved blank) in one statement; returns how many."""
    _write_answers(attempt, answers)
    return len(answers)


def save_as_you_go(attempt: Attempt, form: MultiDict) -> int:
    """Save the answers the page's script posts as the learner goes; returns how many were saved.

    Questions absent from the form stay as they were (the script posts the questions changed
    since its last save). The hottest write of an exam (issue #20: 2,000 officers at once), so
    it reads no response first (`_write_answers`); the questions come from the bank the process
    keeps (bank.py).
    """
    _check_open(attempt)
    wanted = {key.split("-", 1)[0] for key in form}
    questions = [q for q in attempt_questions(attempt) if field_name(q) in wanted]
    answers = read_answers(attempt, form, questions)
    _write_answers(attempt, answers)
    return len(answers)


def _write_answers(attempt: Attempt, answers: dict[int, object], credits: dict[int, float] | None = None) -> None:
    """Write answers (and, when grading, every question's credit) in one INSERT … ON CONFLICT DO UPDATE.

    A first answer and a changed one are written alike, without reading the responses first.
    Grading the page's answers writes them with their credits at once; grading what was saved
    (`credits` for questions without `answers`) writes only the credits, and a blank response for
    a question never answered.
    """
    if not answers and not credits:
        return
    now = utcnow()
    rows = [
        {
            "attempt_id": attempt.id,
            "question_id": question_id,
            "answer": answers.get(question_id),
            "saved_at": now,
            "credit": None if credits is None else credits[question_id],
        }
        for question_id in (answers if credits is None else credits)
    ]
    what = "answers" if credits is None else ("graded answers" if answers else "credits")
    db.session.execute(_upsert_statement(db.session.get_bind().dialect.name, what), rows)


@kept.once
def _upsert_statement(dialect: str, what: str) -> sa.Insert:
    """The responses' upsert writing `what`: answers, graded answers or credits (built once per process)."""
    insert = conflict_insert(Response)
    written = {
        "answers": ("answer", "saved_at"),
        "graded answers": ("answer", "saved_at", "credit"),
        "credits": ("credit",),
    }[what]
    return insert.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={column: insert.excluded[column] for column in written},
    )


def submit(attempt: Attempt, form: MultiDict | None = None, *, answers: dict[int, object] | None = None) -> bool:
    """Close and grade the attempt with the page's last answers (`form`, or `answers` read from it), or
    without either with what was saved; False if it was already submitted."""
    if form is not None:
        answers = read_page(attempt, form)
    elif answers is None:
        return _close(attempt, SUBMITTED, _saved_answers(attempt), from_page=False)
    return _close(attempt, SUBMITTED, answers, from_page=True)


def _saved_answers(attempt: Attempt) -> dict[int, object]:
    """What was saved, by question id (a question never answered is absent)."""
    statement = sa.select(Response.question_id, Response.answer).where(Response.attempt_id == attempt.id)
    return dict(db.session.execute(statement).all())


def overdue(attempt: Attempt) -> bool:
    """Whether the attempt is still open although its time (and the grace) has run out."""
    return attempt.status == OPEN and attempt.deadline is not None and utcnow() > attempt.deadline + GRACE


def close_if_expired(attempt: Attempt) -> bool:
    """Close and grade an open attempt whose time has run out (with what was saved)."""
    if not overdue(attempt):
        return False
    _close(attempt, EXPIRED, _saved_answers(attempt), from_page=False)
    return True


def close_expired_attempts() -> int:
    """Close every open attempt past its deadline (for a periodic job); returns how many."""
    late = db.session.scalars(
        sa.select(Attempt).where(Attempt.status == OPEN, Attempt.deadline < utcnow() - GRACE)
    ).all()
    return sum(close_if_expired(attempt) for attempt in late)


def _close(attempt: Attempt, status: str, answers: dict[int, object], *, from_page: bool) -> bool:
    """Grade an open attempt and move it to `status` in one statement: only one request can win it.

    The grade is worked out from the answers first, so the claim and the result are one UPDATE
    (`WHERE status = 'open'`); the loser of two tabs submitting at once changes nothing. Then
    every question's credit is written (with the answers, when they came from the page).
    """
    questions = attempt_questions(attempt)
    credits = {q.id: TYPES[q.type].grade(q.spec, answers[q.id]) if q.id in answers else 0.0 for q in questions}
    score = sum(credits[q.id] * q.points for q in questions)
    maximum = float(sum(q.points for q in questions))
    percent = round(100 * score / maximum, 2) if maximum else 0.0
    values = {
        "status": status,
        "submitted_at": utcnow(),
        "score": round(score, 4),
        "max_score": maximum,
        "percent": percent,
        "passed": percent >= assessment_of(attempt).pass_mark,
    }
    claimed = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == OPEN)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    for name, value in values.items():  # what the UPDATE wrote, without reading the row again
        set_committed_value(attempt, name, value)
    _write_answers(attempt, answers if from_page else {}, credits)
    _graded(attempt)
    return True


def _graded(attempt: Attempt) -> None:
    """After the claim: the attempt is announced, and a pass may complete the course."""
    course_id = assessment_of(attempt).course_id
    events.attempt_graded.send(
        "assessments",
        user_id=attempt.user_id,
        course_id=course_id,
        assessment_id=attempt.assessment_id,
        attempt_id=attempt.id,
        score=attempt.score,
        max_score=attempt.max_score,
        percent=attempt.percent,
        passed=attempt.passed,
        started_at=attempt.started_at,
        at=attempt.submitted_at,
    )
    if attempt.passed:
        enrolment = db.session.scalar(
            sa.select(Enrolment).where(Enrolment.user_id == attempt.user_id, Enrolment.course_id == course_id)
        )
        if enrolment is not None:
            courses.update_completion(enrolment)


def unanswered(attempt: Attempt, answers: dict[int, object] | None = None) -> list[int]:
    """The numbers (as shown, from 1) of the attempt's questions without an answer: in `answers` (the
    page's), else among those saved."""
    answers = _saved_answers(attempt) if answers is None else answers
    return [
        number for number, question_id in enumerate(attempt.question_ids, start=1) if answers.get(question_id) is None
    ]


# Item analysis ------------------------------------------------------------------------------


@dataclass
class ItemStatistics:
    question: Question
    responses: int
    facility: float | None  # mean credit, in percent (Moodle's facility index)
    discrimination: float | None  # correlation of the item with the rest of the test, in percent


def item_analysis(assessment: Assessment) -> list[ItemStatistics]:
    """Facility and discrimination index per question, from closed attempts, in one SQL aggregate."""
    x = Response.credit * Question.points
    y = Attempt.score - x  # the rest of the test
    rows = db.session.execute(
        sa.select(
            Response.question_id,
            sa.func.count(),
            sa.func.avg(Response.credit),
            sa.func.sum(x),
            sa.func.sum(y),
            sa.func.sum(x * y),
            sa.func.sum(x * x),
            sa.func.sum(y * y),
        )
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Question, Question.id == Response.question_id)
        .where(Attempt.assessment_id == assessment.id, Attempt.status != OPEN, Response.credit.is_not(None))
        .group_by(Response.question_id)
    ).all()
    questions = {
        q.id: q for q in db.session.scalars(sa.select(Question).where(Question.assessment_id == assessment.id))
    }
    result = []
    for question_id, n, mean, sx, sy, sxy, sxx, syy in rows:
        n, sx, sy, sxy, sxx, syy = (float(v or 0) for v in (n, sx, sy, sxy, sxx, syy))
        variance = (n * sxx - sx * sx) * (n * syy - sy * sy)
        discrimination = 100 * (n * sxy - sx * sy) / variance**0.5 if n > 1 and variance > 0 else None
        result.append(ItemStatistics(questions[question_id], int(n), 100 * float(mean), discrimination))
    result.sort(key=lambda item: item.question.position)
    return result


def score_distribution(assessment: Assessment) -> list[tuple[int, int]]:
    """How many closed attempts scored in each band of ten percent: [(0, n), (10, n), … (90, n)]."""
    band = sa.case(*[(Attempt.percent >= 10 * b, b) for b in range(9, 0, -1)], else_=0)
    counts = dict(
        db.session.execute(
            sa.select(band, sa.func.count())
            .where(Attempt.assessment_id == assessment.id, Attempt.status != OPEN)
            .group_by(band)
        ).all()
    )
    return [(10 * b, counts.get(b, 0)) for b in range(10)]


def answer_key(attempt: Attempt) -> MultiDict:
    """The form that answers every question of the attempt correctly (for demo data)."""
    return MultiDict(
        [
            pair
            for q in attempt_questions(attempt)
            for pair in TYPES[q.type].key(q.spec, layout_of(attempt, q), field_name(q))
        ]
    )
