"""People and the administrations they belong to."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.common.time import utcnow
from app.extensions import db

#: werkzeug's scrypt (N=2**15, r=8, p=1): slow on purpose (0.13 to 0.27 s a hash or a check, measured on a
#: busy 2-core machine).
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a hash method, not a password)


def password_hash_method() -> str:
    """How new passwords are hashed: scrypt, unless the app was made with PASSWORD_HASH_METHOD.

    Only the test suite sets it (tests/conftest.py: a cheap pbkdf2, as the accounts and logins of most tests
    would otherwise spend minutes of CI in scrypt). It is never read from the environment, so a
    deployment cannot lower it; a check reads the method from the stored hash, so either verifies.
    """
    return current_app.config.get("PASSWORD_HASH_METHOD") or PASSWORD_HASH_METHOD


class Region(enum.StrEnum):
    """The six WCO regions."""

    EAST_SOUTHERN_AFRICA = "east-southern-africa"
    WEST_CENTRAL_AFRICA = "west-central-africa"
    NORTH_AFRICA_NEAR_MIDDLE_EAST = "north-africa-near-middle-east"
    EUROPE = "europe"
    ASIA_PACIFIC = "asia-pacific"
    AMERICAS_CARIBBEAN = "americas-caribbean"

    @property
    def label(self) -> str:
        return str(REGION_LABELS[self])


REGION_LABELS = {
    Region.EAST_SOUTHERN_AFRICA: _l("East and Southern Africa"),
    Region.WEST_CENTRAL_AFRICA: _l("West and Central Africa"),
    Region.NORTH_AFRICA_NEAR_MIDDLE_EAST: _l("North of Africa, Near and Middle East"),
    Region.EUROPE: _l("Europe"),
    Region.ASIA_PACIFIC: _l("Asia/Pacific"),
    Region.AMERICAS_CARIBBEAN: _l("Americas and Caribbean"),
}


class Role(enum.StrEnum):
    """What a person does on the platform; the policy module decides what each may do."""

    LEARNER = "learner"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    DIRECTORATE = "directorate"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.COORDINATOR: _l("National coordinator"),
    Role.DIRECTORATE: _l("Capacity Building Directorate"),
    Role.ADMIN: _l("Administrator"),
}

#: The code of the WCO Secretariat, which is an administration like the Members' own.
SECRETARIAT_CODE = "WCO"


class Administration(db.Model):
    """A Customs administration of a WCO Member, or the WCO Secretariat."""

    __tablename__ = "administrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166-1 alpha-2 code of the Member's country or territory, or "WCO" for the Secretariat.
    code: Mapped[str] = mapped_column(sa.String(3), unique=True)
    #: Official name, e.g. "Customs administration of Kenya".
    name: Mapped[str] = mapped_column(sa.String(200))
    #: WCO region; none for the Secretariat.
    region: Mapped[Region | None] = mapped_column(
        sa.Enum(Region, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])
    )
    #: The language its officers work in (en or fr): mail to an officer who has not chosen one is written in it.
    language: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="administration")

    @property
    def is_secretariat(self) -> bool:
        return self.code == SECRETARIAT_CODE

    def __repr__(self) -> str:
        return f"<Administration {self.code}>"


class User(UserMixin, db.Model):
    """A person with an account: officer, trainer, coordinator, directorate staff or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; the login.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: As it should appear on a certificate, in any script.
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: scrypt hash; empty until an invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.LEARNER,
    )
    administration_id: Mapped[int] = mapped_column(sa.ForeignKey("administrations.id"), index=True)
    #: A deactivated person cannot log in and their open sessions stop working.
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of the session identifier: changing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    #: Preferred interface language (en or fr).
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    #: female, male or prefer_not_to_say; None when not given. Counted only in aggregates of at
    #: least five people (app/directorate/breakdowns.py) and never shown to other learners.
    sex: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    administration: Mapped[Administration] = relationship(back_populates="users")

    #: The key of the browser session this object was loaded for (not a column): see app/auth/sessions.py.
    session_key = None

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The session and remember-me cookies carry "user id:session key"; the key's row decides.
        if not self.session_key:
            raise RuntimeError("Log in through app.auth.sessions.log_in, which starts a session.")
        return f"{self.id}:{self.session_key}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """End every session (and remember-me cookie) of this user, on every device.

        The new session token also voids the password-reset and invitation links made before.
        """
        self.session_token = secrets.token_hex(16)
        if self.id is not None:
            db.session.execute(
                sa.update(UserSession)
                .where(UserSession.user_id == self.id, UserSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One logged-in browser: its session and remember-me cookies carry a key whose hash is kept here.

    Logging out ends this row only; "log out everywhere", a password change and deactivation end
    every row of the user. A request is logged in only while its row is open.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the key the cookies carry; the key itself is never stored.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: When the person logged in. No "last seen": that would be a write on every page.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was ended (logout, log out everywhere, password change, deactivation); none while open.
    ended_at: Mapped[datetime | None]
