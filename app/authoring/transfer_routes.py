"""Export and import in the content format, on the course editor's blueprint.

A course exports as it was last published, as a ZIP that `flask content sync` (or the import
below) turns back into the same course; admins import such a ZIP in the browser. What an
import refuses and why is in transfer.py.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.authoring import uploads
from app.authoring.drafts import DraftError
from app.authoring.forms import ImportForm
from app.authoring.routes import bp, published_or_404
from app.authoring.transfer import ExportError, export_files, import_zip, zip_bytes
from app.content.sync import ContentError
from app.extensions import db


@bp.get("/<slug>/export.zip")
@login_required
def export(slug: str):
    """The course as last published, in the content format (with what it needs to sync on its own)."""
    published = published_or_404(slug)
    try:
        data = zip_bytes(export_files(published, exporter=current_user))
    except ExportError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug}-v{published.version}.zip"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_course():
    policy.authorize("course.import")
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_zip(upload.read(), current_user, uploads.safe_name(upload.filename))
        except (ContentError, DraftError) as error:
            db.session.rollback()
            problems = error.problems if isinstance(error, ContentError) else [str(error)]
            return render_template("authoring/import.html", form=form, problems=problems), 422
        db.session.commit()
        if report.changed:
            flash(_("Imported: %(courses)s.", courses=", ".join(report.changed)), "success")
        else:
            flash(_("Nothing changed: the courses in the file are already published as they are."), "success")
        return redirect(url_for("authoring.courses"))
    return render_template("authoring/import.html", form=form, problems=None)
