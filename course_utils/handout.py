"""Student handouts: the lessons with solutions replaced by stubs.

The lessons in ``lessons/`` are the instructor versions. In a code cell, a
solution sits between two marker lines, as in nbgrader::

    def moving_average_kernel(m):
        ### BEGIN SOLUTION
        return np.ones(m) / m
        ### END SOLUTION

The handout keeps everything outside the markers and replaces the region with
a stub at the same indentation::

    def moving_average_kernel(m):
        # YOUR CODE HERE
        raise NotImplementedError("Exercise 4: a moving-average kernel")

where the message is the title of the exercise (the last markdown heading
that starts with "Exercise" above the cell). In a markdown cell the region
becomes "YOUR ANSWER HERE". Cells tagged ``solution`` (for example a cell that
only discusses the solution) are dropped, and all outputs are cleared.

Every cell keeps its nbformat cell id, and the handout records in its
metadata (under ``"cnn_course"``) which lesson it comes from, by a name that
survives renumbering (:func:`lesson_slug`: ``"transfer_learning"``, not
``"08_transfer_learning"``), and a hash of its cells. ``python -m course_utils grade`` uses both: it recognises a returned
notebook's lesson from the metadata, not from the file name, and finds the
student's solution cells by their ids.

Instructors who use nbgrader can take the lessons as they are: the markers
are the ones its ``ClearSolutions`` preprocessor looks for.

The *exercise notebooks* in ``exercises/`` (:func:`make_exercise_notebook`,
``python -m course_utils exercises``) are what students open: a handout that
keeps the teaching cells' outputs and figures, so that it reads well on GitHub
and Colab, with its Colab link pointing at itself. They are committed, and a
test regenerates them and compares the bytes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

__all__ = [
    "BEGIN",
    "CHECK_GUARD",
    "END",
    "METADATA_KEY",
    "SOLUTION_TAG",
    "exercise_notebook_text",
    "find_lesson",
    "handout_version",
    "lesson_slug",
    "make_exercise_notebook",
    "make_handout",
    "solution_regions",
    "stale_exercise_notebooks",
    "write_exercise_notebooks",
    "write_handouts",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
#: Cells with this tag exist only for the instructor and are dropped.
SOLUTION_TAG = "solution"
#: The notebook metadata key under which a handout says where it comes from.
METADATA_KEY = "cnn_course"

_EXERCISE_HEADING = re.compile(r"^#+\s*(Exercise\b.*)$", re.MULTILINE)


_NUMBER = re.compile(r"^\d\d_")


def lesson_slug(name: str) -> str:
    """The lesson's name without its number: the identifier handouts record.

    Lessons are renumbered when the course grows (the transfer-learning lesson
    was ``06_transfer_learning`` before it became ``08_transfer_learning``); a
    handout records the slug, so a notebook handed out before a renumbering
    still finds its lesson.

    Parameters
    ----------
    name : str
        A lesson's file name without ``.ipynb``, with or without its number.

    Returns
    -------
    str
        ``name`` without a leading two-digit number and underscore.

    Examples
    --------
    >>> lesson_slug("08_transfer_learning"), lesson_slug("transfer_learning"), lesson_slug("appendix_speed")
    ('transfer_learning', 'transfer_learning', 'appendix_speed')
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a lesson's name such as '01_convolution_1d'; got {name!r}")
    return _NUMBER.sub("", name.strip())


def find_lesson(name, folder) -> Path | None:
    """The one notebook in ``folder`` that ``name`` means, or None.

    ``name`` may be a number (``"08"``), a file name without ``.ipynb``
    (``"08_transfer_learning"``), a slug (``"transfer_learning"``), or the file
    name a lesson had before a renumbering (``"06_transfer_learning"``: its slug
    decides).

    Parameters
    ----------
    name : str or int
        What the user or a handout's metadata gives.
    folder : path-like
        A folder of lessons (``lessons/``).

    Returns
    -------
    pathlib.Path or None
        None when no notebook or more than one matches.

    Examples
    --------
    >>> from course_utils.runtime import repo_root
    >>> find_lesson("06_transfer_learning", repo_root() / "lessons").name
    '08_transfer_learning.ipynb'
    >>> find_lesson("01", repo_root() / "lessons").name
    '01_convolution_1d.ipynb'
    """
    name = str(name).strip()
    notebooks = sorted(Path(folder).glob("*.ipynb"))
    for rule in (lambda p: p.stem == name,
                 lambda p: name.isdigit() and p.stem.startswith(f"{name}_"),
                 lambda p: bool(name) and lesson_slug(p.stem) == lesson_slug(name)):
        matches = [p for p in notebooks if rule(p)]
        if matches:
            return matches[0] if len(matches) == 1 else None
    return None


