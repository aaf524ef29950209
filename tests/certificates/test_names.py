"""Certificates for any name: one cleaning on every way a name comes in, and any accepted name on one page."""

import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.auth import names
from app.auth.models import Role, User
from app.certificates import rendering
from app.certificates.models import Certificate
from app.directorate.models import Cohort
from app.extensions import db
from tests.certificates.test_certificates import _certificates, _complete_intro, _pdf_bytes
from tests.helpers import csrf_token, post_form

#: A name that prints backwards without cleaning ("Amina" then, reversed by the override, "odhiambO").
SPOOFED = "\u202eAmina\u202c \u2066Odhiambo\u2069\u200f\x07\u200b"
CLEAN = "Amina Odhiambo"
#: Every character a name loses: bidi embeddings, overrides, isolates and marks; controls; format characters.
INVISIBLE = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)] + [
    "\x00",
    "\x1b",
    "\x7f",
    "\x9b",
    "\u00ad",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\U000e0041",
]


def test_invisible_characters_are_removed_and_joiners_kept():
    """Does a name lose every bidirectional and control character, keep the joiners Persian and Indic names
    need, and come out composed with its spaces collapsed?"""
    for character in INVISIBLE:
        assert names.person_name(f"Am{character}ina  Odhiambo") == CLEAN, repr(character)
    assert names.person_name(SPOOFED) == CLEAN
    assert names.person_name("Ali\tRezaei\nKhan") == "Ali Rezaei Khan"
    persian, sinhala = "علی\u200cرضا", "ශ්\u200dරී"
    assert names.person_name(persian) == persian and names.person_name(sinhala) == sinhala
    assert names.person_name("Nguye\u0302\u0303n") == "Nguyễn"  # composed: one letter, as typed elsewhere


def test_names_that_cannot_be_kept_are_refused_with_the_reason():
    """Is an empty name, a name over 200 characters or a letter with five stacked marks refused, saying why?"""
    for raw, reason in [
        ("\u202e\u202c ", "required"),
        ("A" * 201, "at most 200 characters"),
        ("Zalgo x" + "\u0301\u0316\u0302\u0317\u0303", "at most 4 accents"),
    ]:
        with pytest.raises(names.NameRefused, match=reason):
            names.person_name(raw)
    assert names.person_name("A" * 200) == "A" * 200


def _stored_name(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.full_name).where(User.email == email))


def test_the_invitation_form_cleans_the_name(app, client, auth, make_user, make_administration):
    """Is a name typed into the admin's invitation form kept without its override characters?"""
    kenya = make_administration("KE")
    auth.login(make_user(Role.ADMIN, kenya).email)
    response = post_form(
        client, "/people/new", email="new@example.org", full_name=SPOOFED, administration=kenya.id, role="learner"
    )
    assert response.status_code == 302
    assert _stored_name(app, "new@example.org") == CLEAN


def test_the_csv_import_cleans_the_name(app, client, auth, make_user, make_administration):
    """Is a name from a coordinator's CSV file kept clean, and a name with five stacked marks refused at its
    line?"""
    kenya = make_administration("KE")
    auth.login(make_user(Role.COORDINATOR, kenya).email)

    def upload(body: str):
        return client.post(
            "/people/import",
            data={"csrf_token": csrf_token(client, "/people/import"), "file": (io.BytesIO(body.encode()), "o.csv")},
            content_type="multipart/form-data",
        )

    overloaded = "Zx" + "\u0301\u0316\u0302\u0317\u0303"
    bad = upload(f"email,full_name,administration,role\nz@example.org,{overloaded},KE,learner\n")
    assert "Line 2:" in bad.get_data(as_text=True) and "at most 4 accents" in bad.get_data(as_text=True)
    assert upload(f"email,full_name,administration,role\nc@example.org,{SPOOFED},KE,learner\n").status_code == 302
    assert _stored_name(app, "c@example.org") == CLEAN


