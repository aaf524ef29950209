"""The numeric questions of the assessments agree with the shipped dataset.

Every ``numeric`` question in ``content/courses/*/*.yml`` must have a recomputation below, keyed by
``(course slug, question id)``. For the data specialists' questions, the recomputation repeats with
pandas what the course notebooks compute from ``content/datasets/declarations.csv``; for questions
that give their own figures (worked arithmetic, in any track), it redoes the arithmetic. The test
checks that the answer stored in the assessment is within its tolerance. A new numeric question
therefore needs a new entry here.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the assessments")
pd = pytest.importorskip(
    "pandas", reason="pandas is needed to recompute the answers (pip install -r requirements-notebooks.txt)"
)
np = pytest.importorskip(
    "numpy", reason="numpy is needed to recompute the answers (pip install -r requirements-notebooks.txt)"
)

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
DATASET = CONTENT / "datasets" / "declarations.csv"
GENERATOR = CONTENT / "datasets" / "generate_declarations.py"


# --- the data, read and cleaned as the notebooks do ------------------------------------------


@lru_cache(maxsize=1)
def raw() -> pd.DataFrame:
    return pd.read_csv(DATASET, dtype={"hs_code": str}, parse_dates=["date"])


@lru_cache(maxsize=1)
def clean() -> pd.DataFrame:
    """The cleaning of the data quality notebook (customs-data-foundations)."""
    out = raw().drop_duplicates().copy()
    out["office"] = out["office"].str.upper().str.replace(r"[^A-Z0-9]", "", regex=True).replace({"AIR1": "AIR01"})
    out = out[(out["customs_value"] > 0) & (out["quantity"] > 0)].copy()
    per_unit = out["net_weight_kg"] / out["quantity"]
    too_heavy = per_unit / per_unit.groupby(out["hs_code"]).transform("median") > 100
    out.loc[(out["net_weight_kg"] <= 0) | too_heavy, "net_weight_kg"] = np.nan
    out["hit"] = out["inspection_result"] == "irregularity"
    return out


def hit_rate_percent(lines: pd.DataFrame) -> float:
    controlled = lines[lines["inspected"] == 1]
    return 100 * controlled["hit"].sum() / len(controlled)


def low_unit_value() -> pd.Series:
    df = clean()
    unit_value = df["customs_value"] / df["quantity"]
    return unit_value / unit_value.groupby(df["hs_code"]).transform("median") < 0.5


def labelled(period: str) -> pd.DataFrame:
    df = clean()
    inspected = df[df["inspected"] == 1]
    in_train = inspected["date"] < "2024-01-01"
    return inspected[in_train] if period == "train" else inspected[~in_train]


def suspect_importers() -> int:
    df = clean().assign(low_uv=low_unit_value())
    importers = df.groupby("importer_id").agg(lines=("low_uv", "size"), low_share=("low_uv", "mean"))
    return int(((importers["lines"] >= 5) & (importers["low_share"] >= 0.5)).sum())


# --- one recomputation per numeric question ----------------------------------------------------

RECOMPUTE = {
    # customs-data-foundations: notebooks 01-exploring-the-dataset and 02-data-quality-checks
    ("customs-data-foundations", "missing-net-weight"): lambda: raw()["net_weight_kg"].isna().sum(),
    ("customs-data-foundations", "median-value-green-coffee"): lambda: (
        raw().loc[raw()["hs_code"] == "090111", "customs_value"].median()
    ),
    ("customs-data-foundations", "duplicate-lines"): lambda: raw().duplicated().sum(),
    ("customs-data-foundations", "lines-after-cleaning"): lambda: len(clean()),
    # risk-and-fraud-analytics: notebooks 01-risk-indicators and 02-evaluating-targeting
    ("risk-and-fraud-analytics", "red-channel-hit-rate"): lambda: hit_rate_percent(
        clean()[clean()["channel"] == "red"]
    ),
    ("risk-and-fraud-analytics", "random-hit-rate"): lambda: hit_rate_percent(
        clean()[clean()["selection"] == "random"]
    ),
    ("risk-and-fraud-analytics", "low-unit-value-lines"): lambda: low_unit_value().sum(),
    ("risk-and-fraud-analytics", "suspect-importers"): suspect_importers,
    ("risk-and-fraud-analytics", "lift-of-rules"): lambda: (
        hit_rate_percent(clean()[clean()["selection"] == "rule"])
        / hit_rate_percent(clean()[clean()["selection"] == "random"])
    ),
    # machine-learning-for-customs: notebooks 01-a-simple-fraud-model and 02-evaluating-the-model
    ("machine-learning-for-customs", "training-lines"): lambda: len(labelled("train")),
    ("machine-learning-for-customs", "test-irregular-share"): lambda: 100 * labelled("test")["hit"].mean(),
    ("machine-learning-for-customs", "random-sample-2024-irregular"): lambda: (
        labelled("test").query("selection == 'random'")["hit"].sum()
    ),
    # worked arithmetic on the figures given in the question text
    ("machine-learning-for-customs", "recall-from-counts"): lambda: 100 * 48 / 80,
    ("machine-learning-for-customs", "f1-from-precision-recall"): lambda: 2 * 0.4 * 0.6 / (0.4 + 0.6),
    # other tracks: worked arithmetic on the figures given in the question text
    ("evidence-based-policy-making", "median-release-time"): lambda: float(np.median([2, 3, 3, 4, 4, 5, 6, 6, 8, 159])),
    ("leading-a-data-strategy", "baseline-share"): lambda: 100 * (10 - 4) / (12 - 4),
    ("capacity-building-framework", "completeness-check"): lambda: 100 * 300 / 1250,
    ("data-workshops", "learning-gain"): lambda: 79 - 52,
    ("advising-statistics-and-projects", "mirror-gap"): lambda: 20.0 * 1.10 - 15.4,
}


def numeric_questions():
    found = []
    for course in sorted((CONTENT / "courses").iterdir()):
        for path in sorted(course.glob("*.yml")):
            if path.name == "course.yml" or path.suffixes[:1] == [".fr"]:
                continue  # a translation holds only words: its answers are the source's
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for question in data.get("questions") or []:
                if question.get("type") == "numeric":
                    found.append(pytest.param(course.name, question, id=f"{course.name}:{question['id']}"))
    return found


QUESTIONS = numeric_questions()


def test_there_are_numeric_questions():
    """Do the data specialist assessments hold numeric questions at all?"""
    assert len(QUESTIONS) >= 6


@pytest.mark.parametrize(("course", "question"), QUESTIONS)
def test_numeric_answer_matches_dataset(course, question):
    """Is the stored answer of this numeric question what the dataset really gives?"""
    key = (course, question["id"])
    assert key in RECOMPUTE, f"numeric question {key} has no recomputation in {Path(__file__).name}"
    expected = float(RECOMPUTE[key]())
    answer = float(question["answer"])
    tolerance = float(question.get("tolerance", 0))
    assert abs(answer - expected) <= tolerance, (
        f"{course}/{question['id']}: the assessment says {answer} (tolerance {tolerance}), "
        f"the dataset gives {expected:.4f}"
    )


def test_every_recomputation_has_a_question():
    """Does every recomputation still belong to a numeric question (no stale entries)?"""
    keys = {(p.values[0], p.values[1]["id"]) for p in QUESTIONS}
    assert set(RECOMPUTE) <= keys, f"recomputations without a question: {sorted(set(RECOMPUTE) - keys)}"


def test_generator_is_reproducible(tmp_path):
    """Does the generator give byte-identical files on two runs, equal to the shipped dataset?"""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for out in (first, second):
        subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True)
    assert first.read_bytes() == second.read_bytes()
    assert filecmp.cmp(first, DATASET, shallow=False), "declarations.csv differs from what the generator writes"
