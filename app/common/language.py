"""Writing for a person in their own language, whoever's request (or none) the code runs in."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale


def language_of(user) -> str:
    """This person's language: their account's, else the academy's default."""
    code = getattr(user, "locale", None)
    return code if code in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def in_language_of(user):
    """Write for this person in their account's language, else the academy's default: their mail, their
    certificate. A `with` block (flask_babel.force_locale), whoever's request it runs in."""
    return force_locale(language_of(user))
