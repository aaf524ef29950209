"""Data technique and data policy workshops: sessions, registration, attendance, certificates of attendance."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.workshops.routes import bp

    app.register_blueprint(bp)
