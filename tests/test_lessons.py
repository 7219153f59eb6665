"""Lint for committed lessons: executed cleanly in a complete run, with the course's skeleton."""

import json
import re
import subprocess
import sys

import pytest
from lessons_helpers import APPENDICES, LESSONS, NOTEBOOKS, exercises, read

from course_utils.runtime import COLAB_URL, repo_root

pytestmark = pytest.mark.skipif(not LESSONS, reason="no lessons yet")
# The two set-up cells every notebook starts with (/tmp/s3/migrate_lessons.py writes them).
COLAB_TITLE = "# On Colab only: fetch the course's code and data. Elsewhere this cell does nothing."
SETUP_TITLE = "# Set-up: imports, seeds and plot style; prints the versions and whether fast mode is on."
# The cell tags nbval 0.11 reads (nbval/plugin.py, metadata_tags), and the course's own.
NBVAL_TAGS = {"nbval-check-output", "nbval-ignore-output", "nbval-skip", "nbval-raises-exception",
              "raises-exception"}
COURSE_TAGS = {"solution"}
# A test-harness marker or a lint suppression written in a cell, where a student reads it.
HARNESS = re.compile(r"^\s*#\s*(NBVAL_\w+|PYTEST_VALIDATE_\w+)\s*$|#\s*noqa\b", re.M)
NOISE = re.compile(r"oneDNN custom operations|absl::InitializeLog|cpu_feature_guard|"
                   r"Unable to register cu(DNN|FFT|BLAS)|TF-TRT Warning|computation placer")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def all_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        for key, value in out.get("data", {}).items():
            if key.startswith("text/"):
                parts.append(value)
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_top_to_bottom_without_errors(path):
    cells = [c for c in code_cells(read(path)) if c.source.strip()]
    if cells and cells[0].source.startswith(COLAB_TITLE) and cells[0].execution_count is None:
        # Converted to the two set-up cells without a re-run: the Colab cell (which does
        # nothing off Colab) has not run yet; every other cell ran in order.
        assert not cells[0].outputs
        cells = cells[1:]
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), (
        "run it with `python -m course_utils run` (fresh kernel, top to bottom)"
    )
    for i, cell in enumerate(cells):
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {i} has an error output"
            if out.output_type == "stream":
                assert out.name != "stderr" or not out.text.strip(), f"cell {i} writes to stderr: {out.text[:300]}"
        assert not NOISE.search(all_text(cell)), f"cell {i} shows TensorFlow start-up noise"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_from_a_complete_run(path):
    setup = setup_cell(read(path))
    assert "Fast mode: off" in all_text(setup), "commit outputs of a complete run (COURSE_FAST=0)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_metadata_and_size(path):
    nb = read(path)
    assert "widgets" not in nb.metadata
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert path.stat().st_size < 3 * 2**20, "keep lessons under 3 MiB (lower figure dpi)"
    assert not any("execution" in c.metadata for c in nb.cells), "no timing metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_colab_badge_points_to_this_file(path):
    """A text link (an image from colab.research.google.com is broken offline)."""
    first = read(path).cells[0]
    assert first.cell_type == "markdown"
    rel = path.relative_to(repo_root()).as_posix()
    links = re.findall(r"\((https://colab\.research\.google\.com/github/[^)]+)\)", first.source)
    assert links == [COLAB_URL + rel]
    assert first.source.startswith(f"**[Open in Colab]({COLAB_URL}{rel})**\n"), (
        "the first line is the text link **[Open in Colab](URL)** (run /tmp/s3/migrate_lessons.py)")
    for cell in read(path).cells:
        if cell.cell_type == "markdown":
            images = re.findall(r"!\[[^]]*\]\((https?://[^)]+)\)|<img[^>]*src=\"(https?://[^\"]+)", cell.source)
            assert not images, f"an image from the internet is broken offline: {images}"


def setup_cell(nb):
    """The set-up cell proper: the one that calls course_utils.setup(...)."""
    return next(c for c in code_cells(nb) if "course_utils.setup(" in c.source)


