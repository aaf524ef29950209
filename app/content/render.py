"""Turn lessons into safe HTML, once, at import: Markdown and notebooks, then an nh3 allow-list.

Pages serve what this module stored; a request never runs a converter.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from html import escape, unescape

import nbformat
import nh3
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink, validateLink
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from app.common import kept
from app.common.storage import is_image
from app.content import images, urls
from app.content.readable import readable

#: Shown where a notebook output could only run as JavaScript.
DROPPED_NOTE = "Interactive output removed: JavaScript and widgets do not run on this site."
_DROPPED_MIMES = ("application/javascript", "application/vnd.jupyter.widget-view+json", "text/javascript")
#: nbconvert's "¶" after each heading, which the lesson page never showed: bytes for nothing.
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>[^<]*</a>')
#: Pygments wraps each run of spaces in a span that no style colours.
_WHITESPACE_SPAN = re.compile(r'<span class="w">(\s*)</span>|<span></span>')
_GLOSSARY_HREF = re.compile(r'href="glossary:([a-z0-9-]*)"')
#: A raster image embedded in sanitised HTML (nh3 writes attributes in double quotes). SVG stays
#: embedded: served from this site as a file, its scripts would run if opened on their own.
_EMBEDDED_IMAGE = re.compile(r'<img\b([^>]*?) src="data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]+)"([^>]*)>')
_SIZED = re.compile(r"\s(width|height)=")
TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
# Classes our lesson styles and syntax highlighting use; any other class is dropped, so a lesson
# cannot borrow the page's own classes (and nbconvert's many layout classes cost no bytes).
_LESSON_CLASSES = {
    "highlight",
    "math",
    "inline",
    "block",
    "footnotes",
    "footnotes-sep",
    "footnotes-list",
    "footnote-item",
    "footnote-ref",
    "footnote-backref",
    "nb-cell",
    "nb-input",
    "nb-output",
    "nb-prompt",
    "nb-dropped",
    "dataframe",
    "output_png",
    "anchor-link",
    "glossary-link",
    "cell",
    "code_cell",
    "text_cell",
    "input",
    "input_area",
    "output",
    "output_area",
    "output_stderr",
    "output_html",
    "output_markdown",
    "output_error",
}
_CLASSES = _LESSON_CLASSES | {cls for cls in STANDARD_TYPES.values() if cls}


def _highlight(code: str, language: str, _attrs) -> str:
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    # Starting with <pre tells markdown-it not to wrap it again.
    spans = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return '<pre class="highlight"><code>' + spans + "</code></pre>\n"


@kept.once
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    # An address a browser would read differently from how it is written (a tab, a backslash) is no
    # link at all, rather than a percent-encoded one: left as written, validateLink refuses it.
    md.normalizeLink = lambda address: normalizeLink(address) if urls.reads_as_written(address) else address
    md.validateLink = lambda address: urls.reads_as_written(address) and validateLink(address)
    md.use(footnote_plugin).use(dollarmath_plugin, allow_space=False, double_inline=True)
    # Maths is shown as text, in a span or div the stylesheet sets apart.
    md.add_render_rule("math_inline", lambda self, tokens, idx, options, env: _math(tokens[idx].content, "inline"))
    md.add_render_rule("math_block", lambda self, tokens, idx, options, env: _math(tokens[idx].content, "block"))
    md.add_render_rule(
        "math_inline_double", lambda self, tokens, idx, options, env: _math(tokens[idx].content, "block")
    )
    return md


def _math(tex: str, kind: str) -> str:
    tag = "span" if kind == "inline" else "div"
    return f'<{tag} class="math {kind}">{escape(tex)}</{tag}>'


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Addresses judged as the browser will read them (nh3 hands them over HTML-decoded): images only
    # from this site or embedded as image data, links to this site or to http, https and mailto.
    if attribute == "src":
        return value if urls.image_problem(value) is None else None
    if attribute == "href":
        return value if urls.link_problem(value) is None else None
    if attribute == "class":
        kept = " ".join(name for name in value.split() if name in _CLASSES)
        return kept or None
    return value


def sanitise(html: str) -> str:
    """The allow-list every stored lesson passes: no scripts, handlers, iframes, forms or styles."""
    html = _GLOSSARY_HREF.sub(lambda m: f'class="glossary-link" href="/glossary#term-{m.group(1)}"', html)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )


def markdown_to_html(text: str, language: str | None = None) -> str:
    """Render a Markdown lesson or text to sanitised, readable HTML (regions named in `language`)."""
    return readable(sanitise(_markdown().render(text)), language)


def _strip_active_outputs(notebook) -> int:
    """Remove JavaScript and widget outputs, leaving a visible note; SVG becomes an inert image."""
    dropped = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            removed = [mime for mime in _DROPPED_MIMES if mime in data]
            for mime in removed:
                del data[mime]
            if "image/svg+xml" in data:
                svg = data.pop("image/svg+xml")
                svg = "".join(svg) if isinstance(svg, list) else svg
                encoded = base64.b64encode(svg.encode()).decode()
                data["text/html"] = f'<img alt="" src="data:image/svg+xml;base64,{encoded}">'
            if removed:
                dropped += 1
                if not any(key != "text/plain" for key in data):
                    data.clear()
                data["text/html"] = f'<p class="nb-dropped">{DROPPED_NOTE}</p>'
    return dropped


@kept.once
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def notebook_to_html(text: str, language: str | None = None) -> str:
    """Render a notebook (with its stored outputs; nothing is executed) to sanitised, readable HTML.

    A plot's text alternative is the cell's metadata `alt` (nbconvert's own convention; see
    content/README.md), else nbconvert's "No description has been provided for this image",
    which `content check` warns about."""
    notebook = nbformat.reads(text, as_version=4)
    _strip_active_outputs(notebook)
    # nbconvert highlights "ipython3" code with IPython's own lexer; plain Python needs no IPython.
    code_language = notebook.metadata.setdefault("language_info", {"name": "python"})
    if not code_language.get("pygments_lexer") or code_language["pygments_lexer"].startswith("ipython"):
        code_language["pygments_lexer"] = "python3"
    body, _resources = _exporter().from_notebook_node(notebook)
    html = _WHITESPACE_SPAN.sub(r"\1", _ANCHOR_LINK.sub("", sanitise(body)))
    return readable(html, language)


def extract_images(html: str, store: Callable[[bytes], str]) -> str:
    """Move the raster images embedded in a rendered lesson to files, and link to them.

    A notebook's plots arrive as base64 inside the HTML: half of a typical notebook lesson's
    page, sent again with every view. Each is stored in its smallest faithful encoding
    (images.smallest); `store` keeps the bytes (content storage, by hash) and returns their
    sha256; the page then links to /lesson-images/<sha256>.<kind>, which browsers keep. The
    image gets its width and height, so the page does not jump as it arrives, and loads lazily:
    a plot far down a lesson costs nothing to a learner who stops before it. Run at import, on
    sanitised HTML.
    """

    def replace(match: re.Match) -> str:
        before, kind, encoded, after = match.groups()
        try:
            data = base64.b64decode("".join(encoded.split()), validate=True)
        except ValueError:
            return match.group(0)
        if not is_image(data, kind):
            return match.group(0)
        image = images.smallest(data, kind)
        attributes = f'{before} src="/lesson-images/{store(image.data)}.{image.kind}"{after}'
        if image.width and not _SIZED.search(attributes):
            attributes += f' width="{image.width}" height="{image.height}"'
        return f'<img{attributes} loading="lazy" decoding="async">'

    return _EMBEDDED_IMAGE.sub(replace, html)


def plain_text(html: str) -> str:
    """The words of a rendered lesson, for search."""
    spaced = re.sub(r"</?(p|h[1-6]|li|td|th|div|br|tr|pre|blockquote|dd|dt)\b", r" \g<0>", html)
    text = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style", "pre"})
    text = re.sub(r"data:image/[^\s\"]+", " ", text)
    return " ".join(unescape(text).split())


#: The background of code in lessons (app.css, `.prose pre`), which every token colour must stand out from.
CODE_BACKGROUND = "f4f6f8"
#: WCAG AA for normal text, with a little room for rounding.
MIN_CONTRAST = 4.6


def highlight_css() -> str:
    """The stylesheet for highlighted code (generated into app/static/css/lesson-code.css).

    Pygments' default colours include some (comments, operator words) too pale to read on our
    code background; each is darkened just enough to reach WCAG AA contrast."""
    css = HtmlFormatter().get_style_defs(".highlight")
    # Line numbers' padding on both sides, said once and the same in a right-to-left page.
    css = css.replace("padding-left: 5px; padding-right: 5px;", "padding-inline: 5px;")
    return re.sub(
        r"(?<![-\w])color: #([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", lambda m: f"color: #{_readable_colour(m.group(1))}", css
    )


def _readable_colour(hex_colour: str) -> str:
    if len(hex_colour) == 3:
        hex_colour = "".join(digit * 2 for digit in hex_colour)
    rgb = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]
    while _contrast(rgb, CODE_BACKGROUND) < MIN_CONTRAST:
        rgb = [int(channel * 0.9) for channel in rgb]
    return "".join(f"{channel:02x}" for channel in rgb)


def _contrast(rgb: list[int], background: str) -> float:
    def luminance(channels) -> float:
        linear = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    back = luminance([int(background[i : i + 2], 16) for i in (0, 2, 4)])
    front = luminance(rgb)
    return (max(back, front) + 0.05) / (min(back, front) + 0.05)
