"""Record changes. Call `snapshot` before changing an object and `record` after."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.api import User
from app.extensions import db


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def snapshot(obj, fields: list[str]) -> dict:
    """The values of `fields` of an object, as JSON-friendly data."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(actor, entity: str, entity_id: int, action: str, *, label: str = "", before=None, after=None) -> None:
    """Add an audit entry (only what changed, for updates)."""
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        if not changed:
            return
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    db.session.add(
        AuditEntry(
            user_id=getattr(actor, "id", None),
            entity=entity,
            entity_id=entity_id,
            action=action,
            label=label[:300],
            before=before,
            after=after,
        )
    )


#: What the log records changes to, in the order the audit page offers them.
ENTITIES = (
    "project",
    "milestone",
    "target",
    "cohort",
    "certificate",
    "result",
    "indicator",
    "risk",
    "thresholds",
    "narrative",
)


def entries(
    limit: int = 200,
    entity: str | None = None,
    entity_id: int | None = None,
    *,
    user_id: int | None = None,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[AuditEntry]:
    """The latest entries, newest first, narrowed to one kind of object (or one object), who made
    the change, words in the object's description, and days from `start` to `end` inclusive."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if text:
        query = query.where(AuditEntry.label.icontains(text, autoescape=True))
    if start is not None:
        query = query.where(AuditEntry.at >= datetime.combine(start, time.min))
    if end is not None and end < date.max:  # no day follows date.max: nothing is after it
        query = query.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), time.min))
    return list(db.session.scalars(query.options(sa.orm.joinedload(AuditEntry.user))))


def authors() -> list[tuple[int, str]]:
    """Everyone who changed something, as (user id, full name) by name: the audit page's "who" choices."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(User.id, User.full_name)
            .where(User.id.in_(sa.select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None))))
            .order_by(User.full_name, User.id)
        )
    ]