def assert_title_setup_and_summary(nb, title_pattern: str, example: str):
    """The skeleton every notebook shares: a title with its goals, the setup cell, a summary."""
    title = nb.cells[0].source
    assert re.search(title_pattern, title, re.M), f"a title: {example!r}"
    assert "You will learn" in title
    colab, setup = code_cells(nb)[:2]
    assert colab.source.startswith(COLAB_TITLE), f"the first code cell is the Colab cell: {COLAB_TITLE!r}"
    assert 'if "google.colab" in sys.modules:' in colab.source and len(colab.source.splitlines()) <= 8
    assert "course_utils" not in colab.source.replace("/content/cnn-course", "")
    assert setup.source.startswith(SETUP_TITLE), f"the second code cell is the set-up cell: {SETUP_TITLE!r}"
    assert "course_utils.setup(" in setup.source and "google.colab" not in setup.source
    headings = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert any(re.search(r"^## Summary", h, re.M) for h in headings)
    return headings


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_skeleton(path):
    nb = read(path)
    headings = assert_title_setup_and_summary(nb, r"^# Lesson \d\d", "# Lesson NN · ...")
    assert any(re.search(r"^## Exercises", h, re.M) for h in headings)
    assert len(list(exercises(nb))) >= 3
    checked = [c for c in code_cells(nb) if "nbval-check-output" in c.metadata.get("tags", [])]
    assert len(checked) >= 5, "tag mode-independent outputs nbval-check-output (cell metadata)"
    asserts = sum(c.source.count("assert") for c in code_cells(nb))
    assert asserts >= 5, "lessons prove their claims with self-checks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_have_labelled_axes(path):
    for i, cell in enumerate(code_cells(read(path))):
        plots = re.search(r"\.(plot|stem|bar|step|scatter)\(", cell.source)
        if plots and "show_images" not in cell.source:
            assert "set_xlabel" in cell.source and "set_ylabel" in cell.source, f"cell {i}: label the axes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_an_alt_text(path):
    """A screen reader reads the figure's alt text (cell metadata mystnb.image.alt, kept by the site)."""
    for i, cell in enumerate(code_cells(read(path))):
        if any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt.split()) >= 6, (
                f"cell {i} ({cell.source.splitlines()[0][:60]!r}): give its figure an alt text that "
                "says what a reader should see, in the cell's metadata mystnb.image.alt")
            assert len(alt) <= 400, f"cell {i}: keep the alt text short (<= 400 characters)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_trailing_semicolons(path):
    """nbval runs cells without history, so IPython ignores a final ';' there: use plt.show()."""
    for i, cell in enumerate(code_cells(read(path))):
        lines = [line for line in cell.source.rstrip().splitlines() if line.strip()]
        assert not (lines and lines[-1].rstrip().endswith(";")), f"cell {i}: end with plt.show(), not ';'"


@pytest.mark.parametrize("path", APPENDICES, ids=lambda p: p.stem)
def test_appendix_skeleton(path):
    nb = read(path)
    assert_title_setup_and_summary(nb, r"^# Appendix [A-Z] · ", "# Appendix A · ...")
    assert not list(exercises(nb)), "appendices have no graded exercises"


def colab_block(path):
    colab = code_cells(read(path))[0].source
    return colab[colab.index('if "google.colab" in sys.modules:'):]


def test_every_lesson_has_the_same_colab_block():
    """One way to run on Colab: clone, install without touching Colab's packages, import."""
    blocks = {path.name: colab_block(path) for path in NOTEBOOKS}
    assert len(set(blocks.values())) == 1, blocks
    block = next(iter(blocks.values()))
    assert "git clone" in block and "--no-deps" in block


def test_ruff_is_clean():
    # exercises/ is generated from the linted lessons, and its stubs leave names undefined
    # on purpose (a prediction's `return a, b` after the stub's raise).
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--extend-exclude", "exercises", "."],
                         cwd=repo_root(), capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nbval_markers_are_tags_and_no_lint_suppressions(path):
    """Students read the cells: nbval's markers live in cell metadata (tags), and no `# noqa`."""
    for i, cell in enumerate(read(path).cells):
        found = HARNESS.search(cell.source)
        assert not found, (f"cell {i}: {found.group(0).strip()!r} in the source; nbval reads the cell tags "
                           "nbval-check-output, nbval-ignore-output, nbval-skip, raises-exception "
                           "(convert with /tmp/s3/migrate_lessons.py), and ruff's per-file ignores "
                           "(pyproject.toml) replace a noqa")
        tags = cell.get("metadata", {}).get("tags", [])
        unknown = set(tags) - NBVAL_TAGS - COURSE_TAGS
        assert not unknown, f"cell {i}: unknown tags {unknown}"
        assert len(set(tags) & NBVAL_TAGS) <= 1, f"cell {i}: one nbval tag at most: {tags}"


def test_notebooks_are_valid_json_with_one_setup_cell():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        setups = [c for c in nb["cells"] if "course_utils.setup(" in "".join(c["source"])]
        assert len(setups) == 1, path.name
