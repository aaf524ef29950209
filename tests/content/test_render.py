"""The sanitiser and renderers: what reaches a page is inert, and what a lesson needs survives."""

import base64
import hashlib
import json

import nbformat
import pytest

from app.content.render import (
    DROPPED_NOTE,
    extract_images,
    markdown_to_html,
    notebook_to_html,
    plain_text,
    sanitise,
)

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name="p"></form>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>',
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<object data="x.swf"></object>',
    '<p class="site-header button">borrowed classes</p>',
    '<img src="https://tracker.example/pixel.png">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_sanitiser_leaves_nothing_active(payload):
    """Does the allow-list strip scripts, handlers, dangerous URLs, frames, forms, styles and remote images?"""
    html = sanitise(payload).lower()
    for banned in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "data:text",
        "<iframe",
        "<form",
        "<input",
        "style=",
        "<style",
        "<svg",
        "<object",
        "site-header",
        "tracker.example",
    ):
        assert banned not in html, (payload, html)


def test_markdown_keeps_what_a_lesson_needs():
    """Are headings, tables, highlighted code, maths as text and glossary links kept?"""
    html = markdown_to_html(
        "## Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n"
        "Unit value $v/q$.\n\nSee [anonymisation](glossary:anonymisation).\n\n"
        "![dot](data:image/png;base64,iVBORw0KGgo=)"
    )
    assert "<h2>Heading</h2>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<pre class="highlight"><code><span class="n">x</span>' in html
    assert '<span class="math inline">v/q</span>' in html
    assert 'href="/glossary#term-anonymisation"' in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html


def test_raw_html_in_markdown_is_shown_as_text():
    """Is raw HTML in a Markdown lesson escaped rather than rendered?"""
    html = markdown_to_html("Hello <b onclick=alert(1)>bold</b>")
    assert "&lt;b onclick=alert(1)&gt;" in html and "<b " not in html


def _notebook(*outputs, markdown="## Title"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("x = 1", outputs=list(outputs))]
    return nbformat.writes(nb)


def test_notebook_outputs_are_kept_and_javascript_dropped_with_a_note():
    """Does a notebook keep its text, tables and images, and replace JS and widget outputs with a note?"""
    html = notebook_to_html(
        _notebook(
            nbformat.v4.new_output("stream", name="stdout", text="42 lines\n"),
            nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>cell</td></tr></table>"}),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
            nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "JS"}),
        )
    )
    assert "42 lines" in html and "<td>cell</td>" in html
    assert "data:image/png;base64,iVBORw0KGgo=" in html
    assert DROPPED_NOTE in html and "alert(1)" not in html


def test_notebook_svg_becomes_an_inert_image():
    """Is an SVG output (which could carry script) served only as an <img> data URI?"""
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = notebook_to_html(_notebook(nbformat.v4.new_output("display_data", data={"image/svg+xml": svg})))
    assert "<svg" not in html and "<script" not in html
    assert 'src="data:image/svg+xml;base64,' in html


# A 1×1 PNG, as a notebook stores a plot.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="


