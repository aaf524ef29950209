"""/admin/jobs: what waits to leave the platform, what failed and why; retry one or all."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app import jobs, policy
from app.auth.forms import ConfirmForm
from app.extensions import db
from app.outbox import services as outbox

bp = Blueprint("admin", __name__, template_folder="templates")


class RetryForm(FlaskForm):
    """Retry one failed item."""

    item = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


@bp.before_request
def _admins_only() -> None:
    policy.authorize("jobs.manage")


@bp.get("/admin/jobs")
def jobs_page():
    queue, queue_error = None, None
    if jobs.backend() == "rq":
        try:
            queue = jobs.rq_counts()
        except Exception as error:  # Redis down: the page still shows the outbox
            current_app.logger.warning("RQ queue unreadable: %s", error)
            queue_error = _("The job queue in Redis cannot be read: %(error)s", error=type(error).__name__)
    return render_template(
        "admin/jobs.html",
        counts=outbox.counts(),
        failed=outbox.failed_items(),
        backend=jobs.backend(),
        queue=queue,
        queue_error=queue_error,
        confirm=ConfirmForm(),
    )


@bp.post("/admin/jobs/retry")
def retry():
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    if outbox.retry([form.item.data]):
        flash(_("Item %(id)d will be delivered again.", id=form.item.data), "success")
    else:
        flash(_("Item %(id)d has not failed: there is nothing to retry.", id=form.item.data), "info")
    db.session.commit()
    return redirect(url_for("admin.jobs_page"))


@bp.post("/admin/jobs/retry-all")
def retry_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = outbox.retry()
    db.session.commit()
    flash(ngettext("%(num)d item will be delivered again.", "%(num)d items will be delivered again.", count), "success")
    return redirect(url_for("admin.jobs_page"))
