"""Dates, numbers and percentages written the reader's way (Babel): "7 déc. 2026", "1 234,5", "42 %".

Templates use the filters registered by `init_app`; Python that writes for a person calls these
functions. Outside an application (the certificate specimen a worker renders at start) they
write English.
"""

from __future__ import annotations

from datetime import date, datetime

from babel import dates, numbers
from flask import Flask
from flask_babel import get_locale


def _locale():
    return get_locale() or "en"


def local_date(value: date | datetime | None, form: str = "medium") -> str:
    """A day as the reader writes it: medium "7 déc. 2026" / "Dec 7, 2026", long "7 décembre 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return dates.format_date(value, form, locale=_locale())


def local_datetime(value: datetime | None, form: str = "short") -> str:
    """A day and time as the reader writes them (times are shown as stored: UTC): the day as `local_date`
    writes it, the time to the minute ("short", 14:05 / 2:05 PM) or to the second ("medium")."""
    if value is None:
        return ""
    locale = _locale()
    pattern = dates.get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", local_date(value)).replace("{0}", local_time(value, form))


def local_time(value: datetime | None, form: str = "short") -> str:
    """A time of day as the reader writes it: 14:05 in French, 2:05 PM in English (UTC, as stored)."""
    if value is None:
        return ""
    # Stored times are UTC; Babel would move an aware time to its own zone, so it is given the clock time.
    clock = value.replace(tzinfo=None) if isinstance(value, datetime) else value
    return dates.format_time(clock, form, locale=_locale())


def number(value: float | int | None, digits: int | None = None) -> str:
    """A number with the reader's separators: 1,234.5 or 1 234,5; `digits` rounds it first."""
    if value is None:
        return ""
    if digits is not None:
        value = round(value, digits)
    return numbers.format_decimal(value, locale=_locale())


def percent(fraction: float | None) -> str:
    """A fraction (0.42) as the reader writes a percentage: 42% or 42 %."""
    if fraction is None:
        return ""
    return numbers.format_percent(fraction, locale=_locale())


def table_cell(value) -> str:
    """A table's cell as shown on a page or in a PDF: days and numbers the reader's way, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, date):
        return local_date(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10_000:
        return str(value)  # a year, or a count of four digits: both languages write 2026 and 1234 unbroken
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return value


def init_app(app: Flask) -> None:
    for name, function in (
        ("table_cell", table_cell),
        ("local_date", local_date),
        ("local_datetime", local_datetime),
        ("local_time", local_time),
        ("number", number),
        ("percent", percent),
    ):
        app.add_template_filter(function, name)