def test_embedded_plots_move_to_stored_files_and_the_rest_stays_embedded():
    """Is a notebook's plot stored once and linked, while an SVG, bytes that are not the image they claim to
    be, and broken base64 stay embedded as the inert <img> they were?"""
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = notebook_to_html(
        _notebook(
            nbformat.v4.new_output("display_data", data={"image/png": PNG}),
            nbformat.v4.new_output("display_data", data={"image/png": PNG}),
            nbformat.v4.new_output("display_data", data={"image/svg+xml": svg}),
        )
    )
    forged = base64.b64encode(b"<html><script>alert(1)</script></html>").decode()
    html += f'<img src="data:image/png;base64,{forged}"><img src="data:image/gif;base64,R0lGOD==lh">'
    stored = {}

    def store(data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        stored[digest] = data
        return digest

    moved = extract_images(html, store)
    [(digest, data)] = stored.items()
    kind = "webp" if data.startswith(b"RIFF") else "png"
    assert len(data) <= len(base64.b64decode(PNG))
    assert moved.count(f'src="/lesson-images/{digest}.{kind}" width="1" height="1" loading="lazy"') == 2
    assert PNG not in moved
    assert 'src="data:image/svg+xml;base64,' in moved
    assert f'src="data:image/png;base64,{forged}"' in moved and "R0lGOD==lh" in moved


def test_notebook_markdown_and_html_outputs_are_sanitised():
    """Is script in a notebook's Markdown cells and HTML outputs removed at render?"""
    html = notebook_to_html(
        _notebook(
            nbformat.v4.new_output("display_data", data={"text/html": '<img src=x onerror="alert(2)"><b>ok</b>'}),
            markdown="## Title\n\n<script>alert(1)</script>",
        )
    )
    assert "alert(1)" not in html and "onerror" not in html and "<b>ok</b>" in html


def test_plain_text_for_search():
    """Does the search text hold the lesson's words without markup or image data?"""
    text = plain_text('<h2>Risk</h2><p>Unit <b>value</b></p><img src="data:image/png;base64,AAAA">')
    assert text == "Risk Unit value"


def test_notebook_json_fixture_is_valid():
    """Is the test notebook a valid nbformat 4 notebook (so the other tests test the renderer)?"""
    from tests.conftest import FIXTURE_CONTENT

    path = FIXTURE_CONTENT / "courses/intro-to-data/notebooks/exploring.ipynb"
    nbformat.validate(nbformat.reads(path.read_text(), as_version=4))
    assert json.loads(path.read_text())["nbformat"] == 4


def test_highlighted_code_is_readable_and_the_stylesheet_is_the_generated_one():
    """Does every token colour of highlighted code reach WCAG AA contrast, in the stylesheet the site serves?"""
    import re
    from pathlib import Path

    from app.content.render import CODE_BACKGROUND, _contrast, highlight_css

    served = (Path(__file__).resolve().parents[2] / "app/static/css/lesson-code.css").read_text()
    assert served.split("\n", 1)[1].strip() == highlight_css().strip()
    colours = re.findall(r"(?<![-\w])color: #([0-9a-fA-F]+)", served)
    assert all(len(colour) == 6 for colour in colours)
    assert colours and all(
        _contrast([int(c[i : i + 2], 16) for i in (0, 2, 4)], CODE_BACKGROUND) >= 4.5 for c in colours
    )


def test_a_wide_table_and_code_scroll_in_labelled_regions_a_keyboard_reaches():
    """Is a notebook's wide table, its code and its output each put in a named region reached with Tab, and is
    pandas' empty corner header an ordinary cell?"""
    columns = "".join(f"<th>column_{n}</th>" for n in range(22))
    table = (
        f'<table class="dataframe"><thead><tr><th></th>{columns}</tr></thead><tbody><tr><th>0</th></tr></tbody></table>'
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "df.head()",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="(31973, 22)\n"),
                nbformat.v4.new_output("execute_result", data={"text/html": table}, execution_count=1),
            ],
        )
    ]
    html = notebook_to_html(nbformat.writes(nb))
    region = '<div class="scroll-region" role="region" aria-label="{}" tabindex="0">'
    assert region.format("Table 1") + '<table class="dataframe">' in html
    assert region.format("Code 1") + "<pre>" in html and region.format("Output 1") + "<pre>" in html
    assert "<th></th>" not in html and "<td></td><th>column_0</th>" in html
    markdown = markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n")
    assert (
        region.format("Table 1") + "<table>" in markdown
        and region.format("Code 1") + '<pre class="highlight">' in markdown
    )


def test_a_plot_takes_its_text_alternative_from_the_cells_metadata():
    """Does a plot's <img> carry the text an author gave in the cell's `alt` metadata?"""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "plot()", outputs=[nbformat.v4.new_output("display_data", data={"image/png": PNG})]
    )
    cell.metadata["alt"] = 'Bar chart: green 86%, yellow 8%, red 6% — "channels"'
    nb.cells = [cell]
    html = notebook_to_html(nbformat.writes(nb))
    assert 'alt="Bar chart: green 86%, yellow 8%, red 6% — &quot;channels&quot;"' in html
