"""Turning dashboard tables into downloads: CSV, XLSX, and the project report as PDF."""

from __future__ import annotations

from flask import Response, abort, render_template

from app.certificates.rendering import confined_url_fetcher
from app.reports.tables import Table, to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(tables: list[Table], key: str | None, fmt: str, name: str) -> Response:
    """One table as CSV, or the chosen (or all) tables as an XLSX workbook."""
    chosen = [t for t in tables if key in (None, "", "all", t.key)]
    if not chosen:
        abort(404)
    if fmt == "csv":
        table = chosen[0]
        return Response(
            to_csv(table),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}-{table.key}.csv"},
        )
    if fmt == "xlsx":
        suffix = "" if len(chosen) > 1 else f"-{chosen[0].key}"
        return Response(
            to_xlsx(chosen), mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}{suffix}.xlsx"}
        )
    abort(404)


def project_pdf(**context) -> bytes:
    """The project report for partners, rendered by WeasyPrint; it loads nothing from anywhere."""
    from weasyprint import HTML

    html = render_template("directorate/report_pdf.html", **context)
    return HTML(string=html, url_fetcher=confined_url_fetcher()).write_pdf()
