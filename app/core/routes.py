"""The home page, the health and readiness checks and the error pages."""

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.common import events, kept
from app.extensions import db

bp = Blueprint("core", __name__, template_folder="templates")


@bp.get("/")
def home():
    # A project's lead who cannot open the directorate (a trainer) finds their projects here: one question, asked
    # only of them.
    led = []
    if policy.can(current_user, "project.lead") and not policy.can(current_user, "directorate.view"):
        led = events.projects_led_by(current_user.id)
    return render_template("core/home.html", led_projects=led)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    if "verbose" in request.args and policy.can(current_user, "health.verbose"):
        # What this worker keeps and how it fares (app/common/kept.py): for an admin only.
        return jsonify(status="ok", database="ok", kept=kept.stats())
    return jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz():
    """Whether this host may take traffic: the database, its migrations, Redis and the store (see readiness.py)."""
    from app.core import readiness

    ready, components = readiness.report()
    response = jsonify(status="ok" if ready else "error", checks=components)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503


def _error_page(code: int, title: str, message: str):
    return render_template("core/error.html", code=code, title=title, message=message), code


def _too_large(_error):
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 2**20
    return _error_page(
        413,
        _("File too large"),
        _(
            "The file is larger than this site accepts (%(limit)s MB for a whole form). Nothing was saved.",
            limit=f"{limit:g}",
        ),
    )


def register_error_pages(app) -> None:
    app.register_error_handler(400, lambda e: _error_page(400, _("Bad request"), e.description))
    app.register_error_handler(
        403, lambda e: _error_page(403, _("Not allowed"), _("Your account may not open this page."))
    )
    app.register_error_handler(404, lambda e: _error_page(404, _("Not found"), _("There is no such page.")))
    app.register_error_handler(413, _too_large)
    app.register_error_handler(
        429, lambda e: _error_page(429, _("Too many attempts"), _("Wait a minute, then try again."))
    )

    def server_error(_error):
        db.session.rollback()  # a failed statement leaves the transaction unusable (PostgreSQL)
        return _error_page(500, _("Something went wrong"), _("The error is logged. Nothing was saved."))

    app.register_error_handler(500, server_error)
