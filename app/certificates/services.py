"""The certificates API: issue (automatically on completion, or by hand), render once, verify, revoke, reissue."""

from __future__ import annotations

import hashlib
import io
import zipfile
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Response, current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record
from app.auth import names
from app.auth.api import User
from app.certificates import codes, rendering
from app.certificates.models import Certificate
from app.common import events, storage
from app.common.database import insert_unless_present, write_transaction
from app.common.language import language_of
from app.common.time import utcnow
from app.courses import services as courses
from app.courses import structure
from app.courses.api import Course
from app.courses.structure import CourseView
from app.extensions import db

ISSUER = "Customs Data Academy"
VALID, REVOKED, REPLACED = "valid", "revoked", "replaced"
#: The language a certificate's titles are stored in (the curriculum's source language).
STORED_LANGUAGE = "en"


class CertificateError(ValueError):
    """A request about a certificate that cannot be carried out; the message says why."""


def _recipient_language(certificate: Certificate) -> str:
    """The language its holder reads: the page's when they download it themselves (their choice, else their
    browser's), else their own (language_of: their account's, their administration's, the academy's)."""
    if has_request_context() and current_user.is_authenticated and current_user.id == certificate.user_id:
        return str(get_locale())
    return language_of(certificate.user)


def print_languages(certificate: Certificate) -> list[str]:
    """The languages the certificate prints in now: its recipient's language, or those CERTIFICATE_LANGUAGES
    names (the recipient's first when it is one of them), on one page."""
    own = _recipient_language(certificate)
    chosen = current_app.config.get("CERTIFICATE_LANGUAGES") or []
    if not chosen:
        return [own]
    return sorted(chosen, key=lambda code: code != own)


def _file_name(code: str, languages: list[str]) -> str:
    return f"{code}.{'-'.join(languages)}.pdf"  # a store key has no '+'


def storage_key(certificate: Certificate) -> str:
    """The key of the certificate's PDF last served (the one whose hash is pdf_sha256).

    Each language (or pair of languages) has its own file, written once and never changed: a learner who
    switches to French gets a French PDF beside the English one, not the English one again.
    PDFs rendered before languages were kept apart are named by the code alone.
    """
    if certificate.pdf_language is None:
        return f"certificates/{certificate.code}.pdf"
    return f"certificates/{_file_name(certificate.code, certificate.pdf_language.split('+'))}"


def verification_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}/verify/{code}"


_PRINTED = (
    "kind",
    "recipient_name",
    "title",
    "track_title",
    "tier_title",
    "issued_at",
    "hours",
    "course_version",
    "issuer",
    "code",
)


def words_for_reader(certificate: Certificate) -> SimpleNamespace:
    """The certificate's title, track and tier in the reader's language where the curriculum has them (a page
    showing a certificate), with the language its title is in."""
    return _words_in(certificate, structure.reader_language())


def _words_in(certificate: Certificate, language: str) -> SimpleNamespace:
    """The certificate's title, track and tier in `language` where the curriculum has them, else as stored
    (in English, the record); `language` says which language the title is in."""
    words = SimpleNamespace(
        title=certificate.title,
        track_title=certificate.track_title,
        tier_title=certificate.tier_title,
        language=STORED_LANGUAGE,
    )
    if language == STORED_LANGUAGE:
        return words
    curriculum = structure.current(language)
    if certificate.kind == "course" and certificate.course_id in curriculum.by_id:
        course = curriculum.by_id[certificate.course_id]
        if course.text_language == language:
            words.title, words.language = course.title, language
        words.track_title, words.tier_title = course.track.title, course.tier.title
    elif certificate.kind == "tier":
        _tier, track_slug, tier_slug = certificate.achievement_key.split("/", 2)
        track = next((t for t in curriculum.tracks if t.slug == track_slug), None)
        tier = next((t for t in curriculum.tiers if t.slug == tier_slug), None)
        if track and tier:
            words.title, words.language = f"{track.title} — {tier.title}", language
            words.track_title, words.tier_title = track.title, tier.title
    return words


