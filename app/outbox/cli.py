"""`flask outbox deliver`: deliver what is due now (for a scheduler without a worker, and for tests)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="The outbox of mail and learning records.")


@outbox_cli.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Items claimed at a time.")
def deliver_command(limit: int) -> None:
    """Deliver every item that is due (pending, or retries whose time has come)."""
    from app.outbox.services import counts, deliver_due

    delivered = 0
    while True:
        done = deliver_due(limit=limit)
        delivered += done
        if done < limit:
            break
    click.echo(f"Delivered {delivered} item(s).")
    for kind, by_status in counts().items():
        click.echo(f"  {kind}: " + ", ".join(f"{status} {number}" for status, number in by_status.items()))
