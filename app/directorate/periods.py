"""Reporting periods of the donor report: a year ("2026") or a half-year ("2026-H1", "2026-H2").

A period's report is drawn up as of its last day, or as of today while the period runs: the
figures of a running period are the ones the project page shows today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

_PERIOD = re.compile(r"(\d{4})(?:-H([12]))?")
FIRST_YEAR, LAST_YEAR = 2000, 2099


class PeriodError(ValueError):
    """A period that is not one: the message says how to write it."""


@dataclass(frozen=True)
class Period:
    """A reporting period: its key as typed ("2026-H1"), its first and last day."""

    key: str
    start: date
    end: date

    def as_of(self, today: date) -> date:
        """The day the period's figures are read on: its last day, or today while it runs."""
        return min(self.end, today)

    def has_begun(self, today: date) -> bool:
        return self.start <= today


def parse(text: str) -> Period:
    """The period written as "2026", "2026-H1" or "2026-H2"; PeriodError names what is wrong."""
    text = (text or "").strip().upper()
    found = _PERIOD.fullmatch(text)
    if not found:
        raise PeriodError(
            _("“%(text)s” is not a reporting period: write a year (2026) or a half-year (2026-H1, 2026-H2).", text=text)
        )
    year, half = int(found.group(1)), found.group(2)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _("A reporting period falls between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )
    if half == "1":
        return Period(text, date(year, 1, 1), date(year, 6, 30))
    if half == "2":
        return Period(text, date(year, 7, 1), date(year, 12, 31))
    return Period(text, date(year, 1, 1), date(year, 12, 31))


def halves(period: Period, today: date) -> list[Period]:
    """A year's two half-years that have begun by today (none for a half-year)."""
    if "-H" in period.key:
        return []
    return [half for half in (parse(f"{period.key}-H1"), parse(f"{period.key}-H2")) if half.has_begun(today)]


def current(today: date) -> Period:
    """This year's period."""
    return parse(str(today.year))


def of_project(start: date, end: date, today: date) -> list[Period]:
    """The yearly periods a project spans that have begun by today, the latest first."""
    last = min(end.year, today.year)
    return [parse(str(year)) for year in range(last, start.year - 1, -1)]
