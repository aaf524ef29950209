"""What workshops tell officers by mail: a seat freed for someone on the waiting list."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from app.auth.api import User
from app.auth.services import external_url
from app.common.language import in_language_of
from app.extensions import db
from app.outbox.mail import queue_mail
from app.workshops.models import Workshop


def tell_promoted(_sender, *, user_id: int, workshop_id: int, registration_id: int, **_facts) -> None:
    """Receives `events.workshop_promoted`: mail the officer that a seat is theirs (in the same transaction)."""
    user, workshop = db.session.get(User, user_id), db.session.get(Workshop, workshop_id)
    link = external_url("workshops.workshop", workshop_id=workshop.id)
    with in_language_of(user):
        queue_mail(
            user.email,
            _("A seat is yours: %(title)s", title=workshop.title),
            _(
                "Hello %(name)s,\n\nA seat has become free at the workshop “%(title)s” (%(start)s to %(end)s), "
                "and it is yours: you were first on the waiting list. You are now registered.\n\n"
                "The workshop's page:\n\n%(link)s\n\nIf you can no longer attend, cancel there so the next "
                "officer on the waiting list gets the seat.\n",
                name=user.full_name,
                title=workshop.title,
                start=format_date(workshop.start_date),
                end=format_date(workshop.end_date),
                link=link,
            ),
            key=f"workshop-promoted/{registration_id}/{workshop.id}/{user_id}/{_facts['at'].isoformat()}",
        )
