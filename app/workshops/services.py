"""The workshops API: organise, register (with a waiting list), record attendance, certify, count.

Services only flush; the request commits. A WorkshopError's message is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app import policy
from app.auth.api import Administration, Role, User
from app.auth.services import AccountError, normalise_email
from app.certificates import services as certificates
from app.common import events, storage
from app.common.csvfiles import Problem, read_rows
from app.common.time import utcnow
from app.courses import services as courses
from app.courses.api import Course
from app.extensions import db
from app.workshops.models import KINDS, Attendance, Facilitator, Material, Registration, Workshop, WorkshopSession

REGISTERED, WAITLISTED, CANCELLED = "registered", "waitlisted", "cancelled"
# French spreadsheets say oui/non, présent/absent.
TRUE_WORDS = {"1", "yes", "y", "true", "present", "x", "oui", "o", "présent", "présente"}
FALSE_WORDS = {"0", "no", "n", "false", "absent", "", "non", "absente"}


def projects() -> list[Any]:
    """The projects a workshop may belong to, by code. Projects are the directorate's, a layer above
    workshops: it answers `events.workshop_projects` (app/directorate/__init__.py); without it, none."""
    return sorted(events.projects_for_workshops(), key=lambda project: project.code)


class WorkshopError(ValueError):
    """Something about a workshop that cannot be done; the message says why."""


# Organising ---------------------------------------------------------------------------------


def save_workshop(
    actor,
    workshop: Workshop | None,
    *,
    kind: str,
    title: str,
    description: str,
    objectives: str,
    start_date: date,
    end_date: date,
    capacity: int,
    registration_opens: date,
    registration_closes: date,
    administrations: list[Administration],
    project=None,
    required_course: Course | None = None,
    academics: list[tuple[str, str]] | None = None,
    facilitator_users: list[User] | None = None,
) -> Workshop:
    """Create or update a workshop after checking its dates, capacity and sessions."""
    if kind not in KINDS:
        raise WorkshopError(_("Unknown kind of workshop “%(kind)s”.", kind=kind))
    if not title.strip():
        raise WorkshopError(_("A workshop needs a title."))
    if end_date < start_date:
        raise WorkshopError(_("The end date is before the start date."))
    if registration_closes < registration_opens:
        raise WorkshopError(_("Registration closes before it opens."))
    if registration_closes > end_date:
        raise WorkshopError(_("Registration must close by the last day of the workshop."))
    if capacity < 1:
        raise WorkshopError(_("The capacity must be at least one participant."))
    for name, affiliation in academics or []:
        if len(name.strip()) > 200 or len(affiliation.strip()) > 300:
            raise WorkshopError(_("An academic's name has at most 200 characters and the affiliation 300."))
    if not administrations:
        raise WorkshopError(_("Invite at least one administration."))
    if project is not None and not project.start_date <= start_date <= project.end_date:
        raise WorkshopError(
            _(
                "The workshop starts outside project %(code)s (%(start)s to %(end)s).",
                code=project.code,
                start=format_date(project.start_date),
                end=format_date(project.end_date),
            )
        )
    if workshop is not None:
        outside = [s for s in workshop.sessions if not start_date <= s.starts_at.date() <= end_date]
        if outside:
            raise WorkshopError(_("Session “%(title)s” would fall outside the new dates.", title=outside[0].title))
    workshop = workshop or Workshop(organiser_id=actor.id)
    workshop.kind, workshop.title = kind, " ".join(title.split())
    workshop.description, workshop.objectives = description.strip(), objectives.strip()
    workshop.start_date, workshop.end_date, workshop.capacity = start_date, end_date, capacity
    workshop.registration_opens, workshop.registration_closes = registration_opens, registration_closes
    workshop.administrations, workshop.project, workshop.required_course = administrations, project, required_course
    if academics is not None or facilitator_users is not None:
        workshop.facilitators = [Facilitator(user_id=u.id, name=u.full_name) for u in facilitator_users or []] + [
            Facilitator(name=" ".join(name.split()), affiliation=affiliation.strip())
            for name, affiliation in academics or []
            if name.strip()
        ]
    db.session.add(workshop)
    db.session.flush()
    return workshop


def add_session(
    workshop: Workshop,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    place: str = "",
    link: str | None = None,
    counts: bool = True,
) -> WorkshopSession:
    """Add a session within the workshop's dates."""
    if not title.strip():
        raise WorkshopError(_("A session needs a title."))
    if ends_at <= starts_at:
        raise WorkshopError(_("A session must end after it starts."))
    if not workshop.start_date <= starts_at.date() <= workshop.end_date or ends_at.date() > workshop.end_date:
        raise WorkshopError(
            _(
                "The session is outside the workshop's dates (%(start)s to %(end)s).",
                start=format_date(workshop.start_date),
                end=format_date(workshop.end_date),
            )
        )
    if mode not in ("in_person", "online"):
        raise WorkshopError(_("A session is in person or online."))
    if mode == "online" and not (link or "").startswith(("https://", "http://")):
        raise WorkshopError(_("An online session needs its link (https://…)."))
    if mode == "in_person" and not place.strip():
        raise WorkshopError(_("An in-person session needs its place."))
    session = WorkshopSession(
        workshop=workshop,
        title=" ".join(title.split()),
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=place.strip(),
        link=link if mode == "online" else None,
        counts=counts,
    )
    db.session.add(session)
    db.session.flush()
    return session


