"""The editor's forms. Each that changes a draft carries the revision it was based on."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core.security import bounded_int


def revision_number(value) -> int | None:
    """The draft revision a form carried, or None if it is not one."""
    try:
        return bounded_int(value)
    except (TypeError, ValueError):
        return None


def _revision(form, field) -> None:
    if revision_number(field.data) is None:
        raise ValidationError(_l("The page is out of date: reload it."))


class DraftForm(FlaskForm):
    """Any change to a draft: the revision the page showed."""

    revision = HiddenField(validators=[_revision])

    @property
    def base_revision(self) -> int:
        return revision_number(self.revision.data) or 0


class NewCourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Short name (in addresses)"),
        validators=[Optional(), Length(max=80)],
        description=_l("Letters, digits and hyphens; made from the title when left empty. It never changes."),
    )
    track = SelectField(_l("Track"))
    tier = SelectField(_l("Tier"))
    summary = TextAreaField(
        _l("Summary (one or two sentences for the catalogue)"), validators=[DataRequired(), Length(max=2_000)]
    )
    submit = SubmitField(_l("Create the draft"))


LANGUAGES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]


class DetailsForm(DraftForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    track = SelectField(_l("Track"))
    tier = SelectField(_l("Tier"))
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=2_000)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20_000)])
    objectives = TextAreaField(_l("Objectives (one per line)"), validators=[Optional(), Length(max=10_000)])
    estimated_hours = DecimalField(
        _l("Estimated hours"), places=1, validators=[DataRequired(), NumberRange(min=0.1, max=1000)]
    )
    language = SelectField(_l("Language"), choices=LANGUAGES)
    version = StringField(_l("Version label"), validators=[DataRequired(), Length(max=20)])
    prerequisites = SelectMultipleField(_l("Courses to complete first"))
    submit = SubmitField(_l("Save the details"))


class ModuleForm(DraftForm):
    title = StringField(_l("Module title"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Add the module"))


KINDS = [
    SelectChoice("markdown", _l("Text (Markdown)")),
    SelectChoice("notebook", _l("Jupyter notebook")),
    SelectChoice("reading", _l("Reading (a link)")),
]


class NewLessonForm(DraftForm):
    module = SelectField(_l("Module"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Short name"),
        validators=[Optional(), Length(max=80)],
        description=_l("Made from the title when left empty. It stays the same in every version."),
    )
    kind = SelectField(_l("Kind"), choices=KINDS)
    url = URLField(_l("Address of the reading"), validators=[Optional(), Length(max=2_000)])
    notebook = FileField(_l("Notebook (.ipynb), for a notebook lesson"))
    minutes = IntegerField(_l("Minutes"), default=30, validators=[DataRequired(), NumberRange(min=1, max=2400)])
    submit = SubmitField(_l("Add the lesson"))


class LessonForm(DraftForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    minutes = IntegerField(_l("Minutes"), validators=[DataRequired(), NumberRange(min=1, max=2400)])
    optional = BooleanField(_l("Optional (does not count towards completion)"))
    url = URLField(_l("Address of the reading"), validators=[Optional(), Length(max=2_000)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=500_000)])
    notebook = FileField(_l("Replace the notebook (.ipynb)"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save the lesson"))


class AttachmentForm(DraftForm):
    title = StringField(_l("Title of the download"), validators=[DataRequired(), Length(max=300)])
    file = FileField(_l("File (a dataset, a PDF, a spreadsheet…)"), validators=[FileRequired()])
    submit = SubmitField(_l("Add the download"))


class PublishForm(DraftForm):
    """Publishing asks what changed and whether the version label learners and certificates show should change."""

    note = StringField(_l("What changed (for the version history)"), validators=[Optional(), Length(max=500)])
    relabel = RadioField(
        _l("Version label"),
        choices=[SelectChoice("keep", _l("Keep the label")), SelectChoice("change", _l("Change it to"))],
        default="keep",
    )
    label = StringField(
        _l("New version label"),
        validators=[Length(max=20, message=_l("A version label has at most 20 characters, such as 1.3."))],
    )
    submit = SubmitField(_l("Publish"))

    def validate_label(self, field) -> None:
        if self.relabel.data == "change" and not (field.data or "").strip():
            raise ValidationError(_l("Type the new version label, such as 1.3, or keep the current one."))

    @property
    def new_label(self) -> str | None:
        """The label to publish under, or None to keep the draft's."""
        return (self.label.data or "").strip() if self.relabel.data == "change" else None


class ImportForm(FlaskForm):
    file = FileField(_l("Course export (.zip)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class AuthorForm(FlaskForm):
    user = SelectField(_l("Trainer"), coerce=int)
    submit = SubmitField(_l("Assign"))
