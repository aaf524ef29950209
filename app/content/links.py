"""Find every link and image in a lesson's source, at its line, and judge it as a browser reads it.

`content check` and the editor's uploads report what `urls` refuses, as `file:line`, so an
author learns of an address the sanitiser would drop before any page is rendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from app.common import kept
from app.content import urls

#: Attributes a browser follows as a link, and those it loads as a resource.
_LINK_ATTRIBUTES = {"href", "xlink:href"}
_RESOURCE_ATTRIBUTES = {"src"}


@kept.once
def _reader(html: bool) -> MarkdownIt:
    """Markdown parsed as the lesson renderer parses it, but keeping every address as written (decoded)."""
    md = MarkdownIt("commonmark", {"html": html})
    md.enable(["table", "strikethrough"])
    md.normalizeLink = lambda address: address
    md.validateLink = lambda address: True
    return md


#: A URL attribute in a start tag, as written.
_ATTRIBUTE = re.compile(r"""[\s/](href|xlink:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
#: A numeric character reference to a control character, which Python's unescape drops but browsers keep.
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}));?")


def _decode(value: str) -> str:
    """An attribute's value decoded as a browser's HTML parser decodes it (`&#x01;` is U+0001, not nothing)."""

    def control(match: re.Match) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return chr(code) if 0 < code < 0x20 or code == 0x7F else match.group(0)

    return unescape(_CONTROL_REFERENCE.sub(control, value))


class _Tags(HTMLParser):
    """Collects (line, attribute, value) of every URL attribute, its value decoded as a browser does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for found in _ATTRIBUTE.finditer(self.get_starttag_text() or ""):
            value = next(part for part in found.groups()[1:] if part is not None)
            self.found.append((self.getpos()[0], found.group(1).lower(), _decode(value)))

    handle_startendtag = handle_starttag


def _in_html(text: str, first_line: int = 1) -> Iterator[tuple[int, str, str]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    for line, name, value in parser.found:
        yield first_line + line - 1, name, value


def _in_markdown(text: str, html: bool) -> Iterator[tuple[int, str, str]]:
    for token in _reader(html).parse(text):
        if token.map is None:
            continue
        first = token.map[0] + 1
        if token.type == "html_block":
            yield from _in_html(token.content, first)
            continue
        line = first
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                yield line, "href", str(child.attrs.get("href", ""))
            elif child.type == "image":
                yield line, "src", str(child.attrs.get("src", ""))
            elif child.type == "html_inline":
                for _, name, value in _in_html(child.content):
                    yield line, name, value


def _problem(attribute: str, value: str) -> str | None:
    if attribute in _RESOURCE_ATTRIBUTES:
        return urls.image_problem(value)
    return urls.link_problem(value)


def markdown_problems(text: str) -> list[tuple[int, str]]:
    """The links and images of a Markdown lesson (raw HTML is shown as text there) a browser must not follow."""
    return [(line, problem) for line, name, value in _in_markdown(text, False) if (problem := _problem(name, value))]


def notebook_problems(text: str, notebook) -> list[tuple[int, str]]:
    """The same for a notebook: its Markdown cells (raw HTML renders there) and HTML and Markdown outputs.

    A problem is placed at the line of the notebook file that holds its source line as JSON.
    """
    file_lines = text.splitlines()
    problems = []
    for kind, source in _markup(notebook):
        found = _in_html(source) if kind == "html" else _in_markdown(source, True)
        source_lines = source.splitlines()
        for line, name, value in found:
            if problem := _problem(name, value):
                written = source_lines[line - 1] if 0 < line <= len(source_lines) else value
                problems.append((_file_line(file_lines, written), problem))
    return problems


def _markup(notebook) -> Iterator[tuple[str, str]]:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            yield "markdown", cell.source
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime, kind in (("text/html", "html"), ("text/markdown", "markdown")):
                value = data.get(mime)
                if value:
                    yield kind, "".join(value) if isinstance(value, list) else value


def _file_line(file_lines: list[str], written: str) -> int:
    """The line of the notebook's JSON holding this source line (JSON escapes tabs and controls)."""
    escaped = json.dumps(written.strip(), ensure_ascii=False)[1:-1]
    for number, line in enumerate(file_lines, start=1):
        if escaped and escaped in line:
            return number
    return 1
