"""The donor report: narratives per period, the logframe XLSX and PDF, their figures against the pages, the CLI."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.directorate import periods
from app.directorate.models import PeriodReport
from app.extensions import db
from tests.helpers import YEAR1, YEAR2, post_form

TODAY = date.today()
THIS_YEAR = str(TODAY.year)


def _logframe(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    return sheet, [dict(zip(header, r, strict=True)) for r in rows[2:]]


def _page_row(page: str, ind_id: int) -> str:
    """The project page's row of an indicator, from its link to the end of the row."""
    start = page.index(f'/indicators/{ind_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_reports_figures_equal_the_project_page(client, auth, framework):
    """Do the logframe's current value, progress and light equal the project page's, for this year's period?"""
    auth.login(framework["director"].email)
    page = client.get("/projects/KE-DATA").get_data(as_text=True)
    response = client.get(f"/projects/KE-DATA/periods/{THIS_YEAR}/donor-report.xlsx")
    assert response.status_code == 200
    assert f"KE-DATA-{THIS_YEAR}-donor-report.xlsx" in response.headers["Content-Disposition"]
    sheet, rows = _logframe(response.data)
    assert sheet.title == "Logical framework"
    by_ref = {r["Ref."]: r for r in rows}
    assert set(by_ref) == {f"IND-{framework['manual']}", f"IND-{framework['platform']}"}
    manual, platform = by_ref[f"IND-{framework['manual']}"], by_ref[f"IND-{framework['platform']}"]
    assert (manual["Current value"], manual[f"Milestone {YEAR2}"], manual["Source of the value"]) == (
        31,
        40,
        "Mid-year review",
    )
    assert platform["Current value"] == 1  # the one officer enrolled after the baseline
    for ind_id, row in ((framework["manual"], manual), (framework["platform"], platform)):
        on_page = _page_row(page, ind_id)
        assert f">{row['Current value']:g}<" in on_page
        assert f">{row['Progress %']} %<" in on_page
        assert f">{row['Light']}<" in on_page
    pdf = client.get(f"/projects/KE-DATA/periods/{THIS_YEAR}/donor-report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"{manual['Progress %']} %" in text and manual["Light"] in text
    assert "Declarations selected by a model" in text and "Risk register" not in text  # the PDF says "Risks"


def test_a_past_period_is_read_on_its_last_day(client, auth, framework):
    """Is last year's logframe read as of its 31 December: the value measured then, not today's?"""
    auth.login(framework["director"].email)
    _sheet, rows = _logframe(client.get(f"/projects/KE-DATA/periods/{YEAR1}/donor-report.xlsx").data)
    manual = next(r for r in rows if r["Ref."] == f"IND-{framework['manual']}")
    assert manual["Current value"] == 18
    assert manual["Measured on"].date() == date(YEAR1, 12, 1)


def test_the_narrative_is_written_and_kept_per_period(app, client, auth, framework):
    """Does the lead's narrative for a period stay that period's, show in the PDF, and go to the audit log?"""
    auth.login(framework["director"].email)
    path = f"/projects/KE-DATA/periods/{THIS_YEAR}"
    assert 'href="' + path + '"' in client.get("/projects/KE-DATA").get_data(as_text=True)
    response = post_form(client, path, summary="A good year.", progress="Pilot ran.", challenges="", next_steps="Scale")
    assert response.status_code == 302
    post_form(
        client,
        f"/projects/KE-DATA/periods/{YEAR1}",
        summary="The first year.",
        progress="",
        challenges="",
        next_steps="",
    )
    post_form(client, path, summary="A very good year.", progress="Pilot ran.", challenges="", next_steps="Scale")
    with app.app_context():
        kept = dict(db.session.execute(sa.select(PeriodReport.period, PeriodReport.summary)).all())
        assert kept == {THIS_YEAR: "A very good year.", f"{YEAR1}": "The first year."}
        changes = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity == "narrative").order_by(AuditEntry.id)
        ).all()
        assert [c.action for c in changes] == ["create", "create", "update"]
    pdf = client.get(f"{path}/donor-report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "A very good year." in text and "The first year." not in text
    _sheet, rows = _logframe(client.get(f"{path}/donor-report.xlsx").data)
    book = load_workbook(io.BytesIO(client.get(f"{path}/donor-report.xlsx").data))
    assert book.sheetnames == ["Logical framework", "Risk register", "Project milestones", "Narrative"]
    assert ("Summary", "A very good year.") in list(book["Narrative"].iter_rows(values_only=True))


def test_an_empty_narrative_and_a_bad_period_are_refused(app, client, auth, framework):
    """Is an empty narrative refused with a message and nothing saved, and a period that is not one a 404?"""
    auth.login(framework["director"].email)
    page = post_form(
        client, f"/projects/KE-DATA/periods/{THIS_YEAR}", summary=" ", progress="", challenges="", next_steps=""
    )
    assert "Write at least one section of the narrative." in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PeriodReport)) == 0
    assert client.get(f"/projects/KE-DATA/periods/{YEAR2}-Q3").status_code == 404
    assert client.get(f"/projects/KE-DATA/periods/{YEAR2}/donor-report.docx").status_code == 404


