"""A course to the content format and back: export to a folder or a ZIP, import a ZIP.

An export holds everything `flask content sync` needs to rebuild the course in an empty
database: the course's files as last published, the courses it requires (recursively), and
the catalogue, glossary and bibliography as last imported.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

from app.authoring.drafts import latest_version
from app.content.check import MAX_FILE_BYTES, Problem
from app.content.sync import ContentError, SyncReport, dump_catalogue, import_courses, stored_path
from app.courses.models import ContentSource, Course
from app.extensions import db

#: An uploaded export may hold at most this many files and bytes once unpacked.
MAX_FILES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: The longest file or folder name most file systems hold (ext4, XFS, NTFS, APFS: 255 bytes or units).
MAX_NAME_BYTES = 255


class ExportError(ValueError):
    """The course cannot be exported; the message says why."""


def export_files(course: Course) -> dict[str, bytes]:
    """{path in a content folder: bytes} of the course, its prerequisites and the shared files."""
    files: dict[str, bytes] = {}
    for name in ("catalogue.yml", "glossary.yml", "bibliography.yml"):
        digest = db.session.scalar(sa.select(ContentSource.sha256).where(ContentSource.name == name))
        if digest and stored_path(digest).is_file():
            files[name] = stored_path(digest).read_bytes()
    if "catalogue.yml" not in files:
        files["catalogue.yml"] = dump_catalogue()
    seen: set[int] = set()
    todo = [course]
    while todo:
        current = todo.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        version = latest_version(current)
        if version is None:
            raise ExportError(
                f"{current.slug} has no stored source yet: run `flask content sync` once so its files are kept."
            )
        for path, digest in version.files.items():
            try:
                files[path] = stored_path(digest).read_bytes()
            except FileNotFoundError:
                raise ExportError(f"{path} of {current.slug} is missing from storage (STORAGE_DIR).") from None
        todo.extend(current.prerequisites)
    return files


def write_folder(files: dict[str, bytes], folder: Path) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            archive.writestr(path, files[path])
    return buffer.getvalue()


def import_zip(data: bytes, user, filename: str) -> SyncReport:
    """Import the courses of an uploaded export, in the caller's transaction (ContentError: nothing written)."""
    with tempfile.TemporaryDirectory(prefix="academy-import-") as folder:
        root = Path(folder)
        unpack(data, root, filename)
        return import_courses(root, source="import", user=user, note=f"imported from {filename}"[:500])


def unpack(data: bytes, root: Path, filename: str) -> None:
    """Unpack an export safely: no path outside the folder, no links, bounded size and count."""

    def refuse(message: str) -> ContentError:
        return ContentError([Problem(filename, 1, message)])

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse("not a ZIP file: export the course from the academy, or zip a content folder") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_FILES:
            raise refuse(f"{len(members)} files; an export holds at most {MAX_FILES}")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise refuse(f"more than {MAX_UNPACKED_BYTES // 2**20} MB once unpacked")
        prefix = _common_prefix(members)
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts:
                raise refuse(f"{member.filename}: a path outside the export")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise refuse(f"{member.filename}: a symbolic link")
            if member.file_size > MAX_FILE_BYTES:
                raise refuse(f"{member.filename} is larger than {MAX_FILE_BYTES // 2**20} MB")
            # Said here rather than left to the file system, whose error would be a server error.
            longest = max((len(part.encode()) for part in name.parts), default=0)
            if longest > MAX_NAME_BYTES:
                raise refuse(
                    f"{member.filename}: a name of {longest} bytes; a file or folder name holds at most "
                    f"{MAX_NAME_BYTES}"
                )
            relative = PurePosixPath(*name.parts[len(prefix) :])
            content = _read_member(archive, member, refuse)
            target = root / relative
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            except OSError as error:  # a name this file system cannot hold (too long a path, a bad byte)
                raise refuse(f"{member.filename}: cannot be unpacked here ({error.strerror})") from None


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, refuse) -> bytes:
    """A member's bytes, checked against its CRC; a damaged or truncated member is refused by name."""
    try:
        with archive.open(member) as source:
            content = source.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise refuse(f"{member.filename}: damaged in the archive ({error}); make the ZIP again") from None
    except (NotImplementedError, RuntimeError) as error:  # an unknown compression, or a password
        raise refuse(f"{member.filename}: cannot be read ({error})") from None
    if len(content) > MAX_FILE_BYTES:
        raise refuse(f"{member.filename} is larger than {MAX_FILE_BYTES // 2**20} MB")
    return content


def _common_prefix(members: list[zipfile.ZipInfo]) -> tuple[str, ...]:
    """A ZIP made by zipping a folder has the folder's name first: look inside it."""
    parts = [PurePosixPath(m.filename).parts for m in members]
    if parts and all(len(p) > 1 and p[0] == parts[0][0] for p in parts) and parts[0][0] != "courses":
        return (parts[0][0],)
    return ()
