"""Data technique and data policy workshops: sessions, registration, attendance, certificates of attendance."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.common import events
    from app.workshops.mail import tell_promoted
    from app.workshops.routes import bp

    events.workshop_promoted.connect(tell_promoted)  # the officer is told by mail
    app.register_blueprint(bp)
