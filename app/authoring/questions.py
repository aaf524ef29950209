"""Assessments of a draft: their settings, their question banks, and a preview of an attempt.

An assessment is a file of the content format (content/README.md, "assessment.yml") named in
course.yml. These functions read and change the parsed documents; the routes save the result
as one revision of the draft. Everything written here is checked against the same pydantic
models as `content check`, so the editor never stores a question the import would refuse.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from app.assessments.types import TYPES
from app.authoring import drafts, editing
from app.authoring.drafts import DraftError
from app.authoring.models import CourseDraft
from app.content import render, schema
from app.content.check import lesson_problems

#: The pydantic model of each question type, by the name the registry uses.
MODELS: dict[str, type[BaseModel]] = {
    "single_choice": schema.SingleChoice,
    "multiple_choice": schema.MultipleChoice,
    "true_false": schema.TrueFalse,
    "numeric": schema.Numeric,
    "short_text": schema.ShortText,
    "ordering": schema.Ordering,
    "matching": schema.Matching,
}
assert set(MODELS) == set(TYPES), "every registered question type needs its model here"

SETTINGS = schema.ASSESSMENT_SETTINGS


# Finding assessments -----------------------------------------------------------------------


@dataclass
class DraftAssessment:
    """One assessment of a draft: where course.yml names it, its draft path, and its parsed file."""

    index: int
    path: str
    document: dict

    @property
    def slug(self) -> str:
        return str(self.document.get("slug", ""))

    @property
    def questions(self) -> list:
        questions = self.document.setdefault("questions", [])
        if not isinstance(questions, list):
            raise DraftError(
                _("%(path)s: 'questions' is not a list; fix it in an export, or discard the draft.", path=self.path)
            )
        return questions


def references(course: dict) -> list:
    references = course.setdefault("assessments", [])
    if not isinstance(references, list):
        raise DraftError(_("course.yml: 'assessments' is not a list; fix it in an export, or discard the draft."))
    return references


def assessments_of(draft: CourseDraft, course: dict) -> list[DraftAssessment]:
    """The assessments course.yml names whose files can be read, in course order."""
    found = []
    for index, reference in enumerate(references(course)):
        if not isinstance(reference, dict) or not isinstance(reference.get("file"), str):
            continue
        path = drafts.file_path(draft, reference["file"])
        if path not in draft.files:
            continue
        try:
            found.append(DraftAssessment(index, path, drafts.read_yaml(draft, path)))
        except DraftError:
            continue  # a hand-broken file: the publish check names it
    return found


def find_assessment(draft: CourseDraft, course: dict, slug: str) -> DraftAssessment:
    for assessment in assessments_of(draft, course):
        if assessment.slug == slug:
            return assessment
    raise DraftError(_("There is no assessment '%(slug)s' in this draft (it may have been removed).", slug=slug))


def add_assessment(draft: CourseDraft, course: dict, settings: dict) -> tuple[str, bytes]:
    """Name a new assessment in course.yml; its draft path and file (with an empty bank) to save."""
    slug = editing.check_slug(settings["slug"], "assessment")
    if any(a.slug == slug for a in assessments_of(draft, course)):
        raise DraftError(
            _("There is an assessment '%(slug)s' in this course already: choose another short name.", slug=slug)
        )
    relative = f"assessments/{slug}.yml"
    path = drafts.file_path(draft, relative)
    if path in draft.files:
        raise DraftError(_("The file %(path)s is in this draft already: choose another short name.", path=relative))
    references(course).append({"file": relative})
    return path, drafts.dump_yaml({**settings, "questions": []})


def remove_assessment(course: dict, assessment: DraftAssessment) -> None:
    """Out of course.yml; the routes then drop its file, which nothing names any more."""
    del references(course)[assessment.index]


# Settings ----------------------------------------------------------------------------------


def settings_problems(settings: dict) -> dict[str, list[str]]:
    """What the content format refuses in an assessment's settings, by setting (the bank aside)."""
    try:
        schema.AssessmentFile.model_validate({**settings, "questions": []})
    except ValidationError as error:
        problems: dict[str, list[str]] = {}
        for detail in error.errors():
            if detail["loc"] and detail["loc"][0] != "questions":
                problems.setdefault(str(detail["loc"][0]), []).append(plain(detail))
        return problems
    return {}


