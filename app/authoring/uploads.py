"""Files trainers upload into a draft: checked for what they claim to be before anything is saved."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.authoring.drafts import DraftError
from app.content.check import MAX_FILE_BYTES, lesson_problems

#: What a download may be, with the first bytes its content must start with (None: UTF-8 text).
KINDS: dict[str, tuple[bytes, ...] | None] = {
    ".csv": None,
    ".tsv": None,
    ".txt": None,
    ".md": None,
    ".json": None,
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".zip": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".ipynb": None,
}

NAMES = {".pdf": "PDF", ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image", ".gif": "GIF image"}


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml")) or b"<script" in head


def safe_name(filename: str) -> str:
    name = secure_filename(filename or "")[:120]
    if not name or "." not in name:
        raise DraftError(_("'%(name)s' has no usable file name with an extension, such as data.csv.", name=filename))
    return name


def check_download(filename: str, data: bytes) -> str:
    """The safe file name of an uploaded download, or DraftError saying what is wrong with it."""
    name = safe_name(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in KINDS:
        allowed = ", ".join(sorted(KINDS))
        raise DraftError(
            _(
                "%(name)s: files of type %(suffix)s are not accepted as downloads (accepted: %(allowed)s).",
                name=name,
                suffix=suffix,
                allowed=allowed,
            )
        )
    _check_size(name, data)
    signatures = KINDS[suffix]
    if signatures is None:
        if suffix == ".ipynb":
            check_notebook(name, data)
            return name
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise DraftError(
                _("%(name)s is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in Excel).", name=name)
            ) from None
        if _looks_like_html(data):
            raise DraftError(
                _("%(name)s holds a web page (HTML), not %(kind)s data.", name=name, kind=suffix[1:].upper())
            )
        return name
    if not data.startswith(signatures):
        kind = NAMES.get(suffix, f"{suffix[1:].upper()} file")
        if _looks_like_html(data):
            raise DraftError(_("%(name)s is not really a %(kind)s — it holds a web page (HTML).", name=name, kind=kind))
        raise DraftError(_("%(name)s is not really a %(kind)s.", name=name, kind=kind))
    return name


def check_notebook(name: str, data: bytes) -> None:
    """A notebook upload: valid JSON, a valid notebook, no active markup (the checks of content sync)."""
    _check_size(name, data)
    problems = lesson_problems(data, "notebook", None)
    if problems:
        raise DraftError(
            "; ".join(
                _("%(name)s line %(line)d: %(message)s", name=name, line=line, message=message)
                for line, message in problems[:5]
            )
        )


def _check_size(name: str, data: bytes) -> None:
    if not data:
        raise DraftError(_("%(name)s is empty.", name=name))
    if len(data) > MAX_FILE_BYTES:
        raise DraftError(
            _(
                "%(name)s is %(size).0f MB; the limit is %(limit)d MB.",
                name=name,
                size=len(data) / 1e6,
                limit=MAX_FILE_BYTES // 2**20,
            )
        )
