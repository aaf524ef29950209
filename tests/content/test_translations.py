"""`content check` on translations: a translation out of step with its source, as file:line."""

import json
from pathlib import Path

from app.auth.models import Role
from app.content.check import check

COURSE = "courses/data-in-practice"


def problems(root: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in check(root).problems]


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_the_test_translations_are_in_step(content_dir):
    """Does a French course, assessment, lesson, glossary and catalogue in step with the source pass?"""
    tree = check(content_dir)
    assert tree.problems == [] and tree.warnings == []
    french = tree.courses["data-in-practice"].translations["fr"]
    assert french.course.title == "Les données douanières en pratique"
    assert set(french.lessons) == {"indicators"} and len(french.assessments) == 1
    assert tree.glossary_translations["fr"].terms[0].term == "Anonymisation"
    assert tree.catalogue_translations["fr"].tiers["practitioner"] == "Praticien"


def warnings(root: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in check(root).warnings]


def test_an_extra_and_a_missing_module_or_lesson(content_dir):
    """Are a module or lesson the source lacks reported at their lines as problems, and one the translation lacks
    as a warning (it shows in the source's language until translated)?"""
    manifest = content_dir / COURSE / "course.fr.yml"
    text = manifest.read_text().replace("      indicators:", "      indikators:")
    manifest.write_text(text + "  extra:\n    title: En trop\n")
    found = problems(content_dir)
    assert f"course.fr.yml:{line_of(manifest, 'indikators')}: lesson 'indikators' is not in course.yml" in found
    assert f"course.fr.yml:{line_of(manifest, '  extra:')}: module 'extra' is not in course.yml" in found
    assert f"course.fr.yml:{line_of(manifest, '    lessons:')}: lesson 'indicators' of course.yml is not translated " \
        "yet: it shows in en" in warnings(content_dir)  # fmt: skip
    manifest.write_text("title: T\nsummary: S\nmodules: {}\n")
    assert problems(content_dir) == []
    assert "course.fr.yml:3: module 'risk' of course.yml is not translated yet: it shows in en" in warnings(content_dir)


def test_a_lesson_added_to_a_translated_course_is_a_warning_and_shows_in_english(
    app, client, auth, make_user, content_dir
):
    """Does a lesson added to course.yml that course.fr.yml does not name yet leave the course publishable (a
    warning at course.fr.yml's line), and the French course show that lesson in English, saying so?"""
    from app.content.sync import sync
    from app.extensions import db

    manifest = content_dir / COURSE / "course.yml"
    manifest.write_text(
        manifest.read_text().replace(
            "        file: lessons/indicators.md\n",
            "        file: lessons/indicators.md\n      - slug: thresholds\n        title: Setting thresholds\n"
            "        kind: markdown\n        file: lessons/thresholds.md\n",
        )
    )
    lesson_file = content_dir / COURSE / "lessons/thresholds.md"
    lesson_file.write_text("## Thresholds\n\nA threshold decides what is flagged.\n")
    tree = check(content_dir)
    assert tree.problems == []
    french = content_dir / COURSE / "course.fr.yml"
    line = line_of(french, "    lessons:")
    assert f"course.fr.yml:{line}: lesson 'thresholds' of course.yml is not translated yet: it shows in en" in warnings(
        content_dir
    )
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    auth.login(make_user(Role.TRAINER, locale="fr").email)
    course = client.get("/courses/data-in-practice").get_data(as_text=True)
    assert "Les indicateurs de risque" in course and "Setting thresholds" in course
    lesson = client.get("/courses/data-in-practice/lessons/thresholds")
    page = lesson.get_data(as_text=True)
    assert lesson.status_code == 200 and "Cette leçon n’est pas encore traduite" in page
    assert '<h1 id="lesson-title" lang="en" translate="no">Setting thresholds</h1>' in page
    assert "A threshold decides what is flagged." in page


def test_an_extra_objective(content_dir):
    """Is an objective the source does not have reported at its line?"""
    manifest = content_dir / COURSE / "course.fr.yml"
    manifest.write_text(manifest.read_text() + "objectives:\n  - Un objectif de trop\n")
    assert problems(content_dir) == [
        f"course.fr.yml:{line_of(manifest, 'de trop')}: 1 objective(s) more than the source (0, in its order)"
    ]


def test_unknown_keys_in_a_translation(content_dir):
    """Is a key a translation may not carry (a lesson's kind, a question's answer) an error at its line?"""
    assessment = content_dir / COURSE / "assessment.fr.yml"
    text = assessment.read_text().replace("    text: Le Système", "    answer: false\n    text: Le Système")
    assessment.write_text(text)
    line = line_of(assessment, "answer: false")
    assert problems(content_dir) == [f"assessment.fr.yml:{line}: unknown key 'questions.hs-wco.answer'"]


