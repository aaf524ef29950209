"""Links and image sources judged as a browser reads them, in `content check` and in the sanitiser alike.

Each disguise below is one a browser undoes before it follows the address: a leading control character, a
tab written as an entity, a backslash read as a slash. Today's chromium and the CSP stop what they lead to;
the check and the sanitiser must not depend on that.
"""

import json
from pathlib import Path

import pytest

from app.content import urls
from app.content.check import check
from app.content.render import markdown_to_html, notebook_to_html, sanitise
from tests.security.payloads import DISGUISED_ADDRESSES

#: (how it is written in HTML, what it must not become) — the issue's payloads and their kin.
HTML_PAYLOADS = [(tag, host) for tag, host in DISGUISED_ADDRESSES]
#: The same disguises as a Markdown lesson writes them (raw HTML is only text in a Markdown lesson).
MARKDOWN_PAYLOADS = [
    "[open](da&#x09;ta:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[open](jav&#x0A;ascript:alert(1))",
    "![chart](/\\evil.example/c.png)",
    "![chart](/&#x09;/evil.example/c.png)",
    "[home](/\\evil.example)",
    "[home](\\\\evil.example/)",
    "![chart](//evil.example/c.png)",
]


def problems_of(root: Path, name: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in check(root).problems if Path(p.path).name == name]


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_a_disguised_address_in_a_markdown_lesson_is_reported_at_its_line(content_dir, payload):
    """Does `content check` report a link or image a browser would read differently, at the lesson's line?"""
    lesson = content_dir / "courses/intro-to-data/lessons/declarations.md"
    lesson.write_text(lesson.read_text() + f"\nSome words before it, then {payload} and after.\n\nThe end.\n")
    line = len(lesson.read_text().splitlines()) - 2
    found = problems_of(content_dir, "declarations.md")
    assert [number for number, _ in found] == [line], found
    assert "is read by browsers as" in found[0][1] or "another site" in found[0][1] or "leaves the site" in found[0][1]


@pytest.mark.parametrize(("tag", "host"), HTML_PAYLOADS)
@pytest.mark.parametrize("where", ["markdown-cell", "html-output"])
def test_a_disguised_address_in_a_notebook_is_reported_at_its_line(content_dir, tag, host, where):
    """Does `content check` report a disguised address in a notebook's Markdown cell or HTML output, at the
    line of the notebook file that holds it?"""
    path = content_dir / "courses/intro-to-data/notebooks/exploring.ipynb"
    notebook = json.loads(path.read_text())
    if where == "markdown-cell":
        notebook["cells"][0]["source"].append(f"\nA paragraph with {tag} in it.")
    else:
        notebook["cells"][2]["outputs"][0]["data"]["text/html"] = ["<p>A table</p>\n", f"<div>{tag}</div>\n"]
    path.write_text(json.dumps(notebook, indent=1))
    found = [p for p in problems_of(content_dir, "exploring.ipynb") if not p[1].startswith("executable markup")]
    assert len(found) == 1, found
    line, message = found[0]
    held = path.read_text().splitlines()[line - 1]
    assert "A paragraph with" in held or "<div>" in held, (line, held)
    assert "browsers" in message or "another site" in message


@pytest.mark.parametrize(("tag", "host"), HTML_PAYLOADS)
def test_the_sanitiser_drops_a_disguised_address(tag, host):
    """Does the sanitiser remove a link or image source a browser would read as data:, javascript: or another
    site, whatever the disguise?"""
    html = sanitise(f"<p>{tag}</p>")
    assert "href=" not in html and "src=" not in html, html
    assert host not in html.replace("\t", "").lower()


@pytest.mark.parametrize(("tag", "host"), HTML_PAYLOADS)
def test_a_notebook_renders_without_the_disguised_address(tag, host):
    """Does a rendered notebook (Markdown cell and HTML output) keep none of these addresses?"""
    import nbformat

    v4 = nbformat.v4
    output = v4.new_output("display_data", data={"text/html": f"<div>{tag}</div>"})
    notebook = v4.new_notebook(cells=[v4.new_markdown_cell(f"Text {tag}"), v4.new_code_cell("x", outputs=[output])])
    html = notebook_to_html(nbformat.writes(notebook))
    for attribute in ('href="', 'src="'):
        for piece in html.split(attribute)[1:]:
            assert urls.link_problem(piece.split('"')[0]) is None or attribute == 'src="', html
            assert not piece.startswith(("data:text", "\x01", "/\\", "/\t", "//", "da\t", "jav")), html


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_a_markdown_lesson_renders_a_disguised_address_as_text(payload):
    """Is a disguised Markdown link or image rendered without its address (its text stays readable)?"""
    html = markdown_to_html(payload)
    assert "href=" not in html and "src=" not in html, html


def test_addresses_a_lesson_needs_are_kept():
    """Are links to this site, anchors, glossary terms, https and mailto addresses, site images and embedded
    images still kept, in the check and in the page?"""
    kept = (
        '<a href="/catalogue">a</a><a href="#part-2">b</a><a href="https://www.wcoomd.org/en.aspx">c</a>'
        '<a href="mailto:academy@wcoomd.org">d</a><a href="notes.html">e</a>'
        '<img src="/lesson-images/ab.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
    )
    assert sanitise(kept).count("href=") == 5 and sanitise(kept).count("src=") == 2
    md = "[a](/catalogue) [b](#x) [g](glossary:x) [c](https://www.wcoomd.org/) [d](mailto:a@b.org)"
    assert markdown_to_html(md).count("<a ") == 5


def test_the_browser_reading_follows_the_url_standard():
    """Does the address reading strip what WHATWG strips, remove tabs and newlines anywhere, and find the
    scheme a browser finds?"""
    assert urls.as_browser_reads("\x01 da\tt\na:x \x1f") == "data:x"
    assert urls.scheme_of("\x01JaVa\tScript:alert(1)") == "javascript"
    assert urls.scheme_of("java script:x") is None and urls.scheme_of("/a:b") is None
    assert urls.image_problem("/\t/evil.example/x.png") and urls.image_problem("\\\\evil.example/x.png")
    assert urls.link_problem("/\\evil.example") and urls.link_problem("//evil.example")
    assert urls.link_problem("\u00a0javascript:x") is None  # not a scheme to a browser: a path on this site