def add_material(workshop: Workshop, title: str, filename: str, data: bytes) -> Material:
    """Keep a file for the participants (served as a download, like lesson attachments)."""
    try:
        name, digest = storage.store("workshops", filename, data)
    except storage.UploadError as error:
        raise WorkshopError(str(error)) from error
    material = Material(
        workshop_id=workshop.id, title=" ".join(title.split()) or name, filename=name, size=len(data), sha256=digest
    )
    db.session.add(material)
    db.session.flush()
    return material


def set_output(workshop: Workshop, note: str, url: str | None, filename: str | None, data: bytes | None) -> None:
    """Record what the workshop produced: a report, guideline or paper, as a file or a link."""
    if url and not url.startswith(("https://", "http://")):
        raise WorkshopError(_("The link must start with https:// or http://."))
    if data:
        try:
            workshop.output_filename, workshop.output_sha256 = storage.store("workshops", filename or "output", data)
        except storage.UploadError as error:
            raise WorkshopError(str(error)) from error
    workshop.output_note, workshop.output_url = note.strip(), url or None


def held(workshop: Workshop, today: date) -> bool:
    return not workshop.cancelled and workshop.end_date < today


# Registration ---------------------------------------------------------------------------------


def registration_of(workshop: Workshop, user: User) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(Registration.workshop_id == workshop.id, Registration.user_id == user.id)
    )


def registrations(workshop: Workshop) -> list[Registration]:
    """Registered first, then the waiting list in order of arrival, then cancellations."""
    order = sa.case({REGISTERED: 0, WAITLISTED: 1}, value=Registration.status, else_=2)
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.workshop_id == workshop.id)
            .options(sa.orm.joinedload(Registration.user))
            .order_by(order, Registration.registered_at, Registration.id)
        )
    )


def refusal(workshop: Workshop, user: User, today: date) -> str | None:
    """Why this officer cannot register now, in words; None if they can."""
    if workshop.cancelled:
        return _("This workshop is cancelled.")
    if user.administration_id not in {a.id for a in workshop.administrations}:
        return _("Your administration is not invited to this workshop.")
    if today < workshop.registration_opens:
        return _("Registration opens on %(date)s.", date=format_date(workshop.registration_opens, "long"))
    if today > workshop.registration_closes:
        return _("Registration closed on %(date)s.", date=format_date(workshop.registration_closes, "long"))
    course = courses.course_by_id(workshop.required_course_id) if workshop.required_course_id else None
    if course is not None and course.id not in courses.completed_course_ids(user):
        return _("Complete the course “%(title)s” first.", title=course.title)
    return None


