"""The content format (content/README.md) as pydantic models: unknown keys are errors."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# catalogue.yml -------------------------------------------------------------------------------


class TierSpec(Strict):
    slug: Slug
    title: Text


class TrackSpec(Strict):
    slug: Slug
    title: Text
    summary: LongText


class CatalogueFile(Strict):
    tiers: list[TierSpec] = Field(min_length=1)
    tracks: list[TrackSpec] = Field(min_length=1)


# courses/<slug>/course.yml -------------------------------------------------------------------


class AttachmentSpec(Strict):
    file: Text
    title: Text


class LessonSpec(Strict):
    slug: Slug
    title: Text
    kind: Literal["markdown", "notebook", "reading"]
    file: Text | None = None
    url: HttpUrl | None = None
    minutes: int = Field(default=30, ge=1, le=2400)
    optional: bool = False
    attachments: list[AttachmentSpec] = []

    @model_validator(mode="after")
    def _kind_needs(self) -> LessonSpec:
        if self.kind in ("markdown", "notebook") and not self.file:
            raise ValueError(f"a {self.kind} lesson needs a 'file'")
        if self.kind == "reading" and not self.url:
            raise ValueError("a reading lesson needs a 'url'")
        if self.kind == "notebook" and self.file and not self.file.endswith(".ipynb"):
            raise ValueError("a notebook lesson's file must end in .ipynb")
        if self.kind == "markdown" and self.file and not self.file.endswith(".md"):
            raise ValueError("a markdown lesson's file must end in .md")
        return self


class ModuleSpec(Strict):
    slug: Slug
    title: Text
    lessons: list[LessonSpec] = Field(min_length=1)


class AssessmentRef(Strict):
    file: Text


class CourseFile(Strict):
    slug: Slug
    title: Text
    track: Slug
    tier: Slug
    summary: LongText
    description: LongText | None = None
    estimated_hours: float = Field(gt=0, le=1000)
    language: Literal["en", "fr"] = "en"
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    prerequisites: list[Slug] = []
    objectives: list[Text] = []
    modules: list[ModuleSpec] = Field(min_length=1)
    assessments: list[AssessmentRef] = []


# assessment.yml ------------------------------------------------------------------------------


class ChoiceSpec(Strict):
    text: LongText
    correct: bool = False
    feedback: LongText | None = None


class QuestionBase(Strict):
    id: Slug
    text: LongText
    points: float = Field(default=1, gt=0, le=100)
    explanation: LongText | None = None


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    choices: list[ChoiceSpec] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        if sum(c.correct for c in self.choices) != 1:
            raise ValueError("a single_choice question needs exactly one correct choice")
        return self


class MultipleChoice(QuestionBase):
    type: Literal["multiple_choice"]
    partial_credit: bool = False
    choices: list[ChoiceSpec] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if not any(c.correct for c in self.choices):
            raise ValueError("a multiple_choice question needs at least one correct choice")
        return self


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0, ge=0)
    unit: Text | None = None


class ShortText(QuestionBase):
    type: Literal["short_text"]
    accepted: list[Text] = Field(min_length=1)


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: list[Text] = Field(min_length=2, max_length=12)


class MatchingPair(Strict):
    left: Text
    right: Text


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: list[MatchingPair] = Field(min_length=2, max_length=12)


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Numeric | ShortText | Ordering | Matching,
    Field(discriminator="type"),
]


#: When a learner sees the right answers and explanations of a submitted attempt: after each
#: submission, once passed, once passed or every attempt used (the default), or never.
ReviewPolicy = Literal["after_submission", "after_passing", "after_pass_or_last", "never"]
REVIEW_POLICIES = get_args(ReviewPolicy)


class AssessmentFile(Strict):
    slug: Slug
    title: Text
    pass_mark: float = Field(ge=0, le=100)
    max_attempts: int | None = Field(default=None, ge=1)
    time_limit_minutes: int | None = Field(default=None, ge=1, le=600)
    draw: int = Field(ge=1)
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    review: ReviewPolicy = "after_pass_or_last"
    required: bool = True
    questions: list[Question] = Field(min_length=1)


#: An assessment file's settings (every key but its questions), in the order they are written.
ASSESSMENT_SETTINGS = tuple(name for name in AssessmentFile.model_fields if name != "questions")


# glossary.yml and bibliography.yml ------------------------------------------------------------


class TermSpec(Strict):
    slug: Slug
    term: Text
    definition: LongText
    see_also: list[Slug] = []


class GlossaryFile(Strict):
    terms: list[TermSpec]


class ReferenceSpec(Strict):
    key: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    authors: Text | None = None
    publisher: Text
    year: int = Field(ge=1800, le=2100)
    url: HttpUrl | None = None
    note: LongText | None = None


class BibliographyFile(Strict):
    references: list[ReferenceSpec]


# Translations: <name>.fr.yml beside each file (content/README.md, "Translations") -------------
# A translation carries only the texts a learner reads, keyed by the source's slugs and ids, and
# lists (objectives, choices, items, pairs, terms) in the source's order and count.

#: The languages a translation may be written in, besides a course's own.
TRANSLATION_LANGUAGES = ("fr",)


class TrackTranslation(Strict):
    title: Text
    summary: LongText


class CatalogueTranslation(Strict):
    tiers: dict[Slug, Text] = {}
    tracks: dict[Slug, TrackTranslation] = {}


class ModuleTranslation(Strict):
    title: Text
    lessons: dict[Slug, Text] = {}


class CourseTranslation(Strict):
    title: Text
    summary: LongText
    description: LongText | None = None
    objectives: list[Text] = []
    modules: dict[Slug, ModuleTranslation] = {}


class ChoiceTranslation(Strict):
    text: LongText
    feedback: LongText | None = None


class QuestionTranslation(Strict):
    text: LongText
    explanation: LongText | None = None
    choices: list[ChoiceTranslation] | None = None
    #: Answers accepted besides the source's (short_text): a French reader types French.
    accepted: list[Text] = []
    items: list[Text] | None = None
    pairs: list[MatchingPair] | None = None


class AssessmentTranslation(Strict):
    title: Text
    questions: dict[Slug, QuestionTranslation] = {}


class TermTranslation(Strict):
    slug: Slug
    term: Text
    definition: LongText


class GlossaryTranslation(Strict):
    terms: list[TermTranslation]
