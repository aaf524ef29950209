"""Open Badges 3.0 credentials for certificates, signed as VC-JWT with the issuer's key.

What follows the 1EdTech Open Badges 3.0 specification (the VC Data Model 2.0 edition):

- The credential is an ``OpenBadgeCredential`` whose ``@context`` starts with the W3C VC 2.0 context and the
  OB 3.0 context, then the OB 3.0 extensions context, which defines the ``1EdTechRevocationList`` and
  ``1EdTechJsonSchemaValidator2019`` terms used below. Nothing here fetches a context or a schema: the module
  never touches the network.
- The VC-JWT (OB 3.0 §8.2 "JSON Web Token Proof Format"): the JOSE header holds only ``alg``, ``kid`` and
  ``typ`` ("JWT"); the JWT payload is the credential itself plus the claims ``iss`` (issuer.id), ``jti`` (id),
  ``sub`` (credentialSubject.id) and ``nbf`` (validFrom), and ``exp`` only if the credential has ``validUntil``.
- The key is RSA 2048 and signs with RS256, the algorithm the specification requires every verifier to
  support (others "limit interoperability"). The ``kid`` is "a URI that can be dereferenced to an object of
  type JWK representing the public key" (OB 3.0 §8.2.3): ``{PUBLIC_URL}/credentials/keys/{thumbprint}``,
  the thumbprint being the key's RFC 7638 one; the same ``kid`` names the key in the published JWKS.
- Languages: the OB 3.0 JSON schema types ``name`` and ``description`` as plain strings (a JSON-LD language map
  or an array of ``{"@value", "@language"}`` objects fails it), so the achievement states its own language with
  ``inLanguage`` and lists each translation as a ``related`` achievement — the property OB 3.0 gives "primarily
  to identify alternate language editions" — with that language's ``inLanguage``, ``name`` and ``description``.
- Revocation: ``credentialStatus`` points, with the 1EdTech Revocation List Status Method, at the certificate's
  verification address. :func:`revocation_list` builds the JSON a verifier expects there.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

#: The private key's file in the instance folder (or CREDENTIAL_KEY_DIR) of releases before keys moved to
#: the database; imported at first use (app/certificates/signing_keys.py), and kept by `backup`.
KEY_FILE = "credential-signing-key.pem"
ALGORITHM = "RS256"
KEY_SIZE = 2048

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"
STATUS_METHOD = "1EdTechRevocationList"

#: How far ahead of our clock a credential's validFrom may be (another server's clock) and still verify.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CredentialSubject:
    """What the credential says; plain data, no ORM."""

    code: str  # the certificate code, e.g. "ABCD-EFGH-…" (unique, unguessable)
    recipient_name: str  # full name as printed (any script)
    achievement_id: str  # stable id of what was achieved, e.g. "course/customs-data-foundations/1.0"
    achievement_name: str
    achievement_description: str
    criteria: str  # plain-text criteria
    hours: float | None
    issued_at: datetime  # naive UTC
    revoked: bool = False
    revoked_at: datetime | None = None
    #: The language achievement_name and achievement_description are written in (BCP 47).
    language: str = "en"
    #: The achievement in other languages: language -> (name, description).
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)


# Keys -------------------------------------------------------------------------------------------
# Where keys are kept, which one signs and how they rotate: app/certificates/signing_keys.py.


def new_key() -> RSAKey:
    """A fresh private signing key (RSA 2048, for RS256)."""
    return RSAKey.generate_key(KEY_SIZE, private=True)


def read_key_file(path: Path) -> RSAKey:
    """The private key in a PKCS#8 PEM file (the key file of a release before keys moved to the database)."""
    key = RSAKey.import_key(Path(path).read_bytes())
    if not key.is_private:
        raise ValueError(f"{path} is not a private RSA key")
    return key


def key_id(key: RSAKey) -> str:
    """A key's RFC 7638 JWK thumbprint (SHA-256, base64url): the last segment of its ``kid`` URL."""
    return key.thumbprint()


def public_jwk(key: RSAKey, kid: str) -> dict:
    """The public half of a key as a JWK named ``kid``, as the JWKS and the kid URL serve it."""
    public = key.as_dict(private=False)
    entry = {name: public[name] for name in ("kty", "n", "e")}
    entry.update(kid=kid, use="sig", alg=ALGORITHM)
    return entry


# The credential ---------------------------------------------------------------------------------


def _base(public_url: str) -> str:
    return public_url.rstrip("/")


def verification_url(code: str, *, public_url: str) -> str:
    """The certificate's public verification page, also its revocation status address."""
    return f"{_base(public_url)}/verify/{quote(code, safe='')}"


def credential_url(code: str, *, public_url: str) -> str:
    """Where the credential JSON is served; also the credential's ``id``."""
    return f"{verification_url(code, public_url=public_url)}/credential.json"


def issuer_id(public_url: str) -> str:
    return f"{_base(public_url)}/issuer"