def test_questions_missing_or_extra(content_dir):
    """Are a question the translation lacks and one the bank does not hold both reported?"""
    assessment = content_dir / COURSE / "assessment.fr.yml"
    assessment.write_text(assessment.read_text().replace("  cycle-order:", "  cycle-ordre:"))
    found = problems(content_dir)
    assert (
        f"assessment.fr.yml:{line_of(assessment, 'cycle-ordre')}: question 'cycle-ordre' is not in the assessment"
        in found
    )
    assert "assessment.fr.yml:2: question 'cycle-order' of the assessment is missing" in found
    assert len(found) == 2


def test_choices_items_and_pairs_out_of_step(content_dir):
    """Is a missing choice, an extra item and a missing pair each reported at its question's list?"""
    assessment = content_dir / COURSE / "assessment.fr.yml"
    text = assessment.read_text()
    text = text.replace("      - text: Le code SH d’une ligne\n", "")
    text = text.replace("[Dépôt, Analyse de risque, Visite, Mainlevée]", "[Dépôt, Analyse, Visite, Mainlevée, Sortie]")
    text = text.replace("      - {left: Orange, right: Documents}\n", "")
    text = text.replace("  hs-wco:\n", "  hs-wco:\n    choices: [{text: Vrai}, {text: Faux}]\n")
    assessment.write_text(text)
    lines = text.splitlines()
    pii = lines.index("  pii:") + 3  # its choices: line
    items = line_of(assessment, "Sortie]")
    pairs = [n for n, line in enumerate(lines, start=1) if line == "    pairs:"][1]
    choices = line_of(assessment, "{text: Vrai}")
    assert sorted(problems(content_dir)) == sorted(
        [
            f"assessment.fr.yml:{choices}: question 'hs-wco' is true_false: it has no choices",
            f"assessment.fr.yml:{pii}: 1 choice(s) fewer than the source (2, in its order)",
            f"assessment.fr.yml:{items}: 1 item(s) more than the source (4, in its order)",
            f"assessment.fr.yml:{pairs}: 1 pair(s) fewer than the source (3, in its order)",
        ]
    )


def test_a_lesson_without_translation_is_shown_in_the_source_language(content_dir):
    """Is a lesson without its .fr.md a warning only, saying it shows in English?"""
    (content_dir / COURSE / "lessons/indicators.fr.md").unlink()
    tree = check(content_dir)
    assert tree.problems == []
    assert [str(w).split("/")[-1] for w in tree.warnings] == [
        "course.fr.yml:1: no indicators.fr.md: the lesson 'indicators' shows in en"
    ]
    assert "indicators" not in tree.courses["data-in-practice"].translations["fr"].lessons


def test_a_translated_lesson_without_source(content_dir):
    """Is a .fr.md whose source lesson does not exist an error?"""
    (content_dir / COURSE / "lessons/orphan.fr.md").write_text("## Orpheline\n")
    assert problems(content_dir) == [
        "orphan.fr.md:1: no lesson of course.yml has the file orphan.md: nothing to translate"
    ]


def test_a_translated_notebook_whose_code_differs(content_dir):
    """Is a .fr.ipynb whose code cell differs from the source's reported at that cell?"""
    course = content_dir / "courses/intro-to-data"
    (course / "course.fr.yml").write_text(
        "title: Introduction\nsummary: Résumé.\nobjectives: [Lire une déclaration.]\nmodules:\n"
        "  basics: {title: Les bases, lessons: {declarations: Déclaration, exploring: Explorer}}\n"
        "  further: {title: Pour aller plus loin, lessons: {trade-statistics: Statistiques}}\n"
    )
    notebook = json.loads((course / "notebooks/exploring.ipynb").read_text())
    notebook["cells"][0]["source"] = ["## Explorer l’échantillon\n"]
    notebook["cells"][2]["source"] = ["tableau"]
    french = course / "notebooks/exploring.fr.ipynb"
    french.write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
    line = [n for n, text in enumerate(french.read_text().splitlines(), start=1) if '"cell_type"' in text][2]
    assert problems(content_dir) == [f"exploring.fr.ipynb:{line}: cell 3: its code differs from exploring.ipynb's"]


def test_an_unknown_glossary_or_catalogue_slug(content_dir):
    """Are a glossary term and a track the source does not have reported at their lines?"""
    glossary = content_dir / "glossary.fr.yml"
    glossary.write_text(glossary.read_text().replace("slug: pseudonymisation", "slug: pseudonymization"))
    catalogue = content_dir / "catalogue.fr.yml"
    catalogue.write_text(catalogue.read_text() + "  traders:\n    title: Opérateurs\n    summary: Pour eux.\n")
    assert problems(content_dir) == [
        f"catalogue.fr.yml:{line_of(catalogue, 'traders')}: track 'traders' is not in catalogue.yml",
        f"glossary.fr.yml:{line_of(glossary, 'pseudonymization')}: term 'pseudonymization' is not in glossary.yml",
    ]
