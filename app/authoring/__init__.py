"""Course authoring in the browser: drafts, publishing, version history, export and import."""

from flask import Flask


def init_app(app: Flask) -> None:
    # models: the tables, for migrations; question_routes: the question bank's routes, added to bp.
    from app.authoring import models, question_routes  # noqa: F401
    from app.authoring.routes import bp

    app.register_blueprint(bp)
