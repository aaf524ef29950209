from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.time import utcnow
from app.extensions import db

QUEUED, RUNNING, READY, FAILED = "queued", "running", "ready", "failed"
#: A ready file removed from the Store after PREPARED_DOWNLOADS_DAYS (the row stays, so the list says so).
EXPIRED = "expired"


class PreparedDownload(db.Model):
    """A file a person asked for that a background job builds into the Store, or work whose outcome they wait for
    (a large CSV import: `filename` empty, `outcome` says what was done)."""

    __tablename__ = "prepared_download"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who asked: the only person (with admins) who may fetch it.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The file's name as downloaded ("overview.xlsx") and its type.
    filename: Mapped[str] = mapped_column(sa.String(200))
    mimetype: Mapped[str] = mapped_column(sa.String(100))
    #: What the person sees in the list ("Overview, 2020-01-01 to 2026-12-07").
    label: Mapped[str] = mapped_column(sa.String(300))
    #: The function that builds the bytes (dotted path) and what it gets, as plain JSON.
    builder: Mapped[str] = mapped_column(sa.String(200))
    params: Mapped[dict] = mapped_column(sa.JSON)
    #: The language of the page it was asked from: the file's headings are in it.
    locale: Mapped[str] = mapped_column(sa.String(10), default="en")
    #: queued → running → ready (the file is in the Store) or failed (`error` says why); a ready file
    #: becomes expired when it is removed from the Store after PREPARED_DOWNLOADS_DAYS.
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    #: A job that makes no file (a large CSV import) says what it did here instead.
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def key(self) -> str:
        """Where the built file is kept in the Store."""
        return key_of(self.id, self.filename)


def key_of(download_id: int, filename: str) -> str:
    """Where a prepared download's file is kept in the Store."""
    return f"prepared/{download_id}/{filename}"
