"""Handouts: valid notebooks, no solution left, stubs that the checks call 'not yet'."""

import contextlib
import io
import itertools
import linecache
import subprocess
import sys

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from lessons_helpers import LESSONS, exercises, read

from course_utils import checks
from course_utils.handout import BEGIN, END, SOLUTION_TAG, make_handout, solution_regions

pytestmark = pytest.mark.skipif(not LESSONS, reason="no lessons yet")
_CELL_NUMBERS = itertools.count()


def solution_lines(nb):
    """Lines inside solution regions that appear nowhere else in the notebook."""
    inside, outside = set(), []
    for cell in nb.cells:
        lines = cell.source.splitlines()
        regions = solution_regions(cell.source)
        covered = {i for b, e in regions for i in range(b, e + 1)}
        for i, line in enumerate(lines):
            (inside.add(line.strip()) if i in covered else outside.append(line.strip()))
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            inside.update(line.strip() for line in lines)
    text = "\n".join(outside)
    return {line for line in inside if len(line) > 3 and line not in text and line not in (BEGIN, END)}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_handout_has_no_solution_and_is_valid(path):
    nb = read(path)
    handout = make_handout(nb)
    nbformat.validate(handout)
    text = nbformat.writes(handout)
    assert BEGIN not in text and END not in text
    secret = solution_lines(nb)
    assert secret, "the lesson should have solutions"
    leaked = [line for line in secret if line in text]
    assert not leaked, f"solution lines in the handout: {leaked}"
    assert all(SOLUTION_TAG not in c.metadata.get("tags", []) for c in handout.cells)
    for cell in handout.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "widgets" not in handout.metadata


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_stubs_name_their_exercise(path):
    handout = make_handout(read(path))
    stubs = [c.source for c in handout.cells if "raise NotImplementedError(" in c.source]
    assert len(stubs) == len(list(exercises(read(path))))
    for source in stubs:
        assert 'NotImplementedError("Exercise ' in source and "# YOUR CODE HERE" in source


def run_cell(source, namespace):
    out = io.StringIO()
    source = TransformerManager().transform_cell(source)  # IPython syntax (!cmd, %magic) to Python
    # Register the source as IPython does, so that checks that read a function's
    # source with inspect (forbidden calls, e.g. lesson 01's exercise 1) can see it.
    filename = f"<cell-{next(_CELL_NUMBERS)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    with contextlib.redirect_stdout(out):
        exec(compile(source, filename, "exec"), namespace)
    return out.getvalue()


def setup_namespace(nb):
    """What an exercise cell can use: the names the lesson's setup cell defines."""
    namespace = {}
    for cell in (c for c in nb.cells if c.cell_type == "code"):  # the Colab cell, then the set-up cell
        run_cell(cell.source, namespace)
        if "course_utils.setup(" in cell.source:
            return namespace
    raise AssertionError("no set-up cell (course_utils.setup(...))")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_checks_say_correct_for_solution_and_not_yet_for_stub(path):
    nb = read(path)
    pairs = list(exercises(nb))
    assert len(pairs) >= 3, "every lesson has at least three exercises"
    stubbed = list(exercises(make_handout(nb)))
    # The handout has the same exercise cells, in the same order, with stubs.
    handout_cells = [c for c in make_handout(nb).cells if "raise NotImplementedError(" in c.source]
    assert len(handout_cells) == len(pairs) and len(stubbed) == 0
    for (solution, check), stub in zip(pairs, handout_cells):
        assert check is not None, f"no check cell after:\n{solution.source}"
        assert "nbval-check-output" in check.metadata.get("tags", []), "check cells are compared by nbval"
        namespace = setup_namespace(nb)
        run_cell(solution.source, namespace)
        assert run_cell(check.source, namespace).startswith(checks.CORRECT)
        namespace = setup_namespace(nb)
        run_cell(stub.source, namespace)
        assert run_cell(check.source, namespace).startswith(checks.NOT_YET)


def test_handout_command_writes_notebooks(tmp_path):
    out = subprocess.run([sys.executable, "-m", "course_utils", "handout", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    written = sorted(tmp_path.glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in LESSONS]
    for path in written:
        nbformat.validate(nbformat.read(path, as_version=4))
        assert BEGIN not in path.read_text()


def test_unbalanced_markers_are_reported():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = 1\n{BEGIN}\ny = 2")])
    with pytest.raises(ValueError, match="cell 0: line 2: ### BEGIN SOLUTION is never closed"):
        make_handout(nb)


def test_nbgrader_clears_the_same_solutions():
    """Instructors who use nbgrader (the `instructor` extra) can take the lessons as they are."""
    nbgrader = pytest.importorskip("nbgrader.preprocessors")
    for path in LESSONS:
        nb = read(path)
        code_solutions = {
            line.strip()
            for cell in nb.cells if cell.cell_type == "code"
            for b, e in solution_regions(cell.source)
            for line in cell.source.splitlines()[b + 1 : e]
        } & solution_lines(nb)
        cleared, _ = nbgrader.ClearSolutions(enforce_metadata=False).preprocess(nb, {})
        text = nbformat.writes(cleared)
        assert BEGIN not in text and not [line for line in code_solutions if line in text]
