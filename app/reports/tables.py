"""Tables: what a dashboard shows beside each chart, and what it exports as CSV and XLSX.

Both exporters pass every text cell through :func:`safe_cell`, so a value typed by a user (an administration's
name, a course title) that starts like a formula is shown as text by a spreadsheet, never run. Numbers stay
numbers and dates stay dates in the XLSX; the CSV writes dates in ISO 8601.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# OWASP "CSV Injection": cells starting with these are read as formulas by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_XLSX_CELL_MAX = 32_767  # characters Excel holds in one cell
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass
class Table:
    """A titled table of rows: what a dashboard shows, and what it exports."""

    key: str  # a slug, used in export URLs and file names, e.g. "enrolments-by-region"
    #: Title and header labels may be lazy strings (flask_babel.lazy_gettext): read in the language of
    #: whoever is served the table, when it is shown or exported.
    title: str  # e.g. "Enrolments, completions and certificates by region"
    columns: list[str]  # header labels
    rows: list[list]  # cells: str, int, float, date/datetime, or None
    numeric: set[int] = field(default_factory=set)  # indexes of numeric columns (right-aligned in HTML)
    #: The worksheet's name: Excel takes 31 characters, so a long title needs a short but full name
    #: ("By WCO region"); the full title is the sheet's first row. Empty: the title.
    sheet: str = ""

    def __post_init__(self) -> None:
        # The key ends up in a URL and a Content-Disposition file name: only a slug may go there.
        if not _SLUG.fullmatch(self.key):
            raise ValueError(f"table key must be a lower-case slug like 'enrolments-by-region', not {self.key!r}")
        wrong = sorted(index for index in self.numeric if not 0 <= index < len(self.columns))
        if wrong:
            raise ValueError(f"numeric column indexes {wrong} are outside the {len(self.columns)} columns")


def safe_cell(value):
    """The value to write in a spreadsheet cell: a text that a spreadsheet would run as a formula (it starts with
    = + - @, a tab or a carriage return) gets a leading apostrophe; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark (Excel then reads accents right), comma-separated, CRLF line
    ends, the header row first. None and NaN are empty; dates and times are ISO 8601."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(label) for label in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(tables: list[Table]) -> bytes:
    """The tables as one XLSX workbook, a worksheet per table named after it (its `sheet` name, or its title): the
    full title in the first row, then a bold header row that stays in view (frozen), numbers stored as numbers,
    dates as dates, columns as wide as their content."""
    workbook = Workbook()
    workbook.properties.creator = "Customs Data Academy"
    if tables:
        workbook.remove(workbook.active)  # a workbook needs a sheet: with no table the empty default stays
    used: set[str] = set()
    for table in tables:
        _fill_sheet(workbook.create_sheet(_sheet_name(str(table.sheet or table.title), used)), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    value = safe_cell(value)
    return value if isinstance(value, str) else str(value)


def _xlsx_cell(value):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None  # Excel has no NaN nor infinity
    if isinstance(value, datetime):
        # Excel keeps no time zone: an aware time is written in UTC.
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, int | float | date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:_XLSX_CELL_MAX]
    return safe_cell(text)


#: The first row holds the table's title, the second its header; the rows follow.
_TITLE_ROW, _HEADER_ROW = 1, 2


def _fill_sheet(sheet, table: Table) -> None:
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    sheet.cell(row=_TITLE_ROW, column=1, value=_xlsx_cell(table.title)).font = Font(bold=True, size=13)
    widths = [len(str(label)) for label in table.columns]
    for index, label in enumerate(table.columns, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=index, value=_xlsx_cell(label))
        cell.font = bold
        if index - 1 in table.numeric:
            cell.alignment = right
    for row_index, row in enumerate(table.rows, start=_HEADER_ROW + 1):
        for index, raw in enumerate(row, start=1):
            value = _xlsx_cell(raw)
            cell = sheet.cell(row=row_index, column=index, value=value)
            if isinstance(value, datetime):
                cell.number_format = _DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = _DATE_FORMAT
            if index > len(widths):
                widths.append(0)
            widths[index - 1] = max(widths[index - 1], _display_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    if table.columns:
        last = get_column_letter(len(widths))
        sheet.auto_filter.ref = f"A{_HEADER_ROW}:{last}{len(table.rows) + _HEADER_ROW}"


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2024-01-31 23:59:59")
    if isinstance(value, date):
        return len("2024-01-31")
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    # The widest line of a text that holds line breaks.
    return max((len(line) for line in str(value).splitlines()), default=0)


def _sheet_name(title: str, used: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, no apostrophe at either end, not
    "History", and unique in the workbook (Excel compares names without regard to case)."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", title))
    base = " ".join(base.split()).strip("'").strip() or "Sheet"
    if base.casefold() == "history":
        base = "History table"
    name, number = base[:_SHEET_NAME_MAX].rstrip().rstrip("'"), 1
    while name.casefold() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: _SHEET_NAME_MAX - len(suffix)].rstrip().rstrip("'") + suffix
    used.add(name.casefold())
    return name
