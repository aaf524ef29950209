"""Files kept in STORAGE_DIR by kind and SHA-256 (uploads, evidence, lesson files): written once, served safely."""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadError(ValueError):
    """An upload that cannot be kept; the message says why."""


def write_atomically(target: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file of its own (`*.part`, which backups
    skip), then a rename. Parallel writers (threads or processes, the same upload or the same
    certificate at once) each use their own temporary file; a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f"{target.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # as a plain write would leave it: readable by the app's other users
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def check() -> None:
    """Prove the store takes files now: write, read back and delete a probe (for /readyz). Raises if it cannot."""
    probe = Path(current_app.config["STORAGE_DIR"]) / ".readyz" / f"probe-{os.getpid()}-{os.urandom(4).hex()}"
    data = os.urandom(16)
    try:
        write_atomically(probe, data)
        if probe.read_bytes() != data:
            raise OSError(f"{probe} did not read back what was written")
    finally:
        probe.unlink(missing_ok=True)


def path_of(kind: str, sha256: str) -> Path:
    """Where a stored file of this kind (evidence, workshops) lives."""
    return Path(current_app.config["STORAGE_DIR"]) / kind / sha256[:2] / sha256


def store(kind: str, filename: str, data: bytes) -> tuple[str, str]:
    """Keep an uploaded file; returns (safe file name, sha256). Refuses empty and oversized files."""
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(_("The file is larger than %(limit)d MB.", limit=MAX_UPLOAD_BYTES // 2**20))
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(kind, digest)
    if not target.exists():
        write_atomically(target, data)
    return secure_filename(filename)[:200] or "file", digest


def download(kind: str, sha256: str, filename: str):
    """Send a stored upload as a download with a neutral type: it never runs in our pages."""
    from flask import abort, send_file

    path = path_of(kind, sha256)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/octet-stream", as_attachment=True, download_name=filename)


# Serving stored files safely -------------------------------------------------------------

#: Types a download may keep; anything else (HTML, SVG, scripts) is sent as opaque bytes.
SAFE_DOWNLOAD_TYPES = {
    "text/csv",
    "text/plain",
    "application/json",
    "application/pdf",
    "application/zip",
    "image/png",
    "image/jpeg",
    "image/gif",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def download_type(path: Path) -> str:
    """The type an attachment is served with: its own when inert, else application/octet-stream."""
    if path.suffix == ".ipynb":
        return "application/x-ipynb+json"
    guessed = mimetypes.guess_type(path.name)[0]
    return guessed if guessed in SAFE_DOWNLOAD_TYPES else "application/octet-stream"


#: How each kind of image file begins; bytes that do not are left embedded (an <img> runs nothing).
IMAGE_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}


def is_image(data: bytes, kind: str) -> bool:
    """Do these bytes begin as an image of this kind (png, jpeg, gif, webp) does?"""
    signatures = IMAGE_SIGNATURES.get(kind)
    if not signatures or not data.startswith(signatures):
        return False
    return kind != "webp" or data[8:12] == b"WEBP"
