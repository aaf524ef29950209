from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.auth.models import Region
from app.auth.passwords import MAX_LENGTH, password_problem

SEX_NAMES = {
    "": _l("Not given"),
    "female": _l("Female"),
    "male": _l("Male"),
    "prefer_not_to_say": _l("Prefer not to say"),
}


class SexForm(FlaskForm):
    sex = SelectField(_l("Sex (optional)"), choices=[SelectChoice(key, label) for key, label in SEX_NAMES.items()])
    submit = SubmitField(_l("Save"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a reset link"))


def _acceptable(form, field) -> None:
    problem = password_problem(field.data or "", getattr(form, "account_email", ""))
    if problem:
        raise ValidationError(problem)


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _acceptable])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    full_name = StringField(
        _l("Full name (as it should appear on certificates)"), validators=[DataRequired(), Length(max=200)]
    )
    administration = SelectField(_l("Administration"), coerce=int)
    role = SelectField(_l("Role"))
    submit = SubmitField(_l("Create account and send invitation"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Check only (import nothing)"))
    submit = SubmitField(_l("Import"))


class AdministrationForm(FlaskForm):
    code = StringField(
        _l("Code (ISO 3166 country code, or WCO for the Secretariat)"), validators=[DataRequired(), Length(max=3)]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    region = SelectField(
        _l("WCO region"),
        choices=[SelectChoice("", _l("None (WCO Secretariat)"))] + [SelectChoice(r.value, r.label) for r in Region],
    )
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """A button that changes something: carries only the CSRF token."""

    submit = SubmitField(_l("Confirm"))
