"""The student's path (issue 20): exercise notebooks in sync with the lessons, runnable
top to bottom with every check saying "not yet", and no answer anywhere a student looks.

"Anywhere a student looks": the exercise notebooks (every cell's source and text output,
which include the lesson's cells above each exercise), the check functions' docstrings
(Shift+Tab in JupyterLab) and every message a check prints for an unwritten exercise or a
wrong answer. The answers are the lines of the lessons' reference solutions (between
``### BEGIN SOLUTION`` and ``### END SOLUTION``, and the code of cells tagged
``solution``), less the lines that carry no answer: blank lines, comments, ``return
name``, and lines shorter than ``MIN_LENGTH`` characters. Predictions are compared as
salted digests, so their answers are nowhere to be found in the first place.
"""

from __future__ import annotations

import copy
import doctest
import inspect
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from lessons_helpers import LESSONS, NOTEBOOKS, read

from course_utils import checks
from course_utils.handout import (
    CHECK_GUARD,
    METADATA_KEY,
    SOLUTION_TAG,
    make_handout,
    solution_regions,
    stale_exercise_notebooks,
)
from course_utils.runtime import COLAB_URL, repo_root

ROOT = repo_root()
EXERCISES = ROOT / "exercises"
REGENERATE = "python -m course_utils exercises"
# Below 8 characters the solutions' lines are closing brackets and one-name statements
# ("])", "s = x", "return y") that any code contains; every longer line is looked for.
MIN_LENGTH = 8
# Solution lines that the lesson's own code also uses, and that give no answer away,
# with the reason: (lesson number, line) -> why.
SHARED = {
    ("01", "for n in range(len(y)):"): "the lesson's convolution loop; exercise 1 asks for correlation",
    ("03", "plt.show()"): "figure code of the instructor-only solution cells",
    ("03", "fig.tight_layout()"): "figure code of the instructor-only solution cells",
    ("03", "ax.grid(False)"): "figure code of the instructor-only solution cells",
    ("03", "for ax in axes:"): "figure code of the instructor-only solution cells",
    ("03", "g /= g.sum()"): ("section 4 normalises its 9x9 Gaussian; exercise 1 asks for any size and "
                             "sigma, where the centre of an even size is the question"),
    ("05", "return keras.Sequential(["): "the deck's CNN as section 5 builds it; exercise 4 changes its first layer",
    ("05", "keras.Input(shape=(28, 28, 1)),"): "the deck's CNN; exercise 4 changes its first layer",
    ("05", "layers.Flatten(),"): "the deck's CNN; exercise 4 changes its first layer",
    ("05", 'layers.Dense(10, activation="softmax"),'): "the deck's CNN; exercise 4 changes its first layer",
    ("05", "layers.ReLU(),"): "the deck's CNN; exercise 4 changes its first layer",
    ("06", "return dx, dw"): ("section 5's 1-D backward pass returns the same pair; exercise 3 asks for "
                          "the 2-D one, where the flip and the full size along both axes are the question"),
    ("06", "dx = np.zeros_like(x)"): "section 5's 1-D max-pool backward starts the same way; exercise 5 is 2-D",
    ("08", "return sum(int(np.prod(w.shape)) for w in model.trainable_weights)"):
        "the lesson's n_trainable; exercise 1 asks for the freezing, and returns the count as a convenience",
    ("08", "rng = np.random.default_rng(seed)"): "seeding, as everywhere in the course",
}
CHECK_MODULES = ["convolution_1d", "correlation_2d", "filters_on_images", "conv2d_layer", "fashion_mnist_cnn",
                 "training_deep_cnn", "famous_architectures", "transfer_learning", "what_cnn_learns"]

pytestmark = pytest.mark.skipif(not LESSONS, reason="no lessons yet")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def solution_lines(nb) -> set[str]:
    """The reference solutions' lines that could carry an answer (see the module's docstring)."""
    lines = []
    for cell in nb.cells:
        source = cell.source.splitlines()
        for begin, end in solution_regions(cell.source):
            lines += source[begin + 1 : end]
        if cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", []):
            lines += source
    found = set()
    for line in map(norm, lines):
        if not line or line.startswith("#") or re.fullmatch(r"return \w+", line) or len(line) < MIN_LENGTH:
            continue
        found.add(line)
    return found


def secrets(path) -> set[str]:
    return {line for line in solution_lines(read(path)) if (path.name[:2], line) not in SHARED}


def visible_text(cell) -> str:
    """A cell's source and the text of its outputs (images left out)."""
    parts = [cell.source]
    for out in cell.get("outputs", []):
        parts.append(out.get("text", "") if isinstance(out.get("text", ""), str) else "".join(out["text"]))
        parts += [v if isinstance(v, str) else "".join(v) for k, v in out.get("data", {}).items()
                  if k.startswith("text/")]
        parts += [out.get("ename", ""), out.get("evalue", "")]
    return norm("\n".join(parts))


def exercise_path(lesson):
    return EXERCISES / lesson.name