def test_a_cohort_import_cleans_the_name(app, client, auth, make_user, make_administration):
    """Is a new officer's name from a cohort's CSV file kept clean?"""
    kenya = make_administration("KE")
    auth.login(make_user(Role.COORDINATOR, kenya).email)
    with app.app_context():
        cohort = Cohort(
            name="Nairobi 2026", administration_id=kenya.id, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
        )
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
    page = f"/cohorts/{cohort_id}"
    body = f"email,full_name\nm@example.org,{SPOOFED}\n".encode()
    response = client.post(
        f"/cohorts/{cohort_id}/import",
        data={"csrf_token": csrf_token(client, page), "file": (io.BytesIO(body), "members.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _stored_name(app, "m@example.org") == CLEAN


def test_a_reissue_cleans_the_corrected_name(app, client, auth, make_user, synced):
    """Does a certificate reissued with a corrected name carrying overrides print the name clean?"""
    learner = make_user(full_name="Amina Odiambo")
    _complete_intro(app, learner.id)
    old = _certificates(app)[0]
    auth.login(make_user(Role.ADMIN).email)
    assert post_form(client, f"/certificates/{old.code}/reissue", recipient_name=SPOOFED).status_code == 302
    new = next(c for c in _certificates(app) if c.replaces_id == old.id)
    assert new.recipient_name == CLEAN
    text = PdfReader(io.BytesIO(_pdf_bytes(app, new.code))).pages[0].extract_text()
    assert CLEAN in text and not any(character in text for character in INVISIBLE)


def test_a_name_kept_before_cleaning_prints_clean(app, make_user, synced):
    """Does a name stored before names were cleaned print without its override on a new certificate?"""
    learner = make_user(full_name="x")
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == learner.id).values(full_name=SPOOFED))
        db.session.commit()
    _complete_intro(app, learner.id)
    with app.app_context():
        assert set(db.session.scalars(sa.select(Certificate.recipient_name))) == {CLEAN}


# The extremes, printed -------------------------------------------------------------------------------------

EXTREMES = {
    "latin": ("Maximiliana-Alexandra " * 10)[:200].strip(),
    "one-long-word": "W" * 200,
    "arabic": ("عبد الرحمن بن محمد العلوي " * 8)[:200].strip(),
    "stacked-marks": names.person_name(("Tr" + "a\u0300\u0323\u0304\u0330\u0306" + "n ") * 20),
    "chinese": "欧阳" * 100,
}
#: The longest title a shipped course has, and more: the name shares the page with it.
LONG_TITLE = "Advising on Customs statistics services and multi-year capacity building projects"


def _lay_out(name: str):
    certificate = SimpleNamespace(
        kind="course",
        recipient_name=name,
        title=LONG_TITLE,
        track_title="WCO experts",
        tier_title="Advanced",
        issued_at=datetime(2026, 12, 7),
        hours=10,
        course_version="1.0",
        issuer="Customs Data Academy",
        code="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG",
    )
    context = {"certificate": certificate, "verification_url": "http://x/verify/A", "qr": rendering.qr_data_uri("x")}
    return rendering.lay_out(context), rendering.render_pdf(context)


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def _box(page, css_class: str):
    return next(
        b
        for b in _boxes(page._page_box)
        if b.element is not None and css_class in (b.element.get("class") or "").split()
    )


def _leaves(box):
    """The boxes that print something (text and images), as rectangles (x0, y0, x1, y1)."""
    for leaf in _boxes(box):
        if type(leaf).__name__ in ("TextBox", "InlineReplacedBox"):
            yield leaf, (leaf.position_x, leaf.position_y, leaf.position_x + leaf.width, leaf.position_y + leaf.height)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("key", EXTREMES)
def test_the_longest_names_print_on_one_page_inside_the_border(key):
    """Does the longest accepted name (Latin, one unbroken word, Arabic, letters with four stacked marks,
    Chinese) print on exactly one page, inside the border, over nothing else, its text extractable?"""
    name = EXTREMES[key]
    assert names.person_name(name) == name and len(name) >= 120
    document, pdf = _lay_out(name)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(document.pages) == 1 and len(reader.pages) == 1
    page = document.pages[0]
    sheet = _box(page, "sheet")
    inside = (sheet.content_box_x(), sheet.content_box_y(), sheet.content_box_x() + sheet.width)
    inside += (sheet.content_box_y() + sheet.height,)
    footer = {id(leaf) for part in ("issuer", "verify") for leaf, _ in _leaves(_box(page, part))}
    flow = [(leaf, r) for leaf, r in _leaves(sheet) if id(leaf) not in footer]
    printed = [r for _, r in _leaves(_box(page, "name"))]
    assert printed, "the name is not printed"
    for rectangle in printed:
        assert inside[0] - 0.01 <= rectangle[0] and rectangle[2] <= inside[2] + 0.01, ("outside the border", rectangle)
    for leaf, rectangle in flow:
        assert rectangle[3] <= inside[3] + 0.01, ("below the border", leaf)
        for other, other_rectangle in _leaves(_box(page, "sheet")):
            if id(other) in footer and _overlap(rectangle, other_rectangle):
                raise AssertionError(f"{leaf} prints over {other}")
    text = "".join(reader.pages[0].extract_text().split())
    for word in name.split():
        assert word in text or word[::-1] in text  # extraction may reverse right-to-left runs


def test_a_letter_with_stacked_marks_keeps_them_in_its_line():
    """Does a name whose letters carry stacked marks get lines tall enough for them (the marks stay clear of
    the lines above and below)?"""
    plain, _ = _lay_out("Tran " * 20)
    marked, _ = _lay_out(EXTREMES["stacked-marks"][:100])
    plain_line = next(b for b in _boxes(_box(plain.pages[0], "name")) if type(b).__name__ == "LineBox")
    marked_line = next(b for b in _boxes(_box(marked.pages[0], "name")) if type(b).__name__ == "LineBox")
    assert marked_line.height >= 1.4 * plain_line.height
