"""The issuer's signing keys, kept in the database so that every host signs with the same one.

- **Which key signs.** The key of the highest ``generation``. `rotate()` (`flask --app wsgi
  credentials rotate-key`, audited) adds a new generation and retires the one before: it signs
  nothing more, but stays in the JWKS, so what it signed still verifies.
- **Where a verifier finds a key.** Each key's ``kid`` is ``{PUBLIC_URL}/credentials/keys/{thumbprint}``,
  which answers with that key's JWK (Open Badges 3.0 §8.2.3 asks for a ``kid`` that dereferences to
  a JWK); the JWKS at ``/.well-known/jwks.json`` lists every key under the same ``kid``.
- **How the private key is kept.** Encrypted as a Fernet token whose key is derived from
  SECRET_KEY with HKDF-SHA256 (info ``KDF_INFO``): a database dump alone cannot sign. Every host
  already shares SECRET_KEY (its session cookies need it); changing SECRET_KEY makes the keys
  unreadable, and signing then fails with a message saying so (docs/decisions.md, "Signing keys").
- **The first key.** Made at first use, or imported from the key file of an earlier release
  (``credential-signing-key.pem`` in CREDENTIAL_KEY_DIR or instance/) so that credentials signed
  before still verify; such a key is also listed under its bare thumbprint, the ``kid`` its earlier
  tokens carry. Two hosts making the first key at once cannot both win: ``generation`` is unique.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from joserfc.jwk import RSAKey

from app.certificates import credentials
from app.certificates.models import SigningKey
from app.common.database import write_transaction
from app.common.time import utcnow
from app.extensions import db

#: What the encryption key is derived for: another use of SECRET_KEY derives another key.
KDF_INFO = b"customs-data-academy/credential-signing-keys/v1"
GENERATED, FILE = "generated", "file"


class SigningKeyError(RuntimeError):
    """The signing keys cannot be used; the message says why and what to do."""


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def kid_url(thumbprint: str) -> str:
    """The ``kid`` of a key: the address that answers with its public JWK."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/credentials/keys/{thumbprint}"


def _key_file() -> Path:
    """Where a release before this one kept its key (CREDENTIAL_KEY_DIR; instance/ by default)."""
    folder = current_app.config.get("CREDENTIAL_KEY_DIR") or current_app.instance_path
    return Path(folder) / credentials.KEY_FILE


def _row_values(key: RSAKey, generation: int, origin: str) -> dict:
    thumbprint = credentials.key_id(key)
    public = credentials.public_jwk(key, thumbprint)
    return {
        "generation": generation,
        "thumbprint": thumbprint,
        "public_jwk": json.dumps({name: public[name] for name in ("kty", "n", "e")}),
        "private_key": _fernet().encrypt(key.as_pem(private=True)).decode(),
        "origin": origin,
        "created_at": utcnow(),
    }


def _private(encrypted: str) -> RSAKey:
    try:
        pem = _fernet().decrypt(encrypted.encode())
    except InvalidToken:
        raise SigningKeyError(
            "The credential signing key cannot be decrypted with this SECRET_KEY. Every host must share the "
            "SECRET_KEY the key was stored with; restore it, or run `flask --app wsgi credentials rotate-key "
            "--new-secret` to start a new key (the keys before stay published: what they signed still verifies)."
        ) from None
    return RSAKey.import_key(pem)


def _newest_statement():
    return sa.select(SigningKey.private_key, SigningKey.thumbprint).order_by(SigningKey.generation.desc()).limit(1)


def _first_key() -> tuple[str, str]:
    """Make (or import) generation 1 in a short transaction of its own; (encrypted private key, thumbprint).

    It commits at once, whatever the request does next (a GET's writes go through
    `write_transaction()`); if another host or worker made generation 1 meanwhile, the unique
    generation refuses this one and theirs is read.
    """
    path = _key_file()
    if path.is_file():
        try:
            key, origin = credentials.read_key_file(path), FILE
        except ValueError as error:
            raise SigningKeyError(f"{path}: not a usable private RSA key ({error})") from error
    else:
        key, origin = credentials.new_key(), GENERATED
    values = _row_values(key, 1, origin)
    try:
        with write_transaction():
            if db.session.execute(_newest_statement()).first() is None:
                db.session.execute(sa.insert(SigningKey).values(**values))
    except sa.exc.IntegrityError:
        pass  # another host made it first: theirs is read below
    return tuple(db.session.execute(_newest_statement()).one())


def signing_key() -> tuple[RSAKey, str]:
    """The key that signs now and its ``kid`` (made or imported at first use)."""
    row = db.session.execute(_newest_statement()).first()
    encrypted, thumbprint = tuple(row) if row is not None else _first_key()
    return _private(encrypted), kid_url(thumbprint)


def _public_entry(row: SigningKey, kid: str) -> dict:
    return {**json.loads(row.public_jwk), "kid": kid, "use": "sig", "alg": credentials.ALGORITHM}


def published_keys() -> dict:
    """Every key, signing and retired, as a JWK Set (newest first), for anyone to verify a credential."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(SigningKey)) == 0:
        _first_key()
    entries = []
    for row in db.session.scalars(sa.select(SigningKey).order_by(SigningKey.generation.desc())):
        entries.append(_public_entry(row, kid_url(row.thumbprint)))
        if row.origin == FILE:  # its earlier tokens name it by its bare thumbprint
            entries.append(_public_entry(row, row.thumbprint))
    return {"keys": entries}


def public_key(thumbprint: str) -> dict | None:
    """The JWK a ``kid`` URL answers with, or None for a thumbprint we never had."""
    row = db.session.scalar(sa.select(SigningKey).where(SigningKey.thumbprint == thumbprint))
    return None if row is None else _public_entry(row, kid_url(row.thumbprint))


def rotate(*, actor=None, new_secret: bool = False) -> SigningKey:
    """Make a new key the signing one; the one before retires and keeps verifying. Audited; flushes only.

    `new_secret`: the keys before cannot be decrypted (SECRET_KEY changed and the old one is lost);
    they stay published, so what they signed still verifies, but nothing proves we can read them.
    """
    from app.audit.services import record

    newest = db.session.scalar(sa.select(SigningKey).order_by(SigningKey.generation.desc()).limit(1))
    if newest is None:
        _first_key()
        newest = db.session.scalar(sa.select(SigningKey).order_by(SigningKey.generation.desc()).limit(1))
    if not new_secret:
        _private(newest.private_key)  # refuse to rotate under a SECRET_KEY that cannot read the keys
    newest.retired_at = utcnow()
    key = SigningKey(**_row_values(credentials.new_key(), newest.generation + 1, GENERATED))
    db.session.add(key)
    db.session.flush()
    record(actor, "signing_key", key.id, "rotate", label=f"{newest.thumbprint} → {key.thumbprint}")
    return key


def all_keys() -> list[SigningKey]:
    """Every key, newest first (for the command line)."""
    return list(db.session.scalars(sa.select(SigningKey).order_by(SigningKey.generation.desc())))
