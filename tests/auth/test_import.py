"""Bulk enrolment of officers from CSV: all or nothing, every problem with its line."""

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from app.people.importing import import_users
from tests.helpers import csrf_token, deliver_outbox


def _emails(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.email)))


def _run(app, text: str | bytes, actor_id=None, dry_run=False):
    data = text.encode("utf-8") if isinstance(text, str) else text
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        result = import_users(data, actor, dry_run=dry_run)
        db.session.commit() if result.ok and not dry_run else db.session.rollback()
        return [(p.line, p.message) for p in result.problems], len(result.created)


def test_good_file_creates_every_account(app, make_administration):
    """Does a correct file create each officer with their name, administration and role?"""
    make_administration("KE"), make_administration("SN")
    problems, created = _run(
        app,
        "email,full_name,administration,role\n"
        "a.officer@example.org,Amina Odhiambo,KE,learner\n"
        "b.officer@example.org,Awa Ndiaye,sn,trainer\n",
    )
    assert problems == [] and created == 2
    with app.app_context():
        awa = db.session.scalar(sa.select(User).where(User.email == "b.officer@example.org"))
        assert (awa.full_name, awa.administration.code, awa.role) == ("Awa Ndiaye", "SN", Role.TRAINER)


def test_bad_rows_are_all_reported_and_nothing_imported(app, make_administration, make_user):
    """Is every bad line reported with its number, and nothing imported, when some lines are bad?"""
    kenya = make_administration("KE")
    make_user(administration=kenya, email="taken@example.org")
    problems, created = _run(
        app,
        "email,full_name,administration,role\n"
        "good@example.org,Good Officer,KE,learner\n"  # line 2: fine
        "not-an-email,Bad Email,KE,learner\n"  # line 3
        "taken@example.org,Already There,KE,learner\n"  # line 4
        "nobody@example.org,,KE,learner\n"  # line 5
        "x@example.org,Unknown Admin,XX,learner\n"  # line 6
        "y@example.org,Bad Role,KE,emperor\n"  # line 7
        "good@example.org,Twice,KE,learner\n",  # line 8
    )
    lines = [line for line, _message in problems]
    assert lines == [3, 4, 5, 6, 7, 8]
    messages = dict(problems)
    assert "not a valid email" in messages[3]
    assert "already has an account" in messages[4]
    assert "full name is required" in messages[5]
    assert "Unknown administration XX" in messages[6]
    assert "Unknown role emperor" in messages[7]
    assert "also on line 2" in messages[8]
    assert created == 0
    assert _emails(app) == {"taken@example.org"}


def test_byte_order_mark_and_non_latin_names(app, make_administration):
    """Does a file saved by Excel (UTF-8 with BOM, semicolons) with accents and other scripts import intact?"""
    make_administration("MA"), make_administration("RU")
    names = ["Élodie Fernández-Ñúñez", "محمد العلوي", "Анна Кузнецова", "王小明"]
    rows = "".join(f"p{i}@example.org;{name};{'MA' if i % 2 else 'RU'};learner\r\n" for i, name in enumerate(names))
    data = "\ufeffemail;full name;administration;role\r\n".encode() + rows.encode("utf-8")
    problems, created = _run(app, data)
    assert problems == [] and created == 4
    with app.app_context():
        assert set(db.session.scalars(sa.select(User.full_name))) == set(names)


def test_file_that_is_not_utf8_is_refused_with_its_line(app, make_administration):
    """Is a file in another encoding refused with the line of the first bad byte?"""
    make_administration("FR")
    data = "email,full_name,administration,role\nok@example.org,Ok,FR,learner\nx@example.org,Hélène,FR,learner\n"
    problems, created = _run(app, data.encode("latin-1"))
    assert problems[0][0] == 3 and "not UTF-8" in problems[0][1]
    assert created == 0


def test_missing_columns_are_named(app):
    """Does a file without the expected header say which columns are missing?"""
    problems, _created = _run(app, "mail,name\nx@example.org,X\n")
    assert problems[0][0] == 1
    assert "email" in problems[0][1] and "full_name" in problems[0][1]


def test_dry_run_imports_nothing(app, make_administration):
    """Does a dry run check the file without creating anyone?"""
    make_administration("KE")
    problems, created = _run(app, "email,full_name,administration,role\nd@example.org,D,KE,learner\n", dry_run=True)
    assert problems == [] and created == 0
    assert _emails(app) == set()


def test_coordinator_cannot_import_officers_of_another_administration(app, make_administration, make_user):
    """Can a coordinator's file enrol officers of another administration, or give staff roles? (No.)"""
    kenya = make_administration("KE")
    make_administration("SN")
    coordinator = make_user(Role.COORDINATOR, kenya)
    problems, created = _run(
        app,
        "email,full_name,administration,role\n"
        "k@example.org,K,KE,learner\n"
        "s@example.org,S,SN,learner\n"
        "t@example.org,T,KE,admin\n",
        actor_id=coordinator.id,
    )
    assert [line for line, _m in problems] == [3, 4]
    assert created == 0


def test_coordinator_imports_in_the_browser(client, auth, make_administration, make_user, caplog):
    """Can a coordinator upload a CSV in the browser and have each officer invited?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    auth.login(coordinator.email)
    caplog.set_level("INFO")
    csv_bytes = b"email,full_name,administration,role\nn1@example.org,Njeri,KE,learner\n"
    import io

    response = client.post(
        "/people/import",
        data={"csrf_token": csrf_token(client, "/people/import"), "file": (io.BytesIO(csv_bytes), "officers.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "n1@example.org" in _emails(client.application)
    assert deliver_outbox(client.application) == 1
    assert "/invitation/" in caplog.text


def test_browser_import_lists_every_problem(client, auth, make_administration, make_user):
    """Does a bad upload show each problem with its line, and import nothing?"""
    kenya = make_administration("KE")
    admin = make_user(Role.ADMIN, kenya)
    auth.login(admin.email)
    import io

    csv_bytes = b"email,full_name,administration,role\nbad,Bad,KE,learner\nok@example.org,Ok,QQ,learner\n"
    page = client.post(
        "/people/import",
        data={"csrf_token": csrf_token(client, "/people/import"), "file": (io.BytesIO(csv_bytes), "o.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Line 2:" in page and "Line 3:" in page and "nothing was imported" in page
    assert "ok@example.org" not in _emails(client.application)
