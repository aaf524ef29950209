"""The certificate PDF: WeasyPrint over HTML and CSS kept in the top-level certificates/ folder.

WeasyPrint reads nothing from the network and no file outside that folder: the URL fetcher
below refuses everything else, so a template that points at a remote image still renders,
without the image and without a request leaving the machine.
"""

from __future__ import annotations

import atexit
import logging
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import segno
from flask_babel import force_locale, get_locale, get_translations
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from app.auth import names
from app.common import kept
from app.core import formatting
from app.core.language import direction

#: The look of certificates: templates, styles, fonts and artwork.
CERTIFICATES_DIR = Path(__file__).resolve().parent.parent.parent / "certificates"
log = logging.getLogger(__name__)


def _confined_fetcher_class():
    from weasyprint.urls import URLFetcher

    class ConfinedURLFetcher(URLFetcher):
        """Serves data: URLs and files inside certificates/; refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not (path.is_relative_to(CERTIFICATES_DIR) and path.is_file()):
                    log.warning("Certificate template asked for %s: refused (only certificates/ is read)", url)
                    raise ValueError(f"refused: {url} is outside certificates/")
            elif parts.scheme != "data":
                log.warning("Certificate template asked for %s: refused (no network access)", url)
                raise ValueError(f"refused: {url}")
            return super().fetch(url, headers)

    return ConfinedURLFetcher


def confined_url_fetcher():
    """A WeasyPrint URL fetcher that reads only certificates/ and data: URLs."""
    return _confined_fetcher_class()()


#: The certificate's look, loaded once per process (gunicorn.conf.py loads it when a worker starts).
LOOK = kept.Store(
    "certificate look",
    holds="the certificate's templates, fonts and parsed certificate.css",
    keyed_by="what is loaded and the certificates folder",
    stale=(kept.Never("a restart (a release)"),),
    bound=8,
    owner="app/certificates/rendering.py",
)


@LOOK.function
def _templates() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(CERTIFICATES_DIR),
        autoescape=select_autoescape(default=True),
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    environment.filters["name_size"] = name_size
    environment.filters["local_date"] = formatting.local_date
    environment.filters["number"] = formatting.number
    environment.globals["get_locale"] = lambda: str(get_locale() or "en")
    environment.globals["text_direction"] = direction
    # The words of the certificate in the language it is rendered in (services: the learner's), and in the
    # context's other `languages` after them when the academy prints certificates in several.
    environment.install_gettext_callables(
        gettext=_in_each_language,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
    )
    return environment


@pass_context
def _in_each_language(context, message: str) -> str:
    """`message` in the language being rendered, followed by each other language of the context's `languages`
    in a `<span class="also" lang>` (certificate.css places them); the catalogue's words are trusted markup,
    as Jinja's own gettext treats them."""
    first = get_translations().ugettext(message)
    texts = [first]
    for language in (context.get("languages") or [])[1:]:
        with force_locale(language):
            text = get_translations().ugettext(message)
        if text not in texts:
            texts.append(text)
            first += f'<span class="also" lang="{language}">{text}</span>'
    return first


#: (widest name, class) from the largest size down: certificate.css sets each class's size.
NAME_SIZES = ((32, ""), (72, "long"), (130, "longer"))


def name_size(name: str) -> str:
    """The class that prints this name on the certificate at a size where it fits (wrapping as it must).

    The width is counted as printed: a combining mark takes no room, a Chinese, Japanese or
    Korean character two Latin letters' room.
    """
    width = 0
    for character in name:
        if unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    size = next((size for widest, size in NAME_SIZES if width <= widest), "longest")
    # Letters carrying several marks need taller lines, or the marks reach into the lines around.
    return f"{size} stacked".strip() if names.most_stacked_marks(name) > 1 else size


def qr_data_uri(url: str) -> str:
    """A QR code of the verification address, as an SVG data URI."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#0b3a50")


def render_html(context: dict, template: str = "certificate.html") -> str:
    return _templates().get_template(template).render(**context)


@LOOK.function
def _styles(directory: Path):
    """One font configuration and one parsed certificate.css per process.

    Building them for each render re-registered 3.7 MB of fonts every time (about 30 ms) and
    the memory was never given back (the benchmark saw a worker grow by 80 MB over 200
    renders). A changed certificate.css is therefore read at the next restart.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = directory / "certificate.css"
    if not stylesheet.is_file():
        return fonts, []
    return fonts, [CSS(filename=str(stylesheet), font_config=fonts, url_fetcher=confined_url_fetcher())]


# Let the font configuration go while the interpreter is still whole (its destructor needs it).
atexit.register(LOOK.clear)


#: A certificate that is never issued, rendered once when a web worker starts (see prepare).
SPECIMEN = {
    "title": "Customs data foundations",
    "recipient_name": "Specimen",
    "kind": "course",
    "track_title": "Data specialists",
    "tier_title": "Foundation",
    "issued_at": datetime(2026, 1, 1, tzinfo=UTC),
    "hours": 1,
    "course_version": "1",
    "issuer": "Customs Data Academy",
    "code": "SPECIMEN",
}


def prepare() -> None:
    """Render a specimen certificate and throw it away: called when a web worker starts.

    A process's first certificate paid for loading 3.7 MB of fonts, parsing certificate.css,
    compiling the template and Pango's first shaping with each font: about 100 ms on top of
    the 60 ms a certificate takes, in the request of the first learner to download one. The
    gunicorn hook in gunicorn.conf.py moves that to the worker's start.
    """
    url = "https://academy.invalid/verify/SPECIMEN"
    render_pdf({"certificate": SimpleNamespace(**SPECIMEN), "verification_url": url, "qr": qr_data_uri(url)})


def lay_out(context: dict, template: str = "certificate.html"):
    """The certificate laid out in pages (a WeasyPrint document), before it is written as PDF."""
    from weasyprint import HTML

    html = render_html(context, template)
    fonts, stylesheets = _styles(CERTIFICATES_DIR)
    base = CERTIFICATES_DIR.as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=confined_url_fetcher()).render(
        stylesheets=stylesheets, font_config=fonts
    )


def render_pdf(context: dict, template: str = "certificate.html") -> bytes:
    """Render a certificate to PDF bytes."""
    return lay_out(context, template).write_pdf()
