"""Prepared downloads: files too long to build during a request (a long period's export, a cohort's
certificates), built by a background job into the Store and offered on /downloads when ready.

    from app import downloads
    download_id = downloads.prepare(user, "overview.xlsx", XLSX, "app.directorate.exports.build", {...})

The builder (a dotted path, as jobs take) gets the params and returns the file's bytes; the job
keeps them in the Store under "prepared/<id>/<file name>" and marks the download ready, or failed
with the reason. A ready file is removed from the Store PREPARED_DOWNLOADS_DAYS after it was built
(`purge_expired`: `flask --app wsgi downloads purge`, and the workers' periodic sweep). Only the person who
asked (and admins) may fetch it (policy "downloads.fetch"). A large import's file waits for its job in the
Store too (`keep_import`, `open_import`), and goes the same number of days after its job ran.
"""

from __future__ import annotations

from flask import Flask

from app.downloads.services import Refused, keep_import, open_import, prepare

__all__ = ["Refused", "init_app", "keep_import", "open_import", "prepare"]


def init_app(app: Flask) -> None:
    from app.downloads.cli import downloads_cli
    from app.downloads.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(downloads_cli)
