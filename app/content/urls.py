"""Links and image sources in lessons, judged as a browser will read them.

A browser does not read an address as it is written: the WHATWG URL parser strips leading and
trailing control characters and spaces, removes every tab and newline, and reads `\\` as `/` in
http(s) addresses, so `\\x01data:…`, `da<tab>ta:…` and `/\\evil.example` are a data: URL and a
link to another site. Both `content check` and the sanitiser judge the address as the browser
reads it, never as written: one rule here, used by both.

The rules: a link goes to this site (a path or a `#` anchor), or to http, https or mailto
addresses written in full; an image comes from this site (a path starting with `/`) or is
embedded as base64 image data. An address a browser would read differently from how it is
written (control characters, tabs, newlines, backslashes) is refused: written plainly, it says
where it goes.
"""

from __future__ import annotations

import re

#: Schemes a lesson's link may name; `glossary:` is turned into a link to the glossary first.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: An image embedded in a lesson: base64 image data, nothing a browser would run.
IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$", re.IGNORECASE)
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# WHATWG "scheme state": an ASCII letter, then letters, digits, +, - or ., then a colon.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def as_browser_reads(address: str) -> str:
    """The address as the WHATWG URL parser reads it before parsing (its value already HTML-decoded)."""
    return _TAB_OR_NEWLINE.sub("", address.strip(_C0_OR_SPACE))


def scheme_of(address: str) -> str | None:
    """The scheme a browser finds in the address (lowercase), or None for a relative address."""
    found = _SCHEME.match(as_browser_reads(address))
    return found.group(1).lower() if found else None


def _disguised(address: str) -> str | None:
    """How a browser reads the address, when that differs from how it is written."""
    inner = address.strip(" ")
    if not _CONTROL.search(inner) and "\\" not in inner:
        return None
    read = as_browser_reads(address)
    if scheme_of(read) in (None, "http", "https"):  # "special" addresses, where \ is a /
        read = read.replace("\\", "/")
    return f"is read by browsers as {_shown(read)} (they drop control characters, tabs and newlines, and read \\ as /)"


def reads_as_written(address: str) -> bool:
    """Does a browser read the address as it is written (no control characters, tabs or backslashes)?"""
    return _disguised(address) is None


def _shown(address: str) -> str:
    """The address quoted, its control characters made visible (a tab as \\t), cut at 60 characters."""
    visible = "".join(repr(c)[1:-1] if ord(c) < 0x20 or c == "\x7f" else c for c in address)
    return f'"{visible if len(visible) <= 60 else visible[:57] + "…"}"'


def link_problem(address: str) -> str | None:
    """What is wrong with a lesson's link to this address, or None when a browser may follow it."""
    if reason := _disguised(address):
        return f"the link {_shown(address)} {reason}: write it plainly"
    read = as_browser_reads(address)
    scheme = scheme_of(read)
    if scheme is None:
        if read.startswith("//"):
            return f"the link {_shown(address)} leaves the site without naming how: write it in full (https://…)"
        return None
    if scheme in LINK_SCHEMES or scheme == "glossary":
        return None
    return f"a {scheme}: link ({_shown(address)}): links go to http, https or mailto addresses or to this site"


def image_problem(address: str) -> str | None:
    """What is wrong with a lesson's image at this address, or None when a browser may load it."""
    if reason := _disguised(address):
        return f"the image {_shown(address)} {reason}: write it plainly"
    read = as_browser_reads(address)
    scheme = scheme_of(read)
    if scheme == "data":
        if IMAGE_DATA.match(read):
            return None
        return f"the image {_shown(address)} is data but not base64 image data: embed a PNG, JPEG, GIF, WebP or SVG"
    if scheme is None and read.startswith("/") and not read.startswith("//"):
        return None
    if scheme is None and not read.startswith("//"):
        return f"the image {_shown(address)} is a relative path: images on this site start with /, or are embedded"
    return f"an image from another site ({_shown(address)}): embed it, lessons load nothing from outside"
