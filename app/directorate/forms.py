from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.directorate.models import INDICATORS, MILESTONE_STATUSES, PROJECT_STATUSES


def _choices(values):
    from wtforms import SelectChoice

    return [SelectChoice(v, v.replace("_", " ").capitalize()) for v in values]


class ProjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    partner = StringField(_l("Partner or donor"), validators=[Length(max=300)])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=_choices(PROJECT_STATUSES))
    objectives = TextAreaField(_l("Objectives"), validators=[Length(max=10_000)])
    lead = SelectField(_l("Project lead"), coerce=int)
    administrations = SelectMultipleField(_l("Beneficiary administrations"), coerce=int)
    courses = SelectMultipleField(_l("Courses covered"), coerce=int)
    submit = SubmitField(_l("Save the project"))


class MilestoneForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=_choices(MILESTONE_STATUSES))
    completed_on = DateField(_l("Completed on"), validators=[Optional()])
    evidence_note = TextAreaField(_l("Evidence: a note"), validators=[Length(max=10_000)])
    evidence_url = URLField(_l("Evidence: a link"), validators=[Optional(), Length(max=2000)])
    evidence_file = FileField(_l("Evidence: a file (at most 20 MB)"))
    submit = SubmitField(_l("Save the milestone"))


class TargetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    indicator = SelectField(_l("Indicator"), choices=_choices(INDICATORS))
    track = SelectField(_l("Track (certified officers)"), coerce=int)
    tier = SelectField(_l("Tier (certified officers)"), coerce=int)
    label = StringField(_l("Name of a custom indicator"), validators=[Length(max=200)])
    target_value = DecimalField(_l("Target"), validators=[DataRequired(), NumberRange(min=0.01, max=1_000_000)])
    manual_value = DecimalField(_l("Actual (custom indicators only)"), validators=[Optional(), NumberRange(min=0)])
    submit = SubmitField(_l("Save the target"))


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    administration = SelectField(_l("Administration"), coerce=int)
    project = SelectField(_l("Project (optional)"), coerce=int)
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    courses = SelectMultipleField(_l("Courses"), coerce=int)
    submit = SubmitField(_l("Save the cohort"))


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Officer's email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Add to the cohort"))


class ImportMembersForm(FlaskForm):
    file = FileField(_l("CSV file (email, full_name)"), validators=[FileRequired()])
    submit = SubmitField(_l("Add the officers"))
