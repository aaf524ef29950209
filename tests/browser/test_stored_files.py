"""In chromium: files a person uploads and downloads, kept by the Store (a folder, or S3 with TEST_STORAGE=s3),
and a certificate downloaded through a short-lived signed URL of the object store (STORAGE_REDIRECT=presigned)."""

import hashlib
import uuid

import pytest

from app.common import storage
from app.common.storage import S3Store
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.storage]


def test_director_attaches_evidence_to_a_milestone_and_downloads_it(app, page, project, tmp_path):
    """Can the directorate attach a report to a milestone and download the very same bytes again from the project?"""
    report = tmp_path / "workshop report.pdf"
    report.write_bytes(b"%PDF-1.7 evidence " + uuid.uuid4().bytes * 1000)
    log_in(page, project["director"].email)
    page.get_by_role("link", name="Directorate").click()
    page.get_by_role("link", name="KE-DATA").first.click()
    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Title").fill("Data technique workshop")
    page.get_by_label("Due date").fill("2026-05-15")
    page.get_by_label("Evidence: a file (at most 20 MB)").set_input_files(str(report))
    page.get_by_role("button", name="Save the milestone").click()
    page.wait_for_url("**/projects/KE-DATA")
    with page.expect_download() as download:
        page.get_by_role("link", name="evidence file").click()
    assert download.value.suggested_filename == "workshop_report.pdf"
    assert download.value.path().read_bytes() == report.read_bytes()
    with app.app_context():
        key = storage.key_of("evidence", hashlib.sha256(report.read_bytes()).hexdigest())
        assert storage.current_store().exists(key)  # kept by the Store the settings chose, under its hash


@pytest.fixture
def presigned_store(app, object_store):
    """The application's files in SeaweedFS, downloads redirected to signed URLs (for this test only)."""
    saved = app.extensions.get("academy.store")
    app.extensions["academy.store"] = S3Store(
        f"s3://{object_store.bucket}/presigned-{uuid.uuid4().hex[:8]}", redirect="presigned", presigned_seconds=60
    )
    yield app.extensions["academy.store"]
    if saved is None:
        app.extensions.pop("academy.store")
    else:
        app.extensions["academy.store"] = saved


def test_certificate_downloads_from_a_signed_url(app, page, presigned_store, ready_learner):
    """With STORAGE_REDIRECT=presigned, does My certificates' link hand the learner's PDF over from the object store?"""
    signed = []
    page.on("response", lambda r: signed.append(r.url) if "X-Amz-Signature=" in r.url else None)
    log_in(page, ready_learner.email)
    page.get_by_role("link", name="My certificates").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF · Introduction to Customs data").click()
    assert download.value.suggested_filename.startswith("certificate-")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert signed and signed[0].startswith(presigned_store.client.meta.endpoint_url)