def _write_pdf(certificate: Certificate, languages: list[str]) -> tuple[str, str]:
    """Render a certificate from what it prints, in these languages (the first leads); store the file under
    its languages and return where it is and its SHA-256."""
    first, *others = languages
    printed = SimpleNamespace(**{name: getattr(certificate, name) for name in _PRINTED})
    words = _words_in(certificate, first)
    printed.title, printed.track_title, printed.tier_title = words.title, words.track_title, words.tier_title
    also = [(language, _words_in(certificate, language)) for language in others]
    url = verification_url(printed.code)
    context = {
        "certificate": printed,
        "title_language": words.language,
        "languages": languages,
        "also": [(language, w) for language, w in also if w.title != printed.title],
        "verification_url": url,
        "qr": rendering.qr_data_uri(url),
    }
    with force_locale(first):
        pdf = rendering.render_pdf(context)
    key = f"certificates/{_file_name(printed.code, languages)}"
    storage.current_store().put(key, pdf)
    return key, hashlib.sha256(pdf).hexdigest()


def render_and_store(certificate: Certificate) -> None:
    """Render the PDF and keep it with its hash; downloads are served from storage.

    Within a request nothing is rendered: the PDF is made at its first download (ensure_pdf).
    A PDF costs about a tenth of a second of CPU, and a course completed in a request (an exam
    submitted at nine o'clock with hundreds of others) must not pay for a file its learner may
    never download. Outside a request (the command line, the demo) it is rendered at once.
    """
    if not has_request_context():
        languages = print_languages(certificate)
        _key, certificate.pdf_sha256 = _write_pdf(certificate, languages)
        certificate.pdf_language = "+".join(languages)


def ensure_pdf(certificate: Certificate) -> str:
    """The key of the stored PDF in the languages the certificate prints in now, rendered if this is their
    first download (or an earlier rendering failed); the certificate records which file it last served and
    its hash."""
    languages = print_languages(certificate)
    joined = "+".join(languages)
    key = f"certificates/{_file_name(certificate.code, languages)}"
    store = storage.current_store()
    if certificate.pdf_language == joined and certificate.pdf_sha256 and store.exists(key):
        return key
    if store.exists(key):  # rendered in these languages before: the same words, kept as they were printed
        sha256 = hashlib.sha256(store.open(key)).hexdigest()
    else:
        key, sha256 = _write_pdf(certificate, languages)
    with write_transaction():  # a download is a GET that writes: see app/database.py
        certificate.pdf_sha256, certificate.pdf_language = sha256, joined
    return key


def pdf_bytes(certificate: Certificate) -> bytes:
    """The certificate's PDF in the languages it prints in now (rendered now if it never was)."""
    return storage.current_store().open(ensure_pdf(certificate))


def _create(**fields) -> Certificate | None:
    """Issue a certificate (its PDF is made at its first download); None if the learner already holds this one.

    One statement, whoever asks first (a parallel request, a second tab), reading nothing first: a
    course completed in an exam issues two at once (the course and its tier).
    """
    certificate = insert_unless_present(
        Certificate,
        {"code": codes.new_code(), "issuer": ISSUER, **fields},  # issued now, valid: the model's defaults
        unique=("user_id", "achievement_key"),
        where=f"status != '{REPLACED}'",  # uq_certificates_current
    )
    if certificate is None:
        return None
    render_and_store(certificate)
    _announce_issued(certificate)
    return certificate


def _announce_issued(certificate: Certificate) -> None:
    events.certificate_issued.send(
        "certificates",
        certificate_id=certificate.id,
        user_id=certificate.user_id,
        kind=certificate.kind,
        code=certificate.code,
        course_id=certificate.course_id,
        achievement_key=certificate.achievement_key,
        at=certificate.issued_at,
    )


def current_certificate(user_id: int, achievement_key: str) -> Certificate | None:
    return db.session.scalar(
        sa.select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.achievement_key == achievement_key,
            Certificate.status != REPLACED,
        )
    )


