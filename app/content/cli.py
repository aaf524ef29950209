"""`flask --app wsgi content check|sync [PATH]` (the editor adds `content export`: app/authoring/cli.py)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

content_cli = AppGroup("content", help="Check and import the curriculum in content/.")


def _root(path: Path | None) -> Path:
    return path or Path(current_app.config["CONTENT_DIR"])


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_command(path: Path | None) -> None:
    """Report every problem in the content folder as file:line: message (exit 1 if any)."""
    from app.content.check import check

    tree = check(_root(path))
    for warning in tree.warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}", err=True)
    for problem in tree.problems:
        click.echo(str(problem), err=True)
    if tree.problems:
        click.echo(f"{len(tree.problems)} problem(s).", err=True)
        raise SystemExit(1)
    click.echo(f"Content is valid: {len(tree.courses)} course(s).")


@content_cli.command("sync")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--take-back",
    is_flag=True,
    help="Also replace courses maintained in the browser with their version in the folder.",
)
def sync_command(path: Path | None, take_back: bool) -> None:
    """Check, then import the content in one transaction (a failure changes nothing)."""
    from app.content.sync import ContentError, sync

    started = time.perf_counter()
    try:
        report = sync(_root(path), take_back=take_back)
        db.session.commit()
    except ContentError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing imported.", err=True)
        raise SystemExit(1) from None
    except Exception:
        db.session.rollback()
        raise
    seconds = time.perf_counter() - started
    for slug in report.kept:
        click.echo(
            f"  kept course {slug}: it is maintained in the browser (--take-back replaces it with the folder's version)"
        )
    if report.nothing_changed:
        click.echo(f"Content unchanged; nothing written ({seconds:.2f} s).")
        return
    for line in report.changed:
        click.echo(f"  imported {line}")
    for line in report.retired:
        click.echo(f"  retired {line}")
    click.echo(f"Content synchronised in {seconds:.2f} s.")
