"""Signing keys in the database: one key for every host, rotation, kid URLs a verifier can follow."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.certificates import credentials, services, signing_keys
from app.certificates.models import SigningKey
from app.extensions import db
from tests.certificates.test_certificates import _certificates, _complete_intro


def _token(client, code: str) -> str:
    return client.get(f"/verify/{code}/credential.jwt").get_data(as_text=True)


def _kid(token: str) -> str:
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def _follow(client, kid: str):
    """Dereference a kid as a verifier would: GET the URL it names (on this site's test client)."""
    parts = urlsplit(kid)
    assert f"{parts.scheme}://{parts.netloc}" == "http://academy.test", kid
    return client.get(parts.path)


def _verify_with_published_keys(client, token: str) -> dict:
    return credentials.verify_credential_jwt(token, client.get("/.well-known/jwks.json").json)


def test_a_verifier_following_the_kid_url_gets_the_key_that_verifies(app, client, make_user, synced):
    """Does the JWT's kid name a URL that answers with the public JWK, which verifies the JWT?"""
    _complete_intro(app, make_user().id)
    code = _certificates(app)[0].code
    token = _token(client, code)
    kid = _kid(token)

    response = _follow(client, kid)
    assert response.status_code == 200
    jwk = response.json
    assert jwk["kid"] == kid and jwk["kty"] == "RSA" and "d" not in jwk
    assert credentials.verify_credential_jwt(token, {"keys": [jwk]})["id"].endswith(f"/verify/{code}/credential.json")
    assert client.get("/credentials/keys/no-such-key").status_code == 404


def test_credentials_signed_before_a_rotation_still_verify(app, client, runner, make_user, synced):
    """After `credentials rotate-key`, does a credential signed before still verify, and a new one carry the new kid?"""
    _complete_intro(app, make_user().id)
    code = _certificates(app)[0].code
    before = _token(client, code)

    result = runner.invoke(args=["credentials", "rotate-key"])
    assert result.exit_code == 0, result.output
    after = _token(client, code)

    assert _kid(after) != _kid(before)
    assert _verify_with_published_keys(client, before)["id"] == _verify_with_published_keys(client, after)["id"]
    assert [key["kid"] for key in client.get("/.well-known/jwks.json").json["keys"]] == [_kid(after), _kid(before)]
    assert _follow(client, _kid(before)).json["kid"] == _kid(before)  # the retired key's URL still answers
    with app.app_context():
        rows = signing_keys.all_keys()
        assert [(row.generation, row.retired_at is None) for row in rows] == [(2, True), (1, False)]
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "signing_key"))
        assert entry.action == "rotate" and entry.entity_id == rows[0].id
    listing = runner.invoke(args=["credentials", "keys"]).output.splitlines()
    assert [line.split("\t")[1] for line in listing] == [_kid(after), _kid(before)]


def test_the_private_key_is_stored_encrypted_and_unreadable_under_another_secret(app, client, runner):
    """Is the stored private key encrypted, and does another SECRET_KEY get a clear refusal rather than a new key?"""
    client.get("/.well-known/jwks.json")  # the first key is made at first use
    with app.app_context():
        (row,) = db.session.scalars(sa.select(SigningKey)).all()
        assert "PRIVATE KEY" not in row.private_key and "BEGIN" not in row.private_key
    app.config["SECRET_KEY"], secret = "another-secret", app.config["SECRET_KEY"]
    try:
        with app.test_request_context(), pytest.raises(signing_keys.SigningKeyError, match="SECRET_KEY"):
            signing_keys.signing_key()
        refused = runner.invoke(args=["credentials", "rotate-key"])
        assert refused.exit_code == 1 and "SECRET_KEY" in refused.output
    finally:
        app.config["SECRET_KEY"] = secret
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningKey)) == 1


def test_the_key_file_of_an_earlier_release_is_imported_and_its_tokens_still_verify(
    app, client, make_user, synced, tmp_path
):
    """Is an earlier release's key file imported at first use, so its tokens (bare-thumbprint kid) still verify?"""
    old_key = credentials.new_key()
    (tmp_path / credentials.KEY_FILE).write_bytes(old_key.as_pem(private=True))
    app.config["CREDENTIAL_KEY_DIR"] = str(tmp_path)
    try:
        _complete_intro(app, make_user().id)
        code = _certificates(app)[0].code
        with app.test_request_context():
            signed_by_old_release = credentials.sign_credential(
                services.credential(services.find(code)), old_key, credentials.key_id(old_key)
            )
        new_token = _token(client, code)
    finally:
        app.config["CREDENTIAL_KEY_DIR"] = None

    assert _kid(new_token) == f"http://academy.test/credentials/keys/{old_key.thumbprint()}"
    assert _verify_with_published_keys(client, signed_by_old_release)["id"].endswith("/credential.json")
    assert _verify_with_published_keys(client, new_token)["id"].endswith("/credential.json")
    with app.app_context():
        (row,) = db.session.scalars(sa.select(SigningKey)).all()
        assert (row.origin, row.thumbprint) == ("file", old_key.thumbprint())


def test_two_hosts_sign_with_one_key(app, tmp_path):
    """Do two hosts over one database, each making 'the first key' at once, end up with one key between them?"""
    from concurrent.futures import ThreadPoolExecutor

    def first_key(_n):
        with app.test_request_context():
            return signing_keys.signing_key()[1]

    with ThreadPoolExecutor(4) as pool:
        kids = set(pool.map(first_key, range(4)))
    assert len(kids) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningKey)) == 1
