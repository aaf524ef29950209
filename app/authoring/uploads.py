"""Files trainers upload into a draft: checked for what they claim to be before anything is saved."""

from __future__ import annotations

from pathlib import PurePosixPath

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
        raise DraftError(f"{filename!r} has no usable file name with an extension, such as data.csv.")
    return name


def check_download(filename: str, data: bytes) -> str:
    """The safe file name of an uploaded download, or DraftError saying what is wrong with it."""
    name = safe_name(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in KINDS:
        allowed = ", ".join(sorted(KINDS))
        raise DraftError(f"{name}: files of type {suffix} are not accepted as downloads (accepted: {allowed}).")
    _check_size(name, data)
    signatures = KINDS[suffix]
    if signatures is None:
        if suffix == ".ipynb":
            check_notebook(name, data)
            return name
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise DraftError(f"{name} is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in Excel).") from None
        if _looks_like_html(data):
            raise DraftError(f"{name} holds a web page (HTML), not {suffix[1:].upper()} data.")
        return name
    if not data.startswith(signatures):
        kind = NAMES.get(suffix, f"{suffix[1:].upper()} file")
        really = " — it holds a web page (HTML)" if _looks_like_html(data) else ""
        raise DraftError(f"{name} is not really a {kind}{really}.")
    return name


def check_notebook(name: str, data: bytes) -> None:
    """A notebook upload: valid JSON, a valid notebook, no active markup (the checks of content sync)."""
    _check_size(name, data)
    problems = lesson_problems(data, "notebook", None)
    if problems:
        raise DraftError("; ".join(f"{name} line {line}: {message}" for line, message in problems[:5]))


def _check_size(name: str, data: bytes) -> None:
    if not data:
        raise DraftError(f"{name} is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise DraftError(f"{name} is {len(data) / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB.")