def register(actor: User, workshop: Workshop, user: User, today: date | None = None) -> Registration:
    """Register an officer (themselves, or by their coordinator): a seat, or the waiting list when full."""
    today = today or date.today()
    if actor.id != user.id and not policy.can(actor, "workshop.register_others", (workshop, user)):
        raise WorkshopError(_("You may not register this officer."))
    reason = refusal(workshop, user, today)
    if reason:
        raise WorkshopError(reason)
    # Lock the workshop's row so two last-seat registrations take turns (PostgreSQL; SQLite
    # serialises writers already).
    db.session.scalar(sa.select(Workshop.id).where(Workshop.id == workshop.id).with_for_update())
    taken = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.workshop_id == workshop.id, Registration.status == REGISTERED)
    )
    status = REGISTERED if taken < workshop.capacity else WAITLISTED
    registration = registration_of(workshop, user)
    if registration is not None and registration.status != CANCELLED:
        return registration
    if registration is None:
        registration = Registration(workshop_id=workshop.id, user_id=user.id, status=status, registered_by_id=actor.id)
        db.session.add(registration)
    else:
        registration.status, registration.registered_at, registration.registered_by_id = status, utcnow(), actor.id
    db.session.flush()
    events.workshop_registered.send(
        "workshops",
        user_id=user.id,
        workshop_id=workshop.id,
        registration_id=registration.id,
        status=registration.status,
        registered_by_id=actor.id,
        at=registration.registered_at,
    )
    return registration


def cancel(actor: User, workshop: Workshop, user: User) -> Registration | None:
    """Cancel a registration; the first on the waiting list takes the seat. Returns who was promoted."""
    registration = registration_of(workshop, user)
    if registration is None or registration.status == CANCELLED:
        raise WorkshopError(_("There is no registration to cancel."))
    had_seat = registration.status == REGISTERED
    registration.status = CANCELLED
    db.session.flush()
    if not had_seat:
        return None
    waiting = db.session.scalar(
        sa.select(Registration)
        .where(Registration.workshop_id == workshop.id, Registration.status == WAITLISTED)
        .order_by(Registration.registered_at, Registration.id)
        .limit(1)
    )
    if waiting is not None:
        waiting.status = REGISTERED
        db.session.flush()
        events.workshop_promoted.send(
            "workshops", user_id=waiting.user_id, workshop_id=workshop.id, registration_id=waiting.id, at=utcnow()
        )
    return waiting


# Attendance and certificates --------------------------------------------------------------------


def attendance(workshop: Workshop) -> dict[tuple[int, int], bool]:
    """{(session id, user id): present} for the workshop."""
    rows = db.session.execute(
        sa.select(Attendance.session_id, Attendance.user_id, Attendance.present)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .where(WorkshopSession.workshop_id == workshop.id)
    )
    return {(session_id, user_id): present for session_id, user_id, present in rows}


def record_attendance(actor: User, workshop: Workshop, marks: dict[tuple[int, int], bool]) -> int:
    """Save {(session id, user id): present}; only registered officers and this workshop's sessions.

    Then issues certificates of attendance to those who attended every session that counts.
    """
    sessions = {s.id for s in workshop.sessions}
    seated = set(
        db.session.scalars(
            sa.select(Registration.user_id).where(
                Registration.workshop_id == workshop.id, Registration.status == REGISTERED
            )
        )
    )
    for session_id, user_id in marks:
        if session_id not in sessions:
            raise WorkshopError(_("A session that is not this workshop's."))
        if user_id not in seated:
            raise WorkshopError(_("Attendance can only be recorded for registered officers."))
    existing = {
        (a.session_id, a.user_id): a
        for a in db.session.scalars(sa.select(Attendance).where(Attendance.session_id.in_(sessions)))
    }
    attended = []
    for key, present in marks.items():
        row = existing.get(key)
        if row is None:
            db.session.add(Attendance(session_id=key[0], user_id=key[1], present=present, recorded_by_id=actor.id))
        elif row.present != present:
            row.present, row.recorded_by_id = present, actor.id
        else:
            continue
        if present:
            attended.append(key)
    db.session.flush()
    now = utcnow()
    for session_id, user_id in attended:
        events.workshop_attended.send(
            "workshops",
            user_id=user_id,
            workshop_id=workshop.id,
            session_id=session_id,
            recorded_by_id=actor.id,
            at=now,
        )
    return issue_certificates(workshop)


