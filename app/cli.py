"""Command-line commands: `flask --app wsgi users import`, `flask --app wsgi demo`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; import nothing.")
def import_users_command(file: Path, dry_run: bool) -> None:
    """Create accounts from a CSV file (email, full_name, administration, role): all or none."""
    from app.auth import services
    from app.people import importing

    result = importing.import_users(file.read_bytes(), dry_run=dry_run)
    if not result.ok:
        db.session.rollback()
        for problem in result.problems:
            click.echo(f"{file}:{problem.line}: {problem.message}", err=True)
        click.echo(f"{len(result.problems)} problem(s); nothing imported.", err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(f"{len(result.rows)} account(s) would be created (dry run; nothing imported).")
        return
    db.session.commit()
    for user in result.created:
        services.send_invitation(user)
    click.echo(f"{len(result.created)} account(s) created; invitations sent.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo administrations and one user of each role (idempotent; refused in production)."""
    from app import demo

    if current_app.config["ACADEMY_ENV"] == "production":
        click.echo("Refused: demo data is never loaded in production (ACADEMY_ENV=production).", err=True)
        raise SystemExit(1)
    demo.load()
    db.session.commit()
    click.echo(f"Demo data loaded. Logins (password for all: {demo.PASSWORD}):")
    for email, role, code in demo.USERS_SUMMARY:
        click.echo(f"  {role:<12} {email:<32} ({code})")


def init_app(app: Flask) -> None:
    from app.backup import backup_command, restore_command
    from app.content.cli import content_cli

    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