def with_settings(document: dict, settings: dict) -> dict:
    """The assessment file with new settings, its questions and anything else kept as they were."""
    ordered = {key: settings[key] for key in SETTINGS if settings.get(key) is not None}
    rest = {key: value for key, value in document.items() if key not in SETTINGS and key != "questions"}
    return {**ordered, **rest, "questions": document.get("questions") or []}


def bank_shortfall(document: dict) -> int:
    """How many questions the bank lacks for its draw (the check wants twice as many as are drawn)."""
    draw = document.get("draw")
    bank = len(document.get("questions") or [])
    return max(0, draw * 2 - bank) if isinstance(draw, int) else 0


# Questions ---------------------------------------------------------------------------------


def find_question(assessment: DraftAssessment, question_id: str) -> tuple[int, dict]:
    for index, question in enumerate(assessment.questions):
        if isinstance(question, dict) and question.get("id") == question_id:
            return index, question
    raise DraftError(
        _("There is no question '%(key)s' in this assessment (it may have been removed).", key=question_id)
    )


def question_id(assessment: DraftAssessment, wanted: str, text: str, replacing: str | None = None) -> str:
    """The question's id: the one given, checked unique, or one made from its text."""
    taken = {q.get("id") for q in assessment.questions if isinstance(q, dict)} - {replacing}
    if wanted:
        wanted = editing.check_slug(wanted, "question")
        if wanted in taken:
            raise DraftError(
                _("There is a question '%(key)s' in this assessment already: choose another short name.", key=wanted)
            )
        return wanted
    words = editing.slugify(render.plain_text(render.markdown_to_html(text)) or text).split("-")
    base = "-".join(words[:6])[:40].strip("-") or "question"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


