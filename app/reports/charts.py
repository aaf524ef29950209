"""Charts drawn on the server as SVG, for pages served under a strict Content-Security-Policy.

What every chart here is:

- Inline SVG with no script, no ``style`` attribute and no ``<style>`` element: the colours, strokes and font
  sizes are SVG presentation attributes, so a chart looks right with no CSS at all, and the site stylesheet can
  still restyle it through the classes ``chart``, ``bar``, ``line``, ``point``, ``series-0``..``series-3``,
  ``axis``, ``grid``, ``legend``, ``milestone``, ``done``, ``overdue``, ``planned`` and ``today``.
- ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``, which says in words what the
  data shows; a page still puts the data itself in a table beside the chart (see :mod:`app.reports.tables`).
- Every text is escaped and stripped of the characters XML forbids: labels come from user data.
- Long labels are cut with "…", the full label kept in a ``<title>`` (a tooltip).
- Width and height are set, and a ``viewBox``: CSS may scale a chart (``width: 100%; height: auto``).
- The ids in ``aria-labelledby`` derive from the chart's content, so the same data gives the same SVG.

The words a chart adds ("No data", the legend of a timeline, the descriptions) go through Flask-Babel, and
numbers are written for the current locale (English outside a request).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

# Four colours with at least 3:1 contrast on white (WCAG 2.2, 1.4.11 "Non-text Contrast"): 8.9, 4.0, 4.0 and 6.1.
# The orange is a shade darker than #e07a1f, which only just reaches 3:1.
PALETTE = ("#0b4f6c", "#c8641a", "#3b8f5a", "#7a5195")
TEXT = "#222222"
MUTED = "#555555"
AXIS = "#666666"
GRID = "#dddddd"
BAND = "#f3f5f7"
WHITE = "#ffffff"
DONE = "#3b8f5a"
OVERDUE = "#b3261e"
PLANNED = "#0b4f6c"
TODAY = "#444444"

FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 7.0  # about one character's width at 12px in a sans-serif font: enough to decide where to cut
PAD = 8
ELLIPSIS = "…"

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class TimelineItem:
    title: str
    due: date
    done: bool
    completed_on: date | None = None


def bar_chart(
    labels: list[str], series: dict[str, list[float]], *, title: str, width: int = 640, height: int = 260
) -> Markup:
    """Grouped vertical bars: a group per label, a bar per series in it, coloured by series, on a y axis of four or
    five round values from 0. A legend above when there is more than one series. A value may be None: no bar."""
    labels, data = _prepare(labels, series)
    chart_id = _chart_id("bar", title, labels, data)
    if _is_empty(labels, data):
        return _no_data("bar", chart_id, title, width, height)

    frame = _Frame(labels, data, width, height, legend=_bar_swatch)
    parts = frame.y_axis()
    spacing = frame.plot_width / len(labels)
    bar_width = spacing * 0.8 / len(data)
    parts.append('<g class="bars">')
    for index, label in enumerate(labels):
        x0 = frame.left + index * spacing + spacing * 0.1
        for number, (name, values) in enumerate(data.items()):
            value = values[index]
            if value is None:
                continue
            css, colour, faded = _series_style(number)
            y = frame.y(max(value, 0.0))
            extra = f' fill-opacity="0.55" stroke="{colour}"' if faded else ""
            parts.append(
                f'<rect class="bar {css}" x="{_n(x0 + number * bar_width)}" y="{_n(y)}" width="{_n(bar_width)}" '
                f'height="{_n(frame.bottom - y)}" fill="{colour}"{extra}>'
                f"<title>{_e(_point_title(label, name, value))}</title></rect>"
            )
    parts.append("</g>")
    parts += frame.x_axis([frame.left + (index + 0.5) * spacing for index in range(len(labels))], spacing)
    parts += frame.legend_parts
    return _svg("bar", chart_id, width, height, title, _describe_bars(labels, data), parts)


def line_chart(
    labels: list[str], series: dict[str, list[float]], *, title: str, width: int = 640, height: int = 220
) -> Markup:
    """A line per series across the labels (months, say), with a marker per value, on a y axis of four or five round
    values from 0. A legend above when there is more than one series. A value may be None: a gap in the line."""
    labels, data = _prepare(labels, series)
    chart_id = _chart_id("line", title, labels, data)
    if _is_empty(labels, data):
        return _no_data("line", chart_id, title, width, height)

    frame = _Frame(labels, data, width, height, legend=_line_swatch)
    parts = frame.y_axis()
    spacing = frame.plot_width / len(labels)
    xs = [frame.left + (index + 0.5) * spacing for index in range(len(labels))]
    parts.append('<g class="lines">')
    for number, (name, values) in enumerate(data.items()):
        css, colour, faded = _series_style(number)
        dash = ' stroke-dasharray="6 3"' if faded else ""
        parts.append(f'<g class="series {css}">')
        for run in _runs(values):
            if len(run) > 1:
                points = " ".join(f"{_n(xs[i])},{_n(frame.y(max(values[i], 0.0)))}" for i in run)
                parts.append(
                    f'<polyline class="line {css}" points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                    f'stroke-linejoin="round" stroke-linecap="round"{dash}/>'
                )
        marker_fill = WHITE if faded else colour
        marker_stroke = colour if faded else WHITE
        for index, value in enumerate(values):
            if value is None:
                continue
            parts.append(
                f'<circle class="point {css}" cx="{_n(xs[index])}" cy="{_n(frame.y(max(value, 0.0)))}" r="3.5" '
                f'fill="{marker_fill}" stroke="{marker_stroke}" stroke-width="1.5">'
                f"<title>{_e(_point_title(labels[index], name, value))}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</g>")
    parts += frame.x_axis(xs, spacing, thin=True)
    parts += frame.legend_parts
    return _svg("line", chart_id, width, height, title, _describe_lines(labels, data), parts)


def timeline(items: list[TimelineItem], *, start: date, end: date, today: date, title: str, width: int = 720) -> Markup:
    """Milestones across a project: an axis from start to end marked at each new year, a dashed line at today, and a
    row per milestone (in the order given) with a marker at its due date — a filled circle when done, a red
    diamond when overdue (due before today and not done), a hollow circle when planned — and its title beside it.
    A due date outside start..end is drawn at the nearer end. The height grows with the number of items."""
    if end < start:
        raise ValueError(f"the timeline ends ({end}) before it starts ({start})")
    items = list(items)
    chart_id = _chart_id("timeline", title, start, end, today, items)
    row_height, axis_top, top = 26, 24, 32
    rows_bottom = top + max(len(items), 1) * row_height
    height = rows_bottom + 48
    left, right = PAD * 2, width - PAD * 2
    span = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return left + min(max((day - start).days / span, 0.0), 1.0) * (right - left)

    parts = ['<g class="axis axis-x">']
    for year in range(start.year, end.year + 1):
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        if year > start.year:
            parts.append(
                f'<line class="grid" x1="{_n(x_of(first))}" y1="{axis_top - 6}" x2="{_n(x_of(first))}" '
                f'y2="{rows_bottom}" stroke="{GRID}" stroke-width="1"/>'
            )
        if x_of(last) - x_of(first) >= 4 * CHAR_WIDTH + 4:  # room for the year under this stretch of the axis
            parts.append(
                f'<text x="{_n((x_of(first) + x_of(last)) / 2)}" y="{axis_top - 8}" text-anchor="middle" '
                f'fill="{MUTED}">{year}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{axis_top}" x2="{right}" y2="{axis_top}" stroke="{AXIS}" stroke-width="1"/></g>'
    )

    counts = {"done": 0, "overdue": 0, "planned": 0}
    parts.append('<g class="milestones">')
    if not items:
        parts.append(
            f'<text class="no-data" x="{_n(width / 2)}" y="{top + row_height / 2 + 4}" text-anchor="middle" '
            f'fill="{MUTED}">{_e(_("No milestones"))}</text>'
        )
    for index, item in enumerate(items):
        state = _state(item, today)
        counts[state] += 1
        y = top + index * row_height + row_height / 2
        x = x_of(item.due)
        if index % 2:
            parts.append(
                f'<rect class="band" x="{left}" y="{top + index * row_height}" width="{right - left}" '
                f'height="{row_height}" fill="{BAND}"/>'
            )
        parts.append(f'<g class="milestone-row {state}"><title>{_e(_milestone_title(item, state, today))}</title>')
        parts.append(_marker(state, x, y, "milestone"))
        # The title goes on the side with more room.
        if x - left <= (right - left) * 0.6:
            anchor, text_x, room = "start", x + 11, right - x - 11
        else:
            anchor, text_x, room = "end", x - 11, x - left - 11
        shown, _cut = _clip(item.title, int(room // CHAR_WIDTH))
        weight = ' font-weight="bold"' if state == "overdue" else ""
        parts.append(
            f'<text x="{_n(text_x)}" y="{_n(y + 4)}" text-anchor="{anchor}" fill="{TEXT}"{weight}>{_e(shown)}</text>'
        )
        parts.append("</g>")
    parts.append("</g>")

    if start <= today <= end:
        x = x_of(today)
        label_x = min(max(x, left + 20), right - 20)
        parts.append(
            f'<g class="today"><line x1="{_n(x)}" y1="{axis_top}" x2="{_n(x)}" y2="{rows_bottom}" stroke="{TODAY}" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/><text x="{_n(label_x)}" y="{rows_bottom + 14}" '
            f'text-anchor="middle" fill="{TODAY}">{_e(_("Today"))}</text></g>'
        )

    legend_y = rows_bottom + 34
    parts.append('<g class="legend">')
    x = left + 6
    for state, label in (("done", _("Done")), ("overdue", _("Overdue")), ("planned", _("Planned"))):
        parts.append(_marker(state, x, legend_y - 4, "legend-key"))
        parts.append(f'<text x="{_n(x + 11)}" y="{legend_y}" fill="{TEXT}">{_e(label)}</text>')
        x += 11 + len(label) * CHAR_WIDTH + 24
    parts.append(
        f'<line class="legend-key today" x1="{_n(x - 6)}" y1="{legend_y - 10}" x2="{_n(x - 6)}" y2="{legend_y + 2}" '
        f'stroke="{TODAY}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        f'<text x="{_n(x + 2)}" y="{legend_y}" fill="{TEXT}">{_e(_("Today"))}</text></g>'
    )
    desc = _describe_timeline(items, counts, start, end, today)
    return _svg("timeline", chart_id, width, height, title, desc, parts)


# Layout shared by the bar and line charts.


class _Frame:
    """Where the plot, the axes and the legend of a bar or line chart go."""

    def __init__(self, labels: list[str], data: dict[str, list[float | None]], width: int, height: int, legend):
        values = [value for values in data.values() for value in values if value is not None]
        self.ticks = _nice_ticks(max(values), all(value.is_integer() for value in values))
        self.tick_labels = _tick_labels(self.ticks)
        self.labels = labels
        self.left = PAD + max(len(label) for label in self.tick_labels) * CHAR_WIDTH + 8
        self.width = width
        self.right = width - PAD * 2
        self.legend_parts, legend_height = ([], 0.0)
        if len(data) > 1:
            self.legend_parts, legend_height = _legend(list(data), self.left, PAD, self.right - self.left, legend)
        self.top = PAD + legend_height + 6
        self.bottom = height - 24
        self.plot_width = max(self.right - self.left, 1.0)
        self.plot_height = max(self.bottom - self.top, 1.0)

    def y(self, value: float) -> float:
        return self.bottom - min(value / self.ticks[-1], 1.0) * self.plot_height

    def y_axis(self) -> list[str]:
        parts = ['<g class="axis axis-y">']
        for tick, label in zip(self.ticks, self.tick_labels, strict=True):
            y = _n(self.y(tick))
            if tick:
                parts.append(
                    f'<line class="grid" x1="{_n(self.left)}" y1="{y}" x2="{_n(self.right)}" y2="{y}" '
                    f'stroke="{GRID}" stroke-width="1"/>'
                )
            parts.append(
                f'<text x="{_n(self.left - 6)}" y="{_n(self.y(tick) + 4)}" text-anchor="end" fill="{MUTED}">'
                f"{_e(label)}</text>"
            )
        parts.append("</g>")
        return parts

    def x_axis(self, centres: list[float], spacing: float, *, thin: bool = False) -> list[str]:
        """The baseline, and the labels under it. When they do not fit: every second (third…) label only, if
        ``thin`` (months: "Jan 2025", "Mar 2025" read better than "Jan 2…", "Feb 2…") or if even six characters
        would not fit; otherwise each label cut to the room it has."""
        parts = [
            '<g class="axis axis-x">',
            f'<line x1="{_n(self.left)}" y1="{_n(self.bottom)}" x2="{_n(self.right)}" y2="{_n(self.bottom)}" '
            f'stroke="{AXIS}" stroke-width="1"/>',
        ]
        longest = max(len(label) for label in self.labels)
        every, fits = 1, (spacing - 4) / CHAR_WIDTH
        if thin and fits < min(longest, 16):
            every = math.ceil((min(longest, 16) * CHAR_WIDTH + 8) / spacing)
        elif fits < min(longest, 6):
            every = math.ceil((min(longest, 8) * CHAR_WIDTH + 4) / spacing)
        room = int((spacing * every - 4) // CHAR_WIDTH)
        for index, (label, x) in enumerate(zip(self.labels, centres, strict=True)):
            if index % every:
                continue
            shown, cut = _clip(label, room)
            half = len(shown) * CHAR_WIDTH / 2  # kept inside the picture, the last label especially
            x = max(min(x, self.width - PAD - half), PAD + half)
            text = f'<text x="{_n(x)}" y="{_n(self.bottom + 16)}" text-anchor="middle" fill="{TEXT}">{_e(shown)}</text>'
            parts.append(f'<g class="label"><title>{_e(label)}</title>{text}</g>' if cut else text)
        parts.append("</g>")
        return parts


def _legend(names: list[str], x0: float, y0: float, room: float, swatch) -> tuple[list[str], float]:
    """A legend that wraps onto more lines when the names do not fit on one: its parts and its height."""
    parts, x, y = ['<g class="legend">'], x0, y0
    for number, name in enumerate(names):
        shown, cut = _clip(name, 28)
        item_width = 24 + len(shown) * CHAR_WIDTH + 16
        if x > x0 and x + item_width > x0 + room:
            x, y = x0, y + 18
        css, colour, faded = _series_style(number)
        tooltip = f"<title>{_e(name)}</title>" if cut else ""
        parts.append(
            f'<g class="legend-item {css}">{tooltip}{swatch(x, y, css, colour, faded)}'
            f'<text x="{_n(x + 24)}" y="{_n(y + 10)}" fill="{TEXT}">{_e(shown)}</text></g>'
        )
        x += item_width
    parts.append("</g>")
    return parts, y - y0 + 14


def _bar_swatch(x: float, y: float, css: str, colour: str, faded: bool) -> str:
    extra = f' fill-opacity="0.55" stroke="{colour}"' if faded else ""
    return f'<rect class="{css}" x="{_n(x + 4)}" y="{_n(y)}" width="12" height="12" fill="{colour}"{extra}/>'


def _line_swatch(x: float, y: float, css: str, colour: str, faded: bool) -> str:
    dash = ' stroke-dasharray="6 3"' if faded else ""
    fill, stroke = (WHITE, colour) if faded else (colour, WHITE)
    return (
        f'<line class="{css}" x1="{_n(x)}" y1="{_n(y + 6)}" x2="{_n(x + 20)}" y2="{_n(y + 6)}" stroke="{colour}" '
        f'stroke-width="2"{dash}/><circle class="{css}" cx="{_n(x + 10)}" cy="{_n(y + 6)}" r="3.5" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.5"/>'
    )


def _series_style(number: int) -> tuple[str, str, bool]:
    """The class and colour of the n-th series. Past the fourth the colours come round again, told apart by a
    paler fill (bars) or a dashed line with hollow markers (lines)."""
    return f"series-{number % len(PALETTE)}", PALETTE[number % len(PALETTE)], number >= len(PALETTE)


def _nice_ticks(maximum: float, integral: bool) -> list[float]:
    """Four or five round values from 0, the last at or above the maximum: steps of 1, 2, 2.5 or 5 times a power
    of ten (whole steps only for whole-number data), the tightest fit winning."""
    if maximum <= 0:
        maximum = 1.0  # all zero (or negative): an axis still, and nothing to divide by zero
    exponent = math.floor(math.log10(maximum))
    best: tuple[tuple[float, int], float, int] | None = None
    for power in range(exponent - 2, exponent + 2):
        for base in (1, 2, 2.5, 5):
            step = base * 10.0**power
            if integral and (step < 1 or not step.is_integer()):
                continue
            for count in (4, 3):
                top = step * count
                if top >= maximum * (1 - 1e-9) and (best is None or (top, -count) < best[0]):
                    best = ((top, -count), step, count)
    assert best is not None  # 5 * 10**(exponent + 1) * 3 always exceeds the maximum
    _key, step, count = best
    return [round(step * index, 10) for index in range(count + 1)]


def _tick_labels(ticks: list[float]) -> list[str]:
    if ticks[-1] >= 10_000:
        return [format_compact_decimal(tick, locale=_locale(), fraction_digits=1) for tick in ticks]
    return [_number(tick) for tick in ticks]


# Words: the descriptions and tooltips.


def _describe_bars(labels: list[str], data: dict[str, list[float | None]]) -> str:
    sentences = [
        ngettext("%(num)d category", "%(num)d categories", len(labels))
        + ", "
        + ngettext("%(num)d series", "%(num)d series", len(data))
        + "."
    ]
    for name, values in data.items():
        sentences.append(_describe_values(name, labels, values))
    return " ".join(sentences)


def _describe_lines(labels: list[str], data: dict[str, list[float | None]]) -> str:
    sentences = [_("From %(first)s to %(last)s.", first=labels[0], last=labels[-1])]
    for name, values in data.items():
        known = [(label, value) for label, value in zip(labels, values, strict=True) if value is not None]
        if len(known) > 1 and any(value for _label, value in known):
            (first_label, first), (last_label, last) = known[0], known[-1]
            sentences.append(
                _(
                    "%(name)s went from %(first)s (%(first_label)s) to %(last)s (%(last_label)s).",
                    name=name,
                    first=_number(first),
                    first_label=first_label,
                    last=_number(last),
                    last_label=last_label,
                )
            )
        sentences.append(_describe_values(name, labels, values))
    return " ".join(sentences)


def _describe_values(name: str, labels: list[str], values: list[float | None]) -> str:
    known = [(label, value) for label, value in zip(labels, values, strict=True) if value is not None]
    if not known:
        return _("%(name)s: no values.", name=name)
    if len(known) == 1:
        return _("%(name)s: %(value)s (%(label)s).", name=name, value=_number(known[0][1]), label=known[0][0])
    if not any(value for _label, value in known):
        return _("%(name)s: all values are zero.", name=name)
    high = max(known, key=lambda pair: pair[1])
    low = min(known, key=lambda pair: pair[1])
    return _(
        "%(name)s: highest %(high)s (%(high_label)s), lowest %(low)s (%(low_label)s).",
        name=name,
        high=_number(high[1]),
        high_label=high[0],
        low=_number(low[1]),
        low_label=low[0],
    )


def _point_title(label: str, name: str, value: float) -> str:
    return f"{label} — {name}: {_number(value)}"


def _state(item: TimelineItem, today: date) -> str:
    if item.done:
        return "done"
    return "overdue" if item.due < today else "planned"


def _day(value: date) -> str:
    """A day as the reader writes it ("7 déc. 2026", "Dec 7, 2026"), as the page around the chart."""
    return format_date(value, "medium", locale=str(get_locale() or "en"))


def _milestone_title(item: TimelineItem, state: str, today: date) -> str:
    due = _day(item.due)
    if state == "done":
        if item.completed_on:
            return _(
                "%(title)s — done on %(completed)s (due %(due)s)",
                title=item.title,
                completed=_day(item.completed_on),
                due=due,
            )
        return _("%(title)s — done (due %(due)s)", title=item.title, due=due)
    if state == "overdue":
        days = (today - item.due).days
        late = ngettext("%(num)d day", "%(num)d days", days)
        return _("%(title)s — overdue by %(late)s (due %(due)s)", title=item.title, late=late, due=due)
    return _("%(title)s — due %(due)s", title=item.title, due=due)


def _describe_timeline(items: list[TimelineItem], counts: dict, start: date, end: date, today: date) -> str:
    sentences = [
        _("From %(start)s to %(end)s; today is %(today)s.", start=start, end=end, today=today),
        ngettext("%(num)d milestone", "%(num)d milestones", len(items))
        + ": "
        + _(
            "%(done)d done, %(overdue)d overdue, %(planned)d planned.",
            done=counts["done"],
            overdue=counts["overdue"],
            planned=counts["planned"],
        ),
    ]
    overdue = [item for item in items if _state(item, today) == "overdue"]
    if overdue:
        listed = "; ".join(_("%(title)s (due %(due)s)", title=item.title, due=_day(item.due)) for item in overdue[:5])
        if len(overdue) > 5:
            listed += "; " + _("and %(num)d more", num=len(overdue) - 5)
        sentences.append(_("Overdue: %(list)s.", list=listed))
    return " ".join(sentences)


def _marker(state: str, x: float, y: float, role: str) -> str:
    """A milestone's marker: done a filled circle, overdue a filled diamond, planned a hollow circle."""
    if state == "overdue":
        return (
            f'<path class="{role} overdue" d="M{_n(x)} {_n(y - 7)}L{_n(x + 7)} {_n(y)}L{_n(x)} {_n(y + 7)}'
            f'L{_n(x - 7)} {_n(y)}Z" fill="{OVERDUE}" stroke="{OVERDUE}" stroke-width="1"/>'
        )
    fill, stroke = (DONE, DONE) if state == "done" else (WHITE, PLANNED)
    return (
        f'<circle class="{role} {state}" cx="{_n(x)}" cy="{_n(y)}" r="5.5" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="2"/>'
    )


