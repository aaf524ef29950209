"""The results framework's forms: a result, an indicator with its milestones, a value, a risk, the thresholds."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


def _choices(names: dict) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in names.items()]


LEVEL_NAMES = {"impact": _l("Impact"), "outcome": _l("Outcome"), "output": _l("Output")}
UNIT_NAMES = {
    "number": _l("Number"),
    "percent": _l("Percent (0–100)"),
    "officers": _l("Officers"),
    "days": _l("Days"),
    "score": _l("Score"),
}
DIRECTION_NAMES = {"higher": _l("Higher is better"), "lower": _l("Lower is better")}
SOURCE_NAMES = {"manual": _l("Entered by people, with evidence"), "platform": _l("Counted by the platform")}
FIGURE_NAMES = {
    "enrolled": _l("Officers enrolled in the project's courses"),
    "completed": _l("Officers who completed one of the project's courses"),
    "certified": _l("Officers certified"),
    "trained": _l("Officers trained in the project's workshops"),
}


class ResultForm(FlaskForm):
    level = SelectField(_l("Level"), choices=_choices(LEVEL_NAMES))
    parent = SelectField(_l("Serves"), coerce=int)
    statement = TextAreaField(_l("Statement"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Save the result"))


class IndicatorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    unit = SelectField(_l("Unit"), choices=_choices(UNIT_NAMES))
    direction = SelectField(_l("Direction"), choices=_choices(DIRECTION_NAMES))
    baseline_value = DecimalField(_l("Baseline value"), validators=[Optional()])
    baseline_date = DateField(_l("Baseline date"), validators=[Optional()])
    target_value = DecimalField(_l("Target value"), validators=[Optional()])
    target_date = DateField(_l("Target date"), validators=[Optional()])
    milestones = TextAreaField(
        _l("Milestones: one a line, the year then the value (2026: 40)"), validators=[Length(max=2000)]
    )
    means_of_verification = TextAreaField(_l("Means of verification"), validators=[Length(max=5000)])
    pmm_dimension = StringField(_l("PMM dimension (optional)"), validators=[Length(max=200)])
    pmm_outcome = StringField(_l("PMM outcome (optional)"), validators=[Length(max=200)])
    source = SelectField(_l("Current value"), choices=_choices(SOURCE_NAMES))
    figure = SelectField(_l("What the platform counts"), choices=[SelectChoice("", "—"), *_choices(FIGURE_NAMES)])
    track = SelectField(_l("Only courses of the track (platform)"), coerce=int)
    tier = SelectField(_l("Only courses of the tier (platform)"), coerce=int)
    submit = SubmitField(_l("Save the indicator"))


class ValueForm(FlaskForm):
    value = DecimalField(_l("Value"), validators=[Optional()])
    measured_on = DateField(_l("Measured on"), validators=[Optional()])
    source = StringField(_l("Source"), validators=[Length(max=300)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    evidence_url = URLField(_l("Evidence: a link"), validators=[Optional(), Length(max=2000)])
    evidence_file = FileField(_l("Evidence: a file (at most 20 MB)"))
    submit = SubmitField(_l("Save the value"))


class RiskForm(FlaskForm):
    description = TextAreaField(_l("Risk"), validators=[DataRequired(), Length(max=5000)])
    likelihood = IntegerField(_l("Likelihood (1 rare – 5 almost certain)"), validators=[Optional()])
    impact = IntegerField(_l("Impact (1 negligible – 5 severe)"), validators=[Optional()])
    mitigation = TextAreaField(_l("Mitigation"), validators=[Length(max=5000)])
    owner = StringField(_l("Owner"), validators=[Length(max=200)])
    review_on = DateField(_l("Next review"), validators=[Optional()])
    closed_on = DateField(_l("Closed on (leave empty while the risk is open)"), validators=[Optional()])
    submit = SubmitField(_l("Save the risk"))


class ThresholdsForm(FlaskForm):
    on_track = IntegerField(
        _l("On track from (per cent of the expected progress)"), validators=[DataRequired(), NumberRange(1, 100)]
    )
    at_risk = IntegerField(
        _l("At risk from (per cent of the expected progress)"), validators=[Optional(), NumberRange(0, 99)]
    )
    period_days = IntegerField(_l("Reporting period (days)"), validators=[DataRequired(), NumberRange(1, 3660)])
    submit = SubmitField(_l("Save the thresholds"))
