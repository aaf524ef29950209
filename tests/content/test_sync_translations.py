"""`content sync` of translations: French texts stored beside the source's, rendered the same way, once."""

import sqlalchemy as sa

from app.assessments.models import Assessment, Question
from app.content.sync import sync
from app.courses.models import Course, GlossaryTerm, Lesson, Module, Tier, Track
from app.extensions import db
from tests.helpers import StatementCounter

COURSE = "courses/data-in-practice"


def _one(model, **where):
    return db.session.scalar(sa.select(model).filter_by(**where))


def test_sync_stores_the_french_texts(app, synced):
    """Are the course, module, lesson, catalogue and glossary stored in French beside the English?"""
    with app.app_context():
        course = _one(Course, slug="data-in-practice")
        assert course.title == "Customs data in practice"
        assert course.translations["fr"]["title"] == "Les données douanières en pratique"
        assert _one(Module, slug="risk").translations == {"fr": {"title": "Le risque"}}
        lesson = _one(Lesson, slug="indicators")
        french = lesson.translations["fr"]
        assert french["title"] == "Les indicateurs de risque"
        assert "<h2" in french["html"] and "examen plus attentif" in french["html"]
        assert "examen plus attentif" in french["search_text"] and "closer look" in lesson.html
        assert _one(Tier, slug="practitioner").translations == {"fr": {"title": "Praticien"}}
        assert _one(Track, slug="data-specialists").translations["fr"]["title"] == "Spécialistes des données"
        assert _one(Track, slug="leaders").translations == {}  # not translated: shown in English
        term = _one(GlossaryTerm, slug="pseudonymisation")
        assert "<strong>codes</strong>" in term.translations["fr"]["definition_html"]
        # A course with no translation has none stored.
        assert _one(Course, slug="intro-to-data").translations == {}


def test_sync_stores_the_french_assessment_under_the_same_ids(app, synced):
    """Do French questions keep the bank's ids and key, with their texts, feedback and French answers?"""
    with app.app_context():
        assessment = _one(Assessment, slug="final")
        assert assessment.translations == {"fr": {"title": "Évaluation finale"}}
        red = _one(Question, key="channel-red")
        french = red.translations["fr"]
        assert "visite physique" in french["text_html"] and "examen physique" in french["explanation_html"]
        assert [(c["id"], c["correct"]) for c in french["spec"]["choices"]] == [
            (c["id"], c["correct"]) for c in red.spec["choices"]
        ]
        assert "Rouge" in french["spec"]["choices"][0]["html"] and "Exact" in french["spec"]["choices"][0]["feedback"]
        hs = _one(Question, key="hs-name").translations["fr"]["spec"]
        assert hs["accepted"] == ["Système harmonisé", "Harmonized System", "Harmonised System"]
        # Graded against the stored spec in any language: the French answer counts on an English page too.
        assert "Système harmonisé" in _one(Question, key="hs-name").spec["accepted"]
        order = _one(Question, key="clearance-order")
        assert [i["id"] for i in order.translations["fr"]["spec"]["items"]] == [i["id"] for i in order.spec["items"]]


def test_french_lesson_is_sanitised_like_the_source(app, content_dir):
    """Is raw HTML in a French lesson stripped at import as it is in the English one?"""
    path = content_dir / COURSE / "lessons/indicators.fr.md"
    path.write_text(path.read_text() + '\n<form action="/logout"><button>Continuer</button></form>\n')
    with app.app_context():
        sync(content_dir)
        db.session.commit()
        html = _one(Lesson, slug="indicators").translations["fr"]["html"]
        assert "<form" not in html and "<button" not in html and "examen plus attentif" in html


def test_unchanged_translation_writes_nothing_and_a_changed_one_is_imported(app, synced):
    """Does a second sync write nothing, and does changing only a French lesson update only that?"""
    with app.app_context():
        with StatementCounter(db.engine) as counter:
            assert sync(synced).nothing_changed
            db.session.commit()
        assert [s for s in counter.statements if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}] == []
    path = synced / COURSE / "lessons/indicators.fr.md"
    path.write_text(path.read_text() + "\nUne phrase ajoutée.\n")
    with app.app_context():
        report = sync(synced)
        db.session.commit()
        assert report.changed == ["course data-in-practice"]
        lesson = _one(Lesson, slug="indicators")
        assert "Une phrase ajoutée" in lesson.translations["fr"]["html"]
        assert "Une phrase ajoutée" not in lesson.html
    glossary = synced / "glossary.fr.yml"
    glossary.write_text(glossary.read_text().replace("Traiter des données", "Transformer des données"))
    with app.app_context():
        assert sync(synced).changed == ["glossary"]
        db.session.commit()
        assert "Transformer" in _one(GlossaryTerm, slug="anonymisation").translations["fr"]["definition_html"]