def issue_certificates(workshop: Workshop) -> int:
    """Certificates of attendance for everyone who attended every counting session; returns how many are new."""
    counting = [s for s in workshop.sessions if s.counts]
    if not counting:
        return 0
    present = attendance(workshop)
    users = db.session.scalars(
        sa.select(User)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.workshop_id == workshop.id, Registration.status == REGISTERED)
    )
    issued = 0
    for user in users:
        if all(present.get((s.id, user.id)) for s in counting):
            issued += certificates.issue_attendance(user, workshop, hours=sum(s.hours for s in counting)) is not None
    return issued


@dataclass
class AttendanceImport:
    problems: list[Problem] = field(default_factory=list)
    marks: dict[tuple[int, int], bool] = field(default_factory=dict)


def parse_attendance(workshop: Workshop, data: bytes) -> AttendanceImport:
    """Read an attendance CSV (email, session number, present): every bad line reported, nothing kept if any."""
    result = AttendanceImport()
    rows, result.problems = read_rows(data, ("email", "session", "present"))
    if result.problems and not rows:
        return result
    sessions = list(workshop.sessions)
    seated = {
        u.email: u.id
        for u in db.session.scalars(
            sa.select(User)
            .join(Registration, Registration.user_id == User.id)
            .where(Registration.workshop_id == workshop.id, Registration.status == REGISTERED)
        )
    }
    for line, values in rows:
        try:
            email = normalise_email(values["email"])
        except AccountError as error:
            result.problems.append(Problem(line, str(error)))
            continue
        if email not in seated:
            known = db.session.scalar(sa.select(User.id).where(User.email == email))
            result.problems.append(
                Problem(
                    line,
                    _("%(email)s is not registered for this workshop.", email=email)
                    if known
                    else _("%(email)s: no account has this email address.", email=email),
                )
            )
            continue
        number = values["session"]
        if not number.isdigit() or not 1 <= int(number) <= len(sessions):
            result.problems.append(
                Problem(
                    line,
                    _(
                        "Session %(number)s does not exist: use 1 to %(count)d.",
                        number=number or _("(empty)"),
                        count=len(sessions),
                    ),
                )
            )
            continue
        present = values["present"].lower()
        if present not in TRUE_WORDS | FALSE_WORDS:
            result.problems.append(
                Problem(line, _("Present must be yes or no, not “%(value)s”.", value=values["present"]))
            )
            continue
        result.marks[(sessions[int(number) - 1].id, seated[email])] = present in TRUE_WORDS
    result.problems.sort(key=lambda problem: problem.line)
    return result


# Calendar ---------------------------------------------------------------------------------------


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are folded at 75 octets."""
    out, encoded = [], line.encode()
    while len(encoded) > 75:
        cut = 75
        while (encoded[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
            cut -= 1
        out.append(encoded[:cut].decode())
        encoded = b" " + encoded[cut:]
    out.append(encoded.decode())
    return "\r\n".join(out)


def calendar(workshop: Workshop, public_url: str) -> str:
    """The workshop's sessions as an iCalendar file (times in UTC)."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Customs Data Academy//Workshops//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    description = _(
        "%(kind)s. Programme and materials: %(url)s",
        kind=workshop.kind_label,
        url=f"{public_url}/workshops/{workshop.id}",
    )
    for session in workshop.sessions:
        where = session.place if session.mode == "in_person" else (session.link or "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:workshop-{workshop.id}-session-{session.id}@{public_url.split('://')[-1].split('/')[0]}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{session.starts_at:%Y%m%dT%H%M%S}Z",
            f"DTEND:{session.ends_at:%Y%m%dT%H%M%S}Z",
            f"SUMMARY:{_ics_text(f'{workshop.title} — {session.title}')}",
            f"LOCATION:{_ics_text(where)}",
            f"DESCRIPTION:{_ics_text(description)}",
            f"URL:{public_url}/workshops/{workshop.id}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


# Lists ------------------------------------------------------------------------------------------


def visible_workshops(user: User) -> list[Workshop]:
    """Workshops a user may see: staff and trainers all; others those their administration is invited to."""
    from app.workshops.models import workshop_administrations

    query = sa.select(Workshop).order_by(Workshop.start_date.desc())
    if not (policy.is_staff(user) or user.role == Role.TRAINER):
        query = query.join(workshop_administrations).where(
            workshop_administrations.c.administration_id == user.administration_id
        )
    return list(db.session.scalars(query))
