"""Outgoing mail over SMTP, sent by the outbox's deliverer (app/outbox/mail.py).

With no MAIL_SERVER configured (a local run) messages go to the log instead.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, body: str, *, message_id: str | None = None) -> None:
    """Send a plain-text message, or log it when no mail server is configured.

    Called by the outbox's mail deliverer (app/outbox/mail.py), after the commit: pages queue
    their mail with `outbox.mail.queue_mail` and never wait for the mail server."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info("Mail not sent (no MAIL_SERVER) to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id  # the same on a resend: a mail client shows it once
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