def issue_for_completion(_sender, *, user_id: int, course_id: int, **_facts) -> Certificate | None:
    """Receives `events.course_completed`: a course certificate, and a tier certificate when the tier is done.

    Tracks, tiers and the tier's courses come from the curriculum each process keeps
    (courses/structure.py): a submit that passes an exam (500 of them at nine o'clock) reads only
    the learner's own rows.
    """
    # Stored in the course's own language (English), whatever the page the course was completed on:
    # the certificate is printed from what is stored.
    course = structure.current(STORED_LANGUAGE).by_id[course_id]
    user = db.session.get(User, user_id)
    key = f"course/{course.slug}/{course.version}"
    certificate = (
        _create(
            user_id=user.id,
            kind="course",
            achievement_key=key,
            course_id=course.id,
            title=course.title,
            track_title=course.track.title,
            tier_title=course.tier.title,
            recipient_name=names.clean(user.full_name),  # also names kept before they were cleaned
            hours=course.estimated_hours,
            course_version=course.version,
        )
        or current_certificate(user.id, key)  # held already
    )
    _issue_tier_if_complete(user, course)
    return certificate


def _issue_tier_if_complete(user: User, course: CourseView) -> None:
    tier_courses = [
        c
        for c in structure.current(STORED_LANGUAGE).live
        if c.track_id == course.track_id and c.tier_id == course.tier_id
    ]
    if not tier_courses or not {c.id for c in tier_courses} <= courses.completed_course_ids(user):
        return
    _create(  # nothing if the learner holds it already
        user_id=user.id,
        kind="tier",
        achievement_key=f"tier/{course.track.slug}/{course.tier.slug}",
        title=f"{course.track.title} — {course.tier.title}",
        track_title=course.track.title,
        tier_title=course.tier.title,
        recipient_name=names.clean(user.full_name),
        hours=sum(c.estimated_hours for c in tier_courses),
    )


def issue_attendance(user: User, workshop, *, hours: float | None) -> Certificate | None:
    """A certificate of attendance of a workshop, once per officer and workshop (None if held already)."""
    with force_locale("en"):
        kind = workshop.kind_label
    return _create(
        user_id=user.id,
        kind="workshop",
        achievement_key=f"workshop/{workshop.id}",
        title=workshop.title,
        # Stored in English, like course titles: the certificate is printed from what is stored.
        track_title=kind,
        tier_title=None,
        recipient_name=names.clean(user.full_name),
        hours=hours or None,
    )


def issue_manual(
    user: User, *, title: str, reason: str, issued_by: User, hours: float | None = None, course: Course | None = None
) -> Certificate:
    """A certificate issued by hand (a workshop, a correction) with the reason recorded."""
    title, reason = " ".join(title.split()), reason.strip()
    if not title or not reason:
        raise CertificateError(_("A title and a reason are required."))
    if hours is not None and not 0 < hours <= 1000:
        raise CertificateError(_("Hours must be between 0 and 1000."))
    certificate = Certificate(
        code=codes.new_code(),
        issuer=ISSUER,
        user_id=user.id,
        kind="manual",
        achievement_key="manual/pending",
        course_id=course.id if course else None,
        title=title,
        track_title=course.track.title if course else None,
        tier_title=course.tier.title if course else None,
        recipient_name=names.clean(user.full_name),
        hours=hours,
        reason=reason,
        issued_by_id=issued_by.id,
    )
    db.session.add(certificate)
    db.session.flush()
    certificate.achievement_key = f"manual/{certificate.id}"
    render_and_store(certificate)
    _announce_issued(certificate)
    return certificate


def find(code: str) -> Certificate | None:
    """The certificate with this code (typed in any form), if there is one."""
    canonical = codes.normalise(code)
    if canonical is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == canonical))


