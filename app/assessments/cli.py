"""`flask --app wsgi assessments close-expired`: for a periodic job (cron, systemd timer)."""

import click
from flask.cli import AppGroup

from app.extensions import db

assessments_cli = AppGroup("assessments", help="Assessment maintenance.")


@assessments_cli.command("close-expired")
def close_expired_command() -> None:
    """Close and grade every open attempt whose time limit has passed."""
    from app.assessments.services import close_expired_attempts

    closed = close_expired_attempts()
    db.session.commit()
    click.echo(f"{closed} attempt(s) closed and graded.")
