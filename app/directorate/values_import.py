"""Importing indicator values from a logframe workbook, the donor report's own layout.

A director downloads the logframe (donor_report.py), types new values in its "Current value",
"Measured on", "Source of the value", "Evidence link" and "Comment" columns, and uploads it.
Headers are read in English or French. A row names its indicator by "Ref." (IND-12); a row whose
value and date are already stored, or whose value cells are empty, brings nothing new; a
platform-counted indicator takes no value. All or nothing: every bad cell is reported with its
sheet and row, and when there is one, nothing is kept (the caller rolls back).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from app.directorate import donor_report, results
from app.directorate.models import Project
from app.directorate.results_services import ResultsError, add_value

#: Rows read at most: a logframe has dozens; this bounds what a stray file can cost.
MOST_ROWS = 5_000
HEADER_ROW = 2  # the first row holds the sheet's title (reports/tables.py)
_REF = re.compile(r"IND-(\d+)", re.IGNORECASE)
#: The form fields add_value names in its errors, and the column each one was read from.
FIELD_COLUMNS = {"value": "current", "measured_on": "measured_on", "source": "source", "evidence_url": "evidence_url"}


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        if self.row:
            return _(
                "Sheet “%(sheet)s”, row %(row)d: %(message)s", sheet=self.sheet, row=self.row, message=self.message
            )
        return self.message


class ImportRefused(ValueError):
    """The workbook cannot be imported; `problems` lists each one (nothing was kept)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _headers() -> dict[str, str]:
    """Each header, in English and in French, folded, to its column key."""
    found = {}
    for language in ("en", "fr"):
        with force_locale(language):
            for key, label in donor_report.COLUMNS.items():
                found[str(label).casefold().strip()] = key
    return found


def _number(cell) -> float:
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, int | float):
        return float(cell)
    return float(str(cell).strip().replace("\u202f", "").replace(" ", "").replace(",", "."))


def _day(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    return date.fromisoformat(str(cell).strip())


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def import_values(actor, project: Project, data: bytes, today: date | None = None) -> int:
    """Add the new values the workbook carries for the project's indicators; the number added.

    Raises ImportRefused with every problem (sheet and row) when a cell is wrong: then the
    caller rolls back, and nothing of the file is kept.
    """
    from openpyxl import load_workbook

    today = today or date.today()
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError):
        raise ImportRefused(
            [Problem("", 0, _("The file is not an XLSX workbook: download the logframe and fill it in."))]
        ) from None
    headers = _headers()
    sheet, columns = None, {}
    for candidate in book.worksheets:
        row = next(candidate.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
        found = {headers[_text(c).casefold()]: i for i, c in enumerate(row) if _text(c).casefold() in headers}
        if "ref" in found:
            sheet, columns = candidate, found
            break
    if sheet is None:
        raise ImportRefused(
            [
                Problem(
                    "",
                    0,
                    _(
                        "No sheet has the logframe's headers in its second row (“%(ref)s”, “%(value)s”…).",
                        ref=donor_report.COLUMNS["ref"],
                        value=donor_report.COLUMNS["current"],
                    ),
                )
            ]
        )
    missing = [str(donor_report.COLUMNS[k]) for k in ("current", "measured_on", "source") if k not in columns]
    if missing:
        raise ImportRefused(
            [Problem(sheet.title, HEADER_ROW, _("missing columns: %(names)s.", names=", ".join(missing)))]
        )
    indicators = {ind.id: ind for ind in results.indicators_of(project)}
    problems: list[Problem] = []
    added = 0

    def cell(values, key):
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    for number, values in enumerate(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True), HEADER_ROW + 1):
        if number > HEADER_ROW + MOST_ROWS:
            problems.append(Problem(sheet.title, number, _("more than %(most)d rows: split the file.", most=MOST_ROWS)))
            break
        if all(_text(v) == "" for v in values):
            continue

        def refuse(message: str) -> None:
            problems.append(Problem(sheet.title, number, message))  # noqa: B023 (used at once, in this row)

        found = _REF.fullmatch(_text(cell(values, "ref")))
        ind = indicators.get(int(found.group(1))) if found else None
        if ind is None:
            refuse(
                _(
                    "“%(ref)s” is not an indicator of %(code)s (column “%(column)s”).",
                    ref=_text(cell(values, "ref")),
                    code=project.code,
                    column=donor_report.COLUMNS["ref"],
                )
            )
            continue
        raw_value, raw_day = cell(values, "current"), cell(values, "measured_on")
        if ind.source == "platform":
            if _text(raw_day):
                refuse(
                    _(
                        "%(ref)s is counted by the platform: leave “%(column)s” empty.",
                        ref=donor_report.ref(ind),
                        column=donor_report.COLUMNS["measured_on"],
                    )
                )
            continue
        if _text(raw_value) == "" and _text(raw_day) == "":
            continue
        try:
            value = _number(raw_value)
        except (TypeError, ValueError):
            refuse(
                _(
                    "“%(cell)s” in “%(column)s” is not a number.",
                    cell=_text(raw_value),
                    column=donor_report.COLUMNS["current"],
                )
            )
            continue
        try:
            measured_on = _day(raw_day)
        except (TypeError, ValueError):
            refuse(
                _(
                    "“%(cell)s” in “%(column)s” is not a date: write it as YYYY-MM-DD.",
                    cell=_text(raw_day),
                    column=donor_report.COLUMNS["measured_on"],
                )
            )
            continue
        if any(v.measured_on == measured_on and v.value == value for v in ind.values):
            continue  # already stored: the downloaded logframe read back
        try:
            add_value(
                actor,
                ind,
                value=value,
                measured_on=measured_on,
                source=_text(cell(values, "source")),
                comment=_text(cell(values, "comment")),
                evidence_url=_text(cell(values, "evidence_url")) or None,
                today=today,
            )
        except ResultsError as error:
            column = donor_report.COLUMNS.get(FIELD_COLUMNS.get(error.field or "", ""), "")
            refuse(f"{error} ({column})" if column else str(error))
            continue
        added += 1
    if problems:
        raise ImportRefused(problems)
    return added