def titles(certificate: Certificate) -> dict[str, str]:
    """The achievement's name in each language it has: the stored (English) title, and for a course
    certificate its course's translated titles, as the verification page shows them."""
    names = {STORED_LANGUAGE: certificate.title}
    if certificate.kind == "course" and certificate.course_id is not None:
        translations = db.session.scalar(sa.select(Course.translations).where(Course.id == certificate.course_id))
        names.update({language: texts["title"] for language, texts in (translations or {}).items() if "title" in texts})
    return names


def revoke(certificate: Certificate, *, reason: str, revoked_by: User) -> None:
    """Revoke a certificate: the verification page and the credential say so from now on."""
    if certificate.status != VALID:
        raise CertificateError(_("Only a valid certificate can be revoked."))
    if not reason.strip():
        raise CertificateError(_("Give the reason for the revocation."))
    certificate.status, certificate.revoked_at = REVOKED, utcnow()
    certificate.revoked_reason, certificate.revoked_by_id = reason.strip(), revoked_by.id
    record(
        revoked_by,
        "certificate",
        certificate.id,
        "revoke",
        label=certificate.code,
        before={"status": VALID},
        after={"status": REVOKED, "reason": certificate.revoked_reason},
    )
    events.certificate_revoked.send(
        "certificates",
        certificate_id=certificate.id,
        user_id=certificate.user_id,
        code=certificate.code,
        reason=certificate.revoked_reason,
        revoked_by_id=revoked_by.id,
        at=certificate.revoked_at,
    )


def reissue(certificate: Certificate, *, reissued_by: User, recipient_name: str | None = None) -> Certificate:
    """Make a corrected certificate (a new code and PDF); the old one is kept, marked replaced."""
    if certificate.status != VALID:
        raise CertificateError(_("Only a valid certificate can be reissued."))
    try:
        name = names.person_name(recipient_name or certificate.user.full_name)
    except names.NameRefused as error:
        raise CertificateError(str(error)) from None
    certificate.status = REPLACED
    db.session.flush()
    replacement = Certificate(
        code=codes.new_code(),
        issuer=certificate.issuer,
        user_id=certificate.user_id,
        kind=certificate.kind,
        achievement_key=certificate.achievement_key,
        course_id=certificate.course_id,
        title=certificate.title,
        track_title=certificate.track_title,
        tier_title=certificate.tier_title,
        recipient_name=name,
        hours=certificate.hours,
        course_version=certificate.course_version,
        reason=certificate.reason,
        issued_by_id=reissued_by.id,
        replaces_id=certificate.id,
    )
    db.session.add(replacement)
    db.session.flush()
    render_and_store(replacement)
    record(
        reissued_by,
        "certificate",
        certificate.id,
        "reissue",
        label=certificate.code,
        before={"code": certificate.code, "recipient_name": certificate.recipient_name},
        after={"code": replacement.code, "recipient_name": replacement.recipient_name},
    )
    events.certificate_reissued.send(
        "certificates",
        certificate_id=replacement.id,
        replaces_id=certificate.id,
        user_id=replacement.user_id,
        code=replacement.code,
        course_id=replacement.course_id,
        reissued_by_id=reissued_by.id,
        at=replacement.issued_at,
    )
    return replacement


def certificates_of(user: User) -> list[Certificate]:
    """The user's certificates, newest first, replaced ones included (their history)."""
    return list(
        db.session.scalars(
            sa.select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at.desc())
        )
    )


def course_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The learner's valid certificate for a course (of its latest version they completed), if they hold one."""
    return db.session.scalar(
        sa.select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.kind == "course",
            Certificate.status == VALID,
        )
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(1)
    )


def certificates_for_course(course: CourseView) -> list[Certificate]:
    """The valid certificates of a course (for a trainer's ZIP)."""
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.course_id == course.id, Certificate.status == VALID)
            .order_by(Certificate.recipient_name)
        )
    )


def valid_certificates_of(user_ids, course_ids) -> list[Certificate]:
    """The valid course certificates of these people for these courses (lists or SQL selects of ids), one query.

    A cohort's ZIP names its members and courses (the directorate's tables, which this package does not read).
    """
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(
                Certificate.user_id.in_(user_ids),
                Certificate.course_id.in_(course_ids),
                Certificate.status == VALID,
            )
            .order_by(Certificate.recipient_name)
        )
    )