@dataclass
class QuestionProblems:
    """Why a question cannot be saved, in plain words, by the form field they belong to."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.by_field.values() for message in messages]


#: Fields of a question written in Markdown (rendered to HTML), for the markup check.
MARKDOWN_FIELDS = ("text", "explanation")
FIELD_NAMES = {"text": "The question", "explanation": "The explanation"}


def question_problems(question: dict, glossary: set[str] | None) -> QuestionProblems:
    """Everything the content format (and the import's markup rules) refuses in a question."""
    problems = QuestionProblems()
    model = MODELS.get(question.get("type", ""))
    if model is None:
        problems.add("type", f"There is no question type {question.get('type')!r}.")
        return problems
    try:
        model.model_validate(question)
    except ValidationError as error:
        for detail in error.errors():
            location = detail["loc"]
            name = str(location[0]) if location else "form"
            message = plain(detail)
            if len(location) > 1 and isinstance(location[1], int):
                message = f"{ROW_NAMES.get(name, 'Row')} {location[1] + 1}: {message}"
            problems.add(name, message)
    texts = [(name, question.get(name)) for name in MARKDOWN_FIELDS]
    for choice in question.get("choices") or []:
        texts += [("choices", choice.get("text")), ("choices", choice.get("feedback"))]
    for name, text in texts:
        if isinstance(text, str) and text:
            for line, message in lesson_problems(text.encode(), "markdown", glossary):
                where = FIELD_NAMES.get(name, "A choice")
                problems.add(name, f"{where}, line {line}: {message}.")
    return problems


ROW_NAMES = {"choices": "Choice", "pairs": "Pair", "items": "Item", "accepted": "Answer"}

#: Plain words for what a question field misses.
MISSING = {
    "answer": _l("Give the answer."),
    "text": _l("Write the question."),
    "id": _l("Give the question a short name."),
}

#: Plain words for pydantic's errors, by error type; %(…)s are filled from the error's context.
PLAIN = {
    "string_too_short": _l("This cannot be empty."),
    "string_too_long": _l("This is too long: at most %(max_length)s characters."),
    "too_short": _l("Give at least %(min_length)s."),
    "too_long": _l("Give at most %(max_length)s."),
    "greater_than": _l("This must be more than %(gt)s."),
    "greater_than_equal": _l("This must be at least %(ge)s."),
    "less_than_equal": _l("This must be at most %(le)s."),
    "string_pattern_mismatch": _l("Use lower-case letters, digits and single hyphens only (like 'data-quality')."),
    "extra_forbidden": _l("Unknown setting '%(name)s'."),
    "literal_error": _l("Choose one of: %(expected)s."),
}


def plain(detail: dict) -> str:
    """A pydantic error as a sentence a trainer understands."""
    kind, context = detail["type"], detail.get("ctx") or {}
    name = str(detail["loc"][-1]) if detail["loc"] else ""
    if kind == "missing":
        return str(MISSING.get(name, _l("This is required.")))
    if kind in PLAIN:
        return str(PLAIN[kind]) % defaultdict(str, context, name=name)  # a value pydantic left out reads as ""
    return str(detail["msg"]).removeprefix("Value error, ")


def move_question(assessment: DraftAssessment, question_id: str, step: int) -> None:
    items = assessment.questions
    index, question = find_question(assessment, question_id)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def remove_question(assessment: DraftAssessment, question_id: str) -> None:
    index, _question = find_question(assessment, question_id)
    del assessment.questions[index]


# Preview -----------------------------------------------------------------------------------


@dataclass
class PreviewQuestion:
    """A question as the attempt page shows it (its public view), with what the trainer may ask to see."""

    id: str
    type: str
    text_html: str
    view: dict
    spec: dict
    correct: str
    explanation_html: str


def preview(document: dict, sample: bool, seed: int) -> tuple[list[PreviewQuestion], list[str]]:
    """The questions an attempt would show, and the problems of those that could not be shown.

    Without `sample`, every valid question in bank order; with it, a draw as an attempt makes it
    (the same `seed` gives the same draw, so "draw again" is a new seed).
    """
    rng = random.Random(seed)
    shown, problems = [], []
    for index, question in enumerate(document.get("questions") or [], start=1):
        kind = question.get("type") if isinstance(question, dict) else None
        model = MODELS.get(kind)
        try:
            if model is None:
                raise DraftError(_("unknown type '%(kind)s'", kind=kind))
            parsed = model.model_validate(question)
        except (ValidationError, DraftError) as error:
            problems.append(f"Question {index}: {_first_problem(error)}")
            continue
        spec = TYPES[kind].spec(parsed, render.markdown_to_html)
        shown.append(
            PreviewQuestion(
                id=parsed.id,
                type=kind,
                text_html=render.markdown_to_html(parsed.text),
                view={},
                spec=spec,
                correct=TYPES[kind].correct_answer(spec),
                explanation_html=render.markdown_to_html(parsed.explanation) if parsed.explanation else "",
            )
        )
    draw = document.get("draw")
    if sample and isinstance(draw, int) and draw >= 1:
        bank_order = {q.id: n for n, q in enumerate(shown)}
        shown = rng.sample(shown, min(draw, len(shown)))
        if not document.get("shuffle_questions", True):
            shown.sort(key=lambda q: bank_order[q.id])
    shuffle = bool(document.get("shuffle_choices", True))
    for question in shown:
        # The type's own code, as an attempt runs it: the same layout, tokens and view.
        kind = TYPES[question.type]
        question.view = kind.view(question.spec, kind.layout(question.spec, shuffle, rng), None)
    return shown, problems


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        detail = error.errors()[0]
        where = ".".join(str(p) for p in detail["loc"])
        return f"{where}: {plain(detail)}" if where else plain(detail)
    return str(error)
