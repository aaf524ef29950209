"""Forms of the question bank editor: an assessment's settings, and one form for every question type.

Only conversions are checked here (a number is a number); what a question must hold is checked
by the content format's own models (app/authoring/questions.py), so the two never disagree.
"""

import math
import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FloatField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.assessments.types import TYPES
from app.authoring.forms import DraftForm

REVIEWS = [
    SelectChoice("after_submission", _l("After each submission")),
    SelectChoice("after_passing", _l("Once the learner has passed")),
    SelectChoice("after_pass_or_last", _l("Once the learner has passed or used every attempt")),
    SelectChoice("never", _l("Never")),
]

#: Each question type in words, as its class in app/assessments/types.py names it.
TYPE_LABELS = {name: kind.label for name, kind in TYPES.items()}


class NumberField(FloatField):
    """A decimal number; a comma as decimal separator is fine, infinity and NaN are not numbers."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(" ", "").replace(",", ".")
        try:
            value = float(text) if len(text) <= 40 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.data = None
            raise ValueError(_l("Write a number, such as 12 or 0.5."))
        self.data = value


class Rows(FieldList):
    """Rows of a table posted as name-0-…, name-1-…: only plain small indices count (no huge numbers)."""

    def _extract_indices(self, prefix, formdata):
        pattern = re.compile(
            rf"^{re.escape(prefix)}{re.escape(self._field_separator)}([0-9]{{1,3}}){re.escape(self._field_separator)}"
        )
        for key in formdata:
            found = pattern.match(key)
            if found:
                yield int(found.group(1))


class AssessmentForm(DraftForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Short name (in addresses)"),
        validators=[Optional(), Length(max=80)],
        description=_l("Letters, digits and hyphens; made from the title when left empty. It never changes."),
    )
    pass_mark = NumberField(_l("Pass mark (%)"), default=70, validators=[InputRequired(), NumberRange(min=0, max=100)])
    draw = IntegerField(
        _l("Questions drawn per attempt"), default=5, validators=[InputRequired(), NumberRange(min=1, max=500)]
    )
    max_attempts = IntegerField(
        _l("Attempts allowed"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("Leave empty for unlimited attempts."),
    )
    time_limit_minutes = IntegerField(
        _l("Time limit (minutes)"),
        validators=[Optional(), NumberRange(min=1, max=600)],
        description=_l("Leave empty for no time limit."),
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions in each attempt"), default=True)
    shuffle_choices = BooleanField(_l("Shuffle the choices of each question"), default=True)
    review = SelectField(_l("Show answers and explanations"), choices=REVIEWS, default="after_pass_or_last")
    required = BooleanField(_l("Required to complete the course"), default=True)
    submit = SubmitField(_l("Save the settings"))

    def settings(self, slug: str) -> dict:
        """The settings as the content format writes them."""
        return {
            "slug": slug,
            "title": self.title.data.strip(),
            "pass_mark": _number(self.pass_mark.data),
            "max_attempts": self.max_attempts.data,
            "time_limit_minutes": self.time_limit_minutes.data,
            "draw": self.draw.data,
            "shuffle_questions": self.shuffle_questions.data,
            "shuffle_choices": self.shuffle_choices.data,
            "review": self.review.data,
            "required": self.required.data,
        }

    def show(self, document: dict) -> None:
        """Fill the form from an assessment file."""
        for name in ("title", "slug", "pass_mark", "draw", "max_attempts", "time_limit_minutes", "review"):
            if document.get(name) is not None:
                getattr(self, name).data = document[name]
        for name in ("shuffle_questions", "shuffle_choices", "required"):
            getattr(self, name).data = bool(document.get(name, True))


class ChoiceRow(Form):
    text = StringField(_l("Choice"))
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback (optional)"))


class PairRow(Form):
    left = StringField(_l("Left"))
    right = StringField(_l("Matches"))


TRUE_FALSE = [SelectChoice("", "—"), SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))]

#: Blank rows offered below the filled ones (the form works without JavaScript).
BLANK_ROWS = 3


class QuestionForm(DraftForm):
    """Every question type's fields; the page shows those of the question's type."""

    id = StringField(
        _l("Short name"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "Made from the question when left empty. Keep it once learners have answered: results are kept by it."
        ),
    )
    text = TextAreaField(_l("Question (Markdown)"))
    points = NumberField(_l("Points"), default=1)
    explanation = TextAreaField(_l("Explanation (Markdown, optional)"), description=_l("Shown with the answers."))
    choices = Rows(FormField(ChoiceRow), max_entries=40)
    partial_credit = BooleanField(
        _l("Partial credit (each right choice earns its share, each wrong one takes it away)")
    )
    true_false = SelectField(_l("The statement is"), choices=TRUE_FALSE, validate_choice=False)
    answer = NumberField(_l("Answer"))
    tolerance = NumberField(_l("Tolerance (±, absolute)"), default=0)
    unit = StringField(_l("Unit (optional)"))
    accepted = TextAreaField(
        _l("Accepted answers (one per line)"), description=_l("Capitals and spaces are ignored when comparing.")
    )
    items = TextAreaField(_l("Items, one per line, in the correct order"))
    pairs = Rows(FormField(PairRow), max_entries=40)
    submit = SubmitField(_l("Save the question"))

    def show(self, question: dict) -> None:
        """Fill the form from a question of the bank, with blank rows to add more."""
        self.id.data, self.text.data = question.get("id"), question.get("text")
        self.points.data = question.get("points", 1)
        self.explanation.data = question.get("explanation")
        self.partial_credit.data = bool(question.get("partial_credit"))
        if isinstance(question.get("answer"), bool):
            self.true_false.data = "true" if question["answer"] else "false"
        elif question.get("answer") is not None:
            self.answer.data = question["answer"]
        self.tolerance.data = question.get("tolerance", 0)
        self.unit.data = question.get("unit")
        self.accepted.data = "\n".join(str(a) for a in question.get("accepted") or [])
        self.items.data = "\n".join(str(i) for i in question.get("items") or [])
        for choice in question.get("choices") or []:
            self.choices.append_entry(choice)
        for pair in question.get("pairs") or []:
            self.pairs.append_entry(pair)

    def add_blank_rows(self) -> None:
        for rows in (self.choices, self.pairs):
            for _blank in range(BLANK_ROWS):
                if len(rows.entries) < rows.max_entries:
                    rows.append_entry()

    def question(self, kind: str, question_id: str) -> dict:
        """The question as the content format writes it; blank rows and lines are left out."""
        question: dict = {"id": question_id, "type": kind, "text": _text(self.text.data)}
        question["points"] = _number(self.points.data) if self.points.data is not None else 1
        if _text(self.explanation.data):
            question["explanation"] = _text(self.explanation.data)
        if kind == "multiple_choice" and self.partial_credit.data:
            question["partial_credit"] = True
        if kind in ("single_choice", "multiple_choice"):
            question["choices"] = []
            for row in self.choices.entries:
                text, feedback = _text(row.form.text.data), _text(row.form.feedback.data)
                if not text and not feedback and not row.form.correct.data:
                    continue
                choice = {"text": text}
                if row.form.correct.data:
                    choice["correct"] = True
                if feedback:
                    choice["feedback"] = feedback
                question["choices"].append(choice)
        elif kind == "true_false":
            if self.true_false.data in ("true", "false"):
                question["answer"] = self.true_false.data == "true"
        elif kind == "numeric":
            if self.answer.data is not None:
                question["answer"] = _number(self.answer.data)
            question["tolerance"] = _number(self.tolerance.data or 0)
            if _text(self.unit.data):
                question["unit"] = _text(self.unit.data)
        elif kind == "short_text":
            question["accepted"] = _lines(self.accepted.data)
        elif kind == "ordering":
            question["items"] = _lines(self.items.data)
        elif kind == "matching":
            question["pairs"] = [
                {"left": _text(row.form.left.data), "right": _text(row.form.right.data)}
                for row in self.pairs.entries
                if _text(row.form.left.data) or _text(row.form.right.data)
            ]
        return question


def _text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _lines(value) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _number(value: float):
    return int(value) if value == int(value) and abs(value) < 2**53 else value
