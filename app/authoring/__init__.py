"""Course authoring in the browser: drafts, publishing, version history, export and import."""

from flask import Flask


def init_app(app: Flask) -> None:
    # models: the tables, for migrations; the *_routes modules add their routes to bp.
    from app.authoring import drafts, models, outline_routes, question_routes, transfer_routes  # noqa: F401
    from app.authoring.cli import export_command
    from app.authoring.routes import bp
    from app.content.cli import content_cli

    app.register_blueprint(bp)
    app.add_template_global(drafts.may_edit_course, "may_edit_course")
    content_cli.add_command(export_command)
