"""The running site, for admins: the background jobs and the outbox (/admin/jobs)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.admin.routes import bp

    app.register_blueprint(bp)
