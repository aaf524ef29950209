"""Cohorts of officers, and the coordinator's page of their administration."""

import dataclasses
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import downloads, policy
from app.auth.api import Administration
from app.auth.forms import ConfirmForm
from app.auth.services import AccountError, send_invitation
from app.certificates import services as certificates
from app.core.security import bounded_int
from app.courses import services as courses
from app.courses.api import Course, Track
from app.directorate import definitions, exports, figures, progress, reports, services
from app.directorate.forms import AddMemberForm, CohortForm, ImportMembersForm
from app.directorate.models import Cohort, Project
from app.directorate.routes import filters_from_request
from app.extensions import db

bp = Blueprint("cohorts", __name__, template_folder="templates")


@bp.get("/cohorts")
@login_required
def cohorts():
    policy.authorize("cohort.create")
    visible = services.visible_cohorts(current_user)
    return render_template(
        "directorate/cohorts.html", cohorts=visible, progress=figures.cohort_progress([c.id for c in visible])
    )


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    policy.authorize("cohort.manage", cohort)
    return cohort


@bp.get("/cohorts/<int:cohort_id>/certificates.zip")
@login_required
def certificates_zip(cohort_id: int):
    """A link to the ZIP (from before the cohort page's button): a few certificates come at once; many would start
    a job, which a GET must not, so the page offers the button that asks for it."""
    policy.authorize("certificate.issue")
    cohort = _cohort_or_404(cohort_id)
    found = certificates.valid_certificates_of(services.member_ids(cohort), services.course_ids(cohort))
    if len(found) <= current_app.config["CERTIFICATES_ZIP_JOB_COUNT"]:
        return certificates.zip_download(found, f"cohort-{cohort.id}")
    return render_template("directorate/prepare_certificates.html", cohort=cohort, count=len(found))


@bp.post("/cohorts/<int:cohort_id>/certificates.zip")
@login_required
def prepare_certificates_zip(cohort_id: int):
    """The cohort page's button: a few certificates come at once as the ZIP; many are prepared by a job."""
    policy.authorize("certificate.issue")
    cohort = _cohort_or_404(cohort_id)
    found = certificates.valid_certificates_of(services.member_ids(cohort), services.course_ids(cohort))
    if len(found) <= current_app.config["CERTIFICATES_ZIP_JOB_COUNT"]:
        return certificates.zip_download(found, f"cohort-{cohort.id}")
    # Many PDFs (each may have to be rendered): a job builds the ZIP; the person waits on /downloads.
    downloads.prepare(
        current_user.id,
        f"cohort-{cohort.id}-certificates.zip",
        "application/zip",
        _("Certificates of the cohort %(name)s (%(count)d, ZIP)", name=cohort.name, count=len(found)),
        "app.directorate.exports.cohort_certificates_file",
        {"cohort_id": cohort.id},
    )
    current_app.logger.info(
        "Certificates cohort-%s asked for by user %s (prepared by a job)", cohort.id, current_user.id
    )
    flash(
        _("The cohort has many certificates: their ZIP is being prepared. It will be listed here when ready."), "info"
    )
    return redirect(url_for("downloads.index"))


@bp.route("/cohorts/new", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def edit_cohort(cohort_id: int | None):
    policy.authorize("cohort.create")
    cohort = _cohort_or_404(cohort_id) if cohort_id else None
    form = CohortForm(obj=cohort)
    administrations = [
        a
        for a in db.session.scalars(sa.select(Administration).order_by(Administration.name))
        if policy.can(current_user, "cohort.create", a)
    ]
    form.administration.choices = [SelectChoice(a.id, f"{a.name} ({a.code})") for a in administrations]
    form.project.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(p.id, f"{p.code} — {p.title}")
        for p in db.session.scalars(sa.select(Project).order_by(Project.code))
    ]
    form.courses.choices = [SelectChoice(c.id, c.title) for c in courses.live_courses_by_title()]
    # Every course in view: a list that scrolls hides courses from someone choosing several.
    form.courses.render_kw = {"size": min(len(form.courses.choices), 15)}
    if request.method == "GET" and cohort:
        form.administration.data, form.project.data = cohort.administration_id, cohort.project_id or 0
        form.courses.data = [c.id for c in cohort.courses]
    if form.validate_on_submit():
        administration = db.session.get(Administration, form.administration.data)
        policy.authorize("cohort.create", administration)
        try:
            cohort = services.save_cohort(
                current_user,
                cohort,
                name=form.name.data,
                administration=administration,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                course_list=[db.session.get(Course, i) for i in form.courses.data],
                project=db.session.get(Project, form.project.data) if form.project.data else None,
            )
        except services.ProjectError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Cohort %(name)s is saved.", name=cohort.name), "success")
            return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))
    return render_template("directorate/cohort_form.html", form=form, cohort=cohort)


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    members = services.members(cohort)
    return render_template(
        "directorate/cohort.html",
        cohort=cohort,
        members=members,
        standings=progress.cohort_standings(cohort, [m.user for m in members]),
        progress=figures.cohort_progress([cohort.id]).get(cohort.id, (0, 0, 0)),
        add_form=AddMemberForm(),
        import_form=ImportMembersForm(),
        confirm=ConfirmForm(),
    )


