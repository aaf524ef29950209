"""Bulk enrolment of officers from a CSV file: all or nothing, every problem reported with its line."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app import downloads, policy
from app.auth import names
from app.auth.api import Administration, Role, User
from app.auth.services import AccountError, normalise_email, send_invitation, sex_of
from app.common.csvfiles import Problem, read_rows
from app.extensions import db

COLUMNS = ("email", "full_name", "administration", "role")
#: Optional: female, male, prefer_not_to_say or empty (auth.services.SEXES).
OPTIONAL = ("sex",)
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    """What an import did, or would do (dry run), or why it did nothing."""

    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: list[User] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse(data: bytes, actor: User | None) -> ImportResult:
    """Check every line of the file; returns the rows to create or every problem found."""
    result = ImportResult()
    raw_rows, result.problems = read_rows(data, COLUMNS, OPTIONAL, max_rows=MAX_ROWS)
    if result.problems and not raw_rows:
        return result

    codes = {values["administration"].upper() for _line, values in raw_rows}
    administrations = {
        a.code: a for a in db.session.scalars(sa.select(Administration).where(Administration.code.in_(codes)))
    }
    emails = {values["email"].lower() for _line, values in raw_rows}
    taken = set(db.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    seen: dict[str, int] = {}

    for line, values in raw_rows:
        problems = []
        email = values["email"]
        try:
            email = normalise_email(email)
        except AccountError as error:
            problems.append(str(error))
        else:
            if email in taken:
                problems.append(_("%(email)s already has an account.", email=email))
            elif email in seen:
                problems.append(_("%(email)s is also on line %(line)d.", email=email, line=seen[email]))
            seen.setdefault(email, line)
        try:
            name = names.person_name(values["full_name"])
        except names.NameRefused as error:
            problems.append(str(error))
        administration = administrations.get(values["administration"].upper())
        if administration is None:
            problems.append(
                _(
                    "Unknown administration %(code)s (use its ISO 3166 country code, or WCO).",
                    code=values["administration"] or "''",
                )
            )
        try:
            role = Role(values["role"].lower() or "learner")
        except ValueError:
            role = None
            problems.append(_("Unknown role %(role)s (one of: %(roles)s).", role=values["role"], roles=", ".join(Role)))
        if administration is not None and actor is not None:
            if not policy.can(actor, "user.invite", administration):
                problems.append(
                    _("You may not enrol officers of %(administration)s.", administration=administration.name)
                )
            elif role is not None and role not in policy.assignable_roles(actor, administration):
                problems.append(_("You may not give the role %(role)s.", role=role.value))
        sex = None
        try:
            sex = sex_of(values.get("sex", ""))
        except AccountError as error:
            problems.append(str(error))
        if problems:
            result.problems.extend(Problem(line, message) for message in problems)
        else:
            result.rows.append(
                {"email": email, "full_name": name, "administration": administration, "role": role, "sex": sex}
            )

    if not raw_rows and not result.problems:
        result.problems.append(Problem(1, _("The file holds no officers.")))
    result.problems.sort(key=lambda problem: problem.line)
    return result


def import_users(data: bytes, actor: User | None = None, *, dry_run: bool = False) -> ImportResult:
    """Create every account in the file, or none. `actor` None is an administrator's CLI run."""
    result = parse(data, actor)
    if result.ok and not dry_run:
        for row in result.rows:
            user = User(**row)
            db.session.add(user)
            result.created.append(user)
        db.session.flush()
    return result


def refusal(problems: list[Problem]) -> downloads.Refused:
    """A job's refusal naming the lines of a file that no longer passes (shown on the person's downloads page)."""
    lines = [_("Line %(line)d: %(message)s", line=p.line, message=p.message) for p in problems[:20]]
    return downloads.Refused(_("Nothing was imported. %(problems)s", problems=" ".join(lines)))


def import_kept_file(sha256: str, actor_id: int) -> str:
    """The job of a large import: the file (kept in the Store when it was checked) is checked again — an address
    may have been taken since — and all its accounts created and invited in one transaction, or none."""
    data = downloads.open_import(sha256)
    result = import_users(data, db.session.get(User, actor_id))
    if not result.ok:
        db.session.rollback()
        raise refusal(result.problems)
    for user in result.created:
        send_invitation(user)  # in the job's transaction: sent once the accounts are committed
    db.session.commit()
    return _("%(n)d accounts created; each officer gets an invitation.", n=len(result.created))
