"""Certificates: the permanent record of what an officer achieved, and how to prove it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import db


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # One current certificate per learner and achievement (course version, tier): issuing twice
        # is refused by the database too. A reissue marks the old one 'replaced' and keeps it.
        sa.Index(
            "uq_certificates_current",
            "user_id",
            "achievement_key",
            unique=True,
            sqlite_where=sa.text("status != 'replaced'"),
            postgresql_where=sa.text("status != 'replaced'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 128 random bits in base32, grouped by four for typing: what the verification page looks up.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: course, tier or manual.
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: What was achieved, stably named: course/<slug>/<version>, tier/<track>/<tier>, manual/<id>.
    achievement_key: Mapped[str] = mapped_column(sa.String(200))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    #: As printed: the certificate keeps its words even if the course is renamed later.
    title: Mapped[str] = mapped_column(sa.String(300))
    track_title: Mapped[str | None] = mapped_column(sa.String(300))
    tier_title: Mapped[str | None] = mapped_column(sa.String(300))
    recipient_name: Mapped[str] = mapped_column(sa.String(300))
    hours: Mapped[float | None]
    course_version: Mapped[str | None] = mapped_column(sa.String(20))
    issuer: Mapped[str] = mapped_column(sa.String(300))
    #: For certificates issued by hand: why.
    reason: Mapped[str | None] = mapped_column(sa.Text)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: valid, revoked, or replaced (by a reissue, which keeps the history).
    status: Mapped[str] = mapped_column(sa.String(20), default="valid", index=True)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))
    #: The PDF last served, in the Store (key certificates/<code>.<languages>.pdf), and its SHA-256.
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: The languages that PDF prints in: "en", "fr", or "fr+en" on one page (CERTIFICATE_LANGUAGES);
    #: none for a PDF rendered before languages were kept apart (named <code>.pdf).
    pdf_language: Mapped[str | None] = mapped_column(sa.String(20))

    user = relationship("User", foreign_keys=[user_id])
    course = relationship("Course")


class SigningKey(db.Model):
    """A key that signs (the newest generation) or signed (older ones) Open Badges credentials.

    Kept in the database so every host signs with the same key and publishes the same JWKS.
    The private key is encrypted with a key derived from SECRET_KEY (app/certificates/signing_keys.py):
    a copy of the database alone cannot sign.
    """

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 1 for the first key, one more at each rotation; unique, so two hosts making the first key
    #: at once cannot both succeed. The highest generation signs; the others only verify.
    generation: Mapped[int] = mapped_column(unique=True)
    #: The key's RFC 7638 thumbprint (SHA-256, base64url): the last segment of its kid URL.
    thumbprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The public key as a JWK (kty, n, e), JSON.
    public_jwk: Mapped[str] = mapped_column(sa.Text)
    #: The private key, PKCS#8 PEM encrypted as a Fernet token.
    private_key: Mapped[str] = mapped_column(sa.Text)
    #: generated, or file (imported from the key file of an earlier release: its tokens name it by
    #: its bare thumbprint, so the JWKS lists it under that kid too).
    origin: Mapped[str] = mapped_column(sa.String(20), default="generated")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When a newer key took over the signing; the key still verifies what it signed.
    retired_at: Mapped[datetime | None]
