"""Password rules: long enough and not one of the passwords attackers try first."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from app.common import kept

MIN_LENGTH = 8
MAX_LENGTH = 200


@kept.once
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password is not acceptable, or None if it is."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(password)) < 3:
        return _("This password is too common; choose another one.")
    if email and lowered == email.lower():
        return _("Do not use your email address as your password.")
    return None
