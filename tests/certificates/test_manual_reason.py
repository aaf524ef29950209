"""A manual certificate's reason stays internal: the public page, the credential and the PDF never show it."""

import base64
import io
import json

import sqlalchemy as sa
from pypdf import PdfReader

from app.auth.models import Role
from app.certificates.models import Certificate
from app.extensions import db
from tests.helpers import post_form

REASON = "Appeal 2026-14 upheld: the exam room lost power (see the director's mail to M. Otieno)"


def _decoded_jwt(token: str) -> str:
    """Every part of a JWT as text: its header, payload and what it signs."""
    parts = token.strip().split(".")
    return " ".join(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode(errors="replace") for part in parts)


def test_a_manual_certificates_reason_is_on_none_of_its_public_forms(app, client, auth, make_user, synced):
    """Is the reason of a certificate issued by hand kept out of the verification page, the Open Badges
    credential (JSON and signed JWT), its status, the PDF and the holder's own list?"""
    learner = make_user(full_name="Amina Odhiambo")
    auth.login(make_user(Role.TRAINER).email)
    response = post_form(
        client, "/certificates/issue", email=learner.email, title="Data technique workshop, Nairobi", reason=REASON
    )
    assert response.status_code == 302
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "manual"))
        code, kept = certificate.code, certificate.reason
    assert kept == REASON  # the academy keeps it
    auth.logout()

    shown = {
        "verify page": client.get(f"/verify/{code}").get_data(as_text=True),
        "status": client.get(f"/verify/{code}", headers={"Accept": "application/json"}).get_data(as_text=True),
        "credential": json.dumps(client.get(f"/verify/{code}/credential.json").json, ensure_ascii=False),
        "signed credential": _decoded_jwt(client.get(f"/verify/{code}/credential.jwt").get_data(as_text=True)),
    }
    auth.login(learner.email)
    shown["holder's list"] = client.get("/certificates").get_data(as_text=True)
    with client.get(f"/certificates/{code}.pdf") as response:
        pdf = response.data
    shown["PDF"] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Data technique workshop, Nairobi" in shown["credential"] and "Amina Odhiambo" in shown["PDF"]
    for where, text in shown.items():
        for fragment in ("Appeal 2026-14", "lost power", "M. Otieno"):
            assert fragment not in text, f"the reason is on the {where}"
