from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the revocation"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Revoke"))


class ReissueForm(FlaskForm):
    recipient_name = StringField(_l("Name as it should appear"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Reissue with this name"))


class ManualIssueForm(FlaskForm):
    email = EmailField(_l("Officer's email"), validators=[DataRequired(), Length(max=254)])
    title = StringField(_l("Title (what was achieved)"), validators=[DataRequired(), Length(max=300)])
    hours = DecimalField(_l("Hours"), places=1, validators=[Optional(), NumberRange(min=0.5, max=1000)])
    reason = TextAreaField(_l("Reason (kept with the certificate)"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Issue the certificate"))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a lookup by GET that changes nothing

    code = StringField(_l("Certificate code"), validators=[DataRequired(), Length(max=60)])
