"""Choosing the interface's language: the header's switch, kept on the account or the session.

Which language a request is served in is decided by `app._select_locale`: the person's choice
(their account's, else their session's), else their browser's preference, else English.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db

bp = Blueprint("language", __name__)

#: Each language's own name, as the switch shows it to those who read it.
NAMES = {"en": "English", "fr": "Français"}


def _back() -> str:
    """The page the switch was pressed on, when it is one of ours; else home."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/") and not referrer.path.startswith("//"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("core.home")


def in_language_of(user):
    """Write for this person in their account's language, else the academy's default: their mail, their
    certificate. A `with` block (flask_babel.force_locale), whoever's request it runs in."""
    code = getattr(user, "locale", None)
    return force_locale(code if code in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.post("/language")
def choose():
    code = request.form.get("language", "")
    if code not in current_app.config["LANGUAGES"]:
        abort(400, _("This site is not offered in that language."))
    session["language"] = code
    user = current_user._get_current_object()
    if user.is_authenticated and user.locale != code:
        user.locale = code
        db.session.commit()
    return redirect(_back(), code=303)
