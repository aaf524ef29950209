"""Certificates: issued on completion, rendered once to PDF (at the first download), verifiable by anyone."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.certificates import services
    from app.certificates.cli import certificates_cli
    from app.certificates.routes import bp
    from app.common import events

    events.course_completed.connect(services.issue_for_completion)
    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
