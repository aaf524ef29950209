"""Turning dashboard tables into downloads: CSV, XLSX, and the project report as PDF."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, render_template

from app.auth.api import Region
from app.certificates import services as certificates
from app.certificates.rendering import confined_url_fetcher
from app.directorate import figures, reports, services
from app.directorate.models import Cohort
from app.extensions import db
from app.reports.tables import Table, to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chosen_file(tables: list[Table], key: str | None, fmt: str, name: str) -> tuple[str, str, bytes] | None:
    """(file name, type, bytes) of one table as CSV or the chosen (or all) tables as XLSX; None if there is none."""
    chosen = [t for t in tables if key in (None, "", "all", t.key)]
    if not chosen or fmt not in ("csv", "xlsx"):
        return None
    if fmt == "csv":
        return f"{name}-{chosen[0].key}.csv", "text/csv", to_csv(chosen[0])
    suffix = "" if len(chosen) > 1 else f"-{chosen[0].key}"
    return f"{name}{suffix}.xlsx", XLSX, to_xlsx(chosen)


def is_long(start: date | None, end: date | None, today: date) -> bool:
    """Is this period long enough for its export to be built by a background job (EXPORT_JOB_DAYS)?

    A period with no start is the whole record; it is exported at once, as it always was."""
    if start is None:
        return False
    last = end if end is not None and end < date.max else today
    return (last - start).days + 1 > current_app.config["EXPORT_JOB_DAYS"]


def download(tables: list[Table], key: str | None, fmt: str, name: str) -> Response:
    """One table as CSV, or the chosen (or all) tables as an XLSX workbook."""
    found = chosen_file(tables, key, fmt, name)
    if found is None:
        abort(404)
    filename, mimetype, data = found
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


def overview_file(
    start: str | None,
    end: str | None,
    region: str | None,
    administration_id: int | None,
    track_id: int | None,
    table: str | None,
    fmt: str,
    today: str,
) -> bytes:
    """The job that builds a long period's overview export (plain values in, the file's bytes out)."""
    filters = figures.Filters(
        start=date.fromisoformat(start) if start else None,
        end=date.fromisoformat(end) if end else None,
        region=Region(region) if region else None,
        administration_id=administration_id,
        track_id=track_id,
    )
    found = chosen_file(reports.overview(filters, date.fromisoformat(today)).tables, table, fmt, "overview")
    if found is None:
        raise ValueError(f"No table {table!r} to export as {fmt!r}")
    return found[2]


def project_pdf(**context) -> bytes:
    """The project report for partners, rendered by WeasyPrint; it loads nothing from anywhere."""
    from weasyprint import HTML

    html = render_template("directorate/report_pdf.html", **context)
    return HTML(string=html, url_fetcher=confined_url_fetcher()).write_pdf()


def cohort_certificates_file(cohort_id: int) -> bytes:
    """The job that builds a large cohort's certificates ZIP (every valid certificate of its members and courses)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise ValueError(f"Cohort {cohort_id} no longer exists")
    return certificates.zip_bytes(
        certificates.valid_certificates_of(services.member_ids(cohort), services.course_ids(cohort))
    )
