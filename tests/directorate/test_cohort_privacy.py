"""Nothing learned about others: a coordinator's cohort actions tell nothing of people outside their cohort and
administration, and every way of naming an officer by email accepts and refuses the same addresses."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.directorate.models import CohortMember
from app.extensions import db
from tests.helpers import csrf_token, post_form


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _without_token(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


def test_removing_someone_outside_the_cohort_is_the_same_404_for_any_id(app, client, auth, kenya_cohort):
    """Does a coordinator posting a removal of staff, another administration's officer, their own officer outside
    the cohort or an id nobody has get the same 404, without a name, and nothing in the audit log?"""
    auth.login(kenya_cohort["coordinator"].email)
    token = csrf_token(client, kenya_cohort["path"])
    before = _audit_count(app)
    answers = {}
    for who in ("staff", "senegalese", "kenyan", "nobody", "coordinator"):
        user_id = kenya_cohort[who].id if who != "nobody" else 999_999
        response = client.post(f"{kenya_cohort['path']}/members/{user_id}/remove", data={"csrf_token": token})
        answers[who] = (response.status_code, _without_token(response.get_data(as_text=True)))
    assert {status for status, _page in answers.values()} == {404}
    assert len({page for _status, page in answers.values()}) == 1
    for who in ("staff", "senegalese", "kenyan", "coordinator"):
        assert kenya_cohort[who].full_name not in answers[who][1]
    assert _audit_count(app) == before
    response = client.post(
        f"{kenya_cohort['path']}/members/{kenya_cohort['member'].id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert _audit_count(app) == before + 1  # a member's removal is audited, as before


def test_adding_by_email_says_the_same_for_no_account_and_another_administration(app, client, auth, kenya_cohort):
    """Does adding by email answer word for word the same for an address with no account and for another
    administration's officer (or staff), and add nobody?"""
    auth.login(kenya_cohort["coordinator"].email)
    answers = {}
    for label, email in (
        ("no account", "nobody@douanes.sn"),
        ("another administration", kenya_cohort["senegalese"].email),
        ("staff", kenya_cohort["staff"].email),
    ):
        response = post_form(client, kenya_cohort["path"], f"{kenya_cohort['path']}/members", email=email)
        assert response.status_code == 302
        page = _without_token(client.get(response.location).get_data(as_text=True)).replace(email, "EMAIL")
        answers[label] = page
    assert "is not the address of an officer of Kenya Revenue Authority" in answers["no account"]
    assert "To invite a new officer" in answers["no account"]
    assert answers["another administration"] == answers["no account"] == answers["staff"]
    assert "Douanes" not in answers["another administration"]
    with app.app_context():
        members = db.session.scalars(
            sa.select(CohortMember.user_id).where(CohortMember.cohort_id == kenya_cohort["id"])
        )
        assert set(members) == {kenya_cohort["member"].id}


def test_a_cohort_csv_does_not_name_another_administration(app, client, auth, kenya_cohort):
    """Does a cohort CSV line with another administration's officer read like a line with an unknown address,
    never naming the administration?"""
    auth.login(kenya_cohort["coordinator"].email)
    data = f"email,full_name\n{kenya_cohort['senegalese'].email},\nnobody@douanes.sn,\n".encode()
    page = client.post(
        f"{kenya_cohort['path']}/import",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, kenya_cohort["path"]), "file": (io.BytesIO(data), "c.csv")},
    ).get_data(as_text=True)
    lines = re.findall(r"<li>Line (\d+): (.*?)</li>", page)
    assert [line for line, _message in lines] == ["2", "3"]
    second, third = (message.replace(kenya_cohort["senegalese"].email, "EMAIL") for _line, message in lines)
    assert second == third.replace("nobody@douanes.sn", "EMAIL")
    assert "Douanes" not in page and "Awa" not in page


ADDRESSES = [
    # (as typed, accepted?)
    ("officer@academy.test", True),  # the demo academy's own domain: the form took it, the CSV refused it
    ("  Officer.Two@KRA.go.ke ", True),
    ("o'brien@kra.go.ke", True),
    ("officer@", False),
    ("officer@customs.local", False),
    ("two words@kra.go.ke", False),
    ("officer@kra..go.ke", False),
]


@pytest.mark.parametrize(("typed", "accepted"), ADDRESSES, ids=[a for a, _ in ADDRESSES])
def test_the_form_and_the_csv_accept_and_refuse_the_same_addresses(
    app, client, auth, kenya_cohort, make_user, make_administration, typed, accepted
):
    """Do "add by email", the cohort CSV and the People CSV import accept (or refuse, with the same words) the
    same addresses?"""
    kenya = make_administration("KE")
    stored = typed.strip().lower()
    if accepted:
        make_user(administration=kenya, email=stored, full_name="Existing Officer")
    auth.login(kenya_cohort["coordinator"].email)
    path = kenya_cohort["path"]

    response = post_form(client, path, f"{path}/members", email=typed)
    form_page = client.get(response.location).get_data(as_text=True)
    form_accepted = "Existing Officer added." in form_page

    csv_page = client.post(
        f"{path}/import",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(f"email\n{typed}\n".encode()), "c.csv")},
    )
    csv_accepted = csv_page.status_code == 302

    people = client.post(
        "/people/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/people/import"),
            "dry_run": "y",
            "file": (
                io.BytesIO(f"email,full_name,administration,role\nnew.{typed.strip()},New,KE,learner\n".encode()),
                "p.csv",
            ),
        },
    )
    people_page = people.get_data(as_text=True)
    people_accepted = "not a valid email address" not in people_page

    assert (form_accepted, csv_accepted, people_accepted) == (accepted, accepted, accepted)
    if not accepted:
        refusal = f"{typed.strip()} is not a valid email address."
        assert refusal in form_page.replace("&#39;", "'")
        assert refusal in csv_page.get_data(as_text=True).replace("&#39;", "'")