def test_a_coordinator_may_not_read_or_write_a_donor_report(client, auth, framework, make_user):
    """Is a national coordinator refused the period page, its files and the import?"""
    coordinator = make_user(Role.COORDINATOR, framework["kenya"], email="c@kra.go.ke")
    auth.login(coordinator.email)
    for path in (
        f"/projects/KE-DATA/periods/{THIS_YEAR}",
        f"/projects/KE-DATA/periods/{YEAR1}/donor-report.xlsx",
        "/projects/KE-DATA/values/import",
    ):
        assert client.get(path).status_code == 403


def test_a_french_director_gets_french_headers(app, client, auth, framework):
    """Does a director who works in French get the logframe with French headers and sheet names?"""
    with app.app_context():
        db.session.get(User, framework["director"].id).locale = "fr"
        db.session.commit()
    auth.login(framework["director"].email)
    book = load_workbook(io.BytesIO(client.get(f"/projects/KE-DATA/periods/{THIS_YEAR}/donor-report.xlsx").data))
    assert book.sheetnames[0] == "Cadre logique"
    header = next(book.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
    assert "Valeur actuelle" in header and "Indicateur" in header


def test_the_cli_writes_the_donor_report(app, framework, tmp_path):
    """Does `flask reports project CODE --period YEAR --format xlsx` write the logframe, and refuse a bad period?"""
    runner = app.test_cli_runner()
    out = tmp_path / "logframe.xlsx"
    result = runner.invoke(
        args=["reports", "project", "KE-DATA", "--period", THIS_YEAR, "--format", "xlsx", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    _sheet, rows = _logframe(out.read_bytes())
    assert {r["Ref."] for r in rows} == {f"IND-{framework['manual']}", f"IND-{framework['platform']}"}
    pdf = tmp_path / "report.pdf"
    result = runner.invoke(
        args=[
            "reports",
            "project",
            "KE-DATA",
            "--period",
            f"{YEAR1}",
            "--format",
            "pdf",
            "--output",
            str(pdf),
            "--language",
            "fr",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Rapport d" in " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    result = runner.invoke(args=["reports", "project", "KE-DATA", "--period", "last-year", "--format", "pdf"])
    assert result.exit_code != 0 and "not a reporting period" in result.output


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (f"{YEAR2}", date(YEAR2, 1, 1), date(YEAR2, 12, 31)),
        (f"{YEAR2}-h1", date(YEAR2, 1, 1), date(YEAR2, 6, 30)),
        (f"{YEAR2}-H2", date(YEAR2, 7, 1), date(YEAR2, 12, 31)),
    ],
)
def test_periods_are_years_and_half_years(app, text, start, end):
    """Is a period a year or a half-year, read in any case?"""
    with app.test_request_context():
        period = periods.parse(text)
    assert (period.start, period.end) == (start, end)
    assert period.as_of(date(YEAR2, 3, 1)) == min(end, date(YEAR2, 3, 1))


@pytest.mark.parametrize("text", ["26", f"{YEAR2}-H3", "1999", f"{YEAR2}-Q1", ""])
def test_a_period_that_is_not_one_is_named(app, text):
    """Is a period that is not a year or a half-year refused with a message?"""
    with app.test_request_context(), pytest.raises(periods.PeriodError):
        periods.parse(text)


def test_a_year_links_to_its_half_years(client, auth, framework):
    """Does last year's page link to its H1 and H2, whose report reads the half-year's last day?"""
    auth.login(framework["director"].email)
    page = client.get(f"/projects/KE-DATA/periods/{YEAR1}").get_data(as_text=True)
    assert (
        f'href="/projects/KE-DATA/periods/{YEAR1}-H1"' in page
        and f'href="/projects/KE-DATA/periods/{YEAR1}-H2"' in page
    )
    half = client.get(f"/projects/KE-DATA/periods/{YEAR1}-H1").get_data(as_text=True)
    assert f"June 30, {YEAR1}" in half
    _sheet, rows = _logframe(client.get(f"/projects/KE-DATA/periods/{YEAR1}-H1/donor-report.xlsx").data)
    manual = next(r for r in rows if r["Ref."] == f"IND-{framework['manual']}")
    assert manual["Current value"] is None and manual["Light"] == "No recent value"  # the first value is of December
