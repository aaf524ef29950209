"""A damaged archive answers like every other bad archive: a 422 naming the member, and nothing stored."""

import io
import struct
import zipfile

import pytest
import sqlalchemy as sa

from app.courses.models import Course, CourseVersion
from app.extensions import db
from tests.authoring.test_transfer import admin, snapshot, upload  # noqa: F401 (admin is a fixture)

LESSON = b"# A lesson\n\n" + b"Words about declarations and their values. " * 200


def exported(client) -> dict[str, bytes]:
    """The files of a real export of the test course."""
    with zipfile.ZipFile(io.BytesIO(client.get("/author/data-in-practice/export.zip").data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_bad_crc(files: dict[str, bytes], member: str) -> bytes:
    """The archive with one byte of `member`'s stored data changed, so its CRC no longer matches."""
    data = bytearray(zipped(files, zipfile.ZIP_STORED))
    start = data.index(files[member])
    data[start + 20] ^= 0x01
    return bytes(data)


def with_truncated_member(files: dict[str, bytes], member: str) -> bytes:
    """The archive whose central directory says `member`'s compressed data is half as long as it is."""
    data = bytearray(zipped(files))
    name = member.encode()
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    (size,) = struct.unpack_from("<I", data, entry + 20)
    struct.pack_into("<I", data, entry + 20, size // 2)
    return bytes(data)


def counts() -> tuple:
    return (
        snapshot("data-in-practice"),
        db.session.scalar(sa.select(sa.func.count()).select_from(Course)),
        db.session.scalar(sa.select(sa.func.count()).select_from(CourseVersion)),
    )


def refused(app, client, data: bytes, *expected: str) -> None:
    with app.app_context():
        before = counts()
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    for text in expected:
        assert text in page, text
    with app.app_context():
        assert counts() == before


def test_a_member_name_too_long_for_the_file_system_is_named(app, client, admin):  # noqa: F811
    """Is an archive with a 300-character file name refused with a 422 naming it, nothing stored?"""
    files = exported(client)
    long_name = "courses/data-in-practice/lessons/" + "n" * 300 + ".md"
    files[long_name] = LESSON
    shown = f"{long_name[:60]}…{long_name[-30:]}"  # cut in the middle, so the page stays readable
    refused(app, client, zipped(files), shown, "a name of 303 bytes")


def test_a_folder_name_too_long_for_the_file_system_is_named(app, client, admin):  # noqa: F811
    """Is a folder name of 300 characters (here in the course's own folder) refused the same way?"""
    files = {name.replace("lessons/", "l" * 300 + "/"): data for name, data in exported(client).items()}
    refused(app, client, zipped(files), "courses/data-in-practice/llll", "a name of 300 bytes")


@pytest.mark.parametrize("damage", [with_bad_crc, with_truncated_member])
def test_a_damaged_member_is_named(app, client, admin, damage):  # noqa: F811
    """Is an archive with a member whose CRC does not match, or whose data ends early, refused with a 422
    naming that member, nothing stored?"""
    files = exported(client)
    member = "courses/data-in-practice/lessons/extra.md"
    files[member] = LESSON
    refused(app, client, damage(files, member), member, "damaged in the archive")
