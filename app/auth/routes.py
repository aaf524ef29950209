"""Logging in and out, and setting passwords."""

import math
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth import services, sessions, throttle
from app.auth.forms import ChangePasswordForm, ConfirmForm, ForgotPasswordForm, LoginForm, SetPasswordForm, SexForm
from app.extensions import db, limiter

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.seconds_to_wait(form.email.data)
        if wait:
            # Even the right password waits: a lock that a correct guess lifted would tell the guesser.
            minutes = math.ceil(wait / 60)
            flash(
                ngettext(
                    "Too many failed logins. Try again in %(num)d minute.",
                    "Too many failed logins. Try again in %(num)d minutes.",
                    minutes,
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.record_failure(form.email.data)
            # The same words whether the account exists, is deactivated or the password is wrong.
            flash(_("Email or password is incorrect."), "error")
        else:
            throttle.forget_failures(form.email.data)
            sessions.log_in(user, remember=form.remember.data)
            services.record_login(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if ConfirmForm().validate_on_submit():
        sessions.log_out()
        db.session.commit()
        flash(_("You are logged out."), "info")
    return redirect(url_for("core.home"))


@bp.post("/account/log-out-everywhere")
@login_required
def log_out_everywhere():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sessions.log_out_everywhere(current_user._get_current_object())
    db.session.commit()
    flash(_("You are logged out on every device, this one included."), "info")
    return redirect(url_for("core.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("If this address has an account, a link to reset the password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_page(token: str, purpose: str, template: str):
    try:
        user = services.user_for_token(token, purpose)
    except services.AccountError as error:
        return render_template("auth/link_invalid.html", message=str(error)), 400
    form = SetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        sessions.log_in(user)
        services.record_login(user)
        db.session.commit()
        flash(_("Your password is saved. Welcome, %(name)s.", name=user.full_name), "success")
        return redirect(url_for("core.home"))
    return render_template(template, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    return _set_password_page(token, services.PASSWORD_RESET, "auth/reset_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept_invitation(token: str):
    return _set_password_page(token, services.INVITATION, "auth/accept_invitation.html")


@bp.post("/account/sex")
@login_required
def account_sex():
    """The person records their sex, or takes it back: only ever counted in groups of five or more."""
    form = SexForm()
    if form.validate_on_submit():
        current_user.sex = services.sex_of(form.sex.data)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("auth.account") + "#sex-h")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
            sessions.log_in(user)  # every session ended with the old password; this one goes on in a new one
            db.session.commit()
            flash(_("Your password is changed. Your other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        form=form,
        confirm=ConfirmForm(),
        sex_form=SexForm(sex=current_user.sex or ""),
        open_sessions=sessions.open_sessions(current_user),
    )
