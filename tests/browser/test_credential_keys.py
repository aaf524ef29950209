"""A verifier checks a signed credential in chromium, before and after the academy rotates its signing key."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from app.certificates import credentials
from tests.certificates.test_certificates import _certificates, _complete_intro

SHOTS = os.environ.get("BROWSER_SCREENSHOTS")  # a folder: the walk's screenshots are kept there


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"credential-keys-{name}.png"), full_page=True)


def _signed_credential_and_public_keys(page, code: str) -> tuple[str, dict]:
    """From the home page: verify the code, then open the signed credential and the issuer's public key."""
    page.goto("/")
    page.get_by_role("link", name="Verify a certificate").first.click()
    page.get_by_label("Certificate code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/verify/{code}")
    _shot(page, "verification-page")
    with page.expect_download() as download:  # application/jwt: chromium saves it, as a verifier would
        page.get_by_role("link", name="signed (VC-JWT)").click()
    token = Path(download.value.path()).read_text().strip()
    page.get_by_role("link", name="issuer's public key").click()
    _shot(page, "jwks")
    return token, json.loads(page.locator("body").inner_text())


def _kid(token: str) -> str:
    import base64

    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def test_a_verifier_checks_a_credential_signed_before_a_key_rotation(app, page, make_user, synced, live_server):
    """Does a credential downloaded before `credentials rotate-key` still verify with the key page a verifier opens?"""
    _complete_intro(app, make_user(full_name="Aminata Diallo").id)
    code = _certificates(app)[0].code

    before, keys = _signed_credential_and_public_keys(page, code)
    assert credentials.verify_credential_jwt(before, keys)["credentialSubject"]["id"].endswith("#recipient")
    kid = _kid(before)
    # A verifier's program follows the kid: it names this site's key address (PUBLIC_URL is http://academy.test).
    response = page.request.get(live_server + urlsplit(kid).path)
    assert response.ok and response.json()["kid"] == kid
    page.goto(urlsplit(kid).path)
    _shot(page, "kid-url")

    assert app.test_cli_runner().invoke(args=["credentials", "rotate-key"]).exit_code == 0

    after, keys = _signed_credential_and_public_keys(page, code)
    assert _kid(after) != kid and len(keys["keys"]) == 2
    assert credentials.verify_credential_jwt(before, keys)["id"] == credentials.verify_credential_jwt(after, keys)["id"]
