"""Mail through the outbox: queued in the transaction of what it tells, sent over SMTP after the commit.

A person's page never waits for the mail server, nor shows whether it is up: a password reset
answers in the same time for an address with an account and one without.
"""

from __future__ import annotations

import hashlib
import smtplib

from app.common.mail import send_mail
from app.outbox.services import Permanent, enqueue

KIND = "mail"


def queue_mail(to: str, subject: str, body: str, *, key: str) -> None:
    """Queue a plain-text message for `to` (in the current transaction). `key` names what it is about
    ("password-reset/<user id>/<token>"), so the same message queued twice is sent once."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    enqueue(KIND, key, {"to": to, "subject": subject, "body": body, "message_id": f"<{digest}@academy>"})


def deliver(payload: dict) -> None:
    """Send one queued message: a mail server's 5xx refusal is permanent; anything else is retried."""
    try:
        send_mail(payload["to"], payload["subject"], payload["body"], message_id=payload.get("message_id"))
    except smtplib.SMTPRecipientsRefused as refusal:
        raise Permanent(f"recipient refused: {refusal.recipients}") from refusal
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            raise Permanent(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise
