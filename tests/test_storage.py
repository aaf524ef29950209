"""The Store, on both backends: a local folder and SeaweedFS's S3 gateway (a real object store)."""

import threading
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest

from app.common import storage
from app.common.storage import LocalStore, NotStored, S3Store, StorageUnavailable, write_atomically

pytestmark = pytest.mark.storage


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """A fresh, empty Store of each kind (an S3 store under a prefix of its own)."""
    if request.param == "local":
        return LocalStore(tmp_path / "storage")
    object_store = request.getfixturevalue("object_store")
    return S3Store(f"s3://{object_store.bucket}/{uuid.uuid4().hex}")


def test_parallel_writers_of_one_file_never_fail_nor_leave_half_a_file(tmp_path):
    """Do sixteen threads writing the same file at once (one upload, one certificate) all succeed, leaving it whole?"""
    target = tmp_path / "ab" / "file.pdf"
    data = b"%PDF-1.7 " + b"x" * 2_000_000
    barrier, errors = threading.Barrier(16), []

    def write():
        barrier.wait()
        try:
            write_atomically(target, data)
        except Exception as error:  # noqa: BLE001 (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["file.pdf"]  # no temporary file left behind


def test_put_open_exists_size_delete(store):
    """Does a file put under a key read back, count its bytes, list, and go when deleted?"""
    key = "certificates/AB12-CD34.pdf"
    assert not store.exists(key)
    with pytest.raises(NotStored):
        store.open(key)
    with pytest.raises(NotStored):
        store.size(key)
    with pytest.raises(NotStored):
        store.read_start(key, 12)
    store.put(key, b"%PDF-1.7 first")
    store.put("content/ab/ab" + "0" * 62, b"x")
    assert store.exists(key) and store.open(key) == b"%PDF-1.7 first" and store.size(key) == 14
    assert store.read_start(key, 4) == b"%PDF" and store.read_start(key, 100) == b"%PDF-1.7 first"
    store.put(key, b"%PDF-1.7 second, longer")
    assert store.open(key) == b"%PDF-1.7 second, longer"
    assert list(store.list_keys()) == ["certificates/AB12-CD34.pdf", "content/ab/ab" + "0" * 62]
    assert list(store.list_keys("certificates/")) == ["certificates/AB12-CD34.pdf"]
    store.delete(key)
    store.delete(key)  # deleting what is gone is no error
    assert not store.exists(key) and list(store.list_keys("certificates/")) == []


@pytest.mark.parametrize("key", ["../outside", "/etc/passwd", "a//b", "a/./b", "", "a/b.part", "a b"])
def test_a_key_never_leaves_the_store(store, key):
    """Is a key that climbs out, starts at the root or names a half-written file refused?"""
    with pytest.raises(ValueError, match="Not a storage key"):
        store.put(key, b"x")
    with pytest.raises(ValueError, match="Not a storage key"):
        store.exists(key)


def test_a_reader_never_sees_half_an_object(store):
    """While a file is rewritten again and again, does every read give one whole version?"""
    key = "certificates/RACE.pdf"
    versions = [bytes([65 + n]) * 1_500_000 for n in range(4)]
    store.put(key, versions[0])
    stop, seen, errors = threading.Event(), [], []

    def read():
        while not stop.is_set():
            try:
                seen.append(store.open(key))
            except Exception as error:  # noqa: BLE001 (collected for the assertion)
                errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for round_ in range(12):
        store.put(key, versions[round_ % 4])
    stop.set()
    for reader in readers:
        reader.join()
    assert errors == [] and seen
    assert all(data in versions for data in seen), "a reader saw a file part-written"


def test_check_names_a_store_that_cannot_be_used(store, tmp_path):
    """Does check() pass on a working store, and name the folder or the bucket when it cannot be used?"""
    if isinstance(store, LocalStore):
        store.root.mkdir(parents=True)
        store.check()
        missing = LocalStore(tmp_path / "nowhere")
        with pytest.raises(StorageUnavailable, match="nowhere"):
            missing.check()
    else:
        store.check()
        with pytest.raises(StorageUnavailable, match="s3://no-such-bucket/x"):
            S3Store("s3://no-such-bucket/x").check()


def _sent(app, store, key, **options):
    with app.test_request_context(headers=options.pop("headers", {})):
        response = store.send(key, **options)
        response.direct_passthrough = False
        body = response.get_data()
        response.close()
    return response, body


def test_send_a_download_with_safe_headers(app, store):
    """Is a stored file sent as an attachment, with its type, length, name and caching as asked?"""
    store.put("evidence/ab/abc", b"col\n1\n")
    response, body = _sent(
        app, store, "evidence/ab/abc", mimetype="text/csv", filename="résultats.csv", as_attachment=True, max_age=0
    )
    assert response.status_code == 200 and body == b"col\n1\n"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Length"] == "6"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''r%C3%A9sultats.csv" in disposition
    assert "no-cache" in response.headers["Cache-Control"]


