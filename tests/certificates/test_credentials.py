"""Open Badges 3.0 credentials and their VC-JWT: pure functions, no app, no database, no network."""

from __future__ import annotations

import base64
import copy
import json
import re
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from jsonschema import Draft201909Validator

from app.certificates.credentials import (
    CredentialSubject,
    build_credential,
    key_id,
    new_key,
    public_jwk,
    revocation_list,
    sign_credential,
    verify_credential_jwt,
)

PUBLIC_URL = "https://academy.example.org"
ISSUER = "Customs Data Academy"
CODE = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345"
SCHEMA_FILE = Path(__file__).with_name("ob_v3p0_achievementcredential_schema.json")


class Issuer:
    """A signing key as app/certificates/signing_keys.py keeps one: its kid is the URL that serves it."""

    def __init__(self) -> None:
        self.key = new_key()
        self.kid = f"{PUBLIC_URL}/credentials/keys/{key_id(self.key)}"

    def sign(self, credential: dict) -> str:
        return sign_credential(credential, self.key, self.kid)

    def jwks(self) -> dict:
        return {"keys": [public_jwk(self.key, self.kid)]}


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test here runs with outgoing connections refused: nothing may be fetched."""

    def refuse(*args, **kwargs):
        raise AssertionError("the credentials module tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def subject() -> CredentialSubject:
    return CredentialSubject(
        code=CODE,
        recipient_name="Ana María Pérez",
        achievement_id="course/customs-data-foundations/1.0",
        achievement_name="Customs data foundations",
        achievement_description="The data a Customs administration holds, and how to use it well.",
        criteria="Completed every required lesson and passed the assessments of Customs data foundations.",
        hours=12.0,
        issued_at=datetime(2025, 3, 14, 9, 26, 53, 589793),
    )


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(validator: Draft201909Validator, credential: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(credential)
    ]


def tampered(token: str, part: int) -> str:
    """The token with one character in the middle of one of its three parts changed."""
    pieces = token.split(".")
    segment = pieces[part]
    middle = len(segment) // 2
    swap = "A" if segment[middle] != "A" else "B"
    pieces[part] = segment[:middle] + swap + segment[middle + 1 :]
    return ".".join(pieces)


def decode_segment(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_credential_validates_against_the_official_schema(subject, validator):
    """Does a credential validate against the official Open Badges 3.0 schema?"""
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)

    assert schema_errors(validator, credential) == []
    # What the schema cannot say but OB 3.0 requires: an achievement name, and either a subject id or identifier.
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["credentialSubject"]["achievement"]["criteria"] == {"narrative": subject.criteria}
    # The whole credential survives JSON (what the page serves) unchanged.
    assert json.loads(json.dumps(credential, ensure_ascii=False)) == credential


def test_the_schema_copy_would_catch_a_broken_credential(subject, validator):
    """Would the schema copy reject a credential that breaks Open Badges 3.0 (so that passing it means something)?"""
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)

    no_valid_from = {name: value for name, value in credential.items() if name != "validFrom"}
    swapped_contexts = {**credential, "@context": list(reversed(credential["@context"]))}
    not_a_badge = {**credential, "type": ["VerifiableCredential"]}
    achievement_without_criteria = copy.deepcopy(credential)
    del achievement_without_criteria["credentialSubject"]["achievement"]["criteria"]
    bad_identity = copy.deepcopy(credential)
    bad_identity["credentialSubject"]["identifier"][0]["identityType"] = "nickname"

    for broken in (no_valid_from, swapped_contexts, not_a_badge, achievement_without_criteria, bad_identity):
        assert schema_errors(validator, broken)


def test_a_translated_achievement_carries_each_language_in_a_form_the_schema_accepts(subject, validator):
    """Does a course taught in English and French give its achievement's name and description in both, as related
    language editions the schema accepts (where a language map in `name` would fail it)?"""
    bilingual = replace(
        subject,
        translations={"fr": ("Fondamentaux des données douanières", "Spécialistes des données · Fondation")},
    )
    credential = build_credential(bilingual, public_url=PUBLIC_URL, issuer_name=ISSUER)
    assert schema_errors(validator, credential) == []
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "en" and achievement["name"] == "Customs data foundations"
    [french] = achievement["related"]
    assert french["type"] == ["Related"] and french["inLanguage"] == "fr"
    assert french["name"] == "Fondamentaux des données douanières"
    assert french["description"] == "Spécialistes des données · Fondation"
    assert french["id"].startswith("urn:uuid:") and french["id"] != achievement["id"]
    # The same edition has the same id on every learner's credential.
    other = replace(bilingual, code="ZZZZ-ZZZZ")
    assert build_credential(other, public_url=PUBLIC_URL, issuer_name=ISSUER)["credentialSubject"]["achievement"][
        "related"
    ] == [french]
    # Why not a language map: the official schema types `name` as a string.
    language_map = copy.deepcopy(credential)
    language_map["credentialSubject"]["achievement"]["name"] = [
        {"@value": "Customs data foundations", "@language": "en"},
        {"@value": "Fondamentaux des données douanières", "@language": "fr"},
    ]
    assert schema_errors(validator, language_map)
    # An achievement with no translation names no related edition.
    assert (
        "related"
        not in build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)["credentialSubject"]["achievement"]
    )


def test_credential_uses_the_addresses_the_site_serves(subject):
    """Are the credential, its status, issuer and recipient at the site's addresses, and is validFrom UTC with Z?"""
    credential = build_credential(subject, public_url=PUBLIC_URL + "/", issuer_name=ISSUER)
    verify = f"{PUBLIC_URL}/verify/{CODE}"

    assert credential["id"] == f"{verify}/credential.json"
    assert credential["issuer"] == {
        "id": f"{PUBLIC_URL}/issuer",
        "type": ["Profile"],
        "name": ISSUER,
        "url": PUBLIC_URL,
    }
    assert credential["credentialStatus"] == {"id": verify, "type": "1EdTechRevocationList"}
    assert credential["credentialSubject"]["id"] == f"{verify}#recipient"
    assert credential["validFrom"] == "2025-03-14T09:26:53Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", credential["awardedDate"])
    assert credential["description"].endswith("Study time: 12 hours.")
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"].startswith("urn:uuid:")
    assert achievement["otherIdentifier"][0]["identifier"] == "course/customs-data-foundations/1.0"


