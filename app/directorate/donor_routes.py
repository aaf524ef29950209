"""The donor report's pages: a period's narrative and figures, its XLSX and PDF, the import of indicator values."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import policy
from app.directorate import donor_report, narratives, periods, results, services
from app.directorate.donor_forms import NarrativeForm, ValuesImportForm
from app.directorate.exports import XLSX
from app.directorate.results_forms import LEVEL_NAMES, UNIT_NAMES
from app.directorate.values_import import ImportRefused, import_values
from app.extensions import db

bp = Blueprint("donor", __name__, template_folder="templates")


def _project(code: str, action: str = "directorate.view"):
    project = services.project_by_code(code)
    if project is None:
        abort(404)
    policy.authorize(action, project)
    return project


def _period(key: str) -> periods.Period:
    try:
        return periods.parse(key)
    except periods.PeriodError as error:
        abort(404, str(error))


@bp.route("/projects/<code>/periods/<key>", methods=["GET", "POST"])
@login_required
def period(code: str, key: str):
    project, chosen, today = _project(code, "project.view"), _period(key), date.today()
    written = narratives.narrative_for(project, chosen)
    may_write = policy.can(current_user, "project.narrate", project)
    form = NarrativeForm(obj=written)
    if form.validate_on_submit():
        policy.authorize("project.narrate", project)
        try:
            narratives.save_narrative(current_user, project, chosen, **{k: form[k].data for k in narratives.SECTIONS})
        except narratives.NarrativeError as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, str(error)]
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The narrative for %(period)s is saved.", period=chosen.key), "success")
            return redirect(url_for("donor.period", code=project.code, key=chosen.key))
    return render_template(
        "directorate/period.html",
        project=project,
        period=chosen,
        report=donor_report.build(project, chosen, today),
        narrative=written,
        form=form,
        may_write=may_write,
        light_labels=results.STATUSES,
        level_names=LEVEL_NAMES,
        unit_names=UNIT_NAMES,
        others=periods.of_project(project.start_date, project.end_date, today),
        halves=periods.halves(chosen, today),
    )


@bp.get("/projects/<code>/periods/<key>/donor-report.<fmt>")
@login_required
def download(code: str, key: str, fmt: str):
    project, chosen = _project(code, "project.view"), _period(key)
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    report = donor_report.build(project, chosen, date.today())
    data, mimetype = (
        (donor_report.workbook(report), XLSX) if fmt == "xlsx" else (donor_report.pdf(report), "application/pdf")
    )
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={donor_report.file_name(report, fmt)}"},
    )


@bp.route("/projects/<code>/values/import", methods=["GET", "POST"])
@login_required
def import_indicator_values(code: str):
    project = _project(code)
    policy.authorize("project.manage", project)
    form, problems = ValuesImportForm(), []
    if form.validate_on_submit():
        try:
            added = import_values(current_user, project, form.file.data.read())
        except ImportRefused as refused:
            db.session.rollback()
            problems = [str(p) for p in refused.problems]
            flash(_("Nothing was imported: correct the workbook and upload it again."), "error")
        else:
            db.session.commit()
            message = (
                ngettext("%(num)d new value imported.", "%(num)d new values imported.", added)
                if added
                else _("The workbook holds no new value.")
            )
            flash(message, "success")
            return redirect(url_for("directorate.project", code=project.code) + "#results-h")
    return render_template(
        "directorate/values_import.html",
        project=project,
        form=form,
        problems=problems,
        period=periods.current(date.today()),
    )