@bp.post("/cohorts/<int:cohort_id>/members")
@login_required
def add_member(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = AddMemberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = services.officer_by_email(cohort, form.email.data)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))
    if user is None:
        # The same words whether the address has no account or is someone else's: nothing learned.
        flash(
            _(
                "%(email)s is not the address of an officer of %(administration)s. To invite a new officer, add them "
                "from a CSV file with their full name.",
                email=form.email.data.strip(),
                administration=cohort.administration.name,
            ),
            "error",
        )
    else:
        added = services.add_member(current_user, cohort, user)
        db.session.commit()
        waiting = services.courses_waiting(cohort, user) if added else []
        if not added:
            flash(_("Already a member."), "success")
        elif waiting:
            # Said at once, not only in the cohort's list below: the coordinator may think the officer is enrolled.
            flash(
                ngettext(
                    "%(name)s added, but not enrolled in %(courses)s until they complete its prerequisites.",
                    "%(name)s added, but not enrolled in %(num)d courses until they complete their prerequisites: "
                    "%(courses)s.",
                    len(waiting),
                    name=user.full_name,
                    courses=", ".join(course.title for course in waiting),
                ),
                "success",
            )
        else:
            flash(_("%(name)s added.", name=user.full_name), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
@login_required
def remove_member(cohort_id: int, user_id: int):
    cohort = _cohort_or_404(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = services.member(cohort, user_id)
    if user is None:
        abort(404)  # the same for every id that is not a member: no name, nothing audited
    services.remove_member(current_user, cohort, user)
    db.session.commit()
    flash(
        _("%(name)s removed from the cohort; their enrolments and progress are kept.", name=user.full_name), "success"
    )
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/import")
@login_required
def import_members(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = ImportMembersForm()
    if not form.validate_on_submit():
        abort(400)
    data = form.file.data.read()
    # A large file is checked whole now (all or nothing, every line's problem shown) and written by a job.
    large = data.count(b"\n") > current_app.config["IMPORT_JOB_LINES"]
    result = services.import_members(current_user, cohort, data, check_only=large)
    if result.problems:
        db.session.rollback()
        return render_template(
            "directorate/cohort.html",
            cohort=cohort,
            members=(members := services.members(cohort)),
            standings=progress.cohort_standings(cohort, [m.user for m in members]),
            progress=figures.cohort_progress([cohort.id]).get(cohort.id, (0, 0, 0)),
            add_form=AddMemberForm(),
            import_form=form,
            confirm=ConfirmForm(),
            problems=result.problems,
        ), 400
    if large:
        db.session.rollback()
        downloads.prepare(
            current_user.id,
            "",
            "",
            _("%(n)d officers into the cohort %(name)s", n=result.planned, name=cohort.name),
            "app.directorate.services.import_members_kept_file",
            {"cohort_id": cohort.id, "sha256": downloads.keep_import(data), "actor_id": current_user.id},
        )
        flash(_("The file is correct and large: its %(n)d officers are being added.", n=result.planned), "info")
        return redirect(url_for("downloads.index"))
    for user in result.created:
        send_invitation(user)  # queued with the accounts: sent once they are committed
    db.session.commit()
    flash(services.members_added_message(result.added, len(result.created)), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))


@bp.get("/coordinator")
@login_required
def coordinator():
    administration_id = request.args.get("administration", type=bounded_int) or current_user.administration_id
    administration = db.session.get(Administration, administration_id)
    if administration is None:
        abort(404)
    policy.authorize("administration.dashboard", administration)
    filters, problem = filters_from_request()
    filters = dataclasses.replace(filters, administration_id=administration.id, region=None)
    today = date.today()
    officers = [] if filters.inverted else figures.officers_of(administration.id, filters, today)
    course_rows = [] if filters.inverted else figures.courses_of(administration.id, filters, today)
    tables = reports.coordinator_tables(officers, course_rows)
    fmt = request.args.get("format")
    if fmt:
        if filters.inverted:
            abort(400, problem)
        return exports.download(tables, request.args.get("table"), fmt, f"coordinator-{administration.code}")
    behind = None
    course_id = request.args.get("course", type=bounded_int)
    figure = request.args.get("figure", "enrolled")
    course = db.session.get(Course, course_id) if course_id else None
    if course is not None and figure in definitions.LEARNING and not filters.inverted:
        behind = (course, figure, figures.officers_behind(administration.id, course.id, figure, filters, today))
    cohorts = list(
        db.session.scalars(
            sa.select(Cohort).where(Cohort.administration_id == administration.id).order_by(Cohort.start_date.desc())
        )
    )
    return render_template(
        "directorate/coordinator.html",
        administration=administration,
        officers=officers,
        course_rows=course_rows,
        cohorts=cohorts,
        progress=figures.cohort_progress([c.id for c in cohorts]),
        behind=behind,
        filters=filters,
        problem=problem,
        definitions=definitions.FIGURES,
        tracks=db.session.scalars(sa.select(Track).order_by(Track.position)).all(),
        today=today,
    )