def test_same_achievement_same_id_and_another_achievement_another(subject):
    """Do two certificates of one achievement share its id, while another achievement gets its own?"""
    first = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)
    second = build_credential(replace(subject, code="ZZZZ-YYYY"), public_url=PUBLIC_URL, issuer_name=ISSUER)
    tier = build_credential(
        replace(subject, achievement_id="tier/data-specialists/practitioner", hours=None),
        public_url=PUBLIC_URL,
        issuer_name=ISSUER,
    )

    def achievement_id(credential):
        return credential["credentialSubject"]["achievement"]["id"]

    assert achievement_id(first) == achievement_id(second)
    assert achievement_id(tier) != achievement_id(first)
    assert first["id"] != second["id"]
    assert "Study time" not in tier["description"]


def test_revoked_certificate_says_so_and_still_validates(subject, validator):
    """Does a revoked certificate's credential say so, and still validate?"""
    revoked = replace(subject, revoked=True, revoked_at=datetime(2025, 6, 1, 12, 0, 0))
    credential = build_credential(revoked, public_url=PUBLIC_URL, issuer_name=ISSUER)

    assert schema_errors(validator, credential) == []
    assert credential["credentialStatus"] == {
        "id": f"{PUBLIC_URL}/verify/{CODE}",
        "type": "1EdTechRevocationList",
        "revoked": True,
        "revokedAt": "2025-06-01T12:00:00Z",
    }
    assert "revoked" not in build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)["credentialStatus"]


def test_revocation_list_names_the_credential_once_revoked(subject):
    """Does the status address's revocation list name the credential only once the certificate is revoked?"""
    valid = revocation_list(subject, public_url=PUBLIC_URL)
    revoked = revocation_list(replace(subject, revoked=True), public_url=PUBLIC_URL)
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)

    assert valid == {
        "id": credential["credentialStatus"]["id"],
        "issuer": f"{PUBLIC_URL}/issuer",
        "revokedCredentials": [],
    }
    assert revoked["revokedCredentials"] == [{"id": credential["id"], "revoked": True}]


def test_signed_jwt_verifies_and_fails_when_one_character_changes(subject, issuer):
    """Does the signed JWT verify with the published JWKS, and fail when one character is changed?"""
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)
    token = issuer.sign(credential)
    published = json.loads(json.dumps(issuer.jwks()))  # as a verifier downloads it

    payload = verify_credential_jwt(token, published)
    assert {name: payload[name] for name in credential} == credential

    for part in (0, 1, 2):
        with pytest.raises(ValueError):
            verify_credential_jwt(tampered(token, part), published)
    with pytest.raises(ValueError):
        verify_credential_jwt(token[:-1], published)
    with pytest.raises(ValueError):
        verify_credential_jwt("not a token", published)


