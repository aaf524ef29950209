"""Reading an uploaded CSV file the way spreadsheets write them, with every problem on its line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def header_key(name: str) -> str:
    """'Full name', 'full-name' and 'full_name' are the same column."""
    return "_".join((name or "").strip().lower().replace("-", " ").split())


def read_rows(
    data: bytes, required: tuple[str, ...], optional: tuple[str, ...] = (), max_rows: int = 20_000
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The non-blank rows of a CSV as (line number, {column: stripped value}), or the problems.

    UTF-8 with or without a byte order mark; commas, semicolons (French spreadsheets) or tabs.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], [Problem(line, _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."))]
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=max((",", ";", "\t"), key=first_line.count))
    names = reader.fieldnames or []
    header = [header_key(name) for name in names]
    problems = []
    missing = [column for column in required if column not in header]
    unknown = [name for name, key in zip(names, header, strict=True) if key not in (*required, *optional)]
    if missing:
        problems.append(
            Problem(
                1,
                _(
                    "Missing column(s): %(columns)s. The first line must name the columns %(all)s.",
                    columns=", ".join(missing),
                    all=", ".join((*required, *optional)),
                ),
            )
        )
    if unknown:
        problems.append(Problem(1, _("Unknown column(s): %(columns)s.", columns=", ".join(unknown))))
    if problems:
        return [], problems
    reader.fieldnames = header
    rows = []
    for row in reader:
        if reader.line_num - 1 > max_rows:
            return [], [Problem(reader.line_num, _("Too many lines: at most %(n)d per file.", n=max_rows))]
        if None in row:
            problems.append(Problem(reader.line_num, _("This line has more values than there are columns.")))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if any("\x00" in value for value in values.values()):
            problems.append(Problem(reader.line_num, _("This line holds a NUL character.")))
            continue
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows, problems
