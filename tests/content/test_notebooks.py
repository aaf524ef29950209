"""The course notebooks run from top to bottom against the shipped dataset.

Each notebook under ``content/`` is executed with nbclient from its own folder, as a learner who
opens it in Jupyter would, with the ``python3`` kernel. The execution test is marked ``notebooks``
(it takes a minute or two); the checks on the stored files are fast and unmarked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip(
    "nbformat", reason="nbformat is needed to read notebooks (pip install -r requirements-notebooks.txt)"
)

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
NOTEBOOKS = sorted(p for p in CONTENT.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
MAX_BYTES = 2 * 1024 * 1024
FORBIDDEN_OUTPUTS = (
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_notebooks_exist():
    """Does the content hold the data specialists' notebooks?"""
    assert len(NOTEBOOKS) >= 5, f"expected at least 5 notebooks under content/, found {len(NOTEBOOKS)}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_runs(path: Path):
    """Does every notebook run top to bottom against the shipped dataset?"""
    nbclient = pytest.importorskip(
        "nbclient", reason="nbclient is needed to execute notebooks (pip install -r requirements-notebooks.txt)"
    )
    pytest.importorskip("pandas", reason="the notebooks need pandas (pip install -r requirements-notebooks.txt)")
    pytest.importorskip(
        "ipykernel",
        reason="the notebooks need the ipykernel python3 kernel (pip install -r requirements-notebooks.txt)",
    )
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # run from a clean state, not on the stored outputs
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        failing = next(
            (
                i
                for i, cell in enumerate(nb.cells)
                if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            ),
            None,
        )
        where = f"cell {failing}" if failing is not None else "an unknown cell"
        source = nb.cells[failing].source.splitlines()[0] if failing is not None and nb.cells[failing].source else ""
        pytest.fail(f"{_id(path)}: {where} ({source!r}) failed:\n{exc}", pytrace=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_is_stored_executed_and_light(path: Path):
    """Is every notebook stored valid, executed, under 2 MB and free of widget or JavaScript outputs?"""
    assert path.stat().st_size < MAX_BYTES, f"{_id(path)} is {path.stat().st_size} bytes"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells, f"{_id(path)} has no code cell"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{_id(path)}: cell {i} is stored without being executed"
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"{_id(path)}: cell {i} is stored with an error"
            for mime in FORBIDDEN_OUTPUTS:
                assert mime not in output.get("data", {}), f"{_id(path)}: cell {i} has a {mime} output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_finds_dataset_beside_itself_first(path: Path):
    """Does every notebook look for the dataset beside itself, then in content/datasets/?"""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'Path("declarations.csv")' in code and 'Path("../../../datasets/declarations.csv")' in code
