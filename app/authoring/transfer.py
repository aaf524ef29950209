"""A course to the content format and back: export to a folder or a ZIP, import a ZIP.

An export holds everything `flask content sync` needs to rebuild the course in an empty
database: the course's files as last published, the courses it requires (recursively), and
the catalogue, glossary and bibliography as last imported.

A question bank holds its answers, so it leaves only with someone who may export its course
(the policy's "course.export"). A prerequisite the exporter may not export goes without its
assessments (its course.yml no longer names them), and `export-note.yml` at the top of the
export says which; an import leaves such a course alone where it is already published.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask_babel import gettext as _
from ruamel.yaml import YAML

from app import policy
from app.assessments.api import Assessment
from app.authoring.drafts import authorship, dump_yaml, latest_version
from app.common import storage
from app.content.check import MAX_FILE_BYTES, Problem
from app.content.sync import ContentError, SyncReport, dump_catalogue, import_courses, stored_bytes
from app.courses.api import ContentSource, Course
from app.extensions import db

#: An uploaded export may hold at most this many files and bytes once unpacked.
MAX_FILES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: At the top of an export that left question banks out: which courses' banks, and why.
NOTE = "export-note.yml"
#: The longest file or folder name most file systems hold (ext4, XFS, NTFS, APFS: 255 bytes or units).
MAX_NAME_BYTES = 255


class ExportError(ValueError):
    """The course cannot be exported; the message says why."""


def required_courses(course: Course) -> list[Course]:
    """The courses `course` requires, directly or through another, each once."""
    found: dict[int, Course] = {}
    todo = list(course.prerequisites)
    while todo:
        current = todo.pop()
        if current.id not in found and current.id != course.id:
            found[current.id] = current
            todo.extend(current.prerequisites)
    return sorted(found.values(), key=lambda c: c.slug)


def withheld_banks(course: Course, exporter) -> list[Course]:
    """The required courses whose question banks `exporter` may not take away: not theirs to export."""
    required = required_courses(course)
    with_banks = set(
        db.session.scalars(
            sa.select(Assessment.course_id).where(Assessment.course_id.in_([c.id for c in required])).distinct()
        )
    )
    return [
        candidate
        for candidate in required
        if candidate.id in with_banks and not policy.can(exporter, "course.export", authorship(candidate.slug))
    ]


def export_files(course: Course, exporter=None) -> dict[str, bytes]:
    """{path in a content folder: bytes} of the course, its prerequisites and the shared files.

    With an `exporter` (someone in the editor, not the command line), the prerequisites they may
    not export go without their question banks, and the export holds a note saying so.
    """
    withheld = {c.slug for c in withheld_banks(course, exporter)} if exporter is not None else set()
    files: dict[str, bytes] = {}
    for name in ("catalogue.yml", "glossary.yml", "bibliography.yml"):
        digest = db.session.scalar(sa.select(ContentSource.sha256).where(ContentSource.name == name))
        if digest:
            with contextlib.suppress(storage.NotStored):
                files[name] = stored_bytes(digest)
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
                _(
                    "%(slug)s has no stored source yet: run `flask content sync` once so its files are kept.",
                    slug=current.slug,
                )
            )
        course_files = {}
        for path, digest in version.files.items():
            try:
                course_files[path] = stored_bytes(digest)
            except storage.NotStored:
                raise ExportError(
                    _("%(path)s of %(slug)s is missing from the file store.", path=path, slug=current.slug)
                ) from None
        files.update(_without_banks(current.slug, course_files) if current.slug in withheld else course_files)
        todo.extend(current.prerequisites)
    if withheld:
        files[NOTE] = _note(sorted(withheld))
    return files


def _without_banks(slug: str, files: dict[str, bytes]) -> dict[str, bytes]:
    """A course's files without its assessments: the bank files go, and course.yml stops naming them."""
    manifest = f"courses/{slug}/course.yml"
    document = YAML(typ="rt").load(files[manifest])
    banks = {
        str(PurePosixPath(f"courses/{slug}") / reference["file"])
        for reference in document.get("assessments") or []
        if isinstance(reference, dict) and reference.get("file")
    }
    document.pop("assessments", None)
    kept = {path: data for path, data in files.items() if path not in banks}
    kept[manifest] = dump_yaml(document)
    return kept


def _note(slugs: list[str]) -> bytes:
    lines = [
        "# The question banks of these courses are not in this export: whoever exported it may not",
        "# export those courses (a bank holds its answers). They are here without their assessments,",
        "# so the export still syncs on its own; an import leaves them alone where they already exist.",
        "withheld_banks:",
        *(f"  - {slug}" for slug in slugs),
    ]
    return ("\n".join(lines) + "\n").encode()


def withheld_in(root: Path) -> list[str]:
    """The courses an unpacked export holds without their question banks (from its note)."""
    note = root / NOTE
    if not note.is_file():
        return []
    document = YAML(typ="safe").load(note.read_bytes())
    slugs = document.get("withheld_banks") if isinstance(document, dict) else None
    return [slug for slug in slugs or [] if isinstance(slug, str)]


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
        # A course exported without its banks must not replace the whole course where it exists.
        for slug in withheld_in(root):
            if db.session.scalar(sa.select(Course.id).where(Course.slug == slug)) is not None:
                shutil.rmtree(root / "courses" / PurePosixPath(slug).name, ignore_errors=True)
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
                raise refuse(f"{_shown(member.filename)}: a path outside the export")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise refuse(f"{_shown(member.filename)}: a symbolic link")
            if member.file_size > MAX_FILE_BYTES:
                raise refuse(f"{_shown(member.filename)} is larger than {MAX_FILE_BYTES // 2**20} MB")
            # Said here rather than left to the file system, whose error would be a server error.
            longest = max((len(part.encode()) for part in name.parts), default=0)
            if longest > MAX_NAME_BYTES:
                raise refuse(
                    f"{_shown(member.filename)}: a name of {longest} bytes; a file or folder name holds at most "
                    f"{MAX_NAME_BYTES}"
                )
            relative = PurePosixPath(*name.parts[len(prefix) :])
            content = _read_member(archive, member, refuse)
            target = root / relative
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            except OSError as error:  # a name this file system cannot hold (too long a path, a bad byte)
                raise refuse(f"{_shown(member.filename)}: cannot be unpacked here ({error.strerror})") from None


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, refuse) -> bytes:
    """A member's bytes, checked against its CRC; a damaged or truncated member is refused by name."""
    try:
        with archive.open(member) as source:
            content = source.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise refuse(f"{_shown(member.filename)}: damaged in the archive ({error}); make the ZIP again") from None
    except (NotImplementedError, RuntimeError) as error:  # an unknown compression, or a password
        raise refuse(f"{_shown(member.filename)}: cannot be read ({error})") from None
    if len(content) > MAX_FILE_BYTES:
        raise refuse(f"{_shown(member.filename)} is larger than {MAX_FILE_BYTES // 2**20} MB")
    return content


def _shown(name: str) -> str:
    """A member's name for a message: a name too long to read is cut in its middle, both ends kept."""
    return name if len(name) <= 100 else f"{name[:60]}…{name[-30:]}"


def _common_prefix(members: list[zipfile.ZipInfo]) -> tuple[str, ...]:
    """A ZIP made by zipping a folder has the folder's name first: look inside it."""
    parts = [PurePosixPath(m.filename).parts for m in members]
    if parts and all(len(p) > 1 and p[0] == parts[0][0] for p in parts) and parts[0][0] != "courses":
        return (parts[0][0],)
    return ()
