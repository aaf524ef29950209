"""Accounts: the API other domains call instead of touching the tables.

Services only flush; the request (or CLI command) commits once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import names
from app.auth.models import PASSWORD_HASH_METHOD, Administration, Role, User, password_hash_method
from app.common.language import in_language_of
from app.common.time import utcnow
from app.extensions import db
from app.outbox.mail import queue_mail

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"  # noqa: S105 (a token purpose, not a password)


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked when the email is unknown, so a login takes as long whether or not the account exists:
    made with the method new passwords are hashed with (scrypt; the tests' cheaper one in the tests)."""
    return generate_password_hash("not a real password", method=method)


_dummy_hash(PASSWORD_HASH_METHOD)  # made at import, as before: the first unknown email costs no more than the next


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    """Validate an email address and return its canonical, lower-cased form.

    The one judge of an address for every way in (forms, CSV files, the command line), so they
    accept and refuse the same ones. `.test` addresses are accepted, as the demo academy uses them.
    """
    try:
        result = validate_email(email.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise AccountError(_("%(email)s is not a valid email address.", email=email.strip() or "''")) from error
    return result.normalized.lower()


def find_user(email: str) -> User | None:
    """The account with this email address, if any."""
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user these credentials belong to, or None (same time taken either way)."""
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(password_hash_method()), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_login(user: User) -> None:
    """Note the time of a successful login."""
    user.last_login_at = utcnow()


def create_account(*, email: str, full_name: str, role: Role, administration: Administration) -> User:
    """Create an account without a password; the person sets one through an invitation."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(_("%(email)s already has an account.", email=email))
    try:
        full_name = names.person_name(full_name)
    except names.NameRefused as error:
        raise AccountError(str(error)) from None
    user = User(email=email, full_name=full_name, role=role, administration=administration)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password; every other session of the user ends."""
    user.set_password(password)


def deactivate(user: User) -> None:
    """Stop the user logging in; their open sessions stop working at the next request."""
    user.active = False
    user.end_sessions()


def reactivate(user: User) -> None:
    """Let a deactivated user log in again."""
    user.active = True


# Tokens for invitations and password resets ---------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"academy-{purpose}")


def _fingerprint(user: User) -> str:
    # A token is tied to the password and session state it was made for: once used (the password
    # changes) or once the user is deactivated (the session token changes), it stops working.
    state = f"{user.password_hash or ''}|{user.session_token}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make_token(user: User, purpose: str) -> str:
    """A signed token that lets the holder set this user's password."""
    return _serializer(purpose).dumps([user.id, _fingerprint(user)])


def user_for_token(token: str, purpose: str) -> User:
    """The user a still-valid token belongs to; AccountError says why it is not valid."""
    if purpose == INVITATION:
        max_age = current_app.config["INVITATION_DAYS"] * 86400
    else:
        max_age = current_app.config["PASSWORD_RESET_HOURS"] * 3600
    try:
        user_id, fingerprint = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError(_("This link has expired. Ask for a new one.")) from error
    except (BadSignature, ValueError, TypeError) as error:
        raise AccountError(_("This link is not valid. Ask for a new one.")) from error
    user = db.session.get(User, user_id)
    if user is None or not user.active or not hmac.compare_digest(fingerprint, _fingerprint(user)):
        raise AccountError(_("This link has already been used or is no longer valid. Ask for a new one."))
    return user


def external_url(endpoint: str, **values) -> str:
    """An absolute link built from PUBLIC_URL, never from the request's Host header."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)


def _mail_key(purpose: str, user: User, token: str) -> str:
    """The outbox key of one mail carrying this token: each one asked for is its own item (a link made twice in the
    same second is the same link, yet an invitation sent again, in another language say, must leave again);
    the key stays the item's stable id, so a delivery retried is never sent twice."""
    return f"{purpose}/{user.id}/{hashlib.sha256(token.encode()).hexdigest()[:16]}/{secrets.token_hex(8)}"


def send_invitation(user: User) -> str:
    """Mail the person a link to set their password (queued in the outbox: sent after the commit); returns the link."""
    token = make_token(user, INVITATION)
    link = external_url("auth.accept_invitation", token=token)
    days = current_app.config["INVITATION_DAYS"]
    with in_language_of(user):
        queue_mail(
            user.email,
            _("Your Customs Data Academy account"),
            _(
                "Hello %(name)s,\n\nAn account has been created for you on Customs Data Academy.\n"
                "Choose your password here (the link works for %(days)d days):\n\n%(link)s\n",
                name=user.full_name,
                days=days,
                link=link,
            ),
            key=_mail_key(INVITATION, user, token),
        )
    return link


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active account; say nothing otherwise.

    The mail is queued in the outbox and sent after the commit, so the answer takes the same time
    either way, and a mail server that is slow or down changes nothing the person sees."""
    user = find_user(email)
    if user is None or not user.active:
        return
    token = make_token(user, PASSWORD_RESET)
    link = external_url("auth.reset_password", token=token)
    with in_language_of(user):
        queue_mail(
            user.email,
            _("Reset your Customs Data Academy password"),
            _(
                "Hello %(name)s,\n\nSomeone (we hope you) asked to reset your password. Choose a new one "
                "here (the link works for %(hours)d hours):\n\n%(link)s\n\nIf it was not you, ignore this message.\n",
                name=user.full_name,
                hours=current_app.config["PASSWORD_RESET_HOURS"],
                link=link,
            ),
            key=_mail_key(PASSWORD_RESET, user, token),
        )


def find_administration(code: str) -> Administration | None:
    """The administration with this code (ISO 3166 alpha-2, or WCO), if any."""
    return db.session.scalar(sa.select(Administration).where(Administration.code == code.strip().upper()))


#: What a person may record as their sex (None: not given). Only ever counted in groups of five or
#: more (directorate/results_counts.py); shown to the person and to the directorate, never to other learners.
SEXES = ("female", "male", "prefer_not_to_say")


def sex_of(value: str) -> str | None:
    """The stored form of a sex given in a form or a file ("" → None); AccountError for anything else."""
    value = (value or "").strip().lower().replace(" ", "_")
    if not value:
        return None
    if value not in SEXES:
        raise AccountError(
            _("Unknown sex “%(value)s” (one of: %(values)s, or empty).", value=value, values=", ".join(SEXES))
        )
    return value
