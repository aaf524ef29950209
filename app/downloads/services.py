"""Asking for a prepared download (in the request), building it (a job), listing and fetching it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_locale

from app import jobs
from app.common import storage
from app.common.database import write_transaction
from app.common.storage import current_store
from app.common.time import utcnow
from app.downloads.models import EXPIRED, FAILED, QUEUED, READY, RUNNING, PreparedDownload, key_of
from app.extensions import db

logger = logging.getLogger(__name__)


class Refused(Exception):  # noqa: N818 (the person's word: the work was refused)
    """Raised by a builder when what it was given cannot be done (a file whose lines no longer pass): the message,
    already in the person's language, is the reason they see (other exceptions show their type too)."""


#: How many of a person's downloads their list shows (most recent first).
LISTED = 20
#: The Store's kind for an import's file, kept from the request that checked it to the job that writes it.
IMPORTS = "imports"


def keep_import(data: bytes) -> str:
    """Keep a checked import file for its job (under its hash: identical uploads share it); returns the hash, which
    the job's params name as "sha256"."""
    return storage.keep(IMPORTS, data)


def open_import(sha256: str) -> bytes:
    """An import file kept by `keep_import`, for its job."""
    return current_store().open(storage.key_of(IMPORTS, sha256))


def prepare(user_id: int, filename: str, mimetype: str, label: str, builder: str, params: dict) -> int:
    """Record the download and enqueue the job that builds it (after this request's commit); returns its id.

    The builder returns the file's bytes, or (work that makes no file: filename "") a sentence saying what it did;
    it raises to fail, the exception's message being the reason shown."""
    with write_transaction():
        download = PreparedDownload(
            user_id=user_id,
            filename=filename,
            mimetype=mimetype,
            label=label[:300],
            builder=builder,
            params=params,
            locale=str(get_locale() or "en"),
            status=QUEUED,
            error="",
            outcome="",
        )
        db.session.add(download)
    jobs.enqueue("app.downloads.services.build", download.id)
    return download.id


def build(download_id: int) -> None:
    """The job: build the file with its builder, keep it in the Store, and mark it ready (or failed)."""
    with write_transaction():
        download = db.session.get(PreparedDownload, download_id)
        if download is None or download.status not in (QUEUED, RUNNING):
            return
        download.status = RUNNING
        builder, params, locale, key = download.builder, dict(download.params), download.locale, download.key
    try:
        with force_locale(locale):
            data = jobs.resolve(builder)(**params)
        if isinstance(data, str):  # work with an outcome, no file (a large import)
            _finish(download_id, status=READY, outcome=data[:2000])
            return
        current_store().put(key, data)
    except Refused as refusal:
        db.session.rollback()
        _finish(download_id, status=FAILED, error=str(refusal)[:2000])
        return
    except Exception as fault:
        db.session.rollback()
        logger.exception("Prepared download %s failed", download_id)
        _finish(download_id, status=FAILED, error=f"{type(fault).__name__}: {fault}"[:2000])
        return
    _finish(download_id, status=READY, size=len(data))


def _finish(download_id: int, **values) -> None:
    with write_transaction():
        db.session.execute(
            sa.update(PreparedDownload)
            .where(PreparedDownload.id == download_id)
            .values(finished_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )


def of_user(user_id: int) -> list[PreparedDownload]:
    """A person's downloads, most recent first."""
    return list(
        db.session.scalars(
            sa.select(PreparedDownload)
            .where(PreparedDownload.user_id == user_id)
            .order_by(PreparedDownload.id.desc())
            .limit(LISTED)
        )
    )


def get(download_id: int) -> PreparedDownload | None:
    return db.session.get(PreparedDownload, download_id)


def kept_days() -> int:
    """How many days a prepared file stays in the Store after it was built (PREPARED_DOWNLOADS_DAYS)."""
    return current_app.config["PREPARED_DOWNLOADS_DAYS"]


def purge_expired(now: datetime | None = None) -> int:
    """Remove from the Store the prepared files built more than PREPARED_DOWNLOADS_DAYS ago and mark them expired;
    returns how many. Run by `flask --app wsgi downloads purge` and by the workers' periodic sweep.

    The file goes first, then the row: a Store that is down leaves the row ready, to be tried again next time, and
    never an expired row whose file stays forever (deleting a file already gone is no fault)."""
    cutoff = (now or utcnow()) - timedelta(days=kept_days())
    due = db.session.execute(
        sa.select(PreparedDownload.id, PreparedDownload.filename).where(
            PreparedDownload.status == READY,
            PreparedDownload.filename != "",
            PreparedDownload.finished_at < cutoff,
        )
    ).all()
    db.session.rollback()  # hold no transaction while the Store is asked
    store = current_store()
    purged = 0
    for download_id, filename in due:
        store.delete(key_of(download_id, filename))
        with write_transaction():
            purged += db.session.execute(
                sa.update(PreparedDownload)
                .where(PreparedDownload.id == download_id, PreparedDownload.status == READY)
                .values(status=EXPIRED)
                .execution_options(synchronize_session=False)
            ).rowcount
    if purged:
        logger.info("Removed %d prepared downloads older than %d days", purged, kept_days())
    return purged


def purge_import_files(now: datetime | None = None) -> int:
    """Remove from the Store the import files whose jobs all finished more than PREPARED_DOWNLOADS_DAYS ago; returns
    how many. Run with `purge_expired` (the sweep, `flask downloads purge`).

    An import file lists officers' names and addresses: once its job has run, nothing reads it again. Identical
    uploads share one file, so it goes only when no job naming it is waiting, running or finished within the days
    kept. The file goes first, then the rows stop naming it ("sha256" leaves their params): a Store that is down
    leaves them to be tried again; the outcome ("5 accounts created…") stays on the person's list.
    """
    cutoff = (now or utcnow()) - timedelta(days=kept_days())
    rows = db.session.execute(  # only the rows that still name a file: nothing to read once all are removed
        sa.select(
            PreparedDownload.id, PreparedDownload.params, PreparedDownload.status, PreparedDownload.finished_at
        ).where(PreparedDownload.filename == "", PreparedDownload.params["sha256"].as_string().is_not(None))
    ).all()
    db.session.rollback()  # hold no transaction while the Store is asked
    naming: dict[str, list] = {}
    for row in rows:
        naming.setdefault(row.params["sha256"], []).append(row)
    store, purged = current_store(), 0
    for sha256, named in naming.items():
        if any(
            row.status in (QUEUED, RUNNING) or row.finished_at is None or row.finished_at >= cutoff for row in named
        ):
            continue
        store.delete(storage.key_of(IMPORTS, sha256))
        with write_transaction():
            for row in named:
                params = {key: value for key, value in row.params.items() if key != "sha256"}
                db.session.execute(
                    sa.update(PreparedDownload)
                    .where(PreparedDownload.id == row.id)
                    .values(params=params)
                    .execution_options(synchronize_session=False)
                )
        purged += 1
    if purged:
        logger.info("Removed %d import files whose jobs finished more than %d days ago", purged, kept_days())
    return purged
