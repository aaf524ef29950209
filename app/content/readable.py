"""What makes a rendered lesson readable by everyone: wide blocks scroll in labelled regions.

A notebook's table of 22 columns, or a long line of code, is wider than the page. Each table and
each code or output block is put in its own region that scrolls sideways, is reached with the
Tab key (tabindex="0": a keyboard cannot scroll what it cannot focus) and is named for screen
readers ("Table 1", "Code 3", "Output 2"). An empty header cell (pandas' corner above the index)
becomes an ordinary cell: a header that names nothing confuses a screen reader. Run once, at
import, on sanitised HTML; the attributes added here are the app's own, never an author's.
"""

from __future__ import annotations

import re
from html import escape

from flask import has_app_context
from flask_babel import force_locale, gettext

_EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>\s*</th>")
_PRE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL)
_TABLE_TAG = re.compile(r"<table\b|</table>")
#: A block of code rather than a program's output: highlighted, or <pre><code> from Markdown.
_CODE_BEFORE = re.compile(r'<div class="highlight[^"]*">\s*$')


def readable(html: str, language: str | None = None) -> str:
    """Put each table and code or output block of sanitised HTML in a labelled, focusable region."""
    labels = _labels(language)
    html = _EMPTY_HEADER.sub(lambda match: f"<td{match.group(1) or ''}></td>", html)
    html = _wrap_tables(html, labels["table"])
    counts = {"code": 0, "output": 0}

    def wrap_pre(match: re.Match) -> str:
        block = match.group(0)
        before = html[max(0, match.start() - 60) : match.start()]
        is_code = 'class="highlight' in block[:40] or block.find("<code", 0, 40) != -1 or _CODE_BEFORE.search(before)
        kind = "code" if is_code else "output"
        counts[kind] += 1
        return _region(block, labels[kind] % {"number": counts[kind]})

    return _PRE.sub(wrap_pre, html)


def _wrap_tables(html: str, label: str) -> str:
    """Wrap each outermost table (tables inside tables scroll with their parent)."""
    parts, depth, start, last, number = [], 0, 0, 0, 0
    for tag in _TABLE_TAG.finditer(html):
        if tag.group(0) == "<table":
            if depth == 0:
                start = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                number += 1
                parts.append(html[last:start])
                parts.append(_region(html[start : tag.end()], label % {"number": number}))
                last = tag.end()
    parts.append(html[last:])
    return "".join(parts)


def _region(block: str, label: str) -> str:
    return f'<div class="scroll-region" role="region" aria-label="{escape(label)}" tabindex="0">{block}</div>'


def _labels(language: str | None) -> dict[str, str]:
    """The regions' names in the lesson's language (stored HTML is served to everyone alike)."""
    if not has_app_context():
        return {"table": "Table %(number)d", "code": "Code %(number)d", "output": "Output %(number)d"}
    with force_locale(language or "en"):
        return {
            # Without variables gettext leaves "%(number)d" for wrap_pre and _wrap_tables to fill.
            "table": gettext("Table %(number)d"),
            "code": gettext("Code %(number)d"),
            "output": gettext("Output %(number)d"),
        }
