"""Writing a backup file safely, and the stored files (a folder or an object store) to and from a .tar.gz."""

from __future__ import annotations

import os
import tarfile
import time
from io import BytesIO
from pathlib import Path, PurePosixPath

from app.common.storage import Store, checked_key

#: The folder every stored file sits in inside the archive (`tar -x --strip-components=1` drops it).
TOP = "storage"


class BackupError(Exception):
    """A backup or a restore that cannot be made; the message says why, for the operator."""


def fresh(path: Path) -> Path:
    """An empty, private `<path>.part` to write into (a backup holds password hashes)."""
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return part


def publish(part: Path, path: Path) -> None:
    """Make the finished file durable, then give it its name in one step (a reader never sees half a file)."""
    with part.open("rb") as handle:
        os.fsync(handle.fileno())
    part.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def human_size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def archive_storage(store: Store, path: Path) -> int:
    """Write every file of the store to a .tar.gz at `path` (atomically); returns how many files.

    Stored files are written once under a name (a content hash, a certificate code) and seldom
    changed, so archiving after the database copy holds every file the copy refers to. A file
    removed meanwhile is left out. Folder or bucket, the archive is the same: `storage/<key>`.
    """
    part = fresh(path)
    count = 0
    try:
        with tarfile.open(part, "w:gz") as archive:
            for key in store.list_keys():
                try:
                    data = store.open(key)
                except LookupError:  # deleted since it was listed
                    continue
                member = tarfile.TarInfo(f"{TOP}/{key}")
                member.size, member.mtime, member.mode = len(data), int(time.time()), 0o644
                archive.addfile(member, BytesIO(data))
                count += 1
        publish(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return count


def _files_of(archive: tarfile.TarFile, name: str) -> list[tuple[tarfile.TarInfo, str]]:
    """(member, key) of each stored file in the archive; a BackupError naming the first member that is not one."""
    files = []
    for member in archive.getmembers():
        parts = PurePosixPath(member.name.removeprefix("./")).parts
        if member.isdir() and parts[:1] in ((TOP,), ()):
            continue
        if not member.isfile() or len(parts) < 2 or parts[0] != TOP:
            raise BackupError(f"{name}: {member.name} is not a stored file (expected {TOP}/<key>); nothing restored.")
        key = "/".join(parts[1:])
        try:
            checked_key(key)
        except ValueError:
            raise BackupError(f"{name}: {member.name} is not a stored file's name; nothing restored.") from None
        files.append((member, key))
    return files


def restore_storage(store: Store, path: Path) -> int:
    """Put every file of an archive (made by archive_storage, or `tar -czf … -C STORAGE_DIR .`) into an empty store.

    Refuses a store that already holds files; if a put fails half-way, the files put so far are
    removed, so the store is left empty, as it was. Returns how many files.
    """
    if next(iter(store.list_keys()), None) is not None:
        raise BackupError(f"Refused: {store.describe()} already holds files; restore into an empty store.")
    put: list[str] = []
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member, key in _files_of(archive, str(path)):
                store.put(key, archive.extractfile(member).read())
                put.append(key)
    except (OSError, tarfile.TarError, EOFError) as error:
        _forget(store, put)
        raise BackupError(f"{path} is not a whole storage archive (.tar.gz): {error}; nothing restored.") from None
    except BaseException:
        _forget(store, put)
        raise
    return len(put)


def _forget(store: Store, keys: list[str]) -> None:
    """Take back what a failed restore put, so the store is empty again."""
    for key in keys:
        store.delete(key)
