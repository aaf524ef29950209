"""`content check`: every problem at once, each as file:line, for each kind of bad input."""

import json
from pathlib import Path

import pytest

from app.content.check import check


def problems(root: Path) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in check(root).problems]


def test_the_test_curriculum_is_valid(content_dir):
    """Does a correct content folder pass with no problem?"""
    assert check(content_dir).problems == []


def test_malformed_yaml_names_file_and_line(content_dir):
    """Does broken YAML give the file and the line of the fault?"""
    manifest = content_dir / "courses/intro-to-data/course.yml"
    lines = manifest.read_text().splitlines()
    lines[3] = "track: [data-specialists"  # an unclosed list on line 4
    manifest.write_text("\n".join(lines) + "\n")
    found = problems(content_dir)
    # One problem: the other course's prerequisite on this broken one is not reported again.
    assert len(found) == 1 and found[0].startswith("course.yml:") and "invalid YAML" in found[0]
    assert int(found[0].split(":")[1]) in (4, 5)


def test_unknown_and_missing_keys_are_reported_at_their_line(content_dir):
    """Is a misspelt key reported at its own line, and a missing one at its mapping?"""
    manifest = content_dir / "courses/intro-to-data/course.yml"
    text = manifest.read_text().replace("estimated_hours: 2", "estimated_hour: 2")
    manifest.write_text(text)
    found = problems(content_dir)
    line = text.splitlines().index("estimated_hour: 2") + 1
    assert f"course.yml:{line}: unknown key 'estimated_hour'" in found
    assert any("missing key 'estimated_hours'" in p for p in found)


def test_every_problem_is_reported_at_once(content_dir):
    """Are problems in several files all reported in one run?"""
    (content_dir / "courses/intro-to-data/lessons/declarations.md").unlink()
    indicators = content_dir / "courses/data-in-practice/course.yml"
    indicators.write_text(indicators.read_text().replace("tier: practitioner", "tier: expert"))
    found = problems(content_dir)
    assert any("lessons/declarations.md does not exist" in p for p in found)
    assert any("unknown tier 'expert'" in p for p in found)


def test_duplicate_slugs(content_dir):
    """Are duplicate lesson slugs and a second course with the same slug caught?"""
    manifest = content_dir / "courses/intro-to-data/course.yml"
    manifest.write_text(manifest.read_text().replace("slug: exploring", "slug: declarations"))
    copy = content_dir / "courses/intro-copy"
    copy.mkdir()
    (copy / "course.yml").write_text((content_dir / "courses/data-in-practice/course.yml").read_text())
    found = problems(content_dir)
    assert any("duplicate lesson slug 'declarations'" in p for p in found)
    assert any("differs from the folder name" in p for p in found)
    assert any("duplicate course slug 'data-in-practice'" in p for p in found)


def test_missing_prerequisite_and_cycle(content_dir):
    """Are a prerequisite that does not exist and a prerequisite cycle both reported?"""
    intro = content_dir / "courses/intro-to-data/course.yml"
    intro.write_text(intro.read_text().replace('version: "1.0"', 'version: "1.0"\nprerequisites: [data-in-practice]'))
    practice = content_dir / "courses/data-in-practice/course.yml"
    practice.write_text(practice.read_text().replace("[intro-to-data]", "[intro-to-data, no-such-course]"))
    found = problems(content_dir)
    assert any("prerequisite 'no-such-course' is not a course" in p for p in found)
    assert any("prerequisite cycle" in p and "intro-to-data" in p and "data-in-practice" in p for p in found)


