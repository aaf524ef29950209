"""My certificates, downloads, public verification, credentials, and the directorate's actions."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.auth.services import find_user
from app.certificates import codes, services
from app.certificates.forms import ManualIssueForm, ReissueForm, RevokeForm, VerifyForm
from app.common import storage
from app.courses import services as courses
from app.extensions import db, limiter

bp = Blueprint("certificates", __name__, template_folder="templates")

VERIFY_LIMIT = "30 per minute; 300 per hour"


@bp.get("/certificates")
@login_required
def mine():
    certificates = services.certificates_of(current_user)
    return render_template(
        "certificates/mine.html",
        certificates=certificates,
        words={c.id: services.words_for_reader(c) for c in certificates},
        verification_url=services.verification_url,
    )


def _certificate_or_404(code: str):
    certificate = services.find(code)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/certificates/<code>.pdf")
@login_required
def pdf(code: str):
    certificate = _certificate_or_404(code)
    policy.authorize("certificate.view", certificate)
    key = services.ensure_pdf(certificate)
    return storage.current_store().send(
        key, mimetype="application/pdf", as_attachment=True, filename=f"certificate-{certificate.code}.pdf", max_age=0
    )


@bp.get("/verify")
@limiter.limit(VERIFY_LIMIT)
def verify_form():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        # The page's address names the code as printed, whatever was typed: it is what people copy and share.
        typed = form.code.data.strip()
        return redirect(url_for("certificates.verify", code=codes.normalise(typed) or typed))
    return render_template("certificates/verify_form.html", form=form)


@bp.get("/verify/<code>")
@limiter.limit(VERIFY_LIMIT)
def verify(code: str):
    certificate = services.find(code)
    if certificate is None:
        # The same page for a malformed and an unknown code: it tells nothing about others.
        return render_template("certificates/verify.html", certificate=None, code=code[:60]), 404
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        # Open Badges verifiers ask the credential's status address for its revocation list.
        return jsonify(services.revocation_status(certificate))
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        titles=services.titles(certificate),
        words=services.words_for_reader(certificate),
    )


@bp.get("/verify/<code>/credential.json")
@limiter.limit(VERIFY_LIMIT)
def credential_json(code: str):
    certificate = _certificate_or_404(code)
    return jsonify(services.credential(certificate))


@bp.get("/verify/<code>/credential.jwt")
@limiter.limit(VERIFY_LIMIT)
def credential_jwt(code: str):
    certificate = _certificate_or_404(code)
    return Response(services.signed_credential(certificate), mimetype="application/jwt")


@bp.get("/.well-known/jwks.json")
def jwks():
    return jsonify(services.public_keys())


@bp.get("/credentials/keys/<thumbprint>")
def signing_key(thumbprint: str):
    """What a credential's ``kid`` dereferences to: the public JWK of the key that signed it."""
    found = services.public_key(thumbprint)
    if found is None:
        abort(404)
    return jsonify(found)


@bp.get("/issuer")
def issuer():
    return jsonify(services.issuer_profile())


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@login_required
def revoke(code: str):
    certificate = _certificate_or_404(code)
    policy.authorize("certificate.revoke", certificate)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(certificate, reason=form.reason.data, revoked_by=current_user)
        except services.CertificateError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Certificate %(code)s is revoked.", code=certificate.code), "success")
            return redirect(url_for("certificates.verify", code=certificate.code))
    return render_template("certificates/revoke.html", certificate=certificate, form=form)


@bp.route("/certificates/<code>/reissue", methods=["GET", "POST"])
@login_required
def reissue(code: str):
    certificate = _certificate_or_404(code)
    policy.authorize("certificate.revoke", certificate)
    form = ReissueForm(recipient_name=certificate.user.full_name)
    if form.validate_on_submit():
        try:
            replacement = services.reissue(
                certificate, reissued_by=current_user, recipient_name=form.recipient_name.data
            )
        except services.CertificateError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                _("Reissued as %(code)s; the previous certificate is kept as replaced.", code=replacement.code),
                "success",
            )
            return redirect(url_for("certificates.verify", code=replacement.code))
    return render_template("certificates/reissue.html", certificate=certificate, form=form)


@bp.route("/certificates/issue", methods=["GET", "POST"])
@login_required
def issue():
    policy.authorize("certificate.issue")
    form = ManualIssueForm()
    if form.validate_on_submit():
        learner = find_user(form.email.data)
        if learner is None:
            form.email.errors.append(_("No account has this email address."))
        else:
            try:
                certificate = services.issue_manual(
                    learner,
                    title=form.title.data,
                    reason=form.reason.data,
                    issued_by=current_user,
                    hours=float(form.hours.data) if form.hours.data is not None else None,
                )
            except services.CertificateError as error:
                db.session.rollback()
                form.title.errors.append(str(error))
            else:
                db.session.commit()
                flash(
                    _("Certificate %(code)s issued to %(name)s.", code=certificate.code, name=learner.full_name),
                    "success",
                )
                return redirect(url_for("certificates.verify", code=certificate.code))
    return render_template("certificates/issue.html", form=form)


@bp.get("/courses/<slug>/certificates.zip")
@login_required
def course_zip(slug: str):
    policy.authorize("certificate.issue")
    course = courses.course_by_slug(slug)
    if course is None:
        abort(404)
    return services.zip_download(services.certificates_for_course(course), slug)
