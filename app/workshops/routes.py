"""Workshop pages: programme, registration, calendar, attendance checklist, materials and outputs."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import policy
from app.auth.api import Administration, Role, User
from app.auth.forms import ConfirmForm
from app.auth.services import find_user
from app.common import storage
from app.core.security import bounded_int
from app.courses import services as courses
from app.courses.api import Course
from app.extensions import db
from app.workshops import services
from app.workshops.forms import (
    AttendanceUploadForm,
    MaterialForm,
    OutputForm,
    RegisterOfficerForm,
    SessionForm,
    WorkshopForm,
)
from app.workshops.models import Material, Workshop

bp = Blueprint("workshops", __name__, template_folder="templates")


def _workshop_or_404(workshop_id: int, action: str = "workshop.view") -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        abort(404)
    policy.authorize(action, workshop)
    return workshop


@bp.get("/workshops")
@login_required
def workshops():
    today = date.today()
    visible = services.visible_workshops(current_user)
    return render_template(
        "workshops/list.html",
        upcoming=[w for w in visible if w.end_date >= today],
        past=[w for w in visible if w.end_date < today],
    )


def _choices(form: WorkshopForm) -> None:
    form.administrations.choices = [
        SelectChoice(a.id, f"{a.name} ({a.code})")
        for a in db.session.scalars(sa.select(Administration).order_by(Administration.name))
    ]
    form.project.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(p.id, f"{p.code} — {p.title}") for p in services.projects()
    ]
    form.required_course.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(c.id, c.title) for c in courses.live_courses_by_title()
    ]
    form.facilitators.choices = [
        SelectChoice(u.id, f"{u.full_name} ({u.email})")
        for u in db.session.scalars(
            sa.select(User).where(User.role.in_((Role.TRAINER, Role.DIRECTORATE, Role.ADMIN))).order_by(User.full_name)
        )
    ]


@bp.route("/workshops/new", methods=["GET", "POST"], defaults={"workshop_id": None})
@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workshop_id: int | None):
    workshop = _workshop_or_404(workshop_id, "workshop.organise") if workshop_id else None
    if workshop is None:
        policy.authorize("workshop.organise")
    form = WorkshopForm(obj=workshop)
    _choices(form)
    if request.method == "GET" and workshop:
        form.administrations.data = [a.id for a in workshop.administrations]
        form.project.data, form.required_course.data = workshop.project_id or 0, workshop.required_course_id or 0
        form.facilitators.data = [f.user_id for f in workshop.facilitators if f.user_id]
        form.academics.data = "\n".join(f"{f.name} — {f.affiliation}" for f in workshop.facilitators if not f.user_id)
    if form.validate_on_submit():
        academics = [tuple((line.split("—", 1) + [""])[:2]) for line in (form.academics.data or "").splitlines()]
        try:
            workshop = services.save_workshop(
                current_user,
                workshop,
                kind=form.kind.data,
                title=form.title.data,
                description=form.description.data or "",
                objectives=form.objectives.data or "",
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                capacity=form.capacity.data,
                registration_opens=form.registration_opens.data,
                registration_closes=form.registration_closes.data,
                administrations=[db.session.get(Administration, i) for i in form.administrations.data],
                project=next((p for p in services.projects() if p.id == form.project.data), None),
                required_course=db.session.get(Course, form.required_course.data)
                if form.required_course.data
                else None,
                academics=academics,
                facilitator_users=[db.session.get(User, i) for i in form.facilitators.data],
            )
        except services.WorkshopError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Workshop saved. Add its sessions below."), "success")
            return redirect(url_for("workshops.workshop", workshop_id=workshop.id))
    return render_template("workshops/form.html", form=form, workshop=workshop)


@bp.get("/workshops/<int:workshop_id>")
@login_required
def workshop(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    mine = services.registration_of(workshop, current_user)
    organise = policy.can(current_user, "workshop.organise", workshop)
    return render_template(
        "workshops/workshop.html",
        workshop=workshop,
        mine=mine,
        today=date.today(),
        refusal=services.refusal(workshop, current_user, date.today()),
        registrations=services.registrations(workshop)
        if organise or policy.can(current_user, "workshop.attendance", workshop)
        else [],
        organise=organise,
        session_form=SessionForm(),
        officer_form=RegisterOfficerForm(),
        material_form=MaterialForm(),
        output_form=OutputForm(obj=None, note=workshop.output_note, url=workshop.output_url),
        confirm=ConfirmForm(),
        may_register_others=current_user.role == Role.COORDINATOR or policy.is_staff(current_user),
    )


@bp.post("/workshops/<int:workshop_id>/sessions")
@login_required
def add_session(workshop_id: int):
    workshop = _workshop_or_404(workshop_id, "workshop.organise")
    form = SessionForm()
    if form.validate_on_submit():
        try:
            services.add_session(
                workshop,
                title=form.title.data,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                mode=form.mode.data,
                place=form.place.data or "",
                link=form.link.data or None,
                counts=form.counts.data,
            )
        except services.WorkshopError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Session added."), "success")
    else:
        flash(
            _(
                "The session was not added: %(errors)s",
                errors="; ".join(
                    f"{form[name].label.text}: {', '.join(errors)}" for name, errors in form.errors.items()
                ),
            ),
            "error",
        )
    return redirect(url_for("workshops.workshop", workshop_id=workshop.id))


def _register(workshop: Workshop, officer: User):
    try:
        registration = services.register(current_user, workshop, officer)
    except services.WorkshopError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        if registration.status == services.WAITLISTED:
            flash(
                _(
                    "The workshop is full: %(name)s is on the waiting list and gets a seat if one frees up.",
                    name=officer.full_name,
                ),
                "info",
            )
        else:
            flash(_("%(name)s is registered.", name=officer.full_name), "success")
    return redirect(url_for("workshops.workshop", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/register")
@login_required
def register(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _register(workshop, current_user._get_current_object())


@bp.post("/workshops/<int:workshop_id>/register-officer")
@login_required
def register_officer(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    form = RegisterOfficerForm()
    if not form.validate_on_submit():
        abort(400)
    officer = find_user(form.email.data)
    if officer is None or not policy.can(current_user, "workshop.register_others", (workshop, officer)):
        flash(
            _("You may not register %(email)s (no such officer of your administration).", email=form.email.data),
            "error",
        )
        return redirect(url_for("workshops.workshop", workshop_id=workshop.id))
    return _register(workshop, officer)


@bp.post("/workshops/<int:workshop_id>/cancel")
@login_required
def cancel(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    officer = current_user._get_current_object()
    other = request.form.get("user_id", type=bounded_int)
    if other and other != officer.id:
        officer = db.session.get(User, other)
        if officer is None or not policy.can(current_user, "workshop.register_others", (workshop, officer)):
            abort(403)
    try:
        promoted = services.cancel(current_user, workshop, officer)
    except services.WorkshopError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _("The registration is cancelled.")
            + (" " + _("%(name)s moves up from the waiting list.", name=promoted.user.full_name) if promoted else ""),
            "success",
        )
    return redirect(url_for("workshops.workshop", workshop_id=workshop.id))


@bp.get("/workshops/<int:workshop_id>/calendar.ics")
@login_required
def calendar(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    return Response(
        services.calendar(workshop, current_app.config["PUBLIC_URL"]),
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=workshop-{workshop.id}.ics"},
    )


@bp.route("/workshops/<int:workshop_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(workshop_id: int):
    workshop = _workshop_or_404(workshop_id, "workshop.attendance")
    seated = [r for r in services.registrations(workshop) if r.status == services.REGISTERED]
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        session_ids = {s.id for s in workshop.sessions}
        chosen = request.form.get("session", type=bounded_int)
        sessions = [chosen] if chosen in session_ids else sorted(session_ids)
        marks = {(s, r.user_id): f"s{s}-u{r.user_id}" in request.form for s in sessions for r in seated}
        issued = services.record_attendance(current_user, workshop, marks)
        db.session.commit()
        flash(_("Attendance saved.") + (" " + ngettext_issued(issued) if issued else ""), "success")
        return redirect(url_for("workshops.attendance", workshop_id=workshop.id, session=chosen or ""))
    return render_template(
        "workshops/attendance.html",
        workshop=workshop,
        seated=seated,
        marks=services.attendance(workshop),
        confirm=ConfirmForm(),
        upload=AttendanceUploadForm(),
        chosen=request.args.get("session", type=bounded_int),
    )


def ngettext_issued(n: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(num)d certificate of attendance issued.", "%(num)d certificates of attendance issued.", n)


@bp.post("/workshops/<int:workshop_id>/attendance.csv")
@login_required
def attendance_csv(workshop_id: int):
    workshop = _workshop_or_404(workshop_id, "workshop.attendance")
    form = AttendanceUploadForm()
    if not form.validate_on_submit():
        abort(400)
    result = services.parse_attendance(workshop, form.file.data.read())
    if result.problems:
        seated = [r for r in services.registrations(workshop) if r.status == services.REGISTERED]
        return render_template(
            "workshops/attendance.html",
            workshop=workshop,
            seated=seated,
            marks=services.attendance(workshop),
            confirm=ConfirmForm(),
            upload=form,
            problems=result.problems,
            chosen=None,
        ), 400
    issued = services.record_attendance(current_user, workshop, result.marks)
    db.session.commit()
    flash(
        _("%(n)d attendance marks saved.", n=len(result.marks)) + (" " + ngettext_issued(issued) if issued else ""),
        "success",
    )
    return redirect(url_for("workshops.attendance", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/materials")
@login_required
def add_material(workshop_id: int):
    workshop = _workshop_or_404(workshop_id, "workshop.organise")
    form = MaterialForm()
    if form.validate_on_submit():
        try:
            services.add_material(workshop, form.title.data or "", form.file.data.filename, form.file.data.read())
        except services.WorkshopError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Material added."), "success")
    return redirect(url_for("workshops.workshop", workshop_id=workshop.id))


@bp.get("/workshop-materials/<int:material_id>/<filename>")
@login_required
def material(material_id: int, filename: str):
    item = db.session.get(Material, material_id)
    if item is None or item.filename != filename:
        abort(404)
    _workshop_or_404(item.workshop_id)
    return storage.download("workshops", item.sha256, item.filename)


@bp.post("/workshops/<int:workshop_id>/output")
@login_required
def output(workshop_id: int):
    workshop = _workshop_or_404(workshop_id, "workshop.organise")
    form = OutputForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.set_output(
                workshop,
                form.note.data or "",
                form.url.data or None,
                upload.filename if upload else None,
                upload.read() if upload else None,
            )
        except services.WorkshopError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Outputs saved."), "success")
    return redirect(url_for("workshops.workshop", workshop_id=workshop.id))


@bp.get("/workshops/<int:workshop_id>/output/<filename>")
@login_required
def output_file(workshop_id: int, filename: str):
    workshop = _workshop_or_404(workshop_id)
    if not workshop.output_sha256 or workshop.output_filename != filename:
        abort(404)
    return storage.download("workshops", workshop.output_sha256, workshop.output_filename)
