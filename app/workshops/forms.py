from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.workshops.models import KINDS


class WorkshopForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KINDS.items()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)])
    objectives = TextAreaField(_l("Objectives"), validators=[Length(max=10_000)])
    start_date = DateField(_l("First day"), validators=[DataRequired()])
    end_date = DateField(_l("Last day"), validators=[DataRequired()])
    capacity = IntegerField(_l("Capacity (participants)"), validators=[DataRequired(), NumberRange(min=1, max=10_000)])
    registration_opens = DateField(_l("Registration opens"), validators=[DataRequired()])
    registration_closes = DateField(_l("Registration closes"), validators=[DataRequired()])
    administrations = SelectMultipleField(_l("Administrations invited"), coerce=int)
    project = SelectField(_l("Project"), coerce=int)
    required_course = SelectField(_l("Course required before registering"), coerce=int)
    facilitators = SelectMultipleField(_l("Facilitators with an account"), coerce=int)
    academics = TextAreaField(
        _l("Invited academics (one per line: Name — Affiliation)"), validators=[Length(max=5_000)]
    )
    submit = SubmitField(_l("Save the workshop"))


class SessionForm(FlaskForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=300)])
    starts_at = DateTimeLocalField(_l("Starts (UTC)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (UTC)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    mode = SelectField(
        _l("Mode"), choices=[SelectChoice("in_person", _l("In person")), SelectChoice("online", _l("Online"))]
    )
    place = StringField(_l("Place (in person)"), validators=[Length(max=300)])
    link = URLField(_l("Link (online)"), validators=[Optional(), Length(max=2000)])
    counts = BooleanField(_l("Attendance needed for the certificate"), default=True)
    submit = SubmitField(_l("Add the session"))


class RegisterOfficerForm(FlaskForm):
    email = EmailField(_l("Officer's email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Register this officer"))


class AttendanceUploadForm(FlaskForm):
    file = FileField(_l("Attendance CSV (email, session, present)"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload attendance"))


class MaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300)])
    file = FileField(_l("File (at most 20 MB)"), validators=[FileRequired()])
    submit = SubmitField(_l("Add the material"))


class OutputForm(FlaskForm):
    note = TextAreaField(_l("What came out of the workshop"), validators=[Length(max=10_000)])
    url = URLField(_l("Link to the report, guideline or paper"), validators=[Optional(), Length(max=2000)])
    file = FileField(_l("Or the file itself"))
    submit = SubmitField(_l("Save the outputs"))
