"""Certificates: issued on completion, rendered once to PDF (at the first download), verifiable by anyone."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.certificates import services
    from app.certificates.cli import certificates_cli, credentials_cli
    from app.certificates.routes import bp
    from app.courses import services as courses

    if services.issue_for_completion not in courses.ON_COURSE_COMPLETED:
        courses.ON_COURSE_COMPLETED.append(services.issue_for_completion)
    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(credentials_cli)
