"""Managing people and administrations: invitations, deactivation, CSV enrolment."""

import pycountry
import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app import downloads, policy
from app.auth import services
from app.auth.api import SECRETARIAT_CODE, Administration, Region, Role, User
from app.auth.forms import SEX_NAMES, AdministrationForm, ConfirmForm, ImportForm, InviteForm, SexForm
from app.core.security import bounded_int
from app.directorate.progress import record_of
from app.directorate.services import cohorts_of
from app.extensions import db
from app.people import importing

bp = Blueprint("people", __name__, template_folder="templates")

PAGE_SIZE = 50


def _visible_administrations() -> list[Administration]:
    query = sa.select(Administration).order_by(Administration.name)
    if not policy.is_staff(current_user):
        query = query.where(Administration.id == current_user.administration_id)
    return list(db.session.scalars(query))


@bp.get("/people")
def people():
    policy.authorize("user.list")
    administrations = _visible_administrations()
    query = sa.select(User).join(User.administration).order_by(User.full_name)
    if not policy.is_staff(current_user):
        query = query.where(User.administration_id == current_user.administration_id)
    chosen = request.args.get("administration", type=bounded_int)
    if chosen:
        query = query.where(User.administration_id == chosen)
    search = request.args.get("q", "").strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern)))
    number = min(request.args.get("page", 1, type=bounded_int) or 1, 100_000)  # an OFFSET the database can hold
    page = db.paginate(query, page=number, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "people/people.html", page=page, administrations=administrations, chosen=chosen, search=search
    )


@bp.route("/people/new", methods=["GET", "POST"])
def invite():
    policy.authorize("user.list")
    administrations = [a for a in _visible_administrations() if policy.can(current_user, "user.invite", a)]
    if not administrations:
        abort(403)
    form = InviteForm()
    form.administration.choices = [SelectChoice(a.id, f"{a.name} ({a.code})") for a in administrations]
    chosen = next((a for a in administrations if a.id == form.administration.data), administrations[0])
    form.role.choices = [SelectChoice(r.value, r.label) for r in policy.assignable_roles(current_user, chosen)]
    if form.validate_on_submit():
        try:
            user = services.create_account(
                email=form.email.data,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                administration=chosen,
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            services.send_invitation(user)
            db.session.commit()
            flash(_("Account created; an invitation is on its way to %(email)s.", email=user.email), "success")
            return redirect(url_for("people.person", user_id=user.id))
    return render_template("people/invite.html", form=form)


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.get("/people/<int:user_id>")
def person(user_id: int):
    person = _person_or_404(user_id)
    policy.authorize("user.view", person)
    return render_template(
        "people/person.html",
        person=person,
        form=ConfirmForm(),
        record=record_of(person),
        cohorts=cohorts_of(person),
        sex_form=SexForm(sex=person.sex or "") if policy.can(current_user, "user.sex", person) else None,
        sex_names=SEX_NAMES,
    )


@bp.post("/people/<int:user_id>/sex")
def person_sex(user_id: int):
    person = _person_or_404(user_id)
    policy.authorize("user.sex", person)
    form = SexForm()
    if form.validate_on_submit():
        person.sex = services.sex_of(form.sex.data)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("people.person", user_id=person.id))


def _manage(user_id: int, action, message: str):
    person = _person_or_404(user_id)
    policy.authorize("user.manage", person)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action(person)
    db.session.commit()
    flash(message % {"name": person.full_name}, "success")
    return redirect(url_for("people.person", user_id=person.id))


@bp.post("/people/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _manage(user_id, services.deactivate, _("%(name)s can no longer log in."))


@bp.post("/people/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _manage(user_id, services.reactivate, _("%(name)s can log in again."))


@bp.post("/people/<int:user_id>/invitation")
def resend_invitation(user_id: int):
    return _manage(user_id, services.send_invitation, _("A new invitation is on its way to %(name)s."))


@bp.route("/people/import", methods=["GET", "POST"])
def import_people():
    policy.authorize("user.list")
    administrations = [a for a in _visible_administrations() if policy.can(current_user, "user.invite", a)]
    if not administrations:
        abort(403)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read()
        # A large file is checked whole now (all or nothing, every line's problem shown) and written by a job.
        large = not form.dry_run.data and data.count(b"\n") > current_app.config["IMPORT_JOB_LINES"]
        result = importing.import_users(data, current_user, dry_run=form.dry_run.data or large)
        if result.ok and large:
            db.session.rollback()
            downloads.prepare(
                current_user.id,
                "",
                "",
                _(
                    "Enrolment of %(n)d officers from %(file)s",
                    n=len(result.rows),
                    file=form.file.data.filename or "CSV",
                ),
                "app.people.importing.import_kept_file",
                {"sha256": downloads.keep_import(data), "actor_id": current_user.id},
            )
            flash(_("The file is correct and large: its %(n)d accounts are being created.", n=len(result.rows)), "info")
            return redirect(url_for("downloads.index"))
        if result.ok and not form.dry_run.data:
            for user in result.created:
                services.send_invitation(user)  # queued with the accounts: sent once they are committed
            db.session.commit()
            flash(_("%(n)d accounts created; each officer gets an invitation.", n=len(result.created)), "success")
            return redirect(url_for("people.people"))
        db.session.rollback()
    return render_template("people/import.html", form=form, result=result, administrations=administrations)


@bp.get("/people/import/template.csv")
def import_template():
    policy.authorize("user.list")
    code = current_user.administration.code
    body = f"email,full_name,administration,role\nofficer@example.org,Amina Diallo,{code},learner\n"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=officers-template.csv"},
    )


# Administrations --------------------------------------------------------------------------


@bp.get("/administrations")
def administrations():
    policy.authorize("administration.list")
    counts = dict(
        db.session.execute(sa.select(User.administration_id, sa.func.count()).group_by(User.administration_id)).all()
    )
    rows = db.session.scalars(sa.select(Administration).order_by(Administration.region, Administration.name))
    return render_template("people/administrations.html", administrations=list(rows), counts=counts)


def _code_problem(code: str, current: Administration | None) -> str | None:
    if code != SECRETARIAT_CODE and pycountry.countries.get(alpha_2=code) is None:
        return _("%(code)s is not an ISO 3166 country code.", code=code)
    existing = services.find_administration(code)
    if existing is not None and existing is not current:
        return _("%(code)s is already used by %(name)s.", code=code, name=existing.name)
    return None


@bp.route("/administrations/new", methods=["GET", "POST"], defaults={"administration_id": None})
@bp.route("/administrations/<int:administration_id>/edit", methods=["GET", "POST"])
def edit_administration(administration_id: int | None):
    policy.authorize("administration.manage")
    administration = db.session.get(Administration, administration_id) if administration_id else None
    if administration_id and administration is None:
        abort(404)
    form = AdministrationForm(
        obj=administration,
        region=administration.region.value if administration and administration.region else "",
        language=(administration.language if administration else None) or "",
    )
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        problem = _code_problem(code, administration)
        if problem:
            form.code.errors.append(problem)
        elif code != SECRETARIAT_CODE and not form.region.data:
            form.region.errors.append(_("A Member's administration belongs to a WCO region."))
        else:
            administration = administration or Administration()
            administration.code = code
            administration.name = " ".join(form.name.data.split())
            administration.region = Region(form.region.data) if form.region.data else None
            administration.language = form.language.data or None
            db.session.add(administration)
            db.session.commit()
            flash(_("%(name)s is saved.", name=administration.name), "success")
            return redirect(url_for("people.administrations"))
    return render_template("people/administration_form.html", form=form, administration=administration)