# The SVG itself.


def _svg(kind: str, chart_id: str, width: int, height: int, title: str, desc: str, parts: list[str]) -> Markup:
    width, height = int(width), int(height)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{_e(title)}</title><desc id="{chart_id}-desc">{_e(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
    # Safe: every text from the caller went through _e(); the rest is numbers and this module's own constants.
    return Markup(svg)  # noqa: S704


def _no_data(kind: str, chart_id: str, title: str, width: int, height: int) -> Markup:
    text = _("No data")
    parts = [
        f'<text class="no-data" x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle" fill="{MUTED}">'
        f"{_e(text)}</text>"
    ]
    return _svg(kind, chart_id, width, height, title, text + ".", parts)


def _prepare(labels, series) -> tuple[list[str], dict[str, list[float | None]]]:
    """The labels as text and the values as finite floats or None, each series as long as the labels."""
    labels = [str(label) for label in labels]
    data: dict[str, list[float | None]] = {}
    for name, values in series.items():
        values = [_value(value) for value in values]
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
        data[str(name)] = values
    return labels, data


def _value(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _is_empty(labels: list[str], data: dict[str, list[float | None]]) -> bool:
    return not labels or all(value is None for values in data.values() for value in values)


def _runs(values: list[float | None]) -> list[list[int]]:
    """The indexes of the values, split where a value is missing."""
    runs: list[list[int]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(index)
    return [run for run in runs if run]


def _chart_id(kind: str, *content) -> str:
    return "chart-" + hashlib.sha256(repr((kind, *content)).encode()).hexdigest()[:12]


def _clip(text: str, room: int) -> tuple[str, bool]:
    """The text cut to ``room`` characters, the last an ellipsis, and whether it was cut."""
    text = " ".join(str(text).split())
    if len(text) <= room:
        return text, False
    return text[: max(room - 1, 0)].rstrip() + ELLIPSIS, True


def _e(text) -> str:
    """Text escaped for XML, without the control characters XML 1.0 does not allow. A Markup label is escaped too:
    nothing from the data becomes markup in the SVG."""
    return str(escape(_XML_FORBIDDEN.sub("", str(text))))


def _n(number: float) -> str:
    """A coordinate with at most two decimals."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _number(value: float) -> str:
    return format_decimal(value, format="#,##0.##", locale=_locale())


def _locale() -> str:
    return str(get_locale() or "en")