def solution_regions(source: str, where: str = "cell"):
    """Return ``(begin_line, end_line)`` index pairs of the solution regions.

    Parameters
    ----------
    source : str
        A cell's source.
    where : str
        How to name the cell in error messages.

    Returns
    -------
    list of (int, int)
        Line indices of each ``### BEGIN SOLUTION`` and its ``### END SOLUTION``.

    Raises
    ------
    ValueError
        Markers that are nested, unclosed or closed without being opened.

    Examples
    --------
    >>> solution_regions("a\\n### BEGIN SOLUTION\\nb\\n### END SOLUTION")
    [(1, 3)]
    """
    regions, start = [], None
    for i, line in enumerate(source.splitlines()):
        marker = line.strip()
        if marker == BEGIN:
            if start is not None:
                raise ValueError(f"{where}: line {i + 1}: {BEGIN} inside another solution")
            start = i
        elif marker == END:
            if start is None:
                raise ValueError(f"{where}: line {i + 1}: {END} without {BEGIN}")
            regions.append((start, i))
            start = None
    if start is not None:
        raise ValueError(f"{where}: line {start + 1}: {BEGIN} is never closed")
    return regions


def _replace_regions(source: str, stub, where: str) -> str:
    lines = source.splitlines()
    regions = solution_regions(source, where)
    if not regions:
        return source  # as it is, to the last newline
    for begin, end in reversed(regions):
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        lines[begin : end + 1] = [indent + s for s in stub]
    return "\n".join(lines)