# ---------------------------------------------------------------- in sync with the lessons
def test_exercise_notebooks_are_in_sync_with_the_lessons():
    """The fastbook pattern: regenerate in memory, compare the bytes with the committed files."""
    stale = stale_exercise_notebooks(NOTEBOOKS, EXERCISES)
    assert not stale, (f"out of date or missing in exercises/: {', '.join(stale)}; regenerate them with "
                       f"`{REGENERATE}` and commit exercises/")


@pytest.mark.parametrize("lesson", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_notebook_is_the_handout_with_the_lessons_figures(lesson):
    path = exercise_path(lesson)
    if not path.is_file():
        pytest.fail(f"no exercises/{lesson.name}: run `{REGENERATE}`")
    ex, nb = read(path), read(lesson)
    handout = make_handout(nb, lesson=lesson.stem)
    # What the grader needs: the lesson's slug and the handout's version, the cell ids.
    assert ex.metadata[METADATA_KEY] == handout.metadata[METADATA_KEY]
    assert [c.get("id") for c in ex.cells] == [c.get("id") for c in handout.cells]
    assert ex.cells[0].source.startswith(f"**[Open in Colab]({COLAB_URL}exercises/{lesson.name})**")
    original = {c.get("id"): c for c in nb.cells}
    in_exercises = False
    for cell, stub in zip(ex.cells, handout.cells):
        assert "BEGIN SOLUTION" not in cell.source and SOLUTION_TAG not in cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            in_exercises = in_exercises or bool(re.search(r"^## Exercises", cell.source, re.M))
            continue
        assert not any(t.startswith("nbval-") for t in cell.metadata.get("tags", []))
        if "checks.check_" in cell.source:
            assert cell.source == CHECK_GUARD + stub.source and not cell.outputs
        elif in_exercises or solution_regions(original[cell.id].source):
            assert cell.source == stub.source and not cell.outputs and cell.execution_count is None
        else:  # a teaching cell: the lesson's, with its outputs (nbval runs it in the lesson)
            assert cell.source == original[cell.id].source
            assert cell.outputs == original[cell.id].outputs


# ---------------------------------------------------------------- Run All
def _exercise_section(nb) -> int:
    """Index of the "## Exercises" heading (len(nb.cells) if none)."""
    return next((i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M)), len(nb.cells))


def _is_exercise_or_check(cell) -> bool:
    return cell.cell_type == "code" and ("NotImplementedError(" in cell.source or "checks.check_" in cell.source)


