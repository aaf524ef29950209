"""The audit log as people read it: names and titles in place of the ids the entries keep.

An entry keeps the values it changed as stored (`lead_id: 7`); this module turns each id into the
name of what it points to, with one statement per kind of id on the page whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.api import AuditEntry
from app.auth.api import Administration, User
from app.courses.api import Tier, Track
from app.directorate.models import Project
from app.extensions import db

#: Each id an entry may hold: what it is called on the page, and the name column of what it points to.
ID_FIELDS = {
    "lead_id": (_l("Project lead"), User, User.full_name),
    "user_id": (_l("Officer"), User, User.full_name),
    "administration_id": (_l("Administration"), Administration, Administration.name),
    "project_id": (_l("Project"), Project, Project.code),
    "track_id": (_l("Track"), Track, Track.title),
    "tier_id": (_l("Tier"), Tier, Tier.title),
}

#: Each other field an entry may hold, as the forms name it (a field not listed shows its own name).
FIELD_NAMES = {
    "code": _l("Code"),
    "title": _l("Title"),
    "partner": _l("Partner or donor"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "status": _l("Status"),
    "objectives": _l("Objectives"),
    "due_date": _l("Due date"),
    "completed_on": _l("Completed on"),
    "evidence_note": _l("Evidence note"),
    "evidence_url": _l("Evidence link"),
    "evidence_filename": _l("Evidence file"),
    "year": _l("Year"),
    "indicator": _l("Indicator"),
    "label": _l("Name"),
    "target_value": _l("Target"),
    "manual_value": _l("Actual value"),
    "name": _l("Name"),
    "reason": _l("Reason"),
    "recipient_name": _l("Name on the certificate"),
    "period": _l("Reporting period"),
    "summary": _l("Summary"),
    "progress": _l("Progress"),
    "challenges": _l("Challenges"),
    "next_steps": _l("Next steps"),
}

#: The kinds of object the log holds, as the page names them.
ENTITY_NAMES = {
    "project": _l("Project"),
    "milestone": _l("Milestone"),
    "target": _l("Target"),
    "cohort": _l("Cohort"),
    "certificate": _l("Certificate"),
    "result": _l("Result"),
    "indicator": _l("Indicator"),
    "risk": _l("Risk"),
    "thresholds": _l("Traffic light thresholds"),
    "narrative": _l("Period narrative"),
}

ACTION_NAMES = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "revoke": _l("revoked"),
    "reissue": _l("reissued"),
    "add": _l("member added"),
    "remove": _l("member removed"),
    "value": _l("value entered"),
    "close": _l("closed"),
}


@dataclass
class Change:
    """One entry ready to show: who, what, and each changed field as (label, before, after)."""

    entry: AuditEntry
    fields: list[tuple[str, str, str]]

    @property
    def what(self) -> str:
        return str(ENTITY_NAMES.get(self.entry.entity, self.entry.entity))

    @property
    def action(self) -> str:
        return str(ACTION_NAMES.get(self.entry.action, self.entry.action))


def _names(entries: list[AuditEntry]) -> dict[str, dict[int, str]]:
    """{field: {id: name}} for every id the entries hold: one statement per kind of id present."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        for values in (entry.before or {}, entry.after or {}):
            for name, value in values.items():
                if name in ID_FIELDS and isinstance(value, int):
                    wanted[name].add(value)
    # lead_id and user_id both name users: one statement for the two.
    by_column: dict[object, set[int]] = defaultdict(set)
    for name, ids in wanted.items():
        by_column[ID_FIELDS[name][2]] |= ids
    found = {}
    for column, ids in by_column.items():
        model = column.class_
        found[column] = {
            row.id: row.name
            for row in db.session.execute(sa.select(model.id, column.label("name")).where(model.id.in_(ids)))
        }
    return {name: found[ID_FIELDS[name][2]] for name in wanted}


def _shown(value, name: str, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "—"
    if name in ID_FIELDS and isinstance(value, int):
        # An id whose row is gone (a deleted project, say) says so rather than showing a number.
        return names.get(name, {}).get(value) or str(_l("(deleted)"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _label(name: str) -> str:
    if name in ID_FIELDS:
        return str(ID_FIELDS[name][0])
    if name in FIELD_NAMES:
        return str(FIELD_NAMES[name])
    return name.replace("_", " ").capitalize()


def changes(entries: list[AuditEntry]) -> list[Change]:
    """The entries with every id named and every changed field labelled."""
    names = _names(entries)
    shown = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        fields = [
            (_label(name), _shown(before.get(name), name, names), _shown(after.get(name), name, names))
            for name in dict.fromkeys([*before, *after])
        ]
        shown.append(Change(entry, fields))
    return shown
