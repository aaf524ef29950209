"""From events to the outbox: each event an LRS cares about becomes statements, written to the
outbox in the transaction of the change (a rollback sends nothing), delivered after the commit.

Without LRS_URL nothing is written. The outbox kind is "xapi"; an item's key is its statement's id,
so the same statement is queued once however often its event is told (a lesson opened again).
"""

from __future__ import annotations

from flask import current_app

from app import outbox
from app.common import events
from app.xapi import delivery, statements

KIND = "xapi"


def queue(event: str, facts: dict) -> list[dict]:
    """Write the statements of one event (by its name in app/common/events.py) to the outbox."""
    if not current_app.config.get("LRS_URL"):
        return []
    academy = statements.Academy.from_config(current_app.config)
    made = statements.for_event(academy, event, facts)
    for statement in made:
        outbox.enqueue(KIND, statement["id"], statement)
    return made


def _receiver(event: str):
    def receive(_sender, **facts) -> None:
        queue(event, facts)

    receive.__name__ = f"xapi_on_{event}"
    return receive


#: One receiver per event, kept here: blinker holds receivers weakly.
RECEIVERS = {event: _receiver(event) for event in statements.BY_EVENT}


def connect() -> None:
    """Connect the receivers to the events (connecting again is harmless)."""
    for event, receive in RECEIVERS.items():
        getattr(events, event).connect(receive)


def deliver(statement: dict) -> None:
    """The outbox's deliverer for "xapi" items: a refusal is permanent, anything else is tried again."""
    config = current_app.config
    if not config.get("LRS_URL"):
        raise delivery.Unreachable("LRS_URL is not set: the statement waits until it is")
    try:
        delivery.send(
            statement, url=config["LRS_URL"], username=config["LRS_USERNAME"], password=config["LRS_PASSWORD"]
        )
    except delivery.Refused as refusal:
        raise outbox.Permanent(f"The learning record store refused statement {statement['id']}: {refusal}") from None