def test_jwt_is_formed_as_open_badges_3_says(subject, issuer):
    """Is the JWT header RS256 with the published kid and typ JWT, and do iss, jti, sub and nbf match the credential?"""
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)
    token = issuer.sign(credential)
    header_part, payload_part, _signature = token.split(".")
    header, payload = decode_segment(header_part), decode_segment(payload_part)
    (published_key,) = issuer.jwks()["keys"]

    assert header == {"alg": "RS256", "kid": published_key["kid"], "typ": "JWT"}
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int(datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC).timestamp())
    assert "exp" not in payload
    assert "vc" not in payload  # VC 2.0: the payload is the credential, not a 'vc' claim


def test_jwt_from_another_key_is_refused(subject, issuer):
    """Is a JWT signed with another key refused, even when it claims our kid, and is an unsigned one refused?"""
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)
    ours = issuer.jwks()
    our_kid = ours["keys"][0]["kid"]
    stranger = RSAKey.generate_key(2048)
    claims = {**credential, "iss": f"{PUBLIC_URL}/issuer", "jti": credential["id"], "nbf": 1741944413}

    impostor = jwt.encode({"alg": "RS256", "kid": our_kid, "typ": "JWT"}, claims, stranger)
    with pytest.raises(ValueError):
        verify_credential_jwt(impostor, ours)
    with pytest.raises(ValueError):
        verify_credential_jwt(Issuer().sign(credential), ours)

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'kid': our_kid})}.{b64(claims)}."
    with pytest.raises(ValueError):
        verify_credential_jwt(unsigned, ours)


def test_jwt_whose_claims_disagree_with_its_credential_is_refused(subject, issuer):
    """Is a validly signed JWT refused when its claims disagree with the credential inside it?"""
    credential = build_credential(subject, public_url=PUBLIC_URL, issuer_name=ISSUER)
    key = issuer.key
    published = issuer.jwks()
    header = {"alg": "RS256", "kid": published["keys"][0]["kid"], "typ": "JWT"}
    good = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC).timestamp()),
    }
    assert verify_credential_jwt(jwt.encode(header, good, key), published)["jti"] == credential["id"]

    for name, value in (
        ("jti", f"{PUBLIC_URL}/verify/OTHER/credential.json"),
        ("iss", "https://evil.example"),
        ("sub", "did:example:someone-else"),
        ("nbf", good["nbf"] + 3600),
    ):
        with pytest.raises(ValueError):
            verify_credential_jwt(jwt.encode(header, {**good, name: value}, key), published)

    future = replace(subject, issued_at=datetime.now(UTC).replace(tzinfo=None) + timedelta(days=2))
    future_token = issuer.sign(build_credential(future, public_url=PUBLIC_URL, issuer_name=ISSUER))
    with pytest.raises(ValueError, match="not valid yet"):
        verify_credential_jwt(future_token, published)


def test_published_key_is_public_only_and_named_by_its_kid_url(issuer):
    """Does the published JWK hold the public key only, named by the URL that serves it?"""
    (published,) = issuer.jwks()["keys"]
    assert published == {
        "kty": "RSA",
        "n": published["n"],
        "e": "AQAB",
        "kid": f"{PUBLIC_URL}/credentials/keys/{issuer.key.thumbprint()}",
        "use": "sig",
        "alg": "RS256",
    }
    assert "d" not in published
    assert new_key().thumbprint() != issuer.key.thumbprint()


@pytest.mark.parametrize(
    "name", ["محمد بن عبد الله الهاشمي", "Екатерина Андреевна Смирнова", "王小明", "Zoë O’Brien-Łukasiewicz"]
)
def test_names_in_any_script_survive_into_the_credential_and_the_jwt(subject, issuer, validator, name):
    """Does a name in Arabic, Cyrillic or Chinese survive into the credential and the JWT?"""
    credential = build_credential(replace(subject, recipient_name=name), public_url=PUBLIC_URL, issuer_name=ISSUER)
    identity = credential["credentialSubject"]["identifier"][0]

    assert identity == {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}
    assert schema_errors(validator, credential) == []

    token = issuer.sign(credential)
    assert token.isascii()
    payload = verify_credential_jwt(token, issuer.jwks())
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == name
    assert decode_segment(token.split(".")[1])["credentialSubject"]["identifier"][0]["identityHash"] == name