def test_send_an_image_kept_privately_and_revalidated(app, store):
    """Is a lesson image kept by the browser only (private, immutable), and answered 304 when it has it?"""
    store.put("content/ff/image", b"\x89PNG\r\n\x1a\n....")
    options = {"mimetype": "image/png", "max_age": 3600, "private": True, "immutable": True}
    response, _ = _sent(app, store, "content/ff/image", **options)
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache and "immutable" in cache and "max-age=3600" in cache
    again, _ = _sent(
        app,
        store,
        "content/ff/image",
        mimetype="image/png",
        max_age=3600,
        private=True,
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_send_what_is_not_stored_is_404(app, store):
    """Is a key with no file answered 404 (not an error page)?"""
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        store.send("content/00/missing", mimetype="application/pdf")


def test_presigned_redirect_serves_the_file_from_the_object_store(app, object_store):
    """With STORAGE_REDIRECT=presigned, does the browser get a short-lived URL that serves the file itself?"""
    store = S3Store(f"s3://{object_store.bucket}/{uuid.uuid4().hex}", redirect="presigned", presigned_seconds=60)
    store.put("certificates/X.pdf", b"%PDF-1.7 signed")
    with app.test_request_context():
        response = store.send(
            "certificates/X.pdf", mimetype="application/pdf", filename="certificate-X.pdf", as_attachment=True
        )
    assert response.status_code == 302 and "no-store" in response.headers["Cache-Control"]
    location = response.headers["Location"]
    assert urlsplit(location).netloc == urlsplit(object_store.endpoint).netloc
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310 (our own test server)
        assert fetched.status == 200 and fetched.read() == b"%PDF-1.7 signed"
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="certificate-X.pdf"')
    store.put("certificates/Y.pdf", b"another learner's")
    with pytest.raises(urllib.error.HTTPError) as refused:  # the signature covers the key
        urllib.request.urlopen(location.replace("certificates/X.pdf", "certificates/Y.pdf"), timeout=10)  # noqa: S310
    assert refused.value.code == 403
    refused.value.close()


def test_a_malformed_storage_url_stops_the_start(tmp_path):
    """Does an application with STORAGE_URL=academy/files refuse to start, saying what the URL must look like?"""
    from app import create_app

    with pytest.raises(ValueError, match=r"STORAGE_URL must look like s3://bucket/prefix, not 'academy/files'"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path), "STORAGE_URL": "academy/files"})


def test_files_stored_before_the_store_keep_their_place(app, tmp_path):
    """Is a file a folder held before the Store (STORAGE_DIR/content/ab/<sha256>) read under its key, unmoved?"""
    old = tmp_path / "content" / "ab" / ("ab" + "1" * 62)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"kept since November")
    with app.app_context():
        assert LocalStore(tmp_path).open(storage.key_of("content", "ab" + "1" * 62)) == b"kept since November"


def test_the_application_store_follows_its_settings(app, tmp_path):
    """Does STORAGE_URL choose S3, its absence the folder STORAGE_DIR, and a malformed URL a clear error?"""
    assert isinstance(storage.store_for({"STORAGE_DIR": str(tmp_path)}), LocalStore)
    s3 = storage.store_for({"STORAGE_DIR": str(tmp_path), "STORAGE_URL": "s3://academy/files"})
    assert isinstance(s3, S3Store) and (s3.bucket, s3.prefix) == ("academy", "files")
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        storage.store_for({"STORAGE_DIR": str(tmp_path), "STORAGE_URL": "academy/files"})
    with pytest.raises(ValueError, match="STORAGE_REDIRECT"):
        storage.store_for({"STORAGE_DIR": "x", "STORAGE_URL": "s3://a", "STORAGE_REDIRECT": "both"})


def test_an_archive_of_the_store_restores_into_an_empty_store(store, tmp_path):
    """Do a store's files go into an archive and back into an empty store of either kind, byte for byte?"""
    from app.backup import archive_storage, restore_storage

    files = {"certificates/A.pdf": b"%PDF a", "content/ab/ab12": b"\x00\x01" * 1000, "evidence/cd/cd34": b"report"}
    for key, data in files.items():
        store.put(key, data)
    archive = tmp_path / "backup.storage.tar.gz"
    assert archive_storage(store, archive) == 3
    for other in (LocalStore(tmp_path / "restored"), store):
        if other is store:
            for key in files:
                store.delete(key)
        assert restore_storage(other, archive) == 3
        assert {key: other.open(key) for key in other.list_keys()} == files


def test_a_damaged_archive_restores_nothing(store, tmp_path):
    """Is a cut-off archive, or one with a file outside storage/, refused with the store left empty?"""
    import tarfile
    from io import BytesIO

    from app.backup import BackupError, archive_storage, restore_storage

    source = LocalStore(tmp_path / "source")
    for n in range(40):
        source.put(f"content/{n:02d}/file", bytes(range(256)) * 400 + bytes([n]))
    whole = tmp_path / "whole.tar.gz"
    archive_storage(source, whole)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(BackupError, match="cut.tar.gz is not a whole storage archive"):
        restore_storage(store, cut)
    assert list(store.list_keys()) == []

    climbing = tmp_path / "climbing.tar.gz"
    with tarfile.open(climbing, "w:gz") as archive:
        for name in ("storage/content/aa/ok", "storage/../../etc/evil"):
            member = tarfile.TarInfo(name)
            member.size = 2
            archive.addfile(member, BytesIO(b"ok"))
    with pytest.raises(BackupError, match=r"storage/\.\./\.\./etc/evil is not a stored file's name"):
        restore_storage(store, climbing)
    assert list(store.list_keys()) == []
