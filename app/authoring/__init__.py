"""Course authoring in the browser: drafts, publishing, version history, export and import."""

from flask import Flask


def init_app(app: Flask) -> None:
    # models: the tables, for migrations; the *_routes modules add their routes to bp.
    from app.authoring import drafts, models, outline_routes, question_routes, transfer_routes  # noqa: F401
    from app.authoring.cli import export_command
    from app.authoring.routes import bp
    from app.common import events
    from app.content.cli import content_cli

    app.register_blueprint(bp)
    # Pages below the editor ask whether the visitor may edit a course (the course page, reports).
    events.course_editable.connect(drafts.course_editable)
    content_cli.add_command(export_command)