def zip_bytes(certificates: list[Certificate]) -> bytes:
    """These certificates' PDFs in one ZIP (rendering any not yet rendered), each named by its code."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PDFs are already compressed
        for certificate in certificates:
            archive.writestr(f"{certificate.code}.pdf", pdf_bytes(certificate))
    return buffer.getvalue()


def zip_download(certificates: list[Certificate], name: str) -> Response:
    """These certificates' PDFs in one ZIP download (rendering any not yet rendered), each named by its code."""
    data = zip_bytes(certificates)
    current_app.logger.info("Certificates %s exported by user %s", name, current_user.id)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename={name}-certificates.zip"},
    )


def all_certificates() -> list[Certificate]:
    return list(db.session.scalars(sa.select(Certificate).order_by(Certificate.issued_at, Certificate.id)))


# Verifiable credentials ---------------------------------------------------------------------


def _subject(certificate: Certificate):
    from app.certificates.credentials import CredentialSubject

    if certificate.kind == "course":
        criteria = f"Completed every required lesson and passed the required assessments of {certificate.title}."
    elif certificate.kind == "workshop":
        criteria = f"Attended every session that counts of the {certificate.track_title.lower()} “{certificate.title}”."
    elif certificate.kind == "tier":
        criteria = (
            f"Completed every course of the {certificate.tier_title} tier of the {certificate.track_title} track."
        )
    else:
        # The reason a certificate was issued by hand is the academy's record, never the credential's:
        # it may name a correction, an appeal or a person.
        criteria = f"Awarded by the academy for “{certificate.title}”."
    translations = {}
    for language in current_app.config["LANGUAGES"]:
        words = _words_in(certificate, language)
        if language != STORED_LANGUAGE and words.language == language:
            description = " · ".join(filter(None, [words.track_title, words.tier_title])) or words.title
            translations[language] = (words.title, description)
    return CredentialSubject(
        language=STORED_LANGUAGE,
        translations=translations,
        code=certificate.code,
        recipient_name=certificate.recipient_name,
        achievement_id=certificate.achievement_key,
        achievement_name=certificate.title,
        achievement_description=" · ".join(filter(None, [certificate.track_title, certificate.tier_title]))
        or certificate.title,
        criteria=criteria,
        hours=certificate.hours,
        issued_at=certificate.issued_at,
        revoked=certificate.status != VALID,
        revoked_at=certificate.revoked_at,
    )


def credential(certificate: Certificate) -> dict:
    """The certificate as an Open Badges 3.0 credential."""
    from app.certificates.credentials import build_credential

    return build_credential(_subject(certificate), public_url=current_app.config["PUBLIC_URL"], issuer_name=ISSUER)


def signed_credential(certificate: Certificate) -> str:
    """The credential signed as a VC-JWT with the issuer's signing key (app/certificates/signing_keys.py)."""
    from app.certificates.credentials import sign_credential
    from app.certificates.signing_keys import signing_key

    key, kid = signing_key()
    return sign_credential(credential(certificate), key, kid)


def revocation_status(certificate: Certificate) -> dict:
    """The 1EdTech revocation list a verifier reads at the credential's status address."""
    from app.certificates.credentials import revocation_list

    return revocation_list(_subject(certificate), public_url=current_app.config["PUBLIC_URL"])


def public_keys() -> dict:
    """The issuer's public keys, signing and retired, for anyone to verify a credential without us."""
    from app.certificates.signing_keys import published_keys

    return published_keys()


def public_key(thumbprint: str) -> dict | None:
    """The public JWK a credential's ``kid`` URL names, or None."""
    from app.certificates.signing_keys import public_key

    return public_key(thumbprint)


def issuer_profile() -> dict:
    base = current_app.config["PUBLIC_URL"]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{base}/issuer",
        "type": ["Profile"],
        "name": ISSUER,
        "url": base,
    }
