"""Where files live: one Store, addressed by key, in a local folder or an S3-compatible service.

`current_store()` is the application's Store: a folder (`STORAGE_DIR`, the default) or, with
`STORAGE_URL=s3://bucket/prefix`, an object store (app/common/storage/s3.py). Keys are the
relative paths files always had in STORAGE_DIR ("content/ab/abcd…", "certificates/CODE.pdf",
"evidence/ab/abcd…"), so a folder copied into a bucket keeps working. Uploads (evidence,
workshop files) are kept here by kind and SHA-256: written once, served safely.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePosixPath

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.common.storage.base import NotStored, StorageUnavailable, Store, checked_key
from app.common.storage.local import LocalStore, write_atomically
from app.common.storage.s3 import S3Store

__all__ = [
    "LocalStore",
    "NotStored",
    "S3Store",
    "StorageUnavailable",
    "Store",
    "check",
    "checked_key",
    "current_store",
    "store_for",
    "write_atomically",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadError(ValueError):
    """An upload that cannot be kept; the message says why."""


def store_for(config) -> Store:
    """The Store these settings describe: S3 when STORAGE_URL is set, else the folder STORAGE_DIR."""
    url = config.get("STORAGE_URL")
    if url:
        return S3Store(
            url,
            redirect=config.get("STORAGE_REDIRECT") or "proxy",
            presigned_seconds=int(config.get("STORAGE_PRESIGNED_SECONDS") or 300),
        )
    return LocalStore(config["STORAGE_DIR"])


def current_store() -> Store:
    """The application's Store (one per application and process)."""
    extensions = current_app.extensions
    if "academy.store" not in extensions:
        extensions["academy.store"] = store_for(current_app.config)
    return extensions["academy.store"]


def check() -> None:
    """For /readyz: raise StorageUnavailable naming the problem if the store cannot be used."""
    current_store().check()


def key_of(kind: str, sha256: str) -> str:
    """The key of a file kept by kind and hash (content, evidence, workshops)."""
    return f"{kind}/{sha256[:2]}/{sha256}"


def keep(kind: str, data: bytes) -> str:
    """Keep bytes under their hash (once, whoever else keeps the same bytes); returns the sha256."""
    digest = hashlib.sha256(data).hexdigest()
    key = key_of(kind, digest)
    store = current_store()
    if not store.exists(key):
        store.put(key, data)
    return digest


def store(kind: str, filename: str, data: bytes) -> tuple[str, str]:
    """Keep an uploaded file; returns (safe file name, sha256). Refuses empty and oversized files."""
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(_("The file is larger than %(limit)d MB.", limit=MAX_UPLOAD_BYTES // 2**20))
    return secure_filename(filename)[:200] or "file", keep(kind, data)


def download(kind: str, sha256: str, filename: str):
    """Send a stored upload as a download with a neutral type: it never runs in our pages."""
    return current_store().send(
        key_of(kind, sha256), mimetype="application/octet-stream", filename=filename, as_attachment=True
    )


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


def download_type(filename: str) -> str:
    """The type an attachment is served with: its own when inert, else application/octet-stream."""
    if PurePosixPath(filename).suffix == ".ipynb":
        return "application/x-ipynb+json"
    guessed = mimetypes.guess_type(filename)[0]
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
