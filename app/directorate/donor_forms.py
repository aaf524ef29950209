"""The donor report's forms: a period's narrative, and a logframe workbook of indicator values to import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from app.directorate.narratives import LONGEST, SECTIONS


class NarrativeForm(FlaskForm):
    summary = TextAreaField(SECTIONS["summary"], validators=[Length(max=LONGEST)])
    progress = TextAreaField(SECTIONS["progress"], validators=[Length(max=LONGEST)])
    challenges = TextAreaField(SECTIONS["challenges"], validators=[Length(max=LONGEST)])
    next_steps = TextAreaField(SECTIONS["next_steps"], validators=[Length(max=LONGEST)])
    submit = SubmitField(_l("Save the narrative"))


class ValuesImportForm(FlaskForm):
    file = FileField(_l("Logframe workbook (XLSX)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import the values"))
