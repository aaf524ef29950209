"""Sessions kept on the server: logging out ends one, "log out everywhere" ends them all.

Each login starts a row in user_sessions and gives the browser a random key (in the session
cookie and, if asked, the remember-me cookie) whose hash names that row. A request is logged in
while its row is open, so a copied or replayed cookie stops working when its session ends,
whatever the cookie's own expiry says. The rows are in the database every host shares, so a
session started on one host is valid on all, and ending it ends it on all at their next request
(tests/hosts/test_sessions_across_hosts.py; why not Redis: docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import session
from flask_login import login_user, logout_user

from app.auth.models import User, UserSession
from app.common import along, kept
from app.common.time import utcnow
from app.extensions import db

#: A session row outlives the longest cookie that can name it (Flask-Login's remember-me: 365 days).
KEPT_FOR = timedelta(days=366)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


#: Sessions one person keeps open at most: a login beyond it ends their oldest. Browsers closed
#: without logging out leave their rows open, and a person logging in daily would pile them up.
MOST_OPEN = 20


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a session for this user in this browser (a fresh cookie: nothing from before survives)."""
    # One indexed delete keeps the user's rows few: those ended, too old for any cookie to name,
    # or beyond the newest MOST_OPEN - 1 (the new one makes MOST_OPEN).
    newest = (
        sa.select(UserSession.id)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.id.desc())
        .limit(MOST_OPEN - 1)
    )
    db.session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id,
            sa.or_(
                UserSession.ended_at.is_not(None),
                UserSession.created_at < utcnow() - KEPT_FOR,
                UserSession.id.not_in(newest.scalar_subquery()),
            ),
        )
    )
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(key_hash=_hash(key), user_id=user.id))
    user.session_key = key
    language = session.get("language")
    session.clear()  # no fixation: the session before the login is not carried on (but its language)
    if language:
        session["language"] = language
        user.locale = user.locale or language  # chosen before logging in: the account's from now on
    login_user(user, remember=remember)


def log_out() -> None:
    """End this browser's session on the server, and with it its remember-me cookie; others stay."""
    user_id, _sep, key = (session.get("_user_id") or "").partition(":")
    if key:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.key_hash == _hash(key), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    logout_user()
    had_remember_cookie = session.get("_remember") == "clear"
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language  # the page after logging out speaks as the one before
    if had_remember_cookie:
        session["_remember"] = "clear"  # Flask-Login deletes the browser's remember-me cookie too


def log_out_everywhere(user: User) -> None:
    """End every session of this user, this browser's included."""
    user.end_sessions()
    log_out()


@kept.once
def _user_of_open_session():
    """The statement that loads the user of every logged-in request, built once, and what it reads along.

    One indexed lookup (user_sessions.key_hash is unique) that checks the session is open and
    loads its user. `session.get` would build its statement again at each call. It also reads the
    values other packages read once per request (app/common/along.py: the curriculum's fingerprint).
    """
    return along.select_along(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == sa.bindparam("id"),
            UserSession.key_hash == sa.bindparam("key_hash"),
            UserSession.ended_at.is_(None),
        )
    )


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the active user of an open session, or None (logged out)."""
    user_id, _sep, key = session_id.partition(":")
    if not user_id.isdigit() or not key:
        return None
    statement, reading = _user_of_open_session()
    row = db.session.execute(statement, {"id": int(user_id), "key_hash": _hash(key)}).one_or_none()
    if row is None:
        return None
    user = row[0]
    along.keep(row[1:], reading)
    if not user.active:
        return None
    user.session_key = key
    return user


def open_sessions(user: User) -> int:
    """How many browsers this user is logged in on."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    )
