"""The narrative of a reporting period: what the project lead writes for the donor report, kept per period.

Each project has at most one narrative per period ("2026", "2026-H1"); saving it again replaces
its sections, and the audit log keeps what each save changed (who, when, before, after).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.services import record, snapshot
from app.common.time import utcnow
from app.directorate.models import PeriodReport, Project
from app.directorate.periods import Period
from app.extensions import db

#: The sections, in the order the form and the report show them, with their headings.
SECTIONS = {
    "summary": _l("Summary"),
    "progress": _l("Progress in the period"),
    "challenges": _l("Challenges and how they were met"),
    "next_steps": _l("Next steps"),
}
#: A section longer than this is refused (about ten pages of a report).
LONGEST = 20_000


class NarrativeError(ValueError):
    """A narrative that cannot be saved; `field` names the section."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def narrative_for(project: Project, period: Period) -> PeriodReport | None:
    """The narrative written for the period, or None."""
    return db.session.scalar(
        sa.select(PeriodReport).where(PeriodReport.project_id == project.id, PeriodReport.period == period.key)
    )


def periods_written(project: Project) -> list[str]:
    """The periods the project has a narrative for, the latest first."""
    return list(
        db.session.scalars(
            sa.select(PeriodReport.period)
            .where(PeriodReport.project_id == project.id)
            .order_by(PeriodReport.period.desc())
        )
    )


def save_narrative(actor, project: Project, period: Period, **sections: str) -> PeriodReport:
    """Write the period's narrative (every section at once); flushes, the caller commits."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown sections {sorted(unknown)}")
    texts = {key: (sections.get(key) or "").strip() for key in SECTIONS}
    for key, text in texts.items():
        if len(text) > LONGEST:
            raise NarrativeError(
                _(
                    "“%(section)s” is %(length)d characters long: keep it under %(limit)d.",
                    section=SECTIONS[key],
                    length=len(text),
                    limit=LONGEST,
                ),
                key,
            )
    if not any(texts.values()):
        raise NarrativeError(_("Write at least one section of the narrative."), "summary")
    row = narrative_for(project, period)
    before = snapshot(row, list(SECTIONS)) if row else None
    if row is None:
        row = PeriodReport(project_id=project.id, period=period.key)
    for key, text in texts.items():
        setattr(row, key, text)
    row.updated_by_id = getattr(actor, "id", None)
    row.updated_at = utcnow()
    db.session.add(row)
    db.session.flush()
    record(
        actor,
        "narrative",
        row.id,
        "update" if before else "create",
        label=f"{project.code} {period.key}",
        before=before,
        after=snapshot(row, list(SECTIONS)),
    )
    return row
