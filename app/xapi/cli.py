"""`flask --app wsgi xapi backfill --since YYYY-MM-DD`: send a newly connected LRS what happened before."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.xapi import receivers
from app.xapi.backfill import past_events


@click.group("xapi", help="Learning records sent to the learning record store (LRS_URL).")
def xapi_cli() -> None:
    pass


@xapi_cli.command("backfill")
@click.option("--since", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@with_appcontext
def backfill(since: datetime) -> None:
    """Queue the statements of everything officers did since a day; `outbox deliver` sends them."""
    if not current_app.config.get("LRS_URL"):
        raise click.ClickException("LRS_URL is not set: there is no learning record store to send statements to.")
    queued = sum(len(receivers.queue(event, facts)) for event, facts in past_events(since))
    db.session.commit()
    click.echo(f"{queued} statements since {since:%Y-%m-%d} queued in the outbox (kind xapi).")
