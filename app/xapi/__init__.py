"""xAPI: what officers learn, sent as xAPI 2.0 statements to a learning record store (LRS_URL).

statements.py builds them from events' facts, activities.py names what they are about,
receivers.py queues them in the outbox when the events happen, delivery.py sends them,
backfill.py queues those of past events (`flask --app wsgi xapi backfill --since DATE`).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import outbox
    from app.xapi import receivers
    from app.xapi.cli import xapi_cli

    receivers.connect()
    outbox.register(receivers.KIND, receivers.deliver)
    app.cli.add_command(xapi_cli)
