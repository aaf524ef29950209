"""Writing for a person in their own language, whoever's request (or none) the code runs in."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale


def language_of(user) -> str:
    """The language to write to this person in: the one they chose (kept on their account), else their
    administration's working language (an invitation to an officer of Senegal's Customs goes out in French),
    else the academy's default (English)."""
    offered = current_app.config["LANGUAGES"]
    administration = getattr(user, "administration", None)
    for code in (getattr(user, "locale", None), getattr(administration, "language", None)):
        if code in offered:
            return code
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def in_language_of(user):
    """Write for this person in their language (language_of): their mail, their certificate. A `with` block
    (flask_babel.force_locale), whoever's request it runs in."""
    return force_locale(language_of(user))
