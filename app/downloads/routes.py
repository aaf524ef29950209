"""/downloads: the files a person asked to be prepared, their state, and the download when ready."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from app import policy
from app.common.storage import current_store
from app.downloads import services
from app.downloads.models import QUEUED, READY, RUNNING

bp = Blueprint("downloads", __name__, template_folder="templates")

#: The list reloads itself this often while something is being prepared (no JavaScript needed).
REFRESH_SECONDS = 5


@bp.get("/downloads")
@login_required
def index():
    found = services.of_user(current_user.id)
    waiting = any(d.status in (QUEUED, RUNNING) for d in found)
    return render_template(
        "downloads/index.html",
        downloads=found,
        waiting=waiting,
        refresh=REFRESH_SECONDS if waiting else None,
        kept_days=services.kept_days(),
    )


@bp.get("/downloads/<int:download_id>")
@login_required
def fetch(download_id: int):
    download = services.get(download_id)
    if download is None:
        abort(404)
    policy.authorize("downloads.fetch", download)
    if download.status != READY:
        abort(404)
    return current_store().send(
        download.key, mimetype=download.mimetype, filename=download.filename, as_attachment=True, private=True
    )
