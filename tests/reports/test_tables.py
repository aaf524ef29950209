"""Tables and their exports: CSV for any tool, XLSX for Excel, both safe from formula injection."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from app.reports.tables import Table, safe_cell, to_csv, to_xlsx


def regions() -> Table:
    return Table(
        key="enrolments-by-region",
        title="Enrolments, completions and certificates by region",
        columns=["Region", "Enrolments", "Completion rate", "Since"],
        rows=[
            ["Afrique occidentale et centrale", 120, 0.75, date(2024, 3, 1)],
            ['=HYPERLINK("http://evil.example","Click")', 7, None, datetime(2025, 1, 2, 9, 30)],
            ["Région Amériques & Caraïbes", 0, 1.0, None],
        ],
        numeric={1, 2},
    )


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_opens_in_excel_with_accents_and_guards_formulas():
    """Does the CSV open in Excel with accents intact (BOM) and guard against formula injection?"""
    data = to_csv(regions())
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Région Amériques & Caraïbes".encode() in data
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")
    rows = read_csv(data)
    assert rows[0] == ["Region", "Enrolments", "Completion rate", "Since"]
    assert rows[1] == ["Afrique occidentale et centrale", "120", "0.75", "2024-03-01"]
    assert rows[2] == ['\'=HYPERLINK("http://evil.example","Click")', "7", "", "2025-01-02T09:30:00"]
    assert rows[3] == ["Région Amériques & Caraïbes", "0", "1.0", ""]


def test_csv_quotes_commas_quotes_and_line_breaks():
    """Does a cell holding a comma, a quote or a line break stay one cell?"""
    table = Table(key="notes", title="Notes", columns=["Note"], rows=[['Kenya, "KRA"\nsecond line']])
    assert read_csv(to_csv(table)) == [["Note"], ['Kenya, "KRA"\nsecond line']]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+254 700 000", "'+254 700 000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Nairobi = capital", "Nairobi = capital"),
        ("", ""),
        (-2, -2),
        (1.5, 1.5),
        (None, None),
        (date(2025, 1, 1), date(2025, 1, 1)),
    ],
)
def test_safe_cell(value, expected):
    """Does a text that starts like a formula get an apostrophe, and everything else stay as it was?"""
    assert safe_cell(value) == expected


def test_xlsx_keeps_numbers_as_numbers_one_sheet_per_table():
    """Does the XLSX keep numbers as numbers, one sheet per table, its full title above its header?"""
    officers = Table(key="officers", title="Officers", columns=["Name", "Certificates"], rows=[["Amina", 3]])
    book = load_workbook(io.BytesIO(to_xlsx([regions(), officers])))
    assert book.sheetnames == ["Enrolments, completions and cer", "Officers"]

    sheet = book["Enrolments, completions and cer"]
    assert sheet["A1"].value == regions().title
    assert [cell.value for cell in sheet[2]] == ["Region", "Enrolments", "Completion rate", "Since"]
    assert all(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet["B3"].value == 120 and sheet["B3"].data_type == "n"
    assert sheet["C3"].value == 0.75 and sheet["C3"].data_type == "n"
    assert sheet["D3"].value == datetime(2024, 3, 1) and sheet["D3"].is_date
    assert sheet["D4"].value == datetime(2025, 1, 2, 9, 30) and sheet["D4"].is_date
    assert sheet["C4"].value is None
    # The formula is text, shown with its apostrophe, never a formula.
    assert sheet["A4"].data_type == "s" and sheet["A4"].value.startswith("'=HYPERLINK")
    assert sheet["A5"].value == "Région Amériques & Caraïbes"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width >= 8
    assert book["Officers"]["B3"].value == 3


def test_xlsx_names_a_sheet_by_its_short_name_and_keeps_the_full_title():
    """Does a table with a long title get its short, full sheet name, with the whole title in the first row?"""
    tables = [
        Table(
            key=f"by-{name}",
            title=f"Enrolments, completions and certificates by {name}",
            sheet=f"By {name}",
            columns=["A"],
            rows=[[1]],
        )
        for name in ("region", "administration", "track")
    ]
    book = load_workbook(io.BytesIO(to_xlsx(tables)))
    assert book.sheetnames == ["By region", "By administration", "By track"]
    assert book["By administration"]["A1"].value == "Enrolments, completions and certificates by administration"


def test_xlsx_sheet_names_are_valid_and_unique():
    """Are sheet names cut to 31 characters, rid of []:*?/\\ and kept unique even when titles clash?"""
    titles = ["Cohorts [2025]: Q1/Q2 *draft*?", "Cohorts [2025]: Q1/Q2 *draft*?", "cohorts  2025   Q1 Q2  draft", "'"]
    tables = [Table(key=f"t{index}", title=title, columns=["A"], rows=[[1]]) for index, title in enumerate(titles)]
    names = load_workbook(io.BytesIO(to_xlsx(tables))).sheetnames
    assert names == [
        "Cohorts 2025 Q1 Q2 draft",
        "Cohorts 2025 Q1 Q2 draft (2)",
        "cohorts 2025 Q1 Q2 draft (3)",
        "Sheet",
    ]
    long = [Table(key=f"t{index}", title="x" * 40, columns=["A"], rows=[]) for index in range(3)]
    names = load_workbook(io.BytesIO(to_xlsx(long))).sheetnames
    assert names == ["x" * 31, "x" * 27 + " (2)", "x" * 27 + " (3)"]
    assert all(len(name) <= 31 for name in names)


def test_xlsx_takes_what_excel_cannot_hold():
    """Do aware datetimes, control characters, NaN and infinity export without error?"""
    nairobi = timezone(timedelta(hours=3))
    table = Table(
        key="odd",
        title="Odd cells",
        columns=["When", "Text", "Value", "Other"],
        rows=[[datetime(2025, 1, 1, 12, tzinfo=nairobi), "bell\x07 here", float("nan"), float("inf")]],
        numeric={2, 3},
    )
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert sheet["A3"].value == datetime(2025, 1, 1, 9, 0)  # written in UTC
    assert sheet["B3"].value == "bell here"
    assert sheet["C3"].value is None and sheet["D3"].value is None
    assert to_csv(table).decode("utf-8-sig").splitlines()[1].startswith("2025-01-01T12:00:00+03:00,")


def test_xlsx_of_no_table_is_a_workbook():
    """Is an export of no table still a workbook Excel opens?"""
    assert load_workbook(io.BytesIO(to_xlsx([]))).sheetnames == ["Sheet"]


@pytest.mark.parametrize("key", ["Enrolments by region", "by_region", "../etc", "a\r\nSet-Cookie: x", "", "-a"])
def test_table_key_must_be_a_slug(key):
    """Is a key that could not go safely into a URL or a file name refused?"""
    with pytest.raises(ValueError, match="slug"):
        Table(key=key, title="T", columns=["A"], rows=[])


def test_numeric_columns_must_exist():
    """Is a numeric column index past the columns refused?"""
    with pytest.raises(ValueError, match="outside"):
        Table(key="t", title="T", columns=["A", "B"], rows=[], numeric={2})
