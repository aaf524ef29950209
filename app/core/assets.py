"""Static files under names that carry a hash of their content, kept by browsers for a year.

`url_for("static", filename="css/app.css")` gives `/static/css/app.3f9c2a1b7d.css`: the hash of
the file's bytes, computed once when the app starts. A changed file gets a new name with the next
release (a restart), so a browser may keep every hashed name for good and a repeat visit asks for
nothing but the page. The plain name (`/static/css/app.css`) still answers, revalidated on each
use, for whatever was linked by hand; a hashed name that no longer matches (a page from before a
release) gets the current file, also revalidated, never kept for a year.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from pathlib import Path

from flask import Flask, Response, current_app, request, send_from_directory

#: How long a browser keeps a file whose name carries its hash: a year, never revalidated.
KEPT_SECONDS = 365 * 24 * 3600
#: Hex digits of the sha256 kept in a name: 10 tell a release's files apart, and a name stays short.
HASH_LENGTH = 10
#: Text files are also kept gzipped (app.css: 12 KB becomes 3 KB), compressed once, at start.
COMPRESSED_SUFFIXES = {".css", ".js", ".svg"}


class HashedStatic:
    """The hashed names of one static folder, computed once; owned by the app (`app.extensions`)."""

    def __init__(self, folder: Path) -> None:
        #: plain name -> hashed name, e.g. "css/app.css" -> "css/app.3f9c2a1b7d.css"
        self.hashed: dict[str, str] = {}
        #: hashed name -> plain name, to find the file a hashed URL asks for
        self.plain: dict[str, str] = {}
        #: plain name -> the file gzipped, for text files that shrink (they hold no secret to leak)
        self.gzipped: dict[str, bytes] = {}
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
            if path.suffix in COMPRESSED_SUFFIXES:
                packed = gzip.compress(data, compresslevel=9, mtime=0)
                if len(packed) < len(data):
                    self.gzipped[name] = packed
            hashed = hashed_name(name, digest)
            self.hashed[name] = hashed
            self.plain[hashed] = name


def hashed_name(name: str, digest: str) -> str:
    """`css/app.css` with digest `abc` is `css/app.abc.css`; a name without a suffix gets `.abc`."""
    folder, _slash, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    base = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return f"{folder}/{base}" if folder else base


def _static_url_defaults(endpoint: str, values: dict) -> None:
    # Runs inside url_for: swap the plain name for the hashed one before the URL is built.
    if endpoint == "static" and "filename" in values:
        names = current_app.extensions["hashed_static"].hashed
        values["filename"] = names.get(values["filename"], values["filename"])


def serve_static(filename: str):
    """A static file by its hashed name (kept a year, immutable) or by its plain name (revalidated)."""
    names: HashedStatic = current_app.extensions["hashed_static"]
    folder = current_app.static_folder
    plain = names.plain.get(filename)
    if plain is not None:
        if plain in names.gzipped and "gzip" in request.accept_encodings:
            response = _gzipped(plain, names.gzipped[plain])
        else:
            response = send_from_directory(folder, plain, max_age=KEPT_SECONDS)
        if plain in names.gzipped:
            response.vary.add("Accept-Encoding")
        response.cache_control.public = True
        response.cache_control.max_age = KEPT_SECONDS
        response.cache_control.immutable = True
        return response
    if filename not in names.hashed:
        filename = _current_name(filename, names) or filename
    # Plain or outdated names: the browser asks again each time (and gets a 304 when unchanged).
    response = send_from_directory(folder, filename, max_age=0)
    response.cache_control.no_cache = True
    return response


def _gzipped(name: str, packed: bytes) -> Response:
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(packed, mimetype=mimetype)
    response.content_encoding = "gzip"
    return response


def _current_name(filename: str, names: HashedStatic) -> str | None:
    """The plain name behind an outdated hashed name (`css/app.0123456789.css` -> `css/app.css`)."""
    folder, _slash, base = filename.rpartition("/")
    parts = base.split(".")
    if len(parts) < 3 or len(parts[-2]) != HASH_LENGTH:
        return None
    plain = ".".join(parts[:-2] + parts[-1:])
    plain = f"{folder}/{plain}" if folder else plain
    return plain if plain in names.hashed else None


def init_app(app: Flask) -> None:
    """Hash the static folder once and serve it under the hashed names."""
    app.extensions["hashed_static"] = HashedStatic(Path(app.static_folder))
    app.url_defaults(_static_url_defaults)
    app.view_functions["static"] = serve_static
