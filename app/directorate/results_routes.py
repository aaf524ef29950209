"""The results framework's pages: the chain's forms, an indicator's history, values, the risk register, thresholds.

The chain itself, with each indicator's light, shows on the project page (routes.project).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import policy
from app.common import storage
from app.courses.api import Tier, Track
from app.directorate import results, results_counts, risks, services
from app.directorate.models import Indicator, IndicatorValue, Result, Risk
from app.directorate.results_forms import (
    DIRECTION_NAMES,
    FIGURE_NAMES,
    LEVEL_NAMES,
    UNIT_NAMES,
    IndicatorForm,
    ResultForm,
    RiskForm,
    ThresholdsForm,
    ValueForm,
)
from app.directorate.results_services import (
    ResultsError,
    add_value,
    save_indicator,
    save_result,
    save_risk,
    save_thresholds,
)
from app.extensions import db

bp = Blueprint("results", __name__, template_folder="templates")


def _project(code: str, action: str = "project.manage"):
    project = services.project_by_code(code)
    if project is None:
        abort(404)
    policy.authorize("project.view", project)
    if action != "project.view":
        policy.authorize(action, project)
    return project


def _owned(model, row_id: int | None, project_id: int, via=lambda row: row.project_id):
    """The row of this project, or 404 (a row of another project is not found here)."""
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None or via(row) != project_id:
        abort(404)
    return row


def _refused(form, error: ResultsError) -> None:
    """Show the problem by its field (when the form has it) and at the top of the page; nothing is saved."""
    db.session.rollback()
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, str(error)]
    flash(str(error), "error")


def _back(project):
    return redirect(url_for("directorate.project", code=project.code) + "#results-h")


# The chain -------------------------------------------------------------------------------------


@bp.route("/projects/<code>/results/new", methods=["GET", "POST"], defaults={"result_id": None})
@bp.route("/projects/<code>/results/<int:result_id>", methods=["GET", "POST"])
@login_required
def edit_result(code: str, result_id: int | None):
    project = _project(code)
    result = _owned(Result, result_id, project.id)
    form = ResultForm(obj=result)
    chain = results.chain(project)
    form.parent.choices = [SelectChoice(0, _("— none (the impact) —"))] + [
        SelectChoice(r.id, f"{LEVEL_NAMES[r.level]}: {r.statement[:90]}")
        for r in chain
        if r.level != "output" and r is not result
    ]
    if request.method == "GET":
        if result is not None:
            form.parent.data = result.parent_id or 0
        else:
            level = request.args.get("level")
            form.level.data = level if level in LEVEL_NAMES else ("outcome" if chain else "impact")
            form.parent.data = request.args.get("parent", type=int) or 0
    if form.validate_on_submit():
        parent = db.session.get(Result, form.parent.data) if form.parent.data else None
        try:
            save_result(
                current_user, project, result, level=form.level.data, statement=form.statement.data, parent=parent
            )
        except ResultsError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Result saved."), "success")
            return _back(project)
    return render_template("directorate/result_form.html", form=form, project=project, result=result)


def _milestones(text: str) -> dict[int, float]:
    """Milestones typed one a line, "2026: 40" (or "2026 40"); a line that is not one names itself."""
    found: dict[int, float] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        year, _sep, value = line.replace(":", " ").replace("=", " ").partition(" ")
        try:
            year_number, amount = int(year), float(value.strip().replace(",", "."))
        except ValueError:
            raise ResultsError(
                _("Milestones, line %(line)d: write the year then the value, as “2026: 40”.", line=number),
                "milestones",
            ) from None
        if year_number in found:
            raise ResultsError(
                _("Milestones, line %(line)d: %(year)d is given twice.", line=number, year=year_number), "milestones"
            )
        found[year_number] = amount
    return found


def _number(value) -> float | None:
    return float(value) if value is not None else None


@bp.route(
    "/projects/<code>/results/<int:result_id>/indicators/new", methods=["GET", "POST"], defaults={"indicator_id": None}
)
@bp.route("/projects/<code>/results/<int:result_id>/indicators/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def edit_indicator(code: str, result_id: int, indicator_id: int | None):
    project = _project(code)
    result = _owned(Result, result_id, project.id)
    indicator = _owned(Indicator, indicator_id, result.id, via=lambda row: row.result_id)
    form = IndicatorForm(obj=indicator)
    form.track.choices = [SelectChoice(0, _("Any"))] + [
        SelectChoice(t.id, t.title) for t in db.session.scalars(sa.select(Track).order_by(Track.position))
    ]
    form.tier.choices = [SelectChoice(0, _("Any"))] + [
        SelectChoice(t.id, t.title) for t in db.session.scalars(sa.select(Tier).order_by(Tier.rank))
    ]
    if request.method == "GET":
        if indicator is not None:
            form.track.data, form.tier.data = indicator.track_id or 0, indicator.tier_id or 0
            form.figure.data = indicator.figure or ""
            form.milestones.data = "\n".join(f"{m.year}: {m.value:g}" for m in indicator.milestones)
        else:
            form.baseline_date.data = form.baseline_date.data or project.start_date
            form.target_date.data = form.target_date.data or project.end_date
    if form.validate_on_submit():
        try:
            save_indicator(
                current_user,
                result,
                indicator,
                name=form.name.data,
                unit=form.unit.data,
                direction=form.direction.data,
                baseline_value=_number(form.baseline_value.data),
                baseline_date=form.baseline_date.data,
                target_value=_number(form.target_value.data),
                target_date=form.target_date.data,
                milestones=_milestones(form.milestones.data or ""),
                means_of_verification=form.means_of_verification.data or "",
                pmm_dimension=form.pmm_dimension.data or "",
                pmm_outcome=form.pmm_outcome.data or "",
                source=form.source.data,
                figure=form.figure.data or None,
                track_id=form.track.data or None,
                tier_id=form.tier.data or None,
            )
        except ResultsError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Indicator saved."), "success")
            return _back(project)
    return render_template(
        "directorate/indicator_form.html", form=form, project=project, result=result, indicator=indicator
    )


# An indicator's history and values -------------------------------------------------------------


@bp.get("/projects/<code>/indicators/<int:indicator_id>")
@login_required
def indicator(code: str, indicator_id: int):
    project = _project(code, "project.view")
    ind = _owned(Indicator, indicator_id, project.id, via=lambda row: row.result.project_id)
    today = date.today()
    breakdowns = (
        {key: results_counts.breakdown(ind, today, key) for key in results_counts.BREAKDOWNS}
        if ind.source == "platform"
        else {}
    )
    return render_template(
        "directorate/indicator.html",
        project=project,
        ind=ind,
        light=results.light(ind, today),
        current=results.current_value(ind, today),
        values=list(reversed(ind.values)),
        limits=results.thresholds(),
        statuses=results.STATUSES,
        breakdowns=breakdowns,
        breakdown_names=results_counts.BREAKDOWNS,
        smallest=results_counts.SMALLEST_GROUP,
        level_names=LEVEL_NAMES,
        unit_names=UNIT_NAMES,
        direction_names=DIRECTION_NAMES,
        figure_names=FIGURE_NAMES,
    )


@bp.route("/projects/<code>/indicators/<int:indicator_id>/values/new", methods=["GET", "POST"])
@login_required
def enter_value(code: str, indicator_id: int):
    project = _project(code)
    ind = _owned(Indicator, indicator_id, project.id, via=lambda row: row.result.project_id)
    if ind.source == "platform":
        flash(_("The platform counts this indicator: there is no value to enter."), "error")
        return redirect(url_for("results.indicator", code=project.code, indicator_id=ind.id))
    form = ValueForm()
    if request.method == "GET":
        form.measured_on.data = date.today()
    if form.validate_on_submit():
        upload = form.evidence_file.data
        try:
            add_value(
                current_user,
                ind,
                value=_number(form.value.data),
                measured_on=form.measured_on.data,
                source=form.source.data or "",
                comment=form.comment.data or "",
                evidence_url=form.evidence_url.data or None,
                evidence=(upload.filename, upload.read()) if upload and upload.filename else None,
            )
        except ResultsError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Value saved."), "success")
            return redirect(url_for("results.indicator", code=project.code, indicator_id=ind.id))
    return render_template("directorate/value_form.html", form=form, project=project, ind=ind, unit_names=UNIT_NAMES)


@bp.get("/indicator-values/<int:value_id>/evidence")
@login_required
def value_evidence(value_id: int):
    row = db.session.get(IndicatorValue, value_id)
    if row is None or not row.evidence_sha256:
        abort(404)
    policy.authorize("project.view", row.indicator.result.project)
    return storage.download("evidence", row.evidence_sha256, row.evidence_filename)


# Risks -----------------------------------------------------------------------------------------


@bp.get("/projects/<code>/risks")
@login_required
def risk_register(code: str):
    project = _project(code, "directorate.view")
    return render_template(
        "directorate/risks.html",
        project=project,
        risks=risks.register(project),
        bands=risks.BANDS,
        band=risks.band,
        today=date.today(),
    )


@bp.route("/projects/<code>/risks/new", methods=["GET", "POST"], defaults={"risk_id": None})
@bp.route("/projects/<code>/risks/<int:risk_id>", methods=["GET", "POST"])
@login_required
def edit_risk(code: str, risk_id: int | None):
    project = _project(code)
    risk = _owned(Risk, risk_id, project.id)
    form = RiskForm(obj=risk)
    if request.method == "POST" and request.form.get("close") and risk is not None and risk.closed_on is None:
        form.closed_on.data = date.today()
    if form.validate_on_submit():
        try:
            save_risk(
                current_user,
                project,
                risk,
                description=form.description.data,
                likelihood=form.likelihood.data,
                impact=form.impact.data,
                mitigation=form.mitigation.data or "",
                owner=form.owner.data or "",
                review_on=form.review_on.data,
                closed_on=form.closed_on.data,
            )
        except ResultsError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Risk saved."), "success")
            return redirect(url_for("results.risk_register", code=project.code))
    return render_template("directorate/risk_form.html", form=form, project=project, risk=risk, bands=risks.BANDS)


# Thresholds ------------------------------------------------------------------------------------


@bp.route("/directorate/thresholds", methods=["GET", "POST"])
@login_required
def thresholds():
    policy.authorize("results.thresholds")
    current = results.thresholds()
    form = ThresholdsForm()
    if request.method == "GET":
        form.on_track.data = round(100 * current.on_track)
        form.at_risk.data = round(100 * current.at_risk)
        form.period_days.data = current.period_days
    if form.validate_on_submit():
        try:
            save_thresholds(
                current_user,
                on_track=form.on_track.data / 100,
                at_risk=(form.at_risk.data or 0) / 100,
                period_days=form.period_days.data,
            )
        except ResultsError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Thresholds saved: every light now follows them."), "success")
            return redirect(url_for("directorate.overview"))
    return render_template("directorate/thresholds.html", form=form, limits=current)
