"""`flask --app wsgi downloads purge`: remove the prepared files older than PREPARED_DOWNLOADS_DAYS, and the import
files whose jobs ran longer ago than that (for cron or a systemd timer where no worker runs; the workers also do it
on their periodic sweep)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

downloads_cli = AppGroup("downloads", help="The files prepared by background jobs (/downloads).")


@downloads_cli.command("purge")
def purge_command() -> None:
    """Remove from the Store the prepared files kept longer than PREPARED_DOWNLOADS_DAYS (marked expired) and the
    import files whose jobs ran longer ago than that."""
    from app.downloads import services

    purged = services.purge_expired()
    click.echo(f"{purged} prepared file(s) older than {services.kept_days()} days removed.")
    imports = services.purge_import_files()
    click.echo(f"{imports} import file(s) whose jobs ran more than {services.kept_days()} days ago removed.")
