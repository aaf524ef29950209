"""What every Store offers, whatever keeps the bytes: keys, the error for a missing file, cache headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from flask import Response

#: A key is a relative path of plain names: "content/ab/abcd…", "certificates/CODE.pdf".
_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


class NotStored(LookupError):
    """No file is stored under this key."""


class StorageUnavailable(RuntimeError):
    """The store cannot be reached or used; the message names the store and the problem."""


def checked_key(key: str) -> str:
    """The key itself, if it is a relative path of plain names (never `..`, never absolute)."""
    if not _KEY.fullmatch(key) or any(part in {".", ".."} for part in key.split("/")) or key.endswith(".part"):
        raise ValueError(f"Not a storage key: {key!r}")
    return key


def apply_caching(response: Response, max_age: int | None, private: bool, immutable: bool) -> Response:
    """The cache headers Flask's send_file would give, plus `private` (behind a login) and `immutable`."""
    if max_age is None or max_age <= 0:
        response.cache_control.no_cache = True
        if max_age == 0:
            response.cache_control.max_age = 0
    else:
        response.cache_control.max_age = max_age
        if private:
            response.cache_control.private = True
        else:
            response.cache_control.public = True
    if immutable:
        response.cache_control.immutable = True
    return response


class Store(Protocol):
    """Files addressed by key; callers never hold a path or a bucket name."""

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`, whole or not at all: a reader sees the old bytes or the new, never half."""

    def open(self, key: str) -> bytes:
        """The bytes stored under `key`; NotStored if there are none."""

    def read_start(self, key: str, size: int) -> bytes:
        """The first `size` bytes stored under `key` (a file's signature), without reading the rest."""

    def exists(self, key: str) -> bool:
        """Is a file stored under `key`?"""

    def size(self, key: str) -> int:
        """How many bytes are stored under `key`; NotStored if there are none."""

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens if it is not stored)."""

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key starting with `prefix`, in order (backups walk them)."""

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
        """A response that gets the file to the browser (404 if it is not stored)."""

    def check(self) -> None:
        """Raise StorageUnavailable naming the problem if the store cannot be read and written."""

    def describe(self) -> str:
        """Where the files are, for an operator's message ("the folder …", "s3://bucket/prefix")."""
