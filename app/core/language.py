"""Choosing the interface's language: the header's switch, kept on the account or the session.

Which language a request is served in is decided by `app._select_locale`: the person's choice
(their account's, else their session's), else their browser's preference, else English.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db

bp = Blueprint("language", __name__)

#: Each language's own name, as the switch shows it to those who read it.
NAMES = {"en": "English", "fr": "Français"}
#: Languages written right to left (none is offered yet); the stylesheet mirrors for them.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


def direction(locale) -> str:
    """`rtl` or `ltr`, for `<html dir>`: the way the language of `locale` (a Babel Locale or code) is written."""
    return "rtl" if str(locale).split("_")[0] in RIGHT_TO_LEFT else "ltr"


def _back() -> str:
    """The page the switch was pressed on, when it is one of ours; else home."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/") and not referrer.path.startswith("//"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("core.home")


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
