"""`flask --app wsgi reports …` and `flask --app wsgi projects list`, for schedulers and administrators."""

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

reports_cli = AppGroup("reports", help="Write dashboard reports to files (for monthly reports by a scheduler).")
projects_cli = AppGroup("projects", help="Assistance projects.")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    click.echo(f"Wrote {path} ({len(data)} bytes).")


@reports_cli.command("project")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "csv"]), default="pdf", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def project_report_command(code: str, fmt: str, output: Path) -> None:
    """A project's report: PDF for partners, XLSX with every table, or CSV of its targets."""
    from flask import current_app

    from app.directorate import exports, services
    from app.directorate.routes import _project_context
    from app.reports.tables import to_csv, to_xlsx

    project = services.project_by_code(code)
    if project is None:
        click.echo(f"No project has the code {code}. See: flask --app wsgi projects list", err=True)
        raise SystemExit(1)
    with current_app.test_request_context():
        context = _project_context(project)
        data = {
            "pdf": lambda: exports.project_pdf(**context),
            "xlsx": lambda: to_xlsx(context["tables"]),
            "csv": lambda: to_csv(context["tables"][0]),
        }[fmt]()
    _write(output, data)


@reports_cli.command("overview")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def overview_report_command(fmt: str, output: Path) -> None:
    """The directorate overview: every table as XLSX, or the projects table as CSV."""
    from app.directorate import figures, reports
    from app.reports.tables import to_csv, to_xlsx

    tables = reports.overview_tables(figures.Filters(), date.today())
    _write(output, to_xlsx(tables) if fmt == "xlsx" else to_csv(tables[0]))


@projects_cli.command("list")
def list_projects_command() -> None:
    """Each project's code and title, one per line."""
    from app.directorate.services import projects

    for project in projects():
        click.echo(f"{project.code}\t{project.title}")
