"""`flask --app wsgi content export SLUG PATH`: the editor's export, from the command line.

It joins the `content` group (app/content/cli.py) from here, because exporting is the editor's
(authoring builds on content, not the other way round).
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.authoring.transfer import ExportError, export_files, write_folder, zip_bytes
from app.courses.api import Course
from app.extensions import db


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.argument("path", type=click.Path(path_type=Path))
def export_command(slug: str, path: Path) -> None:
    """Write course SLUG as last published (with the courses it requires) as a content folder at PATH.

    A PATH ending in .zip gets a ZIP, the same as the editor's download.
    """
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"no course {slug!r}")
    try:
        files = export_files(course)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    if path.suffix == ".zip":
        path.write_bytes(zip_bytes(files))
    elif path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path} is not empty: export into a new or empty folder")
    else:
        write_folder(files, path)
    click.echo(f"Exported {slug} ({len(files)} files) to {path}.")
