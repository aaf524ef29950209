"""Importing indicator values from the logframe workbook: all or nothing, each bad cell named by sheet and row."""

import io
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from app.directorate.models import IndicatorValue
from app.extensions import db
from tests.directorate.test_donor_report import THIS_YEAR
from tests.helpers import csrf_token

IMPORT = "/projects/KE-DATA/values/import"


def _values(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(IndicatorValue.indicator_id, IndicatorValue.value, IndicatorValue.measured_on).order_by(
                IndicatorValue.id
            )
        ).all()


def _downloaded(client):
    data = client.get(f"/projects/KE-DATA/periods/{THIS_YEAR}/donor-report.xlsx").data
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    return book, sheet, {name: index + 1 for index, name in enumerate(header)}


def _upload(client, book, name="logframe.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(
        IMPORT,
        data={"csrf_token": csrf_token(client, IMPORT), "file": (io.BytesIO(buffer.getvalue()), name)},
        content_type="multipart/form-data",
    )


def _row_of(sheet, ref: str) -> int:
    return next(row for row in range(3, sheet.max_row + 1) if sheet.cell(row, 1).value == ref)


def test_the_downloaded_logframe_read_back_adds_nothing(app, client, auth, framework):
    """Is the logframe as downloaded imported without adding a value (nothing in it is new)?"""
    auth.login(framework["director"].email)
    before = _values(app)
    book, _sheet, _columns = _downloaded(client)
    response = _upload(client, book)
    assert response.status_code == 302
    assert "The workbook holds no new value." in client.get(response.location).get_data(as_text=True)
    assert _values(app) == before


def test_a_new_value_typed_in_the_logframe_is_kept(app, client, auth, framework):
    """Does a new value typed in the indicator's row become its latest value, with its source?"""
    auth.login(framework["director"].email)
    book, sheet, columns = _downloaded(client)
    row = _row_of(sheet, f"IND-{framework['manual']}")
    sheet.cell(row, columns["Current value"]).value = 36
    sheet.cell(row, columns["Measured on"]).value = date.today()
    sheet.cell(row, columns["Source of the value"]).value = "Quarterly review"
    response = _upload(client, book)
    assert response.status_code == 302
    assert (framework["manual"], 36.0, date.today()) in _values(app)
    assert "1 new value imported." in client.get(response.location).get_data(as_text=True)


def test_bad_cells_are_each_named_and_nothing_is_kept(app, client, auth, framework):
    """Are a value out of range, a date that is not one, a stranger's ref and a platform value each listed by row,
    with the good row not kept either?"""
    auth.login(framework["director"].email)
    before = _values(app)
    book, sheet, columns = _downloaded(client)
    manual = _row_of(sheet, f"IND-{framework['manual']}")
    platform = _row_of(sheet, f"IND-{framework['platform']}")
    sheet.cell(manual, columns["Current value"]).value = 140
    sheet.cell(manual, columns["Measured on"]).value = date.today()
    sheet.cell(platform, columns["Measured on"]).value = date.today()
    extra = sheet.max_row + 1
    sheet.cell(extra, 1).value = "IND-9999"
    sheet.cell(extra, columns["Current value"]).value = 3
    good = extra + 1
    sheet.cell(good, 1).value = f"IND-{framework['manual']}"
    sheet.cell(good, columns["Current value"]).value = 35
    sheet.cell(good, columns["Measured on"]).value = "yesterday"
    sheet.cell(good, columns["Source of the value"]).value = "Review"
    response = _upload(client, book)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert f"row {manual}: The value must be between 0 and 100 for this unit (140 given). (Current value)" in page
    assert f"row {platform}: IND-{framework['platform']} is counted by the platform" in page
    assert f"row {extra}: “IND-9999” is not an indicator of KE-DATA" in page
    assert f"row {good}: “yesterday” in “Measured on” is not a date" in page
    assert "Sheet “Logical framework”" in page
    assert _values(app) == before


def test_a_file_that_is_not_a_workbook_is_refused(app, client, auth, framework):
    """Is a CSV (or any non-XLSX file) refused with a message, nothing kept?"""
    auth.login(framework["director"].email)
    before = _values(app)
    response = client.post(
        IMPORT,
        data={"csrf_token": csrf_token(client, IMPORT), "file": (io.BytesIO(b"ref,value\nIND-1,3\n"), "values.csv")},
        content_type="multipart/form-data",
    )
    assert "The file is not an XLSX workbook" in response.get_data(as_text=True)
    assert _values(app) == before
