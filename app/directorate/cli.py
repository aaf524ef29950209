"""`flask --app wsgi reports …` and `flask --app wsgi projects list`, for schedulers and administrators."""

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from app.auth.api import Administration, Region
from app.courses.api import Track
from app.directorate import donor_report, exports, figures, periods, reports, services
from app.extensions import db
from app.reports.tables import to_csv, to_xlsx

reports_cli = AppGroup("reports", help="Write dashboard reports to files (for monthly reports by a scheduler).")
projects_cli = AppGroup("projects", help="Assistance projects.")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    click.echo(f"Wrote {path} ({len(data)} bytes).")


@reports_cli.command("project")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "csv"]), default="pdf", show_default=True)
@click.option(
    "--period",
    help="A reporting period, 2026 or 2026-H1: the donor report (logframe XLSX or progress report PDF) for it.",
)
@click.option("--language", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default: a name in the current folder).",
)
def project_report_command(code: str, fmt: str, period: str | None, language: str, output: Path | None) -> None:
    """A project's report: with --period, the donor report (PDF or XLSX logframe); without, the project report
    (PDF for partners, XLSX with every table, or CSV of its targets)."""
    project = services.project_by_code(code)
    if project is None:
        click.echo(f"No project has the code {code}. See: flask --app wsgi projects list", err=True)
        raise SystemExit(1)
    with force_locale(language):
        if period is not None:
            if fmt == "csv":
                raise click.BadParameter(
                    "the donor report is an XLSX logframe or a PDF progress report.", param_hint="--format"
                )
            try:
                chosen = periods.parse(period)
            except periods.PeriodError as error:
                raise click.BadParameter(str(error), param_hint="--period") from None
            report = donor_report.build(project, chosen, date.today())
            data = donor_report.workbook(report) if fmt == "xlsx" else donor_report.pdf(report)
            _write(output or Path(donor_report.file_name(report, fmt)), data)
            return
        context = reports.project_report(project, date.today())
        data = {
            "pdf": lambda: exports.project_pdf(**context),
            "xlsx": lambda: to_xlsx(context["tables"]),
            "csv": lambda: to_csv(context["tables"][0]),
        }[fmt]()
    _write(output or Path(f"{project.code}-report.{fmt}"), data)


@reports_cli.command("overview")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day of the period (YYYY-MM-DD).")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day of the period (YYYY-MM-DD).")
@click.option("--region", help="A WCO region, e.g. west-central-africa.")
@click.option("--administration", "administration_code", help="An administration's code, e.g. KE.")
@click.option("--track", "track_slug", help="A track's slug.")
def overview_report_command(fmt, output, start, end, region, administration_code, track_slug) -> None:
    """The directorate overview, narrowed as on the page: every table as XLSX, or the projects table as CSV."""

    def one(model, column, value, what):
        found = db.session.scalar(sa.select(model).where(column == value)) if value else None
        if value and found is None:
            raise click.BadParameter(f"No {what} is called {value}.")
        return found

    if region and region not in {r.value for r in Region}:
        raise click.BadParameter(f"{region} is not a WCO region: {', '.join(r.value for r in Region)}.")
    administration = one(Administration, Administration.code, (administration_code or "").upper(), "administration")
    track = one(Track, Track.slug, track_slug, "track")
    filters = figures.Filters(
        start=start.date() if start else None,
        end=end.date() if end else None,
        region=Region(region) if region else None,
        administration_id=administration.id if administration else None,
        track_id=track.id if track else None,
    )
    if filters.inverted:
        raise click.BadParameter("The period ends before it starts: swap --start and --end.")
    tables = reports.overview_tables(filters, date.today())
    _write(output, to_xlsx(tables) if fmt == "xlsx" else to_csv(tables[0]))


@projects_cli.command("list")
def list_projects_command() -> None:
    """Each project's code and title, one per line."""
    for project in services.projects():
        click.echo(f"{project.code}\t{project.title}")
