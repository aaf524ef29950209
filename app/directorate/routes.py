"""The directorate's overview, projects, milestones, targets and reports."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from wtforms import SelectChoice

from app import downloads, policy
from app.audit import services as audit
from app.auth.api import Administration, Region, Role, User
from app.common import storage
from app.core.pages import kept_page
from app.core.security import bounded_int
from app.courses import services as courses
from app.courses.api import Course, Tier, Track
from app.directorate import (
    audit_view,
    definitions,
    exports,
    figures,
    periods,
    portfolio,
    reports,
    results,
    risks,
    services,
)
from app.directorate.forms import MilestoneForm, ProjectForm, TargetForm
from app.directorate.models import Milestone, Target
from app.extensions import db
from app.reports import charts

bp = Blueprint("directorate", __name__, template_folder="templates")


def query_day(name: str, values=None) -> tuple[date | None, str | None]:
    """A date typed in the query string (YYYY-MM-DD) and, when it is not one, what was typed (cut short to echo)."""
    value = (request.args if values is None else values).get(name, "").strip()
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, value[:40]


#: The years a period of the figures may reach: "By month" has a row (and a point) per month of the
#: period, and 0001-01-01 to 9999-12-31 made a page of 78 MB in 17 s, kept in the figures' cache.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def filters_from_request(values=None) -> tuple[figures.Filters, str | None]:
    """The page's filters from the query string (or the posted `values`), and what is wrong with its period (None
    when nothing is)."""
    problem = None
    values = request.args if values is None else values

    def day(name):
        nonlocal problem
        found, refused = query_day(name, values)
        if refused is not None:
            problem = _("“%(value)s” is not a date: write it as YYYY-MM-DD.", value=refused)
        elif found is not None and not FIRST_YEAR <= found.year <= LAST_YEAR:
            problem = _(
                "%(day)s is outside the years the figures cover, %(first)d to %(last)d.",
                day=found.isoformat(),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
            return None
        return found

    region = values.get("region") or None
    filters = figures.Filters(
        start=day("start"),
        end=day("end"),
        region=Region(region) if region in {r.value for r in Region} else None,
        administration_id=values.get("administration", type=bounded_int),
        track_id=values.get("track", type=bounded_int),
    )
    if filters.inverted:
        problem = _(
            "The period ends on %(end)s, before it starts on %(start)s: no day falls in it. "
            "Swap the two dates to see the figures.",
            start=filters.start.isoformat(),
            end=filters.end.isoformat(),
        )
    return filters, problem


@bp.get("/directorate")
@login_required
def overview():
    policy.authorize("directorate.view")
    (filters, problem), today = filters_from_request(), date.today()
    fmt = request.args.get("format")
    if fmt and filters.inverted:
        abort(400, problem)
    long_export = exports.is_long(filters.start, filters.end, today)
    if fmt in ("csv", "xlsx") and long_export:
        # A link from before exports were buttons: asking for the file writes, so it takes the page's button.
        return render_template(
            "directorate/prepare_export.html",
            fields=_export_fields(),
            table=request.args.get("table") or "all",
            fmt=fmt,
            label=_overview_export_label(filters, fmt, today),
        )
    figures_now = reports.overview(filters, today)
    tables = figures_now.tables
    if fmt:
        return exports.download(tables, request.args.get("table"), fmt, "overview")
    query = request.query_string.decode()

    def context() -> dict:
        by_key = {t.key: t for t in tables}
        limits = results.thresholds()
        common = dict(
            filters=filters,
            problem=problem,
            definitions=definitions.FIGURES,
            regions=list(Region),
            administrations=db.session.scalars(sa.select(Administration).order_by(Administration.name)).all(),
            tracks=db.session.scalars(sa.select(Track).order_by(Track.position)).all(),
            query=query,
            project_status_meaning=definitions.project_status_meaning(limits.on_track, limits.at_risk),
            overdue_risks=risks.overdue_reviews(today, figures.projects_matching(filters)),
            portfolio_counts=portfolio.summary(portfolio.Filters(region=filters.region), today),
            light_labels=results.STATUSES,
            # A long period's files are prepared by a job: asked for with a button (a POST), not a link.
            export_fields=_export_fields() if long_export else None,
        )
        if not tables:
            return common
        trend, region = by_key["trend"], by_key["by-region"]
        return dict(
            common,
            tables=tables,
            by_key=by_key,
            totals=figures_now.totals,
            states=figures_now.states,
            active=figures_now.active,
            computed_at=figures_now.computed_at,
            trend_chart=charts.line_chart(
                [r[0] for r in trend.rows],
                {str(c): [r[i] for r in trend.rows] for i, c in enumerate(trend.columns[1:], 1)},
                title=_("Enrolments, completions and certificates by month"),
            ),
            region_chart=charts.bar_chart(
                [r[0] for r in region.rows],
                {str(c): [r[i] for r in region.rows] for i, c in enumerate(region.columns[1:], 1)},
                title=_("By WCO region"),
            ),
        )

    # The page is the same for everyone who may see it: kept with the figures it shows.
    return kept_page(
        reports.PAGES,
        ("overview", query, figures_now.computed_at, long_export),
        "directorate/overview.html",
        context,
        {"csrf_token": generate_csrf},
    )


#: The filters an export asks with (the overview's query string, as the form's hidden fields).
EXPORT_FILTERS = ("start", "end", "region", "administration", "track")


def _export_fields() -> list[tuple[str, str]]:
    """The hidden fields of the form that asks for a long period's file: the page's filters."""
    return [(name, request.args[name]) for name in EXPORT_FILTERS if request.args.get(name)]


def _overview_export_label(filters: figures.Filters, fmt: str, today: date) -> str:
    return _(
        "Overview, %(start)s to %(end)s (%(format)s)",
        start=filters.start.isoformat() if filters.start else _("the beginning"),
        end=(filters.end or today).isoformat(),
        format=fmt.upper(),
    )


@bp.post("/directorate/exports")
@login_required
def prepare_export():
    """A long period's export, asked for with the overview's button: a job builds it into the Store; the person
    waits for it on /downloads."""
    policy.authorize("directorate.view")
    filters, problem = filters_from_request(request.form)
    fmt, table = request.form.get("format"), request.form.get("table") or None
    if fmt not in ("csv", "xlsx") or problem or filters.start is None:
        abort(400, problem or _("Choose a period and a file to export."))
    today = date.today()
    suffix = "" if fmt == "xlsx" and table in (None, "all") else f"-{table or 'all'}"
    downloads.prepare(
        current_user.id,
        f"overview{suffix}.{fmt}",
        "text/csv" if fmt == "csv" else exports.XLSX,
        _overview_export_label(filters, fmt, today),
        "app.directorate.exports.overview_file",
        {
            "start": filters.start.isoformat() if filters.start else None,
            "end": filters.end.isoformat() if filters.end else None,
            "region": filters.region.value if filters.region else None,
            "administration_id": filters.administration_id,
            "track_id": filters.track_id,
            "table": table,
            "fmt": fmt,
            "today": today.isoformat(),
        },
    )
    flash(_("The period is long: your export is being prepared. It will be listed here when ready."), "info")
    return redirect(url_for("downloads.index"))


def _project_or_404(code: str, action: str = "directorate.view"):
    project = services.project_by_code(code)
    if project is None:
        abort(404)
    policy.authorize(action, project)
    return project


def _project_form(form: ProjectForm) -> None:
    form.lead.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(u.id, f"{u.full_name} ({u.email})")
        for u in db.session.scalars(
            sa.select(User).where(User.role.in_((Role.DIRECTORATE, Role.ADMIN, Role.TRAINER))).order_by(User.full_name)
        )
    ]
    form.administrations.choices = [
        SelectChoice(a.id, f"{a.name} ({a.code})")
        for a in db.session.scalars(sa.select(Administration).order_by(Administration.name))
    ]
    form.courses.choices = [SelectChoice(c.id, c.title) for c in courses.live_courses_by_title()]


@bp.route("/projects/new", methods=["GET", "POST"], defaults={"code": None})
@bp.route("/projects/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_project(code: str | None):
    policy.authorize("project.manage")
    project = _project_or_404(code) if code else None
    form = ProjectForm(obj=project)
    _project_form(form)
    if request.method == "GET" and project:
        form.lead.data = project.lead_id or 0
        form.administrations.data = [a.id for a in project.administrations]
        form.courses.data = [c.id for c in project.courses]
    if form.validate_on_submit():
        try:
            project = services.save_project(
                current_user,
                project,
                code=form.code.data,
                title=form.title.data,
                partner=form.partner.data or "",
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                status=form.status.data,
                objectives=form.objectives.data or "",
                lead=db.session.get(User, form.lead.data) if form.lead.data else None,
                administrations=[db.session.get(Administration, i) for i in form.administrations.data],
                course_list=[db.session.get(Course, i) for i in form.courses.data],
            )
        except services.ProjectError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Project %(code)s is saved.", code=project.code), "success")
            return redirect(url_for("directorate.project", code=project.code))
    return render_template("directorate/project_form.html", form=form, project=project)


@bp.get("/projects/<code>")
@login_required
def project(code: str):
    project = _project_or_404(code, "project.view")
    # Its lead who is not the directorate (a trainer) reads it without the directorate's buttons and history.
    may_manage = policy.can(current_user, "project.manage", project)
    # The same page for everyone allowed to see it the same way: kept as the overview's figures are (reports.PAGES).
    return kept_page(
        reports.PAGES,
        ("project", project.id, date.today(), may_manage),
        "directorate/project.html",
        lambda: {
            **reports.project_report(project, date.today()),
            "history": audit.entries(20, "project", project.id) if may_manage else [],
            "report_periods": periods.of_project(project.start_date, project.end_date, date.today()),
            "may_manage": may_manage,
        },
    )


@bp.get("/projects/<code>/report.<fmt>")
@login_required
def project_report(code: str, fmt: str):
    project = _project_or_404(code, "project.view")
    context = reports.project_report(project, date.today())
    if fmt == "pdf":
        return Response(
            exports.project_pdf(**context),
            mimetype="application/pdf",
            headers={"Content-Disposition": f"attachment; filename={project.code}-report.pdf"},
        )
    return exports.download(context["tables"], request.args.get("table"), fmt, project.code)


@bp.route("/projects/<code>/milestones/new", methods=["GET", "POST"], defaults={"milestone_id": None})
@bp.route("/projects/<code>/milestones/<int:milestone_id>", methods=["GET", "POST"])
@login_required
def edit_milestone(code: str, milestone_id: int | None):
    project = _project_or_404(code)
    policy.authorize("project.manage", project)
    milestone = db.session.get(Milestone, milestone_id) if milestone_id else None
    if milestone_id and (milestone is None or milestone.project_id != project.id):
        abort(404)
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit():
        try:
            milestone = services.save_milestone(
                current_user,
                project,
                milestone,
                title=form.title.data,
                due_date=form.due_date.data,
                status=form.status.data,
                completed_on=form.completed_on.data,
                evidence_note=form.evidence_note.data or "",
                evidence_url=form.evidence_url.data or None,
            )
            upload = form.evidence_file.data
            if upload and upload.filename:
                services.attach_evidence(current_user, milestone, upload.filename, upload.read())
        except services.ProjectError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Milestone saved."), "success")
            return redirect(url_for("directorate.project", code=project.code))
    return render_template("directorate/milestone_form.html", form=form, project=project, milestone=milestone)


@bp.get("/milestones/<int:milestone_id>/evidence")
@login_required
def evidence(milestone_id: int):
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or not milestone.evidence_sha256:
        abort(404)
    policy.authorize("directorate.view", milestone.project)
    return storage.download("evidence", milestone.evidence_sha256, milestone.evidence_filename)


@bp.route("/projects/<code>/targets/new", methods=["GET", "POST"], defaults={"target_id": None})
@bp.route("/projects/<code>/targets/<int:target_id>", methods=["GET", "POST"])
@login_required
def edit_target(code: str, target_id: int | None):
    project = _project_or_404(code)
    policy.authorize("project.manage", project)
    target = db.session.get(Target, target_id) if target_id else None
    if target_id and (target is None or target.project_id != project.id):
        abort(404)
    form = TargetForm(obj=target)
    form.track.choices = [SelectChoice(0, _("Any"))] + [
        SelectChoice(t.id, t.title) for t in db.session.scalars(sa.select(Track).order_by(Track.position))
    ]
    form.tier.choices = [SelectChoice(0, _("Any"))] + [
        SelectChoice(t.id, t.title) for t in db.session.scalars(sa.select(Tier).order_by(Tier.rank))
    ]
    if request.method == "GET" and target:
        form.track.data, form.tier.data = target.track_id or 0, target.tier_id or 0
    if request.method == "POST" and request.form.get("delete") and target:
        services.delete_target(current_user, target)
        db.session.commit()
        flash(_("Target deleted."), "success")
        return redirect(url_for("directorate.project", code=project.code))
    if form.validate_on_submit():
        try:
            services.save_target(
                current_user,
                project,
                target,
                year=form.year.data,
                indicator=form.indicator.data,
                target_value=float(form.target_value.data),
                track_id=form.track.data or None,
                tier_id=form.tier.data or None,
                label=form.label.data or "",
                manual_value=float(form.manual_value.data) if form.manual_value.data is not None else None,
            )
        except services.ProjectError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Target saved."), "success")
            return redirect(url_for("directorate.project", code=project.code))
    return render_template("directorate/target_form.html", form=form, project=project, target=target)


AUDIT_ROWS = 300


@bp.get("/audit")
@login_required
def audit_log():
    policy.authorize("audit.view")
    args = request.args
    problems = []

    def day(name: str, label: str) -> date | None:
        found, refused = query_day(name)
        if refused is not None:
            problems.append(_("%(field)s is not a date (YYYY-MM-DD): %(value)s.", field=label, value=refused))
        return found

    start, end = day("start", _("From")), day("end", _("To"))
    if start and end and end < start:
        problems.append(_("The end date %(end)s is before the start date %(start)s.", end=end, start=start))
        start = end = None
    entity = args.get("entity") if args.get("entity") in audit.ENTITIES else None
    filters = {
        "entity": entity,
        "entity_id": args.get("entity_id", type=bounded_int) if entity else None,
        "user_id": args.get("user", type=bounded_int),
        "text": args.get("q", "").strip()[:200] or None,
        "start": start,
        "end": end,
    }
    entries = audit.entries(AUDIT_ROWS, **filters)
    return render_template(
        "directorate/audit.html",
        changes=audit_view.changes(entries),
        limited=len(entries) == AUDIT_ROWS,
        filters=filters,
        filtered=any(value is not None for value in filters.values()),
        problems=problems,
        authors=audit.authors(),
        entity_names=audit_view.ENTITY_NAMES,
        limit=AUDIT_ROWS,
    )
