"""Choosing the interface's language: the header's switch, kept on the account or the session.

Which language a request is served in is decided by `app._select_locale`: the person's choice
(their account's, else their session's), else their browser's preference, else English.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

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


@bp.app_template_filter("lang_if_other")
def lang_if_other(language: str | None) -> Markup:
    """` lang="en" translate="no"` on an element whose text is in another language than the page (an
    English lesson in a French page), so screen readers read it with the right rules and the
    untranslated-string check reads around it; nothing when it is the same."""
    if not language or language == str(get_locale()):
        return Markup("")
    return Markup(' lang="{}" translate="no"').format(language)


@bp.app_template_filter("language_name")
def language_name(code: str) -> str:
    """A language's own name ("Français"), as the switch shows it."""
    return NAMES.get(code, code)


@bp.app_template_filter("translated")
def translated(row, field: str) -> str:
    """A stored row's `field` in the page's language where its `translations` hold it, else the source's."""
    texts = (getattr(row, "translations", None) or {}).get(str(get_locale())) or {}
    return texts.get(field) or getattr(row, field)
