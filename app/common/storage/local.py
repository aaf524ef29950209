"""The embedded Store: a folder on this machine (STORAGE_DIR), one file per key."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from flask import Response, abort, send_file

from app.common.storage.base import NotStored, StorageUnavailable, apply_caching, checked_key


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


class LocalStore:
    """Files under one folder; a key is a relative path in it (the same layout as before the Store)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        write_atomically(self._path(key), data)

    def open(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotStored(key) from None

    def read_start(self, key: str, size: int) -> bytes:
        try:
            with self._path(key).open("rb") as stored:
                return stored.read(size)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotStored(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise NotStored(key)
        return path.stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        found = []
        for folder, _directories, files in os.walk(self.root):
            for name in files:
                if name.endswith(".part"):  # being written: not stored yet
                    continue
                key = (Path(folder) / name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        yield from sorted(found)

    def send(
        self,
        key: str,
        *,
        mimetype: str,
        filename: str | None = None,
        as_attachment: bool = False,
        max_age: int | None = None,
        private: bool = False,
        immutable: bool = False,
    ) -> Response:
        path = self._path(key)
        if not path.is_file():
            abort(404)
        response = send_file(
            path, mimetype=mimetype, as_attachment=as_attachment, download_name=filename, max_age=max_age
        )
        response.cache_control.public = False  # decided again below, with `private`
        return apply_caching(response, max_age, private, immutable)

    def check(self) -> None:
        probe = f".readyz-{uuid.uuid4().hex}"
        try:
            if not self.root.is_dir():
                raise StorageUnavailable(f"The storage folder {self.root} does not exist.")
            write_atomically(self.root / probe, b"ok")
            (self.root / probe).unlink()
        except OSError as error:
            raise StorageUnavailable(f"The storage folder {self.root} cannot be written: {error}") from None

    def describe(self) -> str:
        return f"the folder {self.root}"
