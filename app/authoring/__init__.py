"""Course authoring in the browser: drafts, publishing, version history, export and import."""

from flask import Flask


def init_app(app: Flask) -> None:
    # models: the tables, for migrations; the *_routes modules add their routes to bp.
    from app.authoring import models, outline_routes, question_routes, transfer_routes  # noqa: F401
    from app.authoring.routes import bp

    app.register_blueprint(bp)