def handout_version(nb) -> str:
    """Return a short hash of a notebook's cells (their ids, types and sources).

    Two handouts made from the same lesson have the same version; any change
    to a cell that a student receives changes it. Outputs and metadata do not
    count.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook (normally a handout).

    Returns
    -------
    str
        16 hexadecimal digits.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", id="a1")])
    >>> handout_version(nb)
    '64e3fd64dad040f6'
    """
    cells = [[c.get("id"), c.cell_type, c.source] for c in nb.cells]
    text = json.dumps(cells, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_handout(nb, lesson: str | None = None):
    """Return a copy of notebook ``nb`` with solutions stubbed and outputs cleared.

    Cell ids are kept, so a student's cell can be matched with the lesson's.
    (Cells of an old notebook without ids get ``cell-<index>``.) The metadata
    key ``"cnn_course"`` records the lesson's name and the handout's version
    (:func:`handout_version`).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A lesson as read by ``nbformat.read(path, as_version=4)``.
    lesson : str, optional
        The lesson's name, its file name without ``.ipynb``
        (``"01_convolution_1d"``); its :func:`lesson_slug` is recorded in the
        metadata.

    Returns
    -------
    nbformat.NotebookNode
        The handout; ``nb`` itself is not changed.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## Exercise 1: add"),
    ...     nbformat.v4.new_code_cell("def add(a, b):\\n    ### BEGIN SOLUTION\\n"
    ...                               "    return a + b\\n    ### END SOLUTION")])
    >>> print(make_handout(nb).cells[1].source)
    def add(a, b):
        # YOUR CODE HERE
        raise NotImplementedError("Exercise 1: add")
    """
    if lesson is not None and not isinstance(lesson, str):
        raise TypeError(f"lesson must be a lesson's name such as '01_convolution_1d'; got {lesson!r}")
    if lesson is not None and not lesson.strip():
        raise ValueError(f"lesson must be a lesson's name such as '01_convolution_1d'; got {lesson!r}")
    out = copy.deepcopy(nb)
    if any("id" not in cell for cell in out.cells):  # nbformat < 4.5: give stable ids
        out.nbformat, out.nbformat_minor = 4, max(5, out.get("nbformat_minor", 0))
        for index, cell in enumerate(out.cells):
            cell.setdefault("id", f"cell-{index}")
    cells, exercise = [], "this exercise"
    for index, cell in enumerate(out.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            continue
        where = f"cell {index}"
        if cell.cell_type == "markdown":
            headings = _EXERCISE_HEADING.findall(cell.source)
            if headings:
                exercise = headings[-1].strip()
            cell.source = _replace_regions(cell.source, ["YOUR ANSWER HERE"], where)
        elif cell.cell_type == "code":
            message = exercise.replace("\\", "\\\\").replace('"', '\\"')
            stub = ["# YOUR CODE HERE", f'raise NotImplementedError("{message}")']
            cell.source = _replace_regions(cell.source, stub, where)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("widgets", None)
    record = {"version": handout_version(out)}
    if lesson is not None:
        record = {"lesson": lesson_slug(lesson), **record}
    out.metadata[METADATA_KEY] = record
    return out


#: What a check cell of an exercise notebook starts with: run before the set-up cells,
#: a check would otherwise stop with "NameError: name 'checks' is not defined".
CHECK_GUARD = (
    'if "checks" not in globals():\n'
    '    raise RuntimeError("Run the set-up cells first: the first two code cells of this notebook.")\n'
)
_EXERCISES_HEADING = re.compile(r"^##\s+Exercises\b", re.MULTILINE)
_STUDENT_NOTE = (
    "*The exercise version of the lesson: write your answers where a cell says `YOUR CODE HERE` "
    "(or `YOUR ANSWER HERE`), and run the check cell below each exercise to see whether it is "
    "right. The version with the solutions is in the course's `lessons/` folder.*"
)


def make_exercise_notebook(nb, lesson: str):
    """Return the student's version of lesson ``nb``: a handout that keeps the lesson's figures.

    Like :func:`make_handout` (solutions replaced by stubs, cells tagged
    ``solution`` dropped, cell ids kept, the lesson's slug and handout version
    in the metadata, so ``python -m course_utils grade`` accepts it), except that

    - the outputs of the teaching cells (code cells above the ``## Exercises``
      heading that are neither an exercise nor a check) are kept, with their
      execution counts, so the notebook reads as the lesson does;
    - every cell from the ``## Exercises`` heading on, and every exercise and
      check cell, has no output;
    - each check cell starts with :data:`CHECK_GUARD`, which asks for the set-up
      cells when they have not run;
    - nbval's tags (``nbval-check-output``, ...) are left out: they are the
      course's tests, not the student's;
    - the Colab link in the first cell opens ``exercises/<file>``, followed by a
      short note on where answers go.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A lesson, with its outputs.
    lesson : str
        Its file name without ``.ipynb`` (``"01_convolution_1d"``).

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Lesson 99 · Adding"),
    ...     nbformat.v4.new_code_cell("print(2)", outputs=[nbformat.v4.new_output("stream", text="2\\n")]),
    ...     nbformat.v4.new_markdown_cell("## Exercises\\n### Exercise 1: add"),
    ...     nbformat.v4.new_code_cell("def add(a, b):\\n    ### BEGIN SOLUTION\\n    ...\\n    ### END SOLUTION"),
    ...     nbformat.v4.new_code_cell("checks.check_add(add)")])
    >>> ex = make_exercise_notebook(nb, "99_adding")
    >>> ex.cells[1].outputs[0]["text"], ex.metadata["cnn_course"]["lesson"]
    ('2\\n', 'adding')
    >>> print(ex.cells[4].source.splitlines()[-1])
    checks.check_add(add)
    """
    from .runtime import COLAB_URL

    if not isinstance(lesson, str) or not lesson.strip():
        raise ValueError(f"lesson must be a lesson's name such as '01_convolution_1d'; got {lesson!r}")
    handout = make_handout(nb, lesson=lesson)
    original = {c.get("id"): c for c in nb.cells}
    solution_ids = {c.get("id") for c in nb.cells if c.cell_type == "code" and solution_regions(c.source)}
    in_exercises = False
    for cell in handout.cells:
        if cell.cell_type == "markdown":
            in_exercises = in_exercises or bool(_EXERCISES_HEADING.search(cell.source))
            continue
        if cell.cell_type != "code":
            continue
        tags = [t for t in cell.metadata.get("tags", []) if not t.startswith("nbval-")]  # test-harness tags
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        is_check = "checks.check_" in cell.source
        if is_check and not cell.source.startswith(CHECK_GUARD):
            cell.source = CHECK_GUARD + cell.source
        source = original.get(cell.get("id"))
        if in_exercises or is_check or cell.get("id") in solution_ids or source is None:
            cell.outputs, cell.execution_count = [], None
        else:
            cell.outputs = copy.deepcopy(source.get("outputs", []))
            cell.execution_count = source.get("execution_count")
    first = handout.cells[0] if handout.cells else None
    if first is not None and first.cell_type == "markdown":
        lesson_url = f"{COLAB_URL}lessons/{lesson}.ipynb"
        if lesson_url in first.source:
            source = first.source.replace(lesson_url, f"{COLAB_URL}exercises/{lesson}.ipynb")
            head, sep, tail = source.partition("\n")
            first.source = f"{head}\n\n{_STUDENT_NOTE}\n{tail}" if sep and "Open in Colab" in head else source
    return handout


def exercise_notebook_text(lesson) -> str:
    """The exact text of ``exercises/<name>.ipynb`` for a lesson file (what is committed).

    Parameters
    ----------
    lesson : path-like
        A lesson notebook.

    Returns
    -------
    str
        nbformat's JSON (sorted keys, one-space indent) and a final newline.
    """
    import nbformat

    lesson = Path(lesson)
    nb = make_exercise_notebook(nbformat.read(lesson, as_version=4), lesson.stem)
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_exercise_notebooks(lessons, out_dir) -> list[Path]:
    """Write the exercise notebook of each lesson into ``out_dir`` (same file names).

    Files whose text would not change are not rewritten.

    Parameters
    ----------
    lessons : iterable of path-like
    out_dir : path-like

    Returns
    -------
    list of pathlib.Path
        The files written (changed or new).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lesson in lessons:
        lesson = Path(lesson)
        target = out_dir / lesson.name
        text = exercise_notebook_text(lesson)
        if not target.is_file() or target.read_bytes() != text.encode("utf-8"):
            target.write_bytes(text.encode("utf-8"))
            written.append(target)
    return written


def stale_exercise_notebooks(lessons, out_dir) -> list[str]:
    """Which exercise notebooks in ``out_dir`` differ from what their lessons give.

    Parameters
    ----------
    lessons : iterable of path-like
    out_dir : path-like

    Returns
    -------
    list of str
        File names that are missing or out of date, and notebooks in
        ``out_dir`` that no lesson makes; empty when all are in sync.
    """
    out_dir = Path(out_dir)
    lessons = [Path(p) for p in lessons]
    stale = [p.name for p in lessons if not (out_dir / p.name).is_file()
             or (out_dir / p.name).read_bytes() != exercise_notebook_text(p).encode("utf-8")]
    names = {p.name for p in lessons}
    stale += sorted(p.name for p in out_dir.glob("*.ipynb") if p.name not in names)
    return stale


def write_handouts(lessons, out_dir) -> list[Path]:
    """Write a handout for each lesson notebook into ``out_dir``.

    Parameters
    ----------
    lessons : iterable of path-like
        Lesson notebooks (``.ipynb``).
    out_dir : path-like
        Created if needed; each handout keeps its lesson's file name, and
        records the name (without ``.ipynb``) in its metadata.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> from course_utils.runtime import repo_root
    >>> import tempfile
    >>> paths = write_handouts(sorted((repo_root() / "lessons").glob("01_*.ipynb")),
    ...                        tempfile.mkdtemp())
    >>> paths[0].name.startswith("01_")
    True
    """
    import nbformat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lesson in lessons:
        lesson = Path(lesson)
        nb = nbformat.read(lesson, as_version=4)
        handout = make_handout(nb, lesson=lesson.stem)
        nbformat.validate(handout)
        target = out_dir / lesson.name
        nbformat.write(handout, target)
        written.append(target)
    return written