def _run_all_part(path):
    """Run what "Run All" runs in an exercise notebook beyond the lesson's own teaching cells.

    The teaching cells are the lesson's, byte for byte, and nbval runs them in the lesson
    with the same set-up (fast mode); none of them uses a name an exercise defines (both
    tested below). So this runs, in a fresh kernel in fast mode, in an empty folder as a
    workspace is: the two set-up cells, the exercises and checks met before the exercise
    section (a prediction at the start of a lesson), and every code cell of the exercise
    section. A check cell run before the set-up cells comes first.
    """
    from nbclient import NotebookClient

    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup_end = next(i for i, c in enumerate(code) if "course_utils.setup(" in c.source)
    section = _exercise_section(nb)
    run = copy.deepcopy(nb)
    early = [copy.deepcopy(c) for c in code if "checks.check_" in c.source][:1]
    for cell in early:  # before the set-up cells: the guard's message, not a NameError
        cell.metadata["tags"] = ["raises-exception"]
    run.cells = (early + code[: setup_end + 1] + [c for c in nb.cells[:section] if _is_exercise_or_check(c)]
                 + [c for c in nb.cells[section:] if c.cell_type == "code"])
    workdir = ROOT / "build" / "student_path" / path.stem
    workdir.mkdir(parents=True, exist_ok=True)
    NotebookClient(run, timeout=300, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return run, len(early)


@pytest.mark.parametrize("lesson", NOTEBOOKS, ids=lambda p: p.stem)
def test_teaching_cells_never_use_what_an_exercise_defines(lesson):
    """So a stub cannot break "Run All" in the teaching cells, nor a solution shape their outputs."""
    nb = read(lesson)
    section = _exercise_section(nb)
    defined = set()
    for i, cell in enumerate(nb.cells[:section]):
        if cell.cell_type != "code":
            continue
        if solution_regions(cell.source):
            defined |= set(re.findall(r"^def (\w+)\(", cell.source, re.M))
        elif "checks.check_" not in cell.source:
            used = {name for name in defined if re.search(rf"\b{name}\b", cell.source)}
            assert not used, f"cell {i} (a teaching cell) uses {used}, which an exercise defines"


@pytest.fixture(scope="module")
def run_all():
    env = {"COURSE_FAST": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        paths = [exercise_path(p) for p in NOTEBOOKS if exercise_path(p).is_file()]
        with ThreadPoolExecutor(max_workers=2) as pool:  # two kernels at a time: 2-core CI machines
            futures = {p.name: pool.submit(_run_all_part, p) for p in paths}
        return {name: future for name, future in futures.items()}
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


@pytest.mark.parametrize("lesson", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_ends_without_error_and_every_check_says_not_yet(lesson, run_all):
    if lesson.name not in run_all:
        pytest.fail(f"no exercises/{lesson.name}: run `{REGENERATE}`")
    run, n_early = run_all[lesson.name].result()  # raises CellExecutionError if a cell failed

    def text(cell):
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")

    for cell in run.cells[n_early:]:
        assert not [o for o in cell.outputs if o.output_type == "error"]
        if "checks.check_" in cell.source:
            assert text(cell).startswith(checks.NOT_YET) and "NotImplementedError" in text(cell), text(cell)
    for cell in run.cells[:n_early]:  # a check before the set-up cells
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors and errors[0].ename == "RuntimeError", cell.outputs
        assert "Run the set-up cells first" in errors[0].evalue


def test_a_returned_exercise_notebook_with_the_solutions_grades_as_correct(tmp_path):
    """The grader accepts an exercise notebook: its metadata names the lesson, its cells keep their ids."""
    from course_utils import grade

    lesson = LESSONS[0]
    answers = {c.id: c.source for c in read(lesson).cells if solution_regions(c.source)}
    mine = read(exercise_path(lesson))
    for cell in mine.cells:
        if cell.get("id") in answers:
            cell.source = "\n".join(line for line in answers[cell.id].splitlines()
                                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    nbformat.write(mine, tmp_path / "my work.ipynb")
    rows = grade.check_notebook(tmp_path / "my work.ipynb", progress=lambda line: None)
    assert rows and all(r["status"] == "passed" for r in rows), rows
    assert not any("another version" in r.get("feedback", "") for r in rows)


# ---------------------------------------------------------------- nothing reveals an answer
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_solution_line_in_the_exercise_notebook(lesson):
    """Nor, so, in the lesson's cells above each exercise, which the notebook shows with their outputs."""
    secret = secrets(lesson)
    assert secret, "the lesson should have solutions"
    ex = read(exercise_path(lesson))
    leaks = [(i, line) for i, cell in enumerate(ex.cells) for line in secret if line in visible_text(cell)]
    assert not leaks, f"solution lines in exercises/{lesson.name} (cell, line): {leaks}"


def check_functions():
    return [getattr(checks, name) for name in checks.__all__ if name.startswith("check_")]


def test_no_solution_line_and_no_passing_example_in_a_checks_docstring():
    every = {line: path.name for path in LESSONS for line in secrets(path)}
    docs = {f.__name__: inspect.getdoc(f) or "" for f in check_functions()}
    docs.update({m: getattr(checks, m).__doc__ or "" for m in CHECK_MODULES if hasattr(checks, m)})
    leaks = [(name, line, lesson) for name, doc in docs.items() for line, lesson in every.items()
             if line in norm(doc)]
    assert not leaks, f"solution lines in docstrings (check, line, lesson): {leaks}"
    for f in check_functions():
        doc = inspect.getdoc(f) or ""
        assert checks.CORRECT not in doc, f"{f.__name__}: its docstring shows a passing example"
        for example in doctest.DocTestParser().get_examples(doc):
            if "check_" in example.source:
                assert example.want.startswith(checks.NOT_YET), f"{f.__name__}: an example that passes"


@pytest.fixture(scope="module")
def check_messages(tmp_path_factory):
    """Every message the checks print while their tests run them on stubs and wrong answers."""
    target = tmp_path_factory.mktemp("messages") / "messages.json"
    tests = sorted(str(p) for p in (ROOT / "tests").glob("test_checks_*.py"))
    env = dict(os.environ, COURSE_CHECK_MESSAGES=str(target), COURSE_FAST="1", TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "check_message_recorder", *tests],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert target.is_file(), out.stdout[-3000:] + out.stderr[-3000:]
    return json.loads(target.read_text(encoding="utf-8"))


def lesson_of_check():
    """A check's name in its messages ("correlate_loop") -> its lesson's notebook."""
    by_slug = {p.stem[3:]: p for p in LESSONS}
    return {f.__name__.removeprefix("check_"): by_slug.get(f.__module__.rsplit(".", 1)[-1])
            for f in check_functions()}


def test_no_solution_line_in_a_checks_message(check_messages):
    """A message may repeat the student's own answer ("got ..."); it may not show the lesson's."""
    wrong = [m["message"] for m in check_messages if not m["ok"]]
    assert len(wrong) > 100, "the check tests ran"
    assert any("NotImplementedError" in m for m in wrong)  # the stubs
    owner, secret = lesson_of_check(), {path: secrets(path) for path in LESSONS}
    leaks = set()
    for message in map(norm, wrong):
        name = re.match(r"\S+ Not yet \((\w+)\)", message)
        lessons = [owner[name.group(1)]] if name and owner.get(name.group(1)) else LESSONS
        leaks |= {(line, lesson.name, message[:200]) for lesson in lessons for line in secret[lesson]
                  if line in message}
    assert not leaks, f"solution lines in the checks' messages (line, lesson, message): {sorted(leaks)}"


def test_shared_lines_are_still_used():
    """Each allowance in SHARED names a line that is still in that lesson's solutions."""
    used = {(p.name[:2], line) for p in LESSONS for line in solution_lines(read(p))}
    assert set(SHARED) <= used, set(SHARED) - used