def test_broken_notebook(content_dir):
    """Is a file named .ipynb that is not JSON, or not a valid notebook, reported?"""
    notebook = content_dir / "courses/intro-to-data/notebooks/exploring.ipynb"
    notebook.write_text('{\n  "cells": [\n    {"cell_type": "code",,}\n  ]\n}\n')
    found = problems(content_dir)
    assert any(p.startswith("exploring.ipynb:3: not a notebook: invalid JSON") for p in found)
    notebook.write_text(
        json.dumps({"cells": [{"cell_type": "alien"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    assert any("not a valid notebook" in p for p in problems(content_dir))


@pytest.mark.parametrize(
    "markup",
    ["<script>alert(1)</script>", '<img src="x" onerror="alert(1)">', "[click](javascript:alert(1))"],
)
def test_executable_markup_in_markdown_is_reported(content_dir, markup):
    """Does a Markdown lesson carrying a script, an event handler or a javascript: link fail the check?"""
    lesson = content_dir / "courses/intro-to-data/lessons/declarations.md"
    lesson.write_text(lesson.read_text() + f"\n{markup}\n")
    line = len(lesson.read_text().splitlines())
    assert any(p.startswith(f"declarations.md:{line}: executable markup") for p in problems(content_dir))


@pytest.mark.parametrize("where", ["markdown", "html-output"])
def test_executable_markup_in_notebook_is_reported(content_dir, where):
    """Does a notebook with <script> in a Markdown cell or onerror= in an HTML output fail the check?"""
    path = content_dir / "courses/intro-to-data/notebooks/exploring.ipynb"
    notebook = json.loads(path.read_text())
    if where == "markdown":
        notebook["cells"][0]["source"].append("\n<script>alert('x')</script>")
    else:
        notebook["cells"][2]["outputs"][0]["data"]["text/html"] = '<img src=x onerror="alert(1)">'
    path.write_text(json.dumps(notebook, indent=1))
    found = [p for p in problems(content_dir) if p.startswith("exploring.ipynb:")]
    assert found and "executable markup" in found[0]
    assert int(found[0].split(":")[1]) > 1  # the line of the offending text, not just the file


def test_python_code_in_a_notebook_is_not_mistaken_for_markup(content_dir):
    """Does Python source such as `ones = onerror = 1` pass (only HTML becomes a page)?"""
    path = content_dir / "courses/intro-to-data/notebooks/exploring.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"][1]["source"] = "ones = onerror = 1\nhtml = '<b onclick=x>'"
    path.write_text(json.dumps(notebook))
    assert problems(content_dir) == []


def test_file_over_the_size_limit(content_dir):
    """Is a 200 MB notebook refused by its size, without being read?"""
    path = content_dir / "courses/intro-to-data/notebooks/exploring.ipynb"
    with path.open("r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    found = problems(content_dir)
    assert any("notebooks/exploring.ipynb is 210 MB; the limit is 20 MB" in p for p in found)


def test_unknown_glossary_term_and_remote_image(content_dir):
    """Are a link to a term missing from the glossary, and an image from another site, reported?"""
    lesson = content_dir / "courses/intro-to-data/lessons/declarations.md"
    lesson.write_text(lesson.read_text() + "\nSee [x](glossary:no-such-term).\n\n![chart](https://example.org/c.png)\n")
    found = problems(content_dir)
    assert any("glossary link to 'no-such-term'" in p for p in found)
    assert any("an image from another site" in p for p in found)


def test_path_outside_the_content_folder(content_dir):
    """Can a manifest reach a file outside content/ (../../../etc/passwd)? (No.)"""
    manifest = content_dir / "courses/intro-to-data/course.yml"
    manifest.write_text(manifest.read_text().replace("../../datasets/sample.csv", "../../../../../../etc/passwd"))
    assert any("is outside the content folder" in p for p in problems(content_dir))


def test_assessment_bank_must_hold_twice_the_draw(content_dir):
    """Is an assessment drawing more than half its bank reported, with a bad question type?"""
    (content_dir / "courses/intro-to-data/assessment.yml").write_text(
        "slug: final\ntitle: Final\npass_mark: 70\ndraw: 2\nquestions:\n"
        "  - id: q1\n    type: true_false\n    text: Is HS a WCO instrument?\n    answer: true\n"
        "  - id: q2\n    type: essay\n    text: Write.\n"
    )
    manifest = content_dir / "courses/intro-to-data/course.yml"
    manifest.write_text(manifest.read_text() + "assessments:\n  - file: assessment.yml\n")
    found = problems(content_dir)
    assert any(p.startswith("assessment.yml:11:") and "essay" in p for p in found)


def test_check_command_exit_codes(runner, content_dir):
    """Does `flask content check` exit 0 on good content and 1, with file:line lines, on bad?"""
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 0, result.output
    (content_dir / "courses/intro-to-data/lessons/declarations.md").unlink()
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 1
    assert "course.yml:" in result.output and "declarations.md does not exist" in result.output


def test_a_plot_without_a_text_alternative_is_a_warning_naming_file_line_and_cell(runner, content_dir):
    """Does `content check` warn, at the plot's cell, about a plot with no text alternative, and stay content
    once the author gives the cell an `alt`?"""
    path = content_dir / "courses/intro-to-data/notebooks/exploring.ipynb"
    notebook = json.loads(path.read_text())
    plot = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
    }
    table_cell = 2  # a code cell whose table output gets a plot beside it
    notebook["cells"][table_cell]["outputs"].append(plot)
    path.write_text(json.dumps(notebook, indent=1))
    tree = check(content_dir)
    assert tree.problems == []
    [warning] = tree.warnings
    assert Path(warning.path).name == "exploring.ipynb" and f"cell {table_cell + 1}:" in warning.message
    line = path.read_text().splitlines()[warning.line - 1]
    assert '"cell_type"' in line
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 0 and f"exploring.ipynb:{warning.line}: warning: cell" in result.output

    notebook["cells"][table_cell]["metadata"]["alt"] = "Bar chart of lines by channel."
    path.write_text(json.dumps(notebook, indent=1))
    assert check(content_dir).warnings == []