def _iso(moment: datetime) -> str:
    """A timestamp in UTC to the second, with Z, as OB 3.0's DateTimeZ and the JWT's NumericDate agree."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def _hours(hours: float) -> str:
    return f"{hours:g} hour" if hours == 1 else f"{hours:g} hours"


def build_credential(subject: CredentialSubject, *, public_url: str, issuer_name: str) -> dict:
    """The certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (JSON-LD, unsigned).

    - ``id`` is the address the credential is served at, ``{public_url}/verify/{code}/credential.json``:
      dereferenceable, stable, and what a revocation list names.
    - The recipient is identified by name (an ``IdentityObject`` of type "name", in plain text, since the
      certificate prints it) and by ``{public_url}/verify/{code}#recipient``, so that the JWT's ``sub`` claim,
      which OB 3.0 requires, has a ``credentialSubject.id`` to match.
    - The achievement's ``id`` is a UUID derived from the site and ``achievement_id`` (same achievement, same
      id, on every certificate); ``achievement_id`` itself is kept readable in ``otherIdentifier``.
    - The achievement's translations are ``related`` achievements, one per language (see the module's notes).
    - A revoked certificate's credential keeps the same status entry and adds ``"revoked": true`` (and when
      ``revokedAt``); verifiers learn it from the status address either way.
    """
    base = _base(public_url)
    verify = verification_url(subject.code, public_url=base)
    issued = _iso(subject.issued_at)
    description = subject.achievement_description
    if subject.hours:
        description = f"{description} Study time: {_hours(subject.hours)}."

    status: dict = {"id": verify, "type": STATUS_METHOD}
    if subject.revoked:
        status["revoked"] = True
        if subject.revoked_at is not None:
            status["revokedAt"] = _iso(subject.revoked_at)

    achievement_url = f"{base}/achievements/{subject.achievement_id}"
    achievement = {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, achievement_url).urn,
        "type": ["Achievement"],
        "name": subject.achievement_name,
        "description": subject.achievement_description,
        "inLanguage": subject.language,
        "criteria": {"narrative": subject.criteria},
        "otherIdentifier": [
            {"type": "IdentifierEntry", "identifier": subject.achievement_id, "identifierType": "identifier"}
        ],
    }
    if subject.translations:
        achievement["related"] = [
            {
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{achievement_url}?language={language}").urn,
                "type": ["Related"],
                "inLanguage": language,
                "name": name,
                "description": translated_description,
            }
            for language, (name, translated_description) in sorted(subject.translations.items())
        ]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": credential_url(subject.code, public_url=base),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": subject.achievement_name,
        "description": description,
        "issuer": {"id": issuer_id(base), "type": ["Profile"], "name": issuer_name, "url": base},
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": {
            "id": f"{verify}#recipient",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": subject.recipient_name,
                }
            ],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": SCHEMA_VALIDATOR}],
        "credentialStatus": status,
    }


def revocation_list(subject: CredentialSubject, *, public_url: str) -> dict:
    """What ``credentialStatus.id`` (the verification address) answers to ``Accept: application/json``.

    The 1EdTech Revocation List Status Method: a list with its own ``id``, the ``issuer``, and the revoked
    credentials' ids. One list per certificate, which names its credential once it is revoked.
    """
    revoked = [{"id": credential_url(subject.code, public_url=public_url), "revoked": True}]
    return {
        "id": verification_url(subject.code, public_url=public_url),
        "issuer": issuer_id(public_url),
        "revokedCredentials": revoked if subject.revoked else [],
    }


# VC-JWT -----------------------------------------------------------------------------------------


def _numeric_date(timestamp: str) -> int:
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {timestamp!r}")
    return int(moment.timestamp())


def _issuer_of(credential: dict) -> str:
    issuer = credential["issuer"]
    return issuer if isinstance(issuer, str) else issuer["id"]


def _claims_for(credential: dict) -> dict:
    """The registered JWT claims that OB 3.0 derives from the credential."""
    claims = {"iss": _issuer_of(credential), "jti": credential["id"], "nbf": _numeric_date(credential["validFrom"])}
    subject_id = credential["credentialSubject"].get("id")
    if subject_id is not None:
        claims["sub"] = subject_id
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def sign_credential(credential: dict, key: RSAKey, kid: str) -> str:
    """The credential as a compact VC-JWT, signed RS256 with ``key``, whose ``kid`` (a URL) the header names."""
    payload = {**credential, **_claims_for(credential)}
    header = {"alg": ALGORITHM, "kid": kid, "typ": "JWT"}
    return jwt.encode(header, payload, key, algorithms=[ALGORITHM])


def verify_credential_jwt(token: str, jwks: dict) -> dict:
    """Verify a VC-JWT against a published JWK Set and return its payload: the credential with its claims.

    Raises ValueError when the token is malformed, names no published key, is not RS256, has a bad signature,
    when its claims disagree with the credential inside, or when it is not yet (or no longer) valid. Only keys
    from ``jwks`` are trusted: a key the token carries in its own header is never used.
    """
    if not isinstance(token, str | bytes):
        raise ValueError("a VC-JWT is a string")
    try:
        keys = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ValueError(f"not a usable JWK Set: {error}") from error
    try:
        decoded = jwt.decode(token.strip(), keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError, TypeError, KeyError, json.JSONDecodeError) as error:
        raise ValueError(f"the credential's signature does not verify: {error}") from error

    payload = decoded.claims
    try:
        expected = _claims_for(payload)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ValueError(f"the JWT payload is not a credential: {error}") from error
    for name, value in expected.items():
        if payload.get(name) != value:
            raise ValueError(f"the JWT claim {name!r} does not match the credential")
    if "sub" in payload and "sub" not in expected:
        raise ValueError("the JWT claim 'sub' does not match the credential")
    now = datetime.now(UTC)
    if expected["nbf"] > (now + CLOCK_SKEW).timestamp():
        raise ValueError("the credential is not valid yet")
    if "exp" in expected and expected["exp"] <= now.timestamp():
        raise ValueError("the credential has expired")
    return payload
